// The synthetic dataset generator: determinism, scaling, the spec's headers and codes,
// references, the circumstance rates, Quảng Ninh's units, the population, holidays, the
// deliberate oddities, option checks, progress, and that the loader accepts the result and
// the validator finds only the deliberate oddities.
// The CSV files are parsed here with a small reader of their own, so that a bug shared with
// the library's reader cannot hide a bad file.
#include "safeguard/io/generate.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "safeguard/error.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/io/validate.hpp"
#include "safeguard/model/calendar.hpp"
#include "safeguard/model/codes.hpp"

namespace safeguard::io {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> all_files = {"org_units.csv", "population.csv",    "agencies.csv",
                                            "children.csv",  "circumstances.csv", "cases.csv",
                                            "services.csv",  "activities.csv",    "plans.csv",
                                            "targets.csv",   "holidays.csv"};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A whole CSV file: its header and rows of fields (RFC 4180, LF line ends).
struct table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t col(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

table parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool at_field_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && at_field_start) {
      quoted = true;
      at_field_start = false;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      at_field_start = true;
    } else if (c == '\n') {
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      at_field_start = true;
    } else {
      field += c;
      at_field_start = false;
    }
  }
  EXPECT_TRUE(record.empty() && field.empty()) << "the file does not end with a line end";
  table t;
  if (records.empty()) return t;
  t.header = records.front();
  t.rows.assign(records.begin() + 1, records.end());
  for (const auto& row : t.rows) EXPECT_EQ(row.size(), t.header.size());
  return t;
}

table read_table(const fs::path& folder, const std::string& file) {
  return parse_csv(read_file(folder / file));
}

fs::path fresh_folder(const std::string& name) {
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  const fs::path p =
      fs::temp_directory_path() / ("safeguard_generate_" + name + "_" + std::to_string(stamp));
  fs::remove_all(p);
  return p;
}

generate_summary generate(const fs::path& folder, std::uint64_t children, std::uint64_t seed = 1,
                          int provinces = 1) {
  generate_options o;
  o.children = children;
  o.seed = seed;
  o.provinces = provinces;
  return generate_dataset(folder.string(), o);
}

day_number date_of(const std::string& text) {
  const auto d = parse_iso_date(text.substr(0, 10));
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(0);
}

// One dataset of 30,000 children shared by the tests that only read it.
class GeneratedDataset : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = new fs::path(fresh_folder("shared"));
    summary_ = new generate_summary(generate(*folder_, 30000, 7));
    tables_ = new std::map<std::string, table>();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*folder_);
    delete tables_;
    delete summary_;
    delete folder_;
  }
  static const table& get(const std::string& file) {
    auto it = tables_->find(file);
    if (it == tables_->end()) it = tables_->emplace(file, read_table(*folder_, file)).first;
    return it->second;
  }

  static fs::path* folder_;
  static generate_summary* summary_;
  static std::map<std::string, table>* tables_;
};

fs::path* GeneratedDataset::folder_ = nullptr;
generate_summary* GeneratedDataset::summary_ = nullptr;
std::map<std::string, table>* GeneratedDataset::tables_ = nullptr;

TEST(GenerateDataset, SameOptionsGiveIdenticalBytes) {
  const fs::path a = fresh_folder("same_a");
  const fs::path b = fresh_folder("same_b");
  const fs::path c = fresh_folder("other_seed");
  generate(a, 3000, 42, 2);
  generate(b, 3000, 42, 2);
  generate(c, 3000, 43, 2);
  for (const std::string& f : all_files) {
    const std::string bytes = read_file(a / f);
    EXPECT_FALSE(bytes.empty()) << f;
    EXPECT_EQ(bytes, read_file(b / f)) << f;
  }
  // Another seed changes the records but not the hierarchy.
  EXPECT_NE(read_file(a / "children.csv"), read_file(c / "children.csv"));
  EXPECT_NE(read_file(a / "cases.csv"), read_file(c / "cases.csv"));
  EXPECT_NE(read_file(a / "activities.csv"), read_file(c / "activities.csv"));
  EXPECT_EQ(read_file(a / "org_units.csv"), read_file(c / "org_units.csv"));
  EXPECT_EQ(read_file(a / "agencies.csv"), read_file(c / "agencies.csv"));
  fs::remove_all(a);
  fs::remove_all(b);
  fs::remove_all(c);
}

