// Scale-out: splitting by root, computing each partition, and merging the serialized parts
// gives byte for byte the single-process result; every refusal says why.
#include "safeguard/engine/partition.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "safeguard/engine/catalogue.hpp"
#include "safeguard/error.hpp"
#include "safeguard/hierarchy/hierarchy.hpp"
#include "safeguard/io/generate.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/io/write.hpp"
#include "safeguard/output/table.hpp"

namespace fs = std::filesystem;
using namespace safeguard;
using engine::compute_request;

namespace {

fs::path test_root() {
  return fs::temp_directory_path() / ("safeguard_partition_test_" + std::to_string(::getpid()));
}

// One generated 4-province dataset, split once, shared by the tests.
struct split_fixture {
  dataset whole;
  std::vector<std::string> folders;
  std::vector<dataset> parts;
};

const split_fixture& fixture() {
  static const split_fixture f = [] {
    split_fixture s;
    const fs::path dir = test_root() / "four";
    fs::remove_all(dir);
    io::generate_options options;
    options.children = 6000;
    options.provinces = 4;
    options.seed = 3;
    io::generate_dataset((dir / "whole").string(), options);
    s.whole = io::load_dataset((dir / "whole").string());
    s.folders = engine::split_dataset_by_root(s.whole, (dir / "parts").string());
    for (const auto& folder : s.folders) s.parts.push_back(io::load_dataset(folder));
    return s;
  }();
  return f;
}

compute_request request_of(std::vector<std::string> periods, std::vector<int> levels, std::vector<std::string> by) {
  compute_request r;
  for (const auto& p : periods) r.periods.push_back(period::parse(p));
  r.levels = std::move(levels);
  r.by = std::move(by);
  r.threads = 1;
  return r;
}

std::string merged_csv(const compute_request& request) {
  const split_fixture& f = fixture();
  std::vector<std::string> bytes;
  for (const dataset& part : f.parts)
    bytes.push_back(engine::serialize_result(engine::compute(part, engine::catalogue::standard(), request), request));
  return output::to_csv(engine::merge_serialized(bytes));
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const error& e) {
    return e.what();
  }
  return "(no safeguard::error thrown)";
}

}  // namespace

TEST(SplitDatasetByRoot, WritesOneFolderPerProvinceHoldingEveryRow) {
  const split_fixture& f = fixture();
  ASSERT_EQ(f.folders.size(), 4u);
  std::size_t children = 0, cases = 0, services = 0, activities = 0, targets = 0, population = 0, units = 0;
  for (const dataset& p : f.parts) {
    children += p.children.size();
    cases += p.cases.size();
    services += p.services.size();
    activities += p.activities.size();
    targets += p.targets.size();
    population += p.population.size();
    units += p.org_units.size();
    EXPECT_EQ(p.holidays.size(), f.whole.holidays.size());
    EXPECT_GT(p.children.size(), 0u);
  }
  EXPECT_EQ(children, f.whole.children.size());
  EXPECT_EQ(cases, f.whole.cases.size());
  EXPECT_EQ(services, f.whole.services.size());
  EXPECT_EQ(activities, f.whole.activities.size());
  EXPECT_EQ(targets, f.whole.targets.size());
  EXPECT_EQ(population, f.whole.population.size());
  EXPECT_EQ(units, f.whole.org_units.size());
}

TEST(MergeResults, SerializedPartsGiveTheSingleProcessCsvForManyRequests) {
  const split_fixture& f = fixture();
  const std::vector<compute_request> requests = {
      request_of({"2024"}, {1}, {}),
      request_of({"2024Q1", "2024Q2", "2023"}, {1, 2, 3}, {}),
      request_of({"2024"}, {2}, {"sex", "age_band"}),
      request_of({"2024", "2025"}, {1}, {"agency"}),
      request_of({"2024"}, {2}, {"concern_group", "ethnicity"}),
  };
  for (const compute_request& request : requests) {
    const std::string single = output::to_csv(engine::compute(f.whole, engine::catalogue::standard(), request));
    const std::string merged = merged_csv(request);
    EXPECT_GT(single.size(), 1000u);
    EXPECT_EQ(merged, single) << "periods " << request.periods.front().id() << ", " << request.levels.size()
                              << " levels, " << request.by.size() << " breakdowns";
  }
}

