// The CLI's progress display: plain lines for logs (start, every 10 %, end), a throttled bar
// redrawn in place on terminals, nothing when quiet.
#include "cli/progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace safeguard::cli {
namespace {

// A temporary file standing in for stderr.
class captured {
 public:
  captured() : file_(std::tmpfile()) {}
  ~captured() { std::fclose(file_); }
  captured(const captured&) = delete;
  captured& operator=(const captured&) = delete;
  std::FILE* file() const { return file_; }
  std::string text() const {
    std::fflush(file_);
    std::rewind(file_);
    std::string s;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) s.append(buffer, n);
    return s;
  }

 private:
  std::FILE* file_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  return out;
}

// The text after the "[  0.0s] " time stamp.
std::string without_stamp(const std::string& line) {
  const std::size_t at = line.find("] ");
  return at == std::string::npos ? line : line.substr(at + 2);
}

TEST(ProgressDisplay, LinesModeShowsALongStageEveryTenthAndNothingTwice) {
  captured out;
  {
    // Every stage counts as long from its start.
    progress_display p(progress_style::lines, out.file(), std::chrono::milliseconds(0));
    for (std::uint64_t i = 0; i <= 1000; ++i) p.update("children", i, 1000);
  }
  const std::vector<std::string> lines = lines_of(out.text());
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(without_stamp(lines.front()), "children: 0 / 1,000 (0%)");
  EXPECT_EQ(without_stamp(lines[5]), "children: 500 / 1,000 (50%)");
  EXPECT_EQ(without_stamp(lines.back()), "children: 1,000 / 1,000 (100%)");
  EXPECT_EQ(lines.front().substr(0, 1), "[");
}

TEST(ProgressDisplay, LinesModeWithAnUnknownTotalPrintsTheEndOnly) {
  captured out;
  progress_display p(progress_style::lines, out.file(), std::chrono::milliseconds(0));
  p.update("scanning", 0, 0);
  p.update("scanning", 5, 0);
  p.update("scanning", 9, 0);
  p.finish();
  p.finish();  // a second finish adds nothing
  const std::vector<std::string> lines = lines_of(out.text());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(without_stamp(lines[0]), "scanning: 9");
}

TEST(ProgressDisplay, ShortStagesTakeOneLineEach) {
  captured out;
  progress_display p(progress_style::lines, out.file());
  p.update("org_units", 0, 0);
  p.update("org_units", 191, 0);
  p.update("children", 0, 10);
  p.update("children", 5, 10);
  p.update("", 3, 0);
  p.finish();
  const std::vector<std::string> lines = lines_of(out.text());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(without_stamp(lines[0]), "org_units: 191");
  EXPECT_EQ(without_stamp(lines[1]), "children: 5 / 10 (50%)");
  EXPECT_EQ(without_stamp(lines[2]), "working: 3");
}

TEST(ProgressDisplay, BarModeRedrawsOneLineAtMostTenTimesASecond) {
  captured out;
  {
    progress_display p(progress_style::bar, out.file());
    for (std::uint64_t i = 0; i <= 100000; ++i) p.update("population", i, 100000);
    p.update("plans", 1, 2);
  }
  const std::string text = out.text();
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_EQ(lines.size(), 2u);  // one line per stage, each ended when the stage ended
  const auto redraws = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\r'));
  EXPECT_GE(redraws, 3u);    // the start and the end of each stage
  EXPECT_LT(redraws, 100u);  // not one per update
  const std::string last = lines[0].substr(lines[0].rfind('\r') + 1);
  EXPECT_EQ(last.substr(0, 14), "population   [");
  EXPECT_NE(last.find("[########################] 100,000 / 100,000 (100%)"), std::string::npos)
      << last;
  EXPECT_NE(lines[1].find("plans        [############............] 1 / 2 (50%)"), std::string::npos)
      << lines[1];
}

TEST(ProgressDisplay, QuietShowsNothing) {
  captured out;
  {
    progress_display p(progress_style::quiet, out.file());
    p.update("children", 1, 2);
    p.callback()("children", 2, 2);
  }
  EXPECT_EQ(out.text(), "");
}

TEST(ProgressDisplay, AutomaticChoosesLinesForAFileAndTheCallbackForwards) {
  captured out;
  progress_display p(progress_style::automatic, out.file());
  EXPECT_EQ(p.style(), progress_style::lines);
  const progress_callback cb = p.callback();
  cb("loading", 1, 4);
  p.finish();
  const std::vector<std::string> lines = lines_of(out.text());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(without_stamp(lines[0]), "loading: 1 / 4 (25%)");
}

TEST(ProgressDisplay, GroupsDigitsInThrees) {
  EXPECT_EQ(group_digits(0), "0");
  EXPECT_EQ(group_digits(999), "999");
  EXPECT_EQ(group_digits(1000), "1,000");
  EXPECT_EQ(group_digits(25000000), "25,000,000");
  EXPECT_EQ(group_digits(1234567), "1,234,567");
}

}  // namespace
}  // namespace safeguard::cli