TEST(GenerateDataset, RowCountsScaleWithChildren) {
  const fs::path small = fresh_folder("small");
  const fs::path large = fresh_folder("large");
  const generate_summary s = generate(small, 4000);
  const generate_summary l = generate(large, 16000);
  EXPECT_EQ(s.rows("children.csv"), 4000u);
  EXPECT_EQ(l.rows("children.csv"), 16000u);
  auto ratio = [&](const char* file) {
    return static_cast<double>(l.rows(file)) / static_cast<double>(s.rows(file));
  };
  EXPECT_GT(ratio("cases.csv"), 3.4);
  EXPECT_LT(ratio("cases.csv"), 4.6);
  EXPECT_GT(ratio("services.csv"), 3.4);
  EXPECT_LT(ratio("services.csv"), 4.6);
  EXPECT_GT(ratio("circumstances.csv"), 3.0);
  EXPECT_LT(ratio("circumstances.csv"), 5.0);
  // Units, agencies, activities and the population's cells depend on the provinces only.
  for (const char* file : {"org_units.csv", "agencies.csv", "population.csv", "holidays.csv"})
    EXPECT_EQ(s.rows(file), l.rows(file)) << file;
  // Cases are about 5-8 % of children a year (three years).
  const double per_child_year = static_cast<double>(l.rows("cases.csv")) / 16000 / 3;
  EXPECT_GT(per_child_year, 0.05);
  EXPECT_LT(per_child_year, 0.08);
  // The summary counts what is in the files.
  ASSERT_EQ(l.tables.size(), all_files.size());
  std::uint64_t bytes = 0;
  for (const table_summary& t : l.tables) {
    const std::string text = read_file(large / t.file);
    EXPECT_EQ(t.bytes, text.size()) << t.file;
    EXPECT_EQ(t.rows, read_table(large, t.file).rows.size()) << t.file;
    bytes += text.size();
  }
  EXPECT_EQ(l.bytes(), bytes);
  EXPECT_EQ(l.rows("no_such.csv"), 0u);
  fs::remove_all(small);
  fs::remove_all(large);
}

TEST_F(GeneratedDataset, HeadersAreTheSpecsColumns) {
  const std::map<std::string, std::string> spec = {
      {"org_units.csv", "code,name,parent,kind"},
      {"population.csv", "org_unit,year,sex,age,count"},
      {"agencies.csv", "code,name,kind,org_unit"},
      {"children.csv",
       "child_id,birth_date,sex,org_unit,ethnicity,disability,registered_date,exit_date,"
       "exit_reason"},
      {"circumstances.csv", "child_id,circumstance,start_date,end_date"},
      {"cases.csv",
       "case_id,child_id,reported_date,concerns,org_unit,lead_agency,source,setting,perpetrator,"
       "level,risk,outcome,incident_date,emergency_date,assessed_date,plan_date,closed_date,"
       "closure_reason,consent_reporting"},
      {"services.csv", "case_id,date,service,agency,referred"},
      {"activities.csv",
       "activity_id,agency,kind,start_date,end_date,org_unit,topics,audiences,sessions,"
       "participants,child_participants,quantity,programme"},
      {"plans.csv", "plan_id,agency,title,start_date,end_date,org_unit,programme"},
      {"targets.csv", "plan_id,indicator,value,direction,org_unit,period"},
      {"holidays.csv", "date,name"},
  };
  ASSERT_EQ(spec.size(), all_files.size());
  for (const auto& [file, header] : spec) {
    const std::string text = read_file(*folder_ / file);
    EXPECT_EQ(text.substr(0, text.find('\n')), header) << file;
  }
}

