// The dataset writer: what it writes loads back to the same columns.
#include "safeguard/io/write.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "safeguard/error.hpp"
#include "safeguard/io/generate.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/io/snapshot.hpp"

namespace fs = std::filesystem;
using namespace safeguard;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("safeguard_write_test_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A snapshot holds every column as it is (no timestamp), so equal bytes mean equal datasets.
std::string snapshot_bytes(const dataset& d, const fs::path& path) {
  io::save_snapshot(d, path.string());
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(WriteDataset, GeneratedDatasetRoundTripsColumnForColumn) {
  const fs::path dir = fresh_dir("round_trip");
  io::generate_options options;
  options.children = 3000;
  options.provinces = 2;
  options.seed = 5;
  io::generate_dataset((dir / "generated").string(), options);
  const dataset original = io::load_dataset((dir / "generated").string());
  ASSERT_GT(original.cases.size(), 0u);
  ASSERT_GT(original.targets.size(), 0u);

  io::write_dataset(original, (dir / "written").string());
  const dataset again = io::load_dataset((dir / "written").string());
  EXPECT_EQ(again.children.size(), original.children.size());
  EXPECT_EQ(again.cases.size(), original.cases.size());
  EXPECT_EQ(snapshot_bytes(original, dir / "a.snap"), snapshot_bytes(again, dir / "b.snap"));
}

TEST(WriteDataset, QuotesTextWithCommasQuotesAndLineEnds) {
  const fs::path dir = fresh_dir("quoting");
  dataset d;
  d.org_units.code.push_back("P1");
  d.org_units.name.push_back("T\xe1\xbb\x89nh \"A\", line\nbreak");
  d.org_units.parent.emplace_back();
  d.org_units.kind.push_back(no_code);
  io::write_dataset(d, dir.string());
  const dataset again = io::load_dataset(dir.string());
  ASSERT_EQ(again.org_units.size(), 1u);
  EXPECT_EQ(again.org_units.name[0], d.org_units.name[0]);
  EXPECT_EQ(again.org_units.kind[0], no_code);
  EXPECT_EQ(again.children.size(), 0u);
}

TEST(WriteDataset, NamesTheFolderItCannotCreate) {
  const fs::path dir = fresh_dir("unwritable");
  std::ofstream(dir / "a_file") << "x";
  try {
    io::write_dataset(dataset{}, (dir / "a_file" / "sub").string());
    FAIL() << "expected safeguard::error";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("a_file/sub"), std::string::npos) << e.what();
  }
}
