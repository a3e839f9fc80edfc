// Binary snapshots (docs/validation.md, "Snapshot format"): a dataset with every column
// filled survives a round trip column by column, and a wrong, newer, truncated, damaged or
// forged file gives a snapshot_error with a clear message, never a crash or a huge
// allocation.
#include "safeguard/io/snapshot.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "io/detail/snapshot_checksum.hpp"
#include "safeguard/io/load.hpp"

namespace sg = safeguard;
namespace fs = std::filesystem;
using sg::io::load_snapshot;
using sg::io::save_snapshot;
using sg::io::snapshot_error;

namespace {

constexpr std::size_t header_size = 32;

class temp_dir {
 public:
  temp_dir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("sg_snapshot_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string& path, const std::string& bytes) {
  // A new file rather than a truncated one: ext4 flushes a truncated file to disk on close,
  // which makes thousands of rewrites slow.
  std::remove(path.c_str());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void put_le64(std::string& s, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i));
}

// Recomputes the header's checksum after the payload was changed on purpose.
void fix_checksum(std::string& file) {
  put_le64(file, 24,
           sg::detail::snapshot_checksum::of(file.data() + header_size, file.size() - header_size));
}

constexpr sg::day_number day(int y, unsigned m, unsigned d) { return sg::to_day_number({y, m, d}); }

template <class Tag>
sg::row_index<Tag> at(std::int32_t i) {
  return sg::row_index<Tag>(i);
}

// Every table non-empty and every column holding values other than its default.
sg::dataset full_dataset() {
  sg::dataset d;
  auto& u = d.org_units;
  for (const char* c : {"22", "193", "06652"}) u.code.push_back(c);
  for (const char* n : {"Tỉnh Quảng Ninh", "Thành phố Hạ Long", "Phường Bãi Cháy"})
    u.name.push_back(n);
  u.parent = {sg::org_unit_index{}, at<sg::org_unit_tag>(0), at<sg::org_unit_tag>(1)};
  u.kind = {1, 7, sg::no_code};

  auto& p = d.population;
  p.org_unit = {at<sg::org_unit_tag>(2), at<sg::org_unit_tag>(2)};
  p.year = {2024, 2025};
  p.sex = {0, 1};
  p.age = {0, 17};
  p.count = {1234567890123, 7};

  auto& a = d.agencies;
  a.code.push_back("a1");
  a.code.push_back("a2");
  a.name.push_back("Sở Y tế");
  a.name.push_back("");
  a.kind = {1, 3};
  a.org_unit = {at<sg::org_unit_tag>(0), at<sg::org_unit_tag>(1)};

  auto& ch = d.children;
  for (const char* id : {"c1", "child-2", "ba"}) ch.id.push_back(id);
  ch.birth_date = {day(2012, 2, 29), day(2008, 1, 1), sg::no_day};
  ch.sex = {0, 1, 2};
  ch.org_unit = {at<sg::org_unit_tag>(2), at<sg::org_unit_tag>(1), at<sg::org_unit_tag>(2)};
  ch.ethnicities.values = {"kinh", "san_diu"};
  ch.ethnicity = {1, sg::dictionary::no_entry, 0};
  ch.disability = {1, 0, sg::no_flag};
  ch.registered_date = {day(2020, 1, 1), day(2019, 6, 1), day(2024, 1, 2)};
  ch.exit_date = {sg::no_day, day(2024, 12, 31), sg::no_day};
  ch.exit_reason = {sg::no_code, 1, sg::no_code};

  auto& ci = d.circumstances;
  ci.child = {at<sg::child_tag>(0), at<sg::child_tag>(2)};
  ci.circumstance = {3, 14};
  ci.start_date = {day(2020, 1, 1), day(2024, 2, 1)};
  ci.end_date = {sg::no_day, day(2024, 3, 1)};

  auto& c = d.cases;
  c.id.push_back("k1");
  c.id.push_back("k2");
  c.child = {at<sg::child_tag>(0), at<sg::child_tag>(1)};
  c.reported_date = {day(2024, 3, 1), day(2024, 4, 2)};
  c.reported_minute = {sg::no_minute, 1439};
  c.concerns = {0x1, 0x80005};
  c.org_unit = {at<sg::org_unit_tag>(2), at<sg::org_unit_tag>(1)};
  c.lead_agency = {sg::agency_index{}, at<sg::agency_tag>(1)};
  c.source = {0, sg::no_code};
  c.setting = {1, 2};
  c.perpetrator = {sg::no_code, 3};
  c.level = {2, 0};
  c.risk = {1, sg::no_code};
  c.outcome = {sg::no_code, 0};
  c.incident_date = {day(2024, 2, 28), sg::no_day};
  c.emergency_date = {sg::no_day, day(2024, 4, 2)};
  c.emergency_minute = {sg::no_minute, 600};
  c.assessed_date = {day(2024, 3, 2), sg::no_day};
  c.plan_date = {day(2024, 3, 9), sg::no_day};
  c.closed_date = {sg::no_day, day(2024, 6, 30)};
  c.closure_reason = {sg::no_code, 4};
  c.consent_reporting = {1, 0};

  auto& s = d.services;
  s.case_ = {at<sg::case_tag>(0), at<sg::case_tag>(1)};
  s.date = {day(2024, 3, 3), day(2024, 4, 3)};
  s.service = {0, 9};
  s.agency = {at<sg::agency_tag>(0), sg::agency_index{}};
  s.referred = {sg::no_flag, 1};

  auto& ac = d.activities;
  ac.id.push_back("act-1");
  ac.id.push_back("act-2");
  ac.agency = {at<sg::agency_tag>(0), at<sg::agency_tag>(1)};
  ac.kind = {2, 11};
  ac.start_date = {day(2024, 5, 1), day(2024, 6, 1)};
  ac.end_date = {day(2024, 5, 3), day(2024, 6, 1)};
  ac.org_unit = {at<sg::org_unit_tag>(0), at<sg::org_unit_tag>(2)};
  ac.topics = {0x3, 0};
  ac.audiences = {0x21, 0x1};
  ac.sessions = {2, 1};
  ac.participants = {120, 0};
  ac.child_participants = {80, 0};
  ac.quantity = {1, 5};
  ac.programmes.values = {"action_month_2024"};
  ac.programme = {0, sg::dictionary::no_entry};

  auto& pl = d.plans;
  pl.id.push_back("KH-2024");
  pl.agency = {at<sg::agency_tag>(0)};
  pl.title.push_back("Kế hoạch bảo vệ, chăm sóc trẻ em năm 2024");
  pl.start_date = {day(2024, 1, 1)};
  pl.end_date = {day(2024, 12, 31)};
  pl.org_unit = {at<sg::org_unit_tag>(0)};
  pl.programmes.values = {"project_8", "x"};
  pl.programme = {1};

  auto& t = d.targets;
  t.plan = {at<sg::plan_tag>(0), at<sg::plan_tag>(0)};
  t.indicator.push_back("CASES_NEW");
  t.indicator.push_back("TRAININGS");
  t.value = {10.0, 0.1};
  t.direction = {0, 1};
  t.org_unit = {at<sg::org_unit_tag>(0), at<sg::org_unit_tag>(1)};
  t.period.push_back("");
  t.period.push_back("2024Q1");
  t.period_start = {day(2024, 1, 1), day(2024, 1, 1)};
  t.period_end = {day(2024, 12, 31), day(2024, 3, 31)};

  auto& h = d.holidays;
  h.date = {day(2024, 2, 10), day(2024, 9, 2)};
  h.name.push_back("Tết Nguyên đán");
  h.name.push_back("");
  return d;
}

void expect_same(const sg::string_column& a, const sg::string_column& b, const char* what) {
  EXPECT_EQ(a.bytes(), b.bytes()) << what;
  EXPECT_EQ(a.offsets(), b.offsets()) << what;
}

// Column by column, so that a column forgotten by the snapshot shows by name.
void expect_same(const sg::dataset& a, const sg::dataset& b) {
#define SG_SAME(col) EXPECT_EQ(a.col, b.col) << #col
#define SG_SAME_TEXT(col) expect_same(a.col, b.col, #col)
  SG_SAME_TEXT(org_units.code);
  SG_SAME_TEXT(org_units.name);
  SG_SAME(org_units.parent);
  SG_SAME(org_units.kind);
  SG_SAME(population.org_unit);
  SG_SAME(population.year);
  SG_SAME(population.sex);
  SG_SAME(population.age);
  SG_SAME(population.count);
  SG_SAME_TEXT(agencies.code);
  SG_SAME_TEXT(agencies.name);
  SG_SAME(agencies.kind);
  SG_SAME(agencies.org_unit);
  SG_SAME_TEXT(children.id);
  SG_SAME(children.birth_date);
  SG_SAME(children.sex);
  SG_SAME(children.org_unit);
  SG_SAME(children.ethnicity);
  SG_SAME(children.ethnicities.values);
  SG_SAME(children.disability);
  SG_SAME(children.registered_date);
  SG_SAME(children.exit_date);
  SG_SAME(children.exit_reason);
  SG_SAME(circumstances.child);
  SG_SAME(circumstances.circumstance);
  SG_SAME(circumstances.start_date);
  SG_SAME(circumstances.end_date);
  SG_SAME_TEXT(cases.id);
  SG_SAME(cases.child);
  SG_SAME(cases.reported_date);
  SG_SAME(cases.reported_minute);
  SG_SAME(cases.concerns);
  SG_SAME(cases.org_unit);
  SG_SAME(cases.lead_agency);
  SG_SAME(cases.source);
  SG_SAME(cases.setting);
  SG_SAME(cases.perpetrator);
  SG_SAME(cases.level);
  SG_SAME(cases.risk);
  SG_SAME(cases.outcome);
  SG_SAME(cases.incident_date);
  SG_SAME(cases.emergency_date);
  SG_SAME(cases.emergency_minute);
  SG_SAME(cases.assessed_date);
  SG_SAME(cases.plan_date);
  SG_SAME(cases.closed_date);
  SG_SAME(cases.closure_reason);
  SG_SAME(cases.consent_reporting);
  SG_SAME(services.case_);
  SG_SAME(services.date);
  SG_SAME(services.service);
  SG_SAME(services.agency);
  SG_SAME(services.referred);
  SG_SAME_TEXT(activities.id);
  SG_SAME(activities.agency);
  SG_SAME(activities.kind);
  SG_SAME(activities.start_date);
  SG_SAME(activities.end_date);
  SG_SAME(activities.org_unit);
  SG_SAME(activities.topics);
  SG_SAME(activities.audiences);
  SG_SAME(activities.sessions);
  SG_SAME(activities.participants);
  SG_SAME(activities.child_participants);
  SG_SAME(activities.quantity);
  SG_SAME(activities.programme);
  SG_SAME(activities.programmes.values);
  SG_SAME_TEXT(plans.id);
  SG_SAME(plans.agency);
  SG_SAME_TEXT(plans.title);
  SG_SAME(plans.start_date);
  SG_SAME(plans.end_date);
  SG_SAME(plans.org_unit);
  SG_SAME(plans.programme);
  SG_SAME(plans.programmes.values);
  SG_SAME(targets.plan);
  SG_SAME_TEXT(targets.indicator);
  SG_SAME(targets.value);
  SG_SAME(targets.direction);
  SG_SAME(targets.org_unit);
  SG_SAME_TEXT(targets.period);
  SG_SAME(targets.period_start);
  SG_SAME(targets.period_end);
  SG_SAME(holidays.date);
  SG_SAME_TEXT(holidays.name);
#undef SG_SAME
#undef SG_SAME_TEXT
}

// The message of the snapshot_error that loading `path` throws ("" when it loads).
std::string load_error_of(const std::string& path) {
  try {
    (void)load_snapshot(path);
  } catch (const snapshot_error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(Snapshot, RoundTripKeepsEveryColumn) {
  temp_dir dir;
  const sg::dataset original = full_dataset();
  const std::string path = dir.file("full.sgsnap");
  save_snapshot(original, path);
  const sg::dataset loaded = load_snapshot(path);
  expect_same(original, loaded);
  // Saving what was loaded gives the same bytes: nothing depends on capacity or addresses.
  save_snapshot(loaded, dir.file("again.sgsnap"));
  EXPECT_EQ(read_all(path), read_all(dir.file("again.sgsnap")));
}

TEST(Snapshot, ComparisonSeesADifferentColumn) {
  // The comparison helper itself must notice a change, or the round trip proves nothing.
  sg::dataset changed = full_dataset();
  changed.cases.emergency_minute[1] = 601;
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    expect_same(full_dataset(), changed);
  }
  ASSERT_EQ(failures.size(), 1);
  EXPECT_TRUE(contains(failures.GetTestPartResult(0).message(), "cases.emergency_minute"));
}

TEST(Snapshot, EmptyDatasetRoundTrips) {
  temp_dir dir;
  const std::string path = dir.file("empty.sgsnap");
  save_snapshot(sg::dataset{}, path);
  const sg::dataset loaded = load_snapshot(path);
  expect_same(sg::dataset{}, loaded);
  EXPECT_EQ(loaded.org_units.size(), 0u);
  EXPECT_EQ(loaded.org_units.code.offsets().size(), 1u);
}

TEST(Snapshot, HeaderHasMagicVersionAndPayloadSize) {
  temp_dir dir;
  const std::string path = dir.file("a.sgsnap");
  save_snapshot(full_dataset(), path);
  const std::string bytes = read_all(path);
  ASSERT_GT(bytes.size(), header_size);
  EXPECT_EQ(bytes.substr(0, 6), "SGSNAP");
  EXPECT_EQ(static_cast<unsigned char>(bytes[6]), sg::io::snapshot_format_version);
  EXPECT_EQ(bytes[7], 0);
  std::uint64_t payload = 0;
  for (int i = 7; i >= 0; --i)
    payload = (payload << 8) | static_cast<unsigned char>(bytes[16 + static_cast<std::size_t>(i)]);
  EXPECT_EQ(payload, bytes.size() - header_size);
  EXPECT_TRUE(sg::io::is_snapshot_file(path));
  // No temporary file is left next to it.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(Snapshot, LoadOfAPathReadsASnapshot) {
  temp_dir dir;
  const std::string path = dir.file("b.sgsnap");
  save_snapshot(full_dataset(), path);
  expect_same(full_dataset(), sg::io::load(path));
}

TEST(Snapshot, RefusesAFileThatIsNotASnapshot) {
  temp_dir dir;
  write_all(dir.file("children.csv"), "child_id,birth_date\nc1,2012-01-01\n");
  const std::string message = load_error_of(dir.file("children.csv"));
  EXPECT_TRUE(contains(message, "children.csv' is not a safeguard snapshot")) << message;
  write_all(dir.file("empty"), "");
  EXPECT_TRUE(contains(load_error_of(dir.file("empty")), "is not a safeguard snapshot"));
  EXPECT_TRUE(contains(load_error_of(dir.file("missing")), "cannot open snapshot"));
  EXPECT_TRUE(contains(load_error_of(dir.path().string()), "is not a snapshot file"));
}

TEST(Snapshot, RefusesANewerFormatVersion) {
  temp_dir dir;
  const std::string path = dir.file("new.sgsnap");
  save_snapshot(full_dataset(), path);
  std::string bytes = read_all(path);
  bytes[6] = 2;
  write_all(path, bytes);
  EXPECT_TRUE(contains(load_error_of(path),
                       "is a snapshot of format version 2, newer than this version of safeguard "
                       "reads (up to 1); upgrade safeguard or load the dataset folder instead"))
      << load_error_of(path);
}

TEST(Snapshot, RefusesAnotherByteOrder) {
  temp_dir dir;
  const std::string path = dir.file("be.sgsnap");
  save_snapshot(full_dataset(), path);
  std::string bytes = read_all(path);
  bytes[8] = 2;
  write_all(path, bytes);
  EXPECT_TRUE(contains(load_error_of(path), "was written on a big-endian machine"))
      << load_error_of(path);
}

TEST(Snapshot, RefusesATruncatedFileAtEveryLength) {
  temp_dir dir;
  const std::string path = dir.file("t.sgsnap");
  save_snapshot(full_dataset(), path);
  const std::string bytes = read_all(path);
  const std::string cut = dir.file("cut.sgsnap");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    write_all(cut, bytes.substr(0, n));
    const std::string message = load_error_of(cut);
    if (n < 6)
      EXPECT_TRUE(contains(message, "is not a safeguard snapshot")) << n << ": " << message;
    else
      EXPECT_TRUE(contains(message, "is truncated")) << n << ": " << message;
  }
  EXPECT_TRUE(contains(load_error_of(cut), "re-create it from the dataset folder"));
}

TEST(Snapshot, RefusesTrailingBytes) {
  temp_dir dir;
  const std::string path = dir.file("long.sgsnap");
  save_snapshot(full_dataset(), path);
  write_all(path, read_all(path) + "x");
  EXPECT_TRUE(contains(load_error_of(path), "is corrupt: it has 1 bytes after the end of its data"))
      << load_error_of(path);
}

TEST(Snapshot, RefusesEveryFlippedByte) {
  temp_dir dir;
  const std::string path = dir.file("f.sgsnap");
  save_snapshot(full_dataset(), path);
  const std::string bytes = read_all(path);
  const std::string damaged = dir.file("damaged.sgsnap");
  for (std::size_t i = 0; i < bytes.size(); ++i)
    for (const unsigned char bit : {0x01, 0x80}) {
      std::string b = bytes;
      b[i] = static_cast<char>(static_cast<unsigned char>(b[i]) ^ bit);
      write_all(damaged, b);
      EXPECT_FALSE(load_error_of(damaged).empty()) << "byte " << i << " bit " << int(bit);
    }
  std::string b = bytes;
  b[bytes.size() / 2] = static_cast<char>(b[bytes.size() / 2] ^ 0x10);
  write_all(damaged, b);
  EXPECT_TRUE(
      contains(load_error_of(damaged), "is corrupt: its content does not match its checksum"))
      << load_error_of(damaged);
}

enum class forged_load { loaded, refused, failed };

// Writes `bytes` to `path` with the 8 bytes at `at` set to `v` and the checksum made to match,
// and loads it: a load either succeeds or is refused with a snapshot_error saying "is
// corrupt"; anything else fails the test.
forged_load load_forged(std::string bytes, std::size_t at, std::uint64_t v,
                        const std::string& path) {
  put_le64(bytes, at, v);
  fix_checksum(bytes);
  write_all(path, bytes);
  try {
    (void)load_snapshot(path);
    return forged_load::loaded;
  } catch (const snapshot_error& e) {
    EXPECT_TRUE(contains(e.what(), "is corrupt")) << e.what();
    return forged_load::refused;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "offset " << at << ": " << e.what();
    return forged_load::failed;
  }
}

TEST(Snapshot, ForgedPayloadsWithAValidChecksumNeverCrash) {
  // Damage that a checksum cannot see (the file was rewritten with a matching checksum):
  // every 8-byte window of the payload set to a huge count, to -1 and to 1. Each load either
  // succeeds or throws snapshot_error; nothing else escapes, nothing is allocated past the
  // file's size.
  temp_dir dir;
  const std::string path = dir.file("g.sgsnap");
  save_snapshot(full_dataset(), path);
  const std::string bytes = read_all(path);
  const std::string forged = dir.file("forged.sgsnap");
  std::size_t refused = 0, loaded = 0;
  for (std::size_t i = header_size; i + 8 <= bytes.size(); ++i)
    for (const std::uint64_t v :
         {std::uint64_t{0x7FFFFFFFFFFFFFF0}, ~std::uint64_t{0}, std::uint64_t{1}}) {
      const forged_load outcome = load_forged(bytes, i, v, forged);
      loaded += outcome == forged_load::loaded;
      refused += outcome == forged_load::refused;
    }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(loaded, 0u);  // e.g. a date or a count changed to another valid value
}

TEST(Snapshot, RefusesAForgedReferenceOutOfRange) {
  // services.csv is stored as its row count then its columns as raw int32s: case_ (two
  // rows) right before date. Dates no other column holds locate it.
  temp_dir dir;
  sg::dataset d = full_dataset();
  const std::int32_t dates[2] = {day(2031, 1, 2), day(2032, 3, 4)};
  d.services.date = {dates[0], dates[1]};
  const std::string path = dir.file("r.sgsnap");
  save_snapshot(d, path);
  std::string bytes = read_all(path);
  const std::size_t at = bytes.find(std::string(reinterpret_cast<const char*>(dates), 8));
  ASSERT_NE(at, std::string::npos);
  std::int32_t second_case = -1;
  std::memcpy(&second_case, &bytes[at - 4], 4);
  ASSERT_EQ(second_case, 1);
  const std::int32_t past_the_end = 2;
  std::memcpy(&bytes[at - 4], &past_the_end, 4);
  fix_checksum(bytes);
  write_all(path, bytes);
  EXPECT_TRUE(contains(load_error_of(path),
                       "is corrupt: services.csv holds an impossible value in case_id"))
      << load_error_of(path);
}

TEST(Snapshot, SaveRefusesAnInconsistentDatasetAndWritesNothing) {
  temp_dir dir;
  const std::string path = dir.file("bad.sgsnap");
  sg::dataset d = full_dataset();
  d.cases.closed_date.pop_back();
  try {
    save_snapshot(d, path);
    ADD_FAILURE() << "no exception";
  } catch (const snapshot_error&) {
    ADD_FAILURE() << "a misuse, not a snapshot problem";
  } catch (const sg::error& e) {
    EXPECT_STREQ(e.what(),
                 "save_snapshot: the columns of cases.csv have different lengths (2 and 1)");
  }
  d = full_dataset();
  d.circumstances.child[1] = sg::child_index(3);
  EXPECT_THROW(save_snapshot(d, path), sg::error);
  d = full_dataset();
  d.cases.source[0] = 200;
  EXPECT_THROW(save_snapshot(d, path), sg::error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Snapshot, SaveReportsAnUnwritablePath) {
  temp_dir dir;
  const std::string path = dir.file("no/such/folder/x.sgsnap");
  try {
    save_snapshot(full_dataset(), path);
    ADD_FAILURE() << "no exception";
  } catch (const snapshot_error& e) {
    EXPECT_TRUE(contains(e.what(), "cannot write snapshot '" + path + "': ")) << e.what();
  }
}

TEST(Snapshot, SaveReplacesAnExistingFile) {
  temp_dir dir;
  const std::string path = dir.file("x.sgsnap");
  write_all(path, "old content");
  save_snapshot(full_dataset(), path);
  expect_same(full_dataset(), load_snapshot(path));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

// Big tables are sized on a helper thread while they are read: the same round trip, and
// damage inside a big table, go through that path.
sg::dataset big_dataset(std::int32_t children) {
  sg::dataset d = full_dataset();
  auto& ch = d.children;
  for (std::int32_t i = 0; i < children; ++i) {
    ch.id.push_back("big" + std::to_string(i));
    ch.birth_date.push_back(day(2010, 1, 1) + i % 2000);
    ch.sex.push_back(static_cast<sg::code>(i % 3));
    ch.org_unit.push_back(at<sg::org_unit_tag>(i % 3));
    ch.ethnicity.push_back(i % 3 - 1);
    ch.disability.push_back(static_cast<sg::flag>(i % 3 - 1));
    ch.registered_date.push_back(day(2020, 1, 1) + i % 700);
    ch.exit_date.push_back(i % 5 == 0 ? day(2024, 1, 1) : sg::no_day);
    ch.exit_reason.push_back(i % 5 == 0 ? sg::code{1} : sg::no_code);
  }
  return d;
}

// The offset in `bytes` of the birth date written for big child `i` (its dates are unique).
std::size_t offset_of_birth_date(const std::string& bytes, const sg::dataset& d, std::size_t row) {
  std::string needle(12, '\0');
  std::memcpy(&needle[0], &d.children.birth_date[row], 4);
  std::memcpy(&needle[4], &d.children.birth_date[row + 1], 4);
  std::memcpy(&needle[8], &d.children.birth_date[row + 2], 4);
  return bytes.find(needle);
}

TEST(Snapshot, BigTablesRoundTripAndRefuseDamage) {
  temp_dir dir;
  const sg::dataset original = big_dataset(70000);
  const std::string path = dir.file("big.sgsnap");
  save_snapshot(original, path);
  expect_same(original, load_snapshot(path));

  const std::string bytes = read_all(path);
  const std::string forged = dir.file("forged.sgsnap");
  // A birth date outside the years 0-9999, in the middle of the column, while the helper is
  // still sizing the columns after it.
  std::string b = bytes;
  const std::size_t at = offset_of_birth_date(b, original, 40000);
  ASSERT_NE(at, std::string::npos);
  put_le64(b, at, 0x7FFFFFF07FFFFFF0);
  fix_checksum(b);
  write_all(forged, b);
  EXPECT_TRUE(
      contains(load_error_of(forged), "children.csv holds an impossible value in birth_date"))
      << load_error_of(forged);

  // A row count far beyond what the file holds.
  b = bytes;
  std::string count(8, '\0');
  const std::uint64_t rows = original.children.size();
  std::memcpy(&count[0], &rows, 8);
  const std::size_t table = b.find(std::string("\x04\0\0\0\0\0\0\0", 8) + count);
  ASSERT_NE(table, std::string::npos);
  put_le64(b, table + 8, 0x7FFFFFFF);
  fix_checksum(b);
  write_all(forged, b);
  EXPECT_TRUE(contains(load_error_of(forged),
                       "is corrupt: a column of children.csv runs past the end of the file"))
      << load_error_of(forged);
  put_le64(b, table + 8, rows + 1);
  fix_checksum(b);
  write_all(forged, b);
  EXPECT_TRUE(contains(load_error_of(forged), "is corrupt")) << load_error_of(forged);

  // And flipped bytes in it are seen by the checksum.
  b = bytes;
  b[at + 1] = static_cast<char>(b[at + 1] ^ 0x40);
  write_all(forged, b);
  EXPECT_TRUE(contains(load_error_of(forged), "does not match its checksum"));
}

// Saves `d` at `path` and returns the file's bytes.
std::string save_and_read(const sg::dataset& d, const std::string& path) {
  save_snapshot(d, path);
  return read_all(path);
}

// A column is checked chunk by chunk as it is read (256 KiB at a time, after what the read
// buffer already held): one impossible value anywhere in it is found, the first and the last
// included, and the values around chunk edges.
TEST(Snapshot, FindsOneImpossibleValueAnywhereInAColumn) {
  temp_dir dir;
  const sg::dataset original = big_dataset(140000);  // birth_date: 547 KiB, three chunks
  const std::string path = dir.file("big.sgsnap");
  const std::string bytes = save_and_read(original, path);
  const std::size_t first = offset_of_birth_date(bytes, original, 0);
  ASSERT_NE(first, std::string::npos);
  const std::size_t rows = original.children.size();
  const std::string forged = dir.file("forged.sgsnap");
  for (const std::size_t row :
       {std::size_t{0}, std::size_t{1}, std::size_t{65535}, std::size_t{65536}, std::size_t{65537},
        std::size_t{131071}, std::size_t{131072}, rows - 1}) {
    std::string b = bytes;
    const std::int32_t impossible = 0x7FFFFFF0;
    std::memcpy(&b[first + 4 * row], &impossible, 4);
    fix_checksum(b);
    write_all(forged, b);
    EXPECT_TRUE(
        contains(load_error_of(forged), "children.csv holds an impossible value in birth_date"))
        << "row " << row << ": " << load_error_of(forged);
  }
}

// A column that starts inside the read buffer is checked in two runs: what the buffer held,
// then the rest. The buffer (64 KiB) is filled where the children's ethnicity dictionary
// starts, so the ethnicity column starts `dictionary bytes` into it and, with 35 of them, its
// value 16,375 is split: its first byte in the buffer, three read after. The value is forged so
// that its first byte alone, with zeros after it, would pass: it must be checked whole.
TEST(Snapshot, FindsAnImpossibleValueSplitByTheReadBuffer) {
  temp_dir dir;
  const sg::dataset original = big_dataset(70000);
  const std::string path = dir.file("big.sgsnap");
  std::string bytes = save_and_read(original, path);
  std::size_t dictionary = 8;
  for (const std::string& e : original.children.ethnicities.values) dictionary += 8 + e.size();
  const std::size_t in_buffer = (std::size_t{1} << 16) - dictionary;
  ASSERT_NE(in_buffer % 4, 0u) << "no value of the column is split";
  const std::string last_entry = original.children.ethnicities.values.back();
  const std::size_t column = bytes.find(last_entry) + last_entry.size();
  ASSERT_NE(bytes.find(last_entry), std::string::npos);
  const std::size_t row = in_buffer / 4;
  std::int32_t value = 0;
  std::memcpy(&value, &bytes[column + 4 * row], 4);
  ASSERT_EQ(value, original.children.ethnicity[row]);
  const std::int32_t impossible = 0x01000000;  // its low bytes are entry 0
  std::memcpy(&bytes[column + 4 * row], &impossible, 4);
  fix_checksum(bytes);
  write_all(path, bytes);
  EXPECT_TRUE(contains(load_error_of(path), "children.csv holds an impossible value in ethnicity"))
      << load_error_of(path);
}

// The helper that sizes the big tables' columns stops at the first count the file cannot
// hold: a children table forged to 200 million rows (1.6 GB of text offsets) is refused
// without that memory ever being handed out. Measured in a child process, whose peak resident
// size would show the columns (they are sized with their pages populated).
TEST(Snapshot, AForgedRowCountAllocatesNothingPastTheFile) {
  temp_dir dir;
  const sg::dataset original = big_dataset(70000);
  const std::string path = dir.file("big.sgsnap");
  std::string bytes = save_and_read(original, path);
  std::string header(16, '\0');
  const std::uint64_t table = 4, rows = original.children.size();
  std::memcpy(&header[0], &table, 8);
  std::memcpy(&header[8], &rows, 8);
  const std::size_t at = bytes.find(header);
  ASSERT_NE(at, std::string::npos);
  put_le64(bytes, at + 8, 200000000);
  fix_checksum(bytes);
  write_all(path, bytes);

  rusage before{};
  ::getrusage(RUSAGE_SELF, &before);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    bool refused = false;
    try {
      (void)load_snapshot(path);
    } catch (const snapshot_error& e) {
      refused = contains(e.what(), "is corrupt");
    }
    rusage used{};
    ::getrusage(RUSAGE_SELF, &used);
    const long grown_mb = (used.ru_maxrss - before.ru_maxrss) / 1024;  // ru_maxrss is in KiB
    std::_Exit(!refused ? 2 : grown_mb > 256 ? 3 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 2) << "the forged file was not refused as corrupt";
  EXPECT_NE(WEXITSTATUS(status), 3) << "the load allocated hundreds of megabytes for it";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A payload of a megabyte or more is walked ahead of the reader by a helper thread that
// sizes the big tables' columns, reading only the numbers that place things: the tables' ids
// and row counts and the texts' lengths. Each of them, and the bytes around it, forged with a
// matching checksum: every load succeeds or throws snapshot_error, and nothing is sized past
// the file (the sanitizer build runs this too).
TEST(Snapshot, ForgedLayoutOfABigSnapshotNeverCrashes) {
  temp_dir dir;
  const sg::dataset d = big_dataset(70000);
  const std::string path = dir.file("big.sgsnap");
  const std::string bytes = save_and_read(d, path);
  ASSERT_GT(bytes.size(), std::size_t{1} << 20);
  const auto u64 = [](std::uint64_t v) {
    std::string s(8, '\0');
    std::memcpy(&s[0], &v, 8);
    return s;
  };
  std::vector<std::size_t> places;
  const auto find_all = [&](const std::string& needle) {
    for (std::size_t at = bytes.find(needle); at != std::string::npos;
         at = bytes.find(needle, at + 1))
      places.push_back(at);
  };
  const std::size_t rows[] = {
      d.org_units.code.size(), d.population.org_unit.size(), d.agencies.code.size(),
      d.children.id.size(),    d.circumstances.child.size(), d.cases.id.size(),
      d.services.case_.size(), d.activities.id.size(),       d.plans.id.size(),
      d.targets.plan.size(),   d.holidays.date.size()};
  for (std::uint64_t id = 1; id <= 11; ++id) find_all(u64(id) + u64(rows[id - 1]));
  // A text column's last offset is its bytes' length, which follows it.
  for (const sg::string_column* c : {&d.org_units.code, &d.children.id, &d.cases.id,
                                     &d.activities.id, &d.plans.title, &d.targets.period})
    if (!c->bytes().empty()) find_all(u64(c->bytes().size()) + u64(c->bytes().size()));
  ASSERT_GE(places.size(), 16u);

  const std::string forged = dir.file("forged.sgsnap");
  std::size_t refused = 0;
  for (const std::size_t place : places)
    for (std::size_t i = std::max(place, header_size + 8) - 8; i < place + 16; ++i)
      for (const std::uint64_t v :
           {std::uint64_t{0x7FFFFFFFFFFFFFF0}, std::uint64_t{1}, std::uint64_t{70001}})
        refused += load_forged(bytes, i, v, forged) == forged_load::refused;
  EXPECT_GT(refused, places.size());
}

TEST(Snapshot, SaveReportsAFullDiskAndLeavesNothing) {
  // A file size limit makes writes fail part way, as a full disk does.
  temp_dir dir;
  const std::string path = dir.file("full.sgsnap");
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 1000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  try {
    save_snapshot(big_dataset(1000), path);
  } catch (const snapshot_error& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(contains(message, "cannot write snapshot '" + path + "': File too large")) << message;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(SnapshotChecksum, DoesNotDependOnHowTheInputIsCut) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += static_cast<char>(i * 7 + 3);
  const std::uint64_t whole = sg::detail::snapshot_checksum::of(text.data(), text.size());
  for (std::size_t step : {1u, 3u, 8u, 31u, 32u, 33u, 999u}) {
    sg::detail::snapshot_checksum c;
    for (std::size_t i = 0; i < text.size(); i += step)
      c.update(text.data() + i, std::min(step, text.size() - i));
    EXPECT_EQ(c.value(), whole) << step;
  }
  // Trailing zeros are not the same input as no trailing zeros.
  EXPECT_NE(
      sg::detail::snapshot_checksum::of(text.data(), 40),
      sg::detail::snapshot_checksum::of((text.substr(0, 40) + std::string(1, '\0')).data(), 41));
  EXPECT_NE(sg::detail::snapshot_checksum::of("", 0),
            sg::detail::snapshot_checksum::of(std::string(1, '\0').data(), 1));
}