TEST_F(GeneratedDataset, EveryReferenceResolvesAndIdsAreUnique) {
  auto ids = [](const table& t, const std::string& column) {
    std::set<std::string> out;
    const std::size_t c = t.col(column);
    for (const auto& row : t.rows) {
      EXPECT_FALSE(row[c].empty());
      EXPECT_LE(row[c].size(), 64u);
      EXPECT_TRUE(out.insert(row[c]).second) << "duplicate " << column << " " << row[c];
    }
    return out;
  };
  const std::set<std::string> units = ids(get("org_units.csv"), "code");
  const std::set<std::string> agencies = ids(get("agencies.csv"), "code");
  const std::set<std::string> children = ids(get("children.csv"), "child_id");
  const std::set<std::string> cases = ids(get("cases.csv"), "case_id");
  const std::set<std::string> plans = ids(get("plans.csv"), "plan_id");
  ids(get("activities.csv"), "activity_id");

  auto resolves = [](const table& t, const std::string& column, const std::set<std::string>& in,
                     bool optional) {
    const std::size_t c = t.col(column);
    std::size_t empty = 0;
    for (const auto& row : t.rows) {
      if (row[c].empty()) {
        ++empty;
        continue;
      }
      EXPECT_EQ(in.count(row[c]), 1u) << column << " " << row[c];
    }
    if (!optional) {
      EXPECT_EQ(empty, 0u) << column;
    }
  };
  resolves(get("org_units.csv"), "parent", units, true);
  resolves(get("population.csv"), "org_unit", units, false);
  resolves(get("agencies.csv"), "org_unit", units, false);
  resolves(get("children.csv"), "org_unit", units, false);
  resolves(get("circumstances.csv"), "child_id", children, false);
  resolves(get("cases.csv"), "child_id", children, false);
  resolves(get("cases.csv"), "org_unit", units, false);
  resolves(get("cases.csv"), "lead_agency", agencies, true);
  resolves(get("services.csv"), "case_id", cases, false);
  resolves(get("services.csv"), "agency", agencies, true);
  resolves(get("activities.csv"), "agency", agencies, false);
  resolves(get("activities.csv"), "org_unit", units, false);
  resolves(get("plans.csv"), "agency", agencies, false);
  resolves(get("plans.csv"), "org_unit", units, false);
  resolves(get("targets.csv"), "plan_id", plans, false);
  resolves(get("targets.csv"), "org_unit", units, true);
}

TEST_F(GeneratedDataset, CodesComeFromTheSpecsLists) {
  auto check = [](const table& t, const std::string& column, const code_list& list, bool multi) {
    const std::size_t c = t.col(column);
    for (const auto& row : t.rows) {
      if (row[c].empty()) continue;
      std::stringstream parts(row[c]);
      std::string part;
      int n = 0;
      while (std::getline(parts, part, '|')) {
        EXPECT_TRUE(list.find(part).has_value()) << column << ": '" << part << "'";
        ++n;
      }
      if (!multi) {
        EXPECT_EQ(n, 1) << column << ": " << row[c];
      }
    }
  };
  check(get("org_units.csv"), "kind", codes::org_unit_kind(), false);
  check(get("population.csv"), "sex", codes::sex(), false);
  check(get("agencies.csv"), "kind", codes::agency_kind(), false);
  check(get("children.csv"), "sex", codes::sex(), false);
  check(get("children.csv"), "exit_reason", codes::exit_reason(), false);
  check(get("circumstances.csv"), "circumstance", codes::circumstance(), false);
  const table& cases = get("cases.csv");
  check(cases, "concerns", codes::concern(), true);
  check(cases, "source", codes::source(), false);
  check(cases, "setting", codes::setting(), false);
  check(cases, "perpetrator", codes::perpetrator(), false);
  check(cases, "level", codes::protection_level(), false);
  check(cases, "risk", codes::risk(), false);
  check(cases, "outcome", codes::outcome(), false);
  check(cases, "closure_reason", codes::closure_reason(), false);
  check(get("services.csv"), "service", codes::service(), false);
  check(get("activities.csv"), "kind", codes::activity_kind(), false);
  check(get("activities.csv"), "topics", codes::topic(), true);
  check(get("activities.csv"), "audiences", codes::audience(), true);
  check(get("targets.csv"), "direction", codes::direction(), false);
  // Open lists: ethnicities of Quảng Ninh; programmes in snake_case.
  const std::set<std::string> ethnicities = {"kinh", "tay",  "dao",   "san_diu", "san_chi",
                                             "hoa",  "nung", "other", ""};
  const table& children = get("children.csv");
  for (const auto& row : children.rows)
    EXPECT_EQ(ethnicities.count(row[children.col("ethnicity")]), 1u);
  for (const auto& row : get("activities.csv").rows)
    for (const char ch : row.back())
      EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
}

