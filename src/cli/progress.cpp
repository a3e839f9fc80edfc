// Progress display of the `safeguard` tool (cli/progress.hpp).
#include "cli/progress.hpp"

#include <algorithm>

#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

namespace safeguard::cli {

namespace {

// A terminal is redrawn at most this often; faster redraws only cost time.
constexpr std::chrono::milliseconds redraw_interval(100);
constexpr int bar_cells = 24;

bool is_terminal(std::FILE* f) {
#if defined(_WIN32)
  return _isatty(_fileno(f)) != 0;
#else
  return isatty(fileno(f)) != 0;
#endif
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
  const double s = std::chrono::duration<double>(d).count();
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", s);
  return text;
}

}  // namespace

std::string group_digits(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

progress_display::progress_display(progress_style style, std::FILE* out,
                                   std::chrono::milliseconds detail_after)
    : style_(style), out_(out), detail_after_(detail_after), started_(clock::now()) {
  if (style_ == progress_style::automatic)
    style_ = out_ != nullptr && is_terminal(out_) ? progress_style::bar : progress_style::lines;
  if (out_ == nullptr) style_ = progress_style::quiet;
}

progress_display::~progress_display() { finish(); }

progress_callback progress_display::callback() {
  return [this](std::string_view what, std::uint64_t done, std::uint64_t total) {
    update(what, done, total);
  };
}

void progress_display::update(std::string_view what, std::uint64_t done, std::uint64_t total) {
  if (style_ == progress_style::quiet) return;
  if (what.empty()) what = "working";
  const clock::time_point now = clock::now();
  const bool new_stage = !active_ || what != stage_;
  if (new_stage) {
    if (active_) end_stage();
    stage_.assign(what.data(), what.size());
    active_ = true;
    stage_start_ = now;
    printed_tenth_ = -1;
  }
  done_ = done;
  total_ = total;
  shown_ = false;
  const bool complete = total_ > 0 && done_ >= total_;
  if (style_ == progress_style::bar) {
    if (new_stage || complete || now - last_draw_ >= redraw_interval) draw_bar();
  } else if (!complete && total_ > 0 && now - stage_start_ >= detail_after_ &&
             static_cast<int>(done_ * 10 / total_) > printed_tenth_) {
    // A long stage: a line at each 10 % step; the end is printed by end_stage().
    print_line();
  }
}

void progress_display::finish() {
  if (style_ == progress_style::quiet || !active_) return;
  end_stage();
  active_ = false;
  std::fflush(out_);
}

void progress_display::end_stage() {
  if (style_ == progress_style::bar) {
    if (!shown_) draw_bar();
    std::fputc('\n', out_);
    bar_length_ = 0;
  } else if (!shown_) {
    print_line();
  }
}

std::string progress_display::status() const {
  std::string s = group_digits(done_);
  if (total_ > 0) {
    s += " / " + group_digits(total_);
    const std::uint64_t percent = std::min<std::uint64_t>(done_ * 100 / total_, 100);
    s += " (" + std::to_string(percent) + "%)";
  }
  return s;
}

void progress_display::draw_bar() {
  std::string line = stage_;
  if (line.size() < 12) line.resize(12, ' ');
  line += " [";
  const int filled =
      total_ > 0 ? static_cast<int>(std::min<std::uint64_t>(done_ * bar_cells / total_, bar_cells))
                 : 0;
  line.append(static_cast<std::size_t>(filled), '#');
  line.append(static_cast<std::size_t>(bar_cells - filled), total_ > 0 ? '.' : ' ');
  line += "] ";
  line += status();
  line += "  ";
  line += seconds_text(clock::now() - stage_start_);
  // Blank what is left of a longer previous line.
  const std::size_t length = line.size();
  if (length < bar_length_) line.append(bar_length_ - length, ' ');
  bar_length_ = length;
  std::fputc('\r', out_);
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
  last_draw_ = clock::now();
  shown_ = true;
}

void progress_display::print_line() {
  const std::string stamp = seconds_text(clock::now() - started_);
  std::fprintf(out_, "[%7s] %s: %s\n", stamp.c_str(), stage_.c_str(), status().c_str());
  if (total_ > 0)
    printed_tenth_ = static_cast<int>(std::min<std::uint64_t>(done_ * 10 / total_, 10));
  shown_ = true;
}

}  // namespace safeguard::cli