TEST(MergeResults, ScansCutInPiecesGiveTheCellsOfWholeSubtrees) {
  // 280,000 children in two provinces: the stock of children of the whole dataset is scanned
  // in 4 pieces merged per unit, each province's in 2; merging the provinces' results must
  // give the whole dataset's bytes.
  const fs::path dir = test_root() / "pieces";
  fs::remove_all(dir);
  io::generate_options options;
  options.children = 280000;
  options.provinces = 2;
  options.seed = 11;
  io::generate_dataset((dir / "whole").string(), options);
  const dataset whole = io::load_dataset((dir / "whole").string());
  std::vector<dataset> parts;
  for (const auto& folder : engine::split_dataset_by_root(whole, (dir / "parts").string()))
    parts.push_back(io::load_dataset(folder));
  const std::vector<compute_request> requests = {
      request_of({"2024", "2024Q2", "202405", "2024W20"}, {1, 2, 3}, {}),
      request_of({"2024"}, {2}, {"sex", "age_band"}),
      request_of({"2024S1"}, {1}, {"circumstance"}),
  };
  for (compute_request request : requests) {
    request.threads = 2;
    std::vector<std::string> bytes;
    for (const dataset& part : parts)
      bytes.push_back(engine::serialize_result(engine::compute(part, engine::catalogue::standard(), request), request));
    const std::string single = output::to_csv(engine::compute(whole, engine::catalogue::standard(), request));
    EXPECT_GT(single.size(), 1000u);
    EXPECT_EQ(output::to_csv(engine::merge_serialized(bytes)), single)
        << request.periods.size() << " periods, " << request.by.size() << " breakdowns";
  }
  fs::remove_all(dir);
}

TEST(MergeResults, OnePartIsItsOwnResult) {
  const compute_request request = request_of({"2024"}, {2}, {"sex"});
  const engine::result r = engine::compute(fixture().parts[0], engine::catalogue::standard(), request);
  EXPECT_EQ(output::to_csv(engine::merge_results({r})), output::to_csv(r));
}

TEST(MergeResults, RefusesTwoPartsWithRowsForTheSameOrgUnit) {
  const compute_request request = request_of({"2024"}, {1}, {});
  const engine::result r = engine::compute(fixture().parts[1], engine::catalogue::standard(), request);
  const std::string message = message_of([&] { engine::merge_results({r, r}); });
  EXPECT_NE(message.find("part 0 also has rows for org unit '"), std::string::npos) << message;
  EXPECT_NE(message.find("overlap"), std::string::npos) << message;
}

TEST(MergeResults, RefusesPartsComputedForDifferentRequests) {
  const dataset& a = fixture().parts[0];
  const dataset& b = fixture().parts[1];
  const compute_request levels1 = request_of({"2024"}, {1}, {});
  const compute_request levels2 = request_of({"2024"}, {2}, {});
  // Same columns, different levels: only the fingerprint tells them apart.
  const std::string message = message_of([&] {
    engine::merge_serialized({engine::serialize_result(engine::compute(a, engine::catalogue::standard(), levels1), levels1),
                              engine::serialize_result(engine::compute(b, engine::catalogue::standard(), levels2), levels2)});
  });
  EXPECT_NE(message.find("part 1: it was computed for a different request"), std::string::npos) << message;
  EXPECT_NE(message.find("levels=2"), std::string::npos) << message;

  const compute_request other_period = request_of({"2023"}, {1}, {});
  const std::string columns = message_of([&] {
    engine::merge_results({engine::compute(a, engine::catalogue::standard(), levels1),
                           engine::compute(b, engine::catalogue::standard(), other_period)});
  });
  EXPECT_NE(columns.find("different request"), std::string::npos) << columns;
  EXPECT_NE(message_of([] { engine::merge_results({}); }).find("at least one"), std::string::npos);
}