TEST_F(GeneratedDataset, DatesAndNumbersAreWellFormed) {
  auto check_dates = [](const table& t, const std::string& column, bool date_time,
                        std::size_t& with_time, std::size_t& without_time) {
    const std::size_t c = t.col(column);
    for (const auto& row : t.rows) {
      const std::string& v = row[c];
      if (v.empty()) continue;
      if (date_time) {
        EXPECT_TRUE(parse_iso_date_time(v).has_value()) << column << ": " << v;
        (v.size() > 10 ? with_time : without_time) += 1;
      } else {
        EXPECT_EQ(v.size(), 10u) << column << ": " << v;
        EXPECT_TRUE(parse_iso_date(v).has_value()) << column << ": " << v;
      }
    }
  };
  std::size_t with_time = 0, without_time = 0, unused = 0;
  check_dates(get("children.csv"), "birth_date", false, unused, unused);
  check_dates(get("children.csv"), "registered_date", false, unused, unused);
  check_dates(get("children.csv"), "exit_date", false, unused, unused);
  check_dates(get("circumstances.csv"), "start_date", false, unused, unused);
  check_dates(get("circumstances.csv"), "end_date", false, unused, unused);
  for (const char* c : {"incident_date", "assessed_date", "plan_date", "closed_date"})
    check_dates(get("cases.csv"), c, false, unused, unused);
  check_dates(get("cases.csv"), "reported_date", true, with_time, without_time);
  EXPECT_GT(with_time, 0u);
  EXPECT_GT(without_time, 0u);
  with_time = without_time = 0;
  check_dates(get("cases.csv"), "emergency_date", true, with_time, without_time);
  EXPECT_GT(with_time, 0u);
  EXPECT_GT(without_time, 0u);
  check_dates(get("services.csv"), "date", false, unused, unused);
  check_dates(get("activities.csv"), "start_date", false, unused, unused);
  check_dates(get("activities.csv"), "end_date", false, unused, unused);
  check_dates(get("plans.csv"), "start_date", false, unused, unused);
  check_dates(get("holidays.csv"), "date", false, unused, unused);

  // Children born on 29 February exist; ages stay 0-17 in the covered years.
  const table& children = get("children.csv");
  std::size_t leap = 0;
  for (const auto& row : children.rows) {
    const std::string& birth = row[children.col("birth_date")];
    leap += birth.substr(5) == "02-29";
    EXPECT_GE(birth, "2006-01-01");
    EXPECT_LE(birth, "2025-12-31");
    EXPECT_LE(date_of(birth), date_of(row[children.col("registered_date")]));
  }
  EXPECT_GT(leap, 0u);

  // Activities: child participants never exceed participants.
  const table& activities = get("activities.csv");
  for (const auto& row : activities.rows) {
    const std::string& p = row[activities.col("participants")];
    const std::string& c = row[activities.col("child_participants")];
    if (!p.empty() && !c.empty()) {
      EXPECT_LE(std::stoull(c), std::stoull(p));
    }
  }
}

TEST_F(GeneratedDataset, OptionalColumnsAreSometimesEmptyAndSometimesNot) {
  const std::map<std::string, std::vector<std::string>> optional = {
      {"org_units.csv", {"parent", "kind"}},
      {"children.csv", {"ethnicity", "disability", "exit_date", "exit_reason"}},
      {"circumstances.csv", {"end_date"}},
      {"cases.csv",
       {"lead_agency", "source", "setting", "perpetrator", "level", "risk", "outcome",
        "incident_date", "emergency_date", "assessed_date", "plan_date", "closed_date",
        "closure_reason", "consent_reporting"}},
      {"services.csv", {"agency", "referred"}},
      {"activities.csv",
       {"end_date", "topics", "audiences", "sessions", "participants", "child_participants",
        "quantity", "programme"}},
      {"plans.csv", {"programme"}},
      {"targets.csv", {"direction", "org_unit", "period"}},
      {"holidays.csv", {"name"}},
  };
  for (const auto& [file, columns] : optional) {
    const table& t = get(file);
    for (const std::string& column : columns) {
      const std::size_t c = t.col(column);
      std::size_t empty = 0;
      for (const auto& row : t.rows) empty += row[c].empty();
      EXPECT_GT(empty, 0u) << file << " " << column;
      EXPECT_LT(empty, t.rows.size()) << file << " " << column;
    }
  }
  // Names that need quoting are quoted (and read back with their comma).
  EXPECT_NE(
      read_file(*folder_ / "agencies.csv")
          .find("\"Ban Vì sự tiến bộ của phụ nữ và bảo vệ, chăm sóc trẻ em tỉnh Quảng Ninh\""),
      std::string::npos);
  EXPECT_NE(read_file(*folder_ / "plans.csv").find("\"\"Thực hiện bình đẳng giới"),
            std::string::npos);
}

TEST_F(GeneratedDataset, CircumstanceRatesAreNearQuangNinhs) {
  const table& episodes = get("circumstances.csv");
  std::set<std::string> special, at_risk;
  std::map<std::string, int> per_child;
  for (const auto& row : episodes.rows) {
    (row[1] == "at_risk" ? at_risk : special).insert(row[0]);
    if (row[1] != "at_risk") ++per_child[row[0]];
  }
  const double n = static_cast<double>(get("children.csv").rows.size());
  EXPECT_NEAR(static_cast<double>(special.size()) / n, 0.013, 0.002);
  EXPECT_NEAR(static_cast<double>(at_risk.size()) / n, 0.025, 0.003);
  std::size_t two = 0;
  for (const auto& [child, count] : per_child) two += count >= 2;
  EXPECT_GT(two, 0u);  // some children are in two circumstances
}

TEST_F(GeneratedDataset, CasesLookLikeTheDomain) {
  const table& cases = get("cases.csv");
  std::size_t abuse = 0, injury = 0, hotline = 0, two_groups = 0, no_consent = 0,
              drowning_deaths = 0, open = 0;
  const std::set<std::string> injuries = {"drowning", "road_traffic", "fall",
                                          "burn",     "poisoning",    "other_injury"};
  for (const auto& row : cases.rows) {
    const std::string& concerns = row[cases.col("concerns")];
    std::stringstream parts(concerns);
    std::string part;
    std::set<std::string> groups;
    while (std::getline(parts, part, '|'))
      groups.insert(std::string(codes::concern()[*codes::concern().find(part)].group));
    abuse += groups.count("abuse");
    injury += groups.count("injury");
    two_groups += groups.size() > 1;
    hotline += row[cases.col("source")] == "hotline_111";
    no_consent += row[cases.col("consent_reporting")] == "0";
    drowning_deaths +=
        concerns.find("drowning") != std::string::npos && row[cases.col("outcome")] == "died";
    open += row[cases.col("closed_date")].empty();
  }
  const double n = static_cast<double>(cases.rows.size());
  EXPECT_GT(abuse, injury);  // abuse is the most common concern
  EXPECT_NEAR(hotline / n, 0.20, 0.03);
  EXPECT_NEAR(no_consent / n, 0.02, 0.01);
  EXPECT_GT(two_groups, 0u);
  EXPECT_GT(drowning_deaths, 0u);
  EXPECT_GT(open, 0u);

  // A child who died in a case leaves the register with reason died.
  const table& children = get("children.csv");
  std::map<std::string, std::string> exit_reason;
  for (const auto& row : children.rows) exit_reason[row[0]] = row[children.col("exit_reason")];
  for (const auto& row : cases.rows)
    if (row[cases.col("outcome")] == "died") {
      EXPECT_TRUE(exit_reason[row[1]] == "died" || exit_reason[row[1]].empty());
    }
}