TEST(SerializeResult, RoundTripsEveryColumn) {
  const compute_request request = request_of({"2024Q3", "2024"}, {2, 3}, {"sex", "setting"});
  const engine::result r = engine::compute(fixture().whole, engine::catalogue::standard(), request);
  const std::string bytes = engine::serialize_result(r, request);
  const engine::partial_result back = engine::deserialize_partial(bytes);
  EXPECT_EQ(back.request_fingerprint, engine::request_fingerprint(r, request));
  EXPECT_EQ(output::to_csv(back.cells), output::to_csv(r));
  EXPECT_EQ(back.cells.unit_codes, r.unit_codes);
  EXPECT_EQ(back.cells.dimension_values, r.dimension_values);
  EXPECT_EQ(back.cells.notes, r.notes);
  EXPECT_EQ(back.cells.target_at_most, r.target_at_most);
}

TEST(SerializeResult, RefusesCorruptBytesSayingWhy) {
  const compute_request request = request_of({"2024"}, {1}, {});
  const std::string bytes =
      engine::serialize_result(engine::compute(fixture().parts[0], engine::catalogue::standard(), request), request);
  EXPECT_NE(message_of([] { engine::deserialize_result("not a result at all, but long enough"); }).find("magic 'SGRESULT'"),
            std::string::npos);
  EXPECT_NE(message_of([&] { engine::deserialize_result(bytes.substr(0, bytes.size() - 3)); }).find("truncated"),
            std::string::npos);
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5A);
  EXPECT_NE(message_of([&] { engine::deserialize_result(flipped); }).find("checksum"), std::string::npos);
  std::string newer = bytes;
  newer[8] = 9;
  EXPECT_NE(message_of([&] { engine::deserialize_result(newer); }).find("format version 9 is newer"), std::string::npos);
}

TEST(SplitDatasetByRoot, RefusesASingleRoot) {
  dataset d;
  for (const char* code : {"VN", "22", "193"}) d.org_units.code.push_back(code), d.org_units.name.push_back(code);
  d.org_units.parent = {org_unit_index{}, org_unit_index{0}, org_unit_index{1}};
  d.org_units.kind.assign(3, no_code);
  const std::string message = message_of([&] { engine::split_dataset_by_root(d, (test_root() / "single").string()); });
  EXPECT_NE(message.find("single root ('VN')"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(test_root() / "single" / "VN"));
}

TEST(SplitDatasetByRoot, FolderNamesNeverMeetSoNoPartitionIsOverwritten) {
  // Roots in code order: '.' and '..' are no file names (root-1, root-2), 'A' and 'a' are one
  // folder where case is ignored, and a real root is coded 'root-1': each root still gets a
  // folder of its own.
  dataset d;
  for (const char* code : {"..", "root-1", "A", ".", "a"})
    d.org_units.code.push_back(code), d.org_units.name.push_back(code);
  d.org_units.parent.assign(5, org_unit_index{});
  d.org_units.kind.assign(5, no_code);
  const fs::path out = test_root() / "names";
  const auto folders = engine::split_dataset_by_root(d, out.string());
  std::vector<std::string> names;
  for (const auto& f : folders) names.push_back(fs::path(f).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"root-1", "root-2", "A", "a-4", "root-1-5"}));
  for (const auto& f : folders) EXPECT_TRUE(fs::exists(fs::path(f) / "org_units.csv")) << f;
}

TEST(SplitDatasetByRoot, RefusesACaseHandledInAnotherProvinceNamingTheCase) {
  dataset d = fixture().whole;
  ASSERT_GT(d.cases.size(), 0u);
  const std::string case_id(d.cases.id[0]);
  const org_unit_index child_unit = d.children.org_unit[static_cast<std::size_t>(d.cases.child[0].value)];
  // Move the case to a root other than the child's.
  const hierarchy tree(d.org_units);
  const org_unit_index child_root = tree.ancestor_at_level(child_unit, 1);
  for (org_unit_index root : tree.roots())
    if (root != child_root) d.cases.org_unit[0] = root;
  const std::string message = message_of([&] { engine::split_dataset_by_root(d, (test_root() / "cross").string()); });
  EXPECT_NE(message.find("cases.csv row '" + case_id + "' refers in column org_unit"), std::string::npos) << message;
}