TEST_F(GeneratedDataset, DeliberateOdditiesAreFewButPresent) {
  const table& cases = get("cases.csv");
  std::size_t planned = 0, odd = 0;
  for (const auto& row : cases.rows) {
    const std::string& reported = row[cases.col("reported_date")];
    const std::string& assessed = row[cases.col("assessed_date")];
    const std::string& plan = row[cases.col("plan_date")];
    const std::string& closed = row[cases.col("closed_date")];
    const std::string& incident = row[cases.col("incident_date")];
    if (!plan.empty()) ++planned;
    if (!plan.empty() && !assessed.empty() && date_of(plan) < date_of(assessed)) ++odd;
    if (!assessed.empty() && date_of(assessed) < date_of(reported)) ++odd;
    if (!closed.empty() && !plan.empty() && date_of(closed) < date_of(plan)) ++odd;
    if (!incident.empty() && date_of(incident) > date_of(reported)) ++odd;
  }
  ASSERT_GT(planned, 1000u);
  EXPECT_GT(odd, 0u);
  EXPECT_LT(static_cast<double>(odd), 0.01 * static_cast<double>(cases.rows.size()));
}

TEST_F(GeneratedDataset, QuangNinhHasItsGsoUnits) {
  const table& units = get("org_units.csv");
  std::map<std::string, std::vector<std::string>> by_code;
  for (const auto& row : units.rows) by_code[row[0]] = row;
  ASSERT_EQ(by_code.count("22"), 1u);
  EXPECT_EQ(by_code["22"][1], "Tỉnh Quảng Ninh");
  EXPECT_EQ(by_code["22"][3], "province");
  EXPECT_EQ(by_code["196"][1], "Thành phố Uông Bí");
  EXPECT_EQ(by_code["205"][1], "Thị xã Đông Triều");
  EXPECT_EQ(by_code["205"][3], "town");
  EXPECT_EQ(by_code["198"][3], "district");
  EXPECT_EQ(by_code["06838"][1], "Thị trấn Bình Liêu");
  std::vector<std::string> districts;
  std::size_t communes = 0, wards = 0;
  for (const auto& row : units.rows) {
    if (row[2] == "22") districts.push_back(row[0]);
    if (!row[2].empty() && row[2] != "22") {
      ++communes;
      EXPECT_EQ(row[0].size(), 5u) << row[0];
    }
    wards += row[3] == "ward";
  }
  EXPECT_EQ(districts, (std::vector<std::string>{"193", "194", "195", "196", "198", "199", "200",
                                                 "201", "202", "203", "205", "206", "207"}));
  EXPECT_EQ(communes, 177u);
  EXPECT_GT(wards, 60u);
}

TEST_F(GeneratedDataset, PopulationCoversTheRegister) {
  // Registered children on 1 July of each year by commune, sex and age.
  const table& children = get("children.csv");
  std::map<std::string, std::uint64_t> registered;
  for (const auto& row : children.rows) {
    if (row[2] == "u") continue;
    const day_number birth = date_of(row[1]);
    const day_number reg = date_of(row[6]);
    const bool left = !row[7].empty();
    const day_number exit = left ? date_of(row[7]) : 0;
    for (int year = 2023; year <= 2025; ++year) {
      const day_number mid = to_day_number(civil_date{year, 7, 1});
      if (reg > mid || (left && exit <= mid)) continue;
      const int age = age_in_years(birth, mid);
      if (age < 0 || age > 17) continue;
      ++registered[row[3] + "|" + std::to_string(year) + "|" + row[2] + "|" + std::to_string(age)];
    }
  }
  const table& population = get("population.csv");
  std::set<std::string> cells;
  std::uint64_t total = 0;
  for (const auto& row : population.rows) {
    const std::string key = row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3];
    EXPECT_TRUE(cells.insert(key).second) << "repeated cell " << key;
    const std::uint64_t count = std::stoull(row[4]);
    auto it = registered.find(key);
    if (it != registered.end()) {
      EXPECT_GE(count, it->second) << key;
    }
    total += count;
  }
  EXPECT_EQ(cells.size(), 177u * 3 * 2 * 18);  // communes only, every cell
  // The population is about 25 times the register.
  EXPECT_GT(total / 3, 20u * children.rows.size());
  EXPECT_LT(total / 3, 30u * children.rows.size());
}

TEST_F(GeneratedDataset, HolidaysFollowTheLabourCode) {
  const table& holidays = get("holidays.csv");
  std::map<std::string, std::string> by_date;
  for (const auto& row : holidays.rows) by_date[row[0]] = row[1];
  for (const char* d : {"2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14"})
    EXPECT_EQ(by_date[d], "Tết Nguyên đán") << d;
  EXPECT_EQ(by_date["2025-01-29"], "Tết Nguyên đán");
  EXPECT_EQ(by_date["2024-04-18"], "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
  EXPECT_EQ(by_date["2023-04-29"], "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
  EXPECT_EQ(by_date["2024-04-30"], "Ngày Giải phóng miền Nam, thống nhất đất nước");
  EXPECT_EQ(by_date["2024-09-02"], "Quốc khánh");
  // 30 April 2023 was a Sunday: a compensatory day follows 1 May.
  ASSERT_EQ(by_date.count("2023-05-02"), 1u);
  EXPECT_EQ(by_date["2023-05-02"], "");
}

TEST_F(GeneratedDataset, LoadsWithoutAnyDiagnostic) {
  dataset data;
  const load_report report = try_load_dataset(folder_->string(), data);
  for (const diagnostic& d : report.diagnostics) ADD_FAILURE() << d.to_string();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(data.children.size(), 30000u);
  EXPECT_EQ(data.cases.size(), summary_->rows("cases.csv"));
  EXPECT_EQ(data.org_units.size(), summary_->rows("org_units.csv"));
}

TEST_F(GeneratedDataset, ValidationFindsOnlyTheDeliberateOddities) {
  dataset data;
  ASSERT_TRUE(try_load_dataset(folder_->string(), data).ok());
  const validation_report report = validate(data);
  // docs/generator.md, "Deliberate oddities".
  const std::set<std::string> deliberate = {"SG304", "SG311", "SG320", "SG321",
                                            "SG322", "SG323", "SG325", "SG330"};
  std::uint64_t total = 0;
  for (const rule_count& c : report.counts) {
    EXPECT_EQ(deliberate.count(c.rule), 1u) << c.rule << " found " << c.count;
    total += c.count;
  }
  EXPECT_GE(report.counts.size(), 4u);
  EXPECT_LT(total, data.cases.size() / 100);
}

TEST(GenerateDataset, MoreProvincesTakeRealCodesAndStayConsistent) {
  const fs::path folder = fresh_folder("provinces");
  generate(folder, 2000, 1, 3);
  const table units = read_table(folder, "org_units.csv");
  std::map<std::string, std::string> parent_of;
  std::vector<std::string> roots;
  for (const auto& row : units.rows) {
    EXPECT_TRUE(parent_of.emplace(row[0], row[2]).second) << "duplicate code " << row[0];
    if (row[2].empty()) roots.push_back(row[1]);
  }
  EXPECT_EQ(roots,
            (std::vector<std::string>{"Tỉnh Quảng Ninh", "Thành phố Hà Nội", "Tỉnh Hà Giang"}));
  // Every unit is at most three levels deep under its province.
  for (const auto& [code, parent] : parent_of) {
    int depth = 1;
    for (std::string p = parent; !p.empty(); p = parent_of.at(p)) ++depth;
    EXPECT_LE(depth, 3) << code;
  }
  const table agencies = read_table(folder, "agencies.csv");
  std::set<std::string> served;
  for (const auto& row : agencies.rows) served.insert(row[3]);
  EXPECT_EQ(served.count("01"), 1u);
  EXPECT_EQ(served.count("02"), 1u);
  fs::remove_all(folder);
}

TEST(GenerateDataset, ZeroChildrenStillWritesEveryTable) {
  const fs::path folder = fresh_folder("zero");
  const generate_summary s = generate(folder, 0);
  EXPECT_EQ(s.rows("children.csv"), 0u);
  EXPECT_EQ(s.rows("cases.csv"), 0u);
  EXPECT_GT(s.rows("activities.csv"), 0u);
  EXPECT_GT(s.rows("plans.csv"), 0u);
  for (const std::string& f : all_files) EXPECT_TRUE(fs::exists(folder / f)) << f;
  fs::remove_all(folder);
}

TEST(GenerateDataset, ReportsProgressStageByStage) {
  const fs::path folder = fresh_folder("progress");
  std::vector<std::string> stages;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> last;
  generate_options o;
  o.children = 40000;
  o.progress = [&](std::string_view what, std::uint64_t done, std::uint64_t total) {
    if (stages.empty() || stages.back() != what) stages.emplace_back(what);
    last[std::string(what)] = {done, total};
  };
  generate_dataset(folder.string(), o);
  EXPECT_EQ(stages, (std::vector<std::string>{"org_units", "agencies", "holidays", "children",
                                              "population", "activities", "plans"}));
  for (const auto& [stage, state] : last) EXPECT_EQ(state.first, state.second) << stage;
  EXPECT_EQ(last["children"].second, 40000u);
  fs::remove_all(folder);
}

TEST(GenerateDataset, RejectsOptionsOutOfRange) {
  const fs::path folder = fresh_folder("bad");
  auto message = [&](generate_options o) {
    try {
      generate_dataset(folder.string(), o);
    } catch (const error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  generate_options o;
  o.provinces = 0;
  EXPECT_EQ(message(o), "generate_dataset: provinces must be 1 to 100, got 0");
  o.provinces = 101;
  EXPECT_EQ(message(o), "generate_dataset: provinces must be 1 to 100, got 101");
  o = generate_options();
  o.first_year = 1999;
  EXPECT_EQ(message(o),
            "generate_dataset: years must lie in 2000..2030 with first_year <= last_year, got "
            "1999..2025");
  o = generate_options();
  o.first_year = 2026;
  EXPECT_NE(message(o).find("got 2026..2025"), std::string::npos);
  o = generate_options();
  o.first_year = 2024;
  o.last_year = 2031;
  EXPECT_NE(message(o).find("got 2024..2031"), std::string::npos);
  EXPECT_THROW(generate_dataset("", generate_options()), error);
  // Nothing is written when the options are refused.
  EXPECT_FALSE(fs::exists(folder));
}

TEST(GenerateDataset, ReportsAFileThatCannotBeCreated) {
  const fs::path folder = fresh_folder("blocked");
  fs::create_directories(folder / "org_units.csv");  // a folder where the file should go
  generate_options o;
  o.children = 10;
  try {
    generate_dataset(folder.string(), o);
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cannot create '"), std::string::npos) << m;
    EXPECT_NE(m.find("org_units.csv'"), std::string::npos) << m;
  }
  fs::remove_all(folder);
}

}  // namespace
}  // namespace safeguard::io
