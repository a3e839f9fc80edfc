// Loading datasets: values, defaults and references of a valid dataset, and every diagnostic
// (code, file, line, column, value, expected) of docs/errors.md.
#include "safeguard/io/load.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "safeguard/model/views.hpp"

namespace safeguard::io {
namespace {

namespace fs = std::filesystem;
using files = std::map<std::string, std::string>;

// A small valid dataset; tests replace or add files to break one rule at a time.
files base_files() {
  return {
      {"org_units.csv",
       "code,name,parent,kind\n"
       "22,Tỉnh Quảng Ninh,,province\n"
       "193,Thành phố Hạ Long,22,city\n"
       "205,Huyện Vân Đồn,22,district\n"
       "6700,Phường Hồng Gai,193,ward\n"
       "7135,Xã Đông Xá,205,commune\n"},
      {"agencies.csv",
       "code,name,kind,org_unit\n"
       "dolisa,Sở Lao động – Thương binh và Xã hội,labour_social_affairs,22\n"
       "wu,Hội Liên hiệp Phụ nữ tỉnh,womens_union,22\n"},
      {"children.csv",
       "child_id,birth_date,sex,org_unit,ethnicity,disability,registered_date,exit_date,"
       "exit_reason\n"
       "C1,2012-02-29,f,6700,kinh,0,2020-01-15,,\n"
       "C2,2010-06-15,m,7135,dao,1,2021-03-01,2024-05-01,moved\n"
       "C3,2015-01-01,u,7135,,,2022-01-01,,\n"},
      {"circumstances.csv",
       "child_id,circumstance,start_date,end_date\n"
       "C1,orphan,2020-01-15,\n"
       "C2,at_risk,2021-03-01,2023-12-31\n"},
      {"cases.csv",
       "case_id,child_id,reported_date,concerns,org_unit,lead_agency,source,setting,perpetrator,"
       "level,risk,outcome,incident_date,emergency_date,assessed_date,plan_date,closed_date,"
       "closure_reason,consent_reporting\n"
       "K1,C1,2024-03-01T09:30,physical_violence|neglect,6700,dolisa,hotline_111,family,parent,"
       "intervention,high,,2024-02-28,2024-03-01T20:00,2024-03-02,2024-03-08,2024-06-01,"
       "goals_met,1\n"
       "K2,C2,2024-04-10,drowning,7135,,school,school,,,,injured,,,,,,,0\n"
       "K3,C1,2024-05-01,emotional_violence|emotional_violence,6700,,,,,,,,,,,,,,\n"},
      {"services.csv",
       "case_id,date,service,agency,referred\n"
       "K1,2024-03-03,psychosocial,wu,1\n"
       "K1,2024-03-05,health_care,,\n"},
      {"activities.csv",
       "kind,activity_id,agency,start_date,org_unit,topics,audiences,participants,"
       "child_participants,programme\n"
       "training,A1,dolisa,2024-06-01,193,abuse_prevention|school_safety,teachers|parents,80,0,"
       "action_month_2024\n"
       "communication,A2,wu,2024-06-05,205,,,,,\n"},
      {"plans.csv",
       "plan_id,agency,title,start_date,end_date,org_unit,programme\n"
       "P1,dolisa,\"Kế hoạch \"\"Tháng hành động vì trẻ em\"\" 2024\",2024-01-01,2024-12-31,22,"
       "action_month_2024\n"},
      {"targets.csv",
       "plan_id,indicator,value,direction,org_unit,period\n"
       "P1,CASES_NEW,120,,,\n"
       "P1,DROWNING_DEATHS,0,at_most,193,2024Q2\n"},
      {"population.csv",
       "org_unit,year,sex,age,count\n"
       "6700,2024,f,0,120\n"
       "6700,2024,m,0,130\n"
       "7135,2024,f,5,40\n"},
      {"holidays.csv",
       "date,name\n"
       "2024-01-01,Tết Dương lịch\n"
       "2024-02-10,Tết Nguyên đán\n"},
  };
}

load_report load_files(const files& f, dataset& out, load_options options = {}) {
  std::vector<std::pair<std::string, std::string>> list(f.begin(), f.end());
  return try_load_tables(list, out, options);
}

load_report load_files(const files& f, load_options options = {}) {
  dataset ds;
  return load_files(f, ds, std::move(options));
}

// The base files with one file replaced.
load_report with(const std::string& name, const std::string& content,
                 load_options options = {}) {
  files f = base_files();
  f[name] = content;
  return load_files(f, std::move(options));
}

const diagnostic* find(const load_report& r, const std::string& code) {
  for (const diagnostic& d : r.diagnostics)
    if (d.code == code) return &d;
  return nullptr;
}

std::string dump(const load_report& r) {
  std::string s;
  for (const diagnostic& d : r.diagnostics) s += d.to_string() + "\n";
  return s;
}

// Asserts the one diagnostic with `code` and its location.
void expect_diagnostic(const load_report& r, const std::string& code, const std::string& file,
                       std::uint64_t line, std::uint32_t column, const std::string& column_name,
                       const std::string& value, const std::string& expected_part,
                       const std::string& record_id = "") {
  const diagnostic* d = find(r, code);
  ASSERT_NE(d, nullptr) << "no " << code << " in:\n" << dump(r);
  EXPECT_EQ(d->file, file) << dump(r);
  EXPECT_EQ(d->line, line) << dump(r);
  EXPECT_EQ(d->column, column) << dump(r);
  EXPECT_EQ(d->column_name, column_name) << dump(r);
  EXPECT_EQ(d->value, value) << dump(r);
  EXPECT_NE(d->expected.find(expected_part), std::string::npos)
      << "expected text: " << d->expected;
  EXPECT_EQ(d->record_id, record_id) << dump(r);
}

day_number day(const char* text) { return *parse_iso_date(text); }

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "safeguard_load_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::string& path() const { return path_; }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream out(fs::path(path_) / name, std::ios::binary);
    out << content;
  }
  void write_all(const files& f) const {
    for (const auto& [name, content] : f) write(name, content);
  }

 private:
  std::string path_;
};

std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// --- A valid dataset ------------------------------------------------------------------

TEST(LoadDataset, ValidFolderLoadsValuesDefaultsAndReferences) {
  TempFolder folder;
  files f = base_files();
  f["children.csv"] = "\xEF\xBB\xBF" + f["children.csv"];  // BOM
  f["cases.csv"] = crlf(f["cases.csv"]);                   // CRLF
  f["holidays.csv"].pop_back();                            // no final line end
  f["services.csv"] += "\n\n";                             // blank lines at the end
  folder.write_all(f);
  dataset ds;
  const load_report report = try_load_dataset(folder.path(), ds);
  ASSERT_TRUE(report.ok()) << dump(report);
  EXPECT_EQ(report.warning_count(), 0u) << dump(report);

  ASSERT_EQ(ds.org_units.size(), 5u);
  EXPECT_EQ(ds.org_units.name[1], "Thành phố Hạ Long");
  EXPECT_FALSE(ds.org_units.parent[0].valid());
  EXPECT_EQ(ds.org_units.parent[3], org_unit_index(1));
  EXPECT_EQ(codes::org_unit_kind()[ds.org_units.kind[4]].code, "commune");

  ASSERT_EQ(ds.children.size(), 3u);
  EXPECT_EQ(ds.children.id[0], "C1");
  EXPECT_EQ(ds.children.birth_date[0], day("2012-02-29"));
  EXPECT_EQ(ds.children.sex[2], *codes::sex().find("u"));
  EXPECT_EQ(ds.children.org_unit[1], org_unit_index(4));
  EXPECT_EQ(ds.children.ethnicities.values, (std::vector<std::string>{"kinh", "dao"}));
  EXPECT_EQ(ds.children.ethnicity[2], dictionary::no_entry);
  EXPECT_EQ(ds.children.disability[1], 1);
  EXPECT_EQ(ds.children.disability[2], no_flag);
  EXPECT_EQ(ds.children.exit_date[0], no_day);
  EXPECT_EQ(ds.children.exit_date[1], day("2024-05-01"));
  EXPECT_EQ(ds.children.exit_reason[1], *codes::exit_reason().find("moved"));
  EXPECT_EQ(ds.children.exit_reason[0], no_code);

  ASSERT_EQ(ds.circumstances.size(), 2u);
  EXPECT_EQ(ds.circumstances.child[1], child_index(1));
  EXPECT_EQ(ds.circumstances.end_date[0], no_day);

  ASSERT_EQ(ds.cases.size(), 3u);
  EXPECT_EQ(ds.cases.child[2], child_index(0));
  EXPECT_EQ(ds.cases.reported_date[0], day("2024-03-01"));
  EXPECT_EQ(ds.cases.reported_minute[0], 9 * 60 + 30);
  EXPECT_EQ(ds.cases.reported_minute[1], no_minute);
  const code_list& concern = codes::concern();
  EXPECT_EQ(ds.cases.concerns[0], (code_set{1} << *concern.find("physical_violence")) |
                                      (code_set{1} << *concern.find("neglect")));
  EXPECT_EQ(ds.cases.concerns[2], code_set{1} << *concern.find("emotional_violence"));
  EXPECT_EQ(ds.cases.lead_agency[0], agency_index(0));
  EXPECT_FALSE(ds.cases.lead_agency[1].valid());
  EXPECT_EQ(ds.cases.emergency_minute[0], 20 * 60);
  EXPECT_EQ(ds.cases.emergency_date[1], no_day);
  EXPECT_EQ(ds.cases.outcome[0], no_code);
  EXPECT_EQ(ds.cases.closure_reason[0], *codes::closure_reason().find("goals_met"));
  EXPECT_EQ(ds.cases.consent_reporting[0], 1);
  EXPECT_EQ(ds.cases.consent_reporting[1], 0);
  EXPECT_EQ(ds.cases.consent_reporting[2], 1);  // empty: default 1

  ASSERT_EQ(ds.services.size(), 2u);
  EXPECT_EQ(ds.services.case_[1], case_index(0));
  EXPECT_EQ(ds.services.agency[0], agency_index(1));
  EXPECT_EQ(ds.services.referred[0], 1);
  EXPECT_EQ(ds.services.referred[1], no_flag);

  ASSERT_EQ(ds.activities.size(), 2u);
  EXPECT_EQ(ds.activities.id[0], "A1");
  EXPECT_EQ(ds.activities.end_date[0], day("2024-06-01"));  // defaults to start_date
  EXPECT_EQ(ds.activities.sessions[0], 1);
  EXPECT_EQ(ds.activities.participants[0], 80);
  EXPECT_EQ(ds.activities.participants[1], 0);
  EXPECT_EQ(ds.activities.quantity[1], 1);
  EXPECT_EQ(ds.activities.topics[1], 0u);
  EXPECT_EQ(ds.activities.audiences[0], (code_set{1} << *codes::audience().find("teachers")) |
                                            (code_set{1} << *codes::audience().find("parents")));
  EXPECT_EQ(ds.activities.programmes.values, (std::vector<std::string>{"action_month_2024"}));
  EXPECT_EQ(ds.activities.programme[1], dictionary::no_entry);

  ASSERT_EQ(ds.plans.size(), 1u);
  EXPECT_EQ(ds.plans.title[0], "Kế hoạch \"Tháng hành động vì trẻ em\" 2024");

  ASSERT_EQ(ds.targets.size(), 2u);
  EXPECT_EQ(ds.targets.direction[0], *codes::direction().find("at_least"));
  EXPECT_EQ(ds.targets.org_unit[0], org_unit_index(0));  // the plan's unit
  EXPECT_EQ(ds.targets.period[0], "");
  EXPECT_EQ(ds.targets.period_start[0], day("2024-01-01"));
  EXPECT_EQ(ds.targets.period_end[0], day("2024-12-31"));
  EXPECT_EQ(ds.targets.org_unit[1], org_unit_index(1));
  EXPECT_EQ(ds.targets.period[1], "2024Q2");
  EXPECT_EQ(ds.targets.period_start[1], day("2024-04-01"));
  EXPECT_EQ(ds.targets.period_end[1], day("2024-06-30"));
  EXPECT_EQ(ds.targets.value[0], 120.0);

  ASSERT_EQ(ds.population.size(), 3u);
  EXPECT_EQ(ds.population.count[1], 130);
  ASSERT_EQ(ds.holidays.size(), 2u);
  EXPECT_EQ(ds.holidays.name[1], "Tết Nguyên đán");
}

TEST(LoadDataset, ViewsReadTheLoadedRows) {
  dataset ds;
  ASSERT_TRUE(load_files(base_files(), ds).ok());
  const case_view k1(ds, case_index(0));
  EXPECT_EQ(k1.id(), "K1");
  EXPECT_EQ(k1.child().id(), "C1");
  EXPECT_EQ(k1.child().org_unit().name(), "Phường Hồng Gai");
  EXPECT_EQ(k1.child().org_unit().parent()->code(), "193");
  EXPECT_EQ(k1.child().age_at(k1.reported_date()), 12);
  EXPECT_TRUE(k1.has_concern("neglect"));
  EXPECT_TRUE(k1.has_concern_group("abuse"));
  EXPECT_FALSE(k1.has_concern_group("injury"));
  EXPECT_EQ(k1.lead_agency()->kind(), "labour_social_affairs");
  EXPECT_EQ(k1.source(), std::optional<std::string_view>("hotline_111"));
  EXPECT_FALSE(k1.outcome().has_value());
  EXPECT_TRUE(k1.open_at(day("2024-05-31")));
  EXPECT_FALSE(k1.open_at(day("2024-06-01")));
  EXPECT_EQ(k1.emergency()->minute, 20 * 60);
  std::size_t n = 0;
  for (child_view c : children(ds)) n += c.on_register(day("2024-06-30"));
  EXPECT_EQ(n, 2u);  // C2 left on 2024-05-01
  EXPECT_EQ(cases(ds).size(), 3u);
  EXPECT_EQ(services(ds)[0].agency()->code(), "wu");
  EXPECT_EQ(activities(ds)[0].programme(), std::optional<std::string_view>("action_month_2024"));
  EXPECT_TRUE(activities(ds)[0].has_topic("school_safety"));
  EXPECT_EQ(targets(ds)[1].direction(), "at_most");
  EXPECT_EQ(plans(ds)[0].agency().code(), "dolisa");
  EXPECT_TRUE(circumstances(ds)[0].active_at(day("2024-06-30")));
  EXPECT_FALSE(circumstances(ds)[1].active_at(day("2023-12-31")));
}

TEST(LoadDataset, ReportsProgressOnTheCallingThreadUpToTheTotal) {
  files f = base_files();
  std::size_t total = 0;
  for (const auto& [name, content] : f) total += content.size();
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  const std::thread::id caller = std::this_thread::get_id();
  bool other_thread = false;
  load_options o;
  o.threads = 2;
  o.progress = [&](std::string_view what, std::uint64_t done, std::uint64_t all) {
    EXPECT_EQ(what, "loading");
    other_thread = other_thread || std::this_thread::get_id() != caller;
    calls.emplace_back(done, all);
  };
  ASSERT_TRUE(load_files(f, o).ok());
  ASSERT_FALSE(calls.empty());
  EXPECT_FALSE(other_thread);
  EXPECT_EQ(calls.back().first, total);
  EXPECT_EQ(calls.back().second, total);
}

TEST(LoadDataset, OnlyOrgUnitsIsRequired) {
  dataset ds;
  const load_report r = load_files({{"org_units.csv", base_files()["org_units.csv"]}}, ds);
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(ds.org_units.size(), 5u);
  EXPECT_EQ(ds.children.size(), 0u);
  EXPECT_EQ(ds.cases.size(), 0u);
}

TEST(LoadDataset, HeaderOnlyFilesAreEmptyTables) {
  files f = base_files();
  f["children.csv"] = "child_id,birth_date,sex,org_unit,registered_date\n";
  f["circumstances.csv"] = "child_id,circumstance,start_date";
  f.erase("cases.csv");
  f.erase("services.csv");
  dataset ds;
  const load_report r = load_files(f, ds);
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(ds.children.size(), 0u);
  EXPECT_EQ(ds.circumstances.size(), 0u);
}

TEST(LoadDataset, ColumnsInAnyOrderAndVietnameseRoundTrip) {
  dataset ds;
  const std::string name = "Đặc khu Vân Đồn – \"Vân Đồn\" đảo";
  const load_report r =
      load_files({{"org_units.csv", "kind,name,code\nspecial_zone,\"Đặc khu Vân Đồn – \"\"Vân "
                                    "Đồn\"\" đảo\",VD\n"}},
                 ds);
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(ds.org_units.code[0], "VD");
  EXPECT_EQ(ds.org_units.name[0], name);
  EXPECT_EQ(ds.org_units.name.bytes(), name);
}

TEST(LoadDataset, ThrowingLoadCarriesEveryDiagnostic) {
  TempFolder folder;
  files f = base_files();
  f["children.csv"] += "C4,2015-02-30,f,6700,,,2022-01-01,,\nC5,2015-01-01,x,6700,,,2022-01-01,,\n";
  folder.write_all(f);
  try {
    (void)load_dataset(folder.path());
    FAIL() << "no exception";
  } catch (const load_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    const std::string what = e.what();
    EXPECT_NE(what.find("2 errors"), std::string::npos) << what;
    EXPECT_NE(what.find("children.csv:5:2: error SG121 [birth_date]: '2015-02-30'; expected a "
                        "date YYYY-MM-DD (record C4)"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("SG126"), std::string::npos) << what;
  }
}

TEST(LoadDataset, LoadTakesAFolder) {
  TempFolder folder;
  folder.write_all(base_files());
  const dataset ds = load(folder.path());
  EXPECT_EQ(ds.children.size(), 3u);
  EXPECT_EQ(load_dataset(folder.path() + "/").cases.size(), 3u);
}

// --- Files and headers ----------------------------------------------------------------

TEST(LoadErrors, SG100MissingFolderAndUnreadableFile) {
  dataset ds;
  const load_report r = try_load_dataset("/nonexistent/safeguard/folder", ds);
  expect_diagnostic(r, "SG100", "/nonexistent/safeguard/folder", 0, 0, "", "",
                    "a readable dataset folder");
  TempFolder folder;
  folder.write_all(base_files());
  fs::remove(fs::path(folder.path()) / "children.csv");
  fs::create_directory(fs::path(folder.path()) / "children.csv");
  const load_report r2 = try_load_dataset(folder.path(), ds);
  expect_diagnostic(r2, "SG100", "children.csv", 0, 0, "", "", "it is a folder");
}

TEST(LoadErrors, SG101EmptyFile) {
  const load_report r = with("children.csv", "");
  expect_diagnostic(r, "SG101", "children.csv", 1, 0, "", "", "a header line naming the columns");
  EXPECT_FALSE(r.ok());
  // Children that cannot be read do not make every case's child_id an error too.
  EXPECT_EQ(find(r, "SG131"), nullptr) << dump(r);
}

TEST(LoadErrors, SG102MissingRequiredColumn) {
  const load_report r = with("children.csv",
                             "child_id,sex,org_unit,registered_date\nC1,f,6700,2020-01-01\n"
                             "C2,m,7135,2020-01-01\n");
  expect_diagnostic(r, "SG102", "children.csv", 1, 0, "birth_date", "",
                    "a column named birth_date");
  EXPECT_EQ(r.error_count(), 1u) << dump(r);  // no SG120 per row for the absent column
}

TEST(LoadErrors, SG103UnknownColumnIsAWarning) {
  dataset ds;
  files f = base_files();
  f["holidays.csv"] = "date,name,note\n2024-01-01,Tết Dương lịch,x\n";
  const load_report r = load_files(f, ds);
  EXPECT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.warning_count(), 1u);
  expect_diagnostic(r, "SG103", "holidays.csv", 1, 3, "note", "note", "one of the columns date, name");
  EXPECT_EQ(find(r, "SG103")->level, severity::warning);
  EXPECT_EQ(ds.holidays.size(), 1u);
}

TEST(LoadErrors, SG104DuplicateColumn) {
  const load_report r = with("holidays.csv", "date,name,date\n2024-01-01,a,2024-01-02\n");
  expect_diagnostic(r, "SG104", "holidays.csv", 1, 3, "date", "date", "first at column 1");
}

TEST(LoadErrors, SG105UnknownTableFileIsAWarning) {
  files f = base_files();
  f["child.csv"] = "child_id\nC9\n";
  const load_report r = load_files(f);
  EXPECT_TRUE(r.ok()) << dump(r);
  expect_diagnostic(r, "SG105", "child.csv", 0, 0, "", "", "one of the table files");
  TempFolder folder;
  folder.write_all(f);
  dataset ds;
  const load_report r2 = try_load_dataset(folder.path(), ds);
  EXPECT_TRUE(r2.ok());
  expect_diagnostic(r2, "SG105", "child.csv", 0, 0, "", "", "one of the table files");
}

TEST(LoadErrors, SG106TableGivenTwice) {
  std::vector<std::pair<std::string, std::string>> list;
  for (const auto& [name, content] : base_files()) list.emplace_back(name, content);
  list.emplace_back("holidays.csv", "date\n");
  dataset ds;
  const load_report r = try_load_tables(list, ds);
  expect_diagnostic(r, "SG106", "holidays.csv", 0, 0, "", "", "each table once");
}

TEST(LoadErrors, SG107NoOrgUnits) {
  files f = base_files();
  f.erase("org_units.csv");
  const load_report r = load_files(f);
  expect_diagnostic(r, "SG107", "org_units.csv", 0, 0, "", "", "the one required table");
  EXPECT_EQ(r.error_count(), 1u);
}

// --- Records --------------------------------------------------------------------------

TEST(LoadErrors, SG110BadQuoting) {
  const std::string header = "date,name\n";
  const load_report a = with("holidays.csv", header + "2024-01-01,Tết \"Dương\" lịch\n");
  expect_diagnostic(a, "SG110", "holidays.csv", 2, 2, "name", "Tết \"Dương\" lịch",
                    "no quote inside an unquoted field");
  const load_report b = with("holidays.csv", header + "2024-01-01,\"Tết\" Dương\n");
  expect_diagnostic(b, "SG110", "holidays.csv", 2, 2, "name", "\"Tết\" Dương",
                    "a separator or line end after the closing quote");
  const load_report c = with("holidays.csv", header + "2024-01-01,a\n2024-02-10,\"Tết\n");
  expect_diagnostic(c, "SG110", "holidays.csv", 3, 2, "name", "\"Tết\\n",
                    "a closing quote");
}

TEST(LoadErrors, SG111WrongFieldCount) {
  const load_report r = with("children.csv",
                             "child_id,birth_date,sex,org_unit,registered_date\n"
                             "C1,2012-02-29,f,6700,2020-01-15\n"
                             "C2,2010-06-15,m,7135,2021-03-01,extra\n");
  expect_diagnostic(r, "SG111", "children.csv", 3, 0, "", "C2,2010-06-15,m,7135,2021-03-01,extra",
                    "5 fields as in the header, found 6", "C2");
  EXPECT_EQ(r.error_count(), 1u) << dump(r);  // the case of C2 still finds its child
}

TEST(LoadErrors, SG112InvalidUtf8) {
  const load_report r = with("holidays.csv", "date,name\n2024-01-01,T\xE1t\n");
  expect_diagnostic(r, "SG112", "holidays.csv", 2, 2, "name", "T\\xe1t", "UTF-8 text");
}

TEST(LoadErrors, SG113LineTooLong) {
  const std::string huge(std::size_t{1} << 21, 'x');
  const load_report r =
      with("holidays.csv", "date,name\n2024-01-01," + huge + "\n2024-02-10,Tết\n");
  expect_diagnostic(r, "SG113", "holidays.csv", 2, 0, "", "", "a line of at most 1048576 bytes");
  EXPECT_EQ(r.error_count(), 1u) << dump(r);
}

TEST(LoadErrors, SG114BlankLinesInsideAreSkippedWithAWarning) {
  dataset ds;
  files f = base_files();
  f["holidays.csv"] = "date,name\n2024-01-01,a\n\n\n2024-02-10,b\n\n";
  const load_report r = load_files(f, ds);
  EXPECT_TRUE(r.ok()) << dump(r);
  expect_diagnostic(r, "SG114", "holidays.csv", 3, 0, "", "", "2 blank lines skipped");
  EXPECT_EQ(find(r, "SG114")->level, severity::warning);
  ASSERT_EQ(ds.holidays.size(), 2u);
  EXPECT_EQ(ds.holidays.name[1], "b");
}

// --- Cells ----------------------------------------------------------------------------

const std::string child_header =
    "child_id,birth_date,sex,org_unit,ethnicity,disability,registered_date,exit_date,"
    "exit_reason\n";

TEST(LoadErrors, SG120RequiredValueEmpty) {
  const load_report r = with("children.csv", child_header + "C1,,f,6700,,,2020-01-15,,\n"
                                                            "C2,2010-06-15,m,7135,,,2021-03-01,,\n");
  expect_diagnostic(r, "SG120", "children.csv", 2, 2, "birth_date", "", "a value", "C1");
}

TEST(LoadErrors, SG121BadDate) {
  const load_report r = with("children.csv", child_header + "C1,2023-02-29,f,6700,,,2020-01-15,,\n"
                                                            "C2,2010-06-15,m,7135,,,2021-03-01,,\n");
  expect_diagnostic(r, "SG121", "children.csv", 2, 2, "birth_date", "2023-02-29",
                    "a date YYYY-MM-DD", "C1");
}

TEST(LoadErrors, SG122BadDateTime) {
  files f = base_files();
  std::string cases = f["cases.csv"];
  const std::size_t at = cases.find("2024-03-01T09:30");
  cases.replace(at, 16, "2024-03-01 09:30");
  const load_report r = with("cases.csv", cases);
  expect_diagnostic(r, "SG122", "cases.csv", 2, 3, "reported_date", "2024-03-01 09:30",
                    "a date-time YYYY-MM-DDTHH:MM", "K1");
}

TEST(LoadErrors, SG123BadInteger) {
  const std::string h = "org_unit,year,sex,age,count\n";
  expect_diagnostic(with("population.csv", h + "6700,2024,f,18,1\n"), "SG123", "population.csv", 2,
                    4, "age", "18", "a whole number from 0 to 17");
  expect_diagnostic(with("population.csv", h + "6700,2024,f,-1,1\n"), "SG123", "population.csv", 2,
                    4, "age", "-1", "from 0 to 17");
  expect_diagnostic(with("population.csv", h + "6700,24,f,1,1\n"), "SG123", "population.csv", 2, 2,
                    "year", "24", "from 1900 to 9999");
  expect_diagnostic(with("population.csv", h + "6700,2024,f,1,99999999999999999999\n"), "SG123",
                    "population.csv", 2, 5, "count", "99999999999999999999", "a whole number");
  expect_diagnostic(with("population.csv", h + "6700,2024,f,1,1.5\n"), "SG123", "population.csv", 2,
                    5, "count", "1.5", "a whole number");
}

TEST(LoadErrors, SG124BadNumber) {
  const load_report r = with("targets.csv", "plan_id,indicator,value\nP1,CASES_NEW,lots\n");
  expect_diagnostic(r, "SG124", "targets.csv", 2, 3, "value", "lots", "a number");
  expect_diagnostic(with("targets.csv", "plan_id,indicator,value\nP1,CASES_NEW,inf\n"), "SG124",
                    "targets.csv", 2, 3, "value", "inf", "a number");
  EXPECT_TRUE(with("targets.csv", "plan_id,indicator,value\nP1,X,-2.5e1\n").ok());
}

TEST(LoadErrors, SG125BadBoolean) {
  const load_report r = with("children.csv", child_header + "C1,2012-02-29,f,6700,,yes,2020-01-15,,\n"
                                                            "C2,2010-06-15,m,7135,,,2021-03-01,,\n");
  expect_diagnostic(r, "SG125", "children.csv", 2, 6, "disability", "yes", "0 or 1", "C1");
}

TEST(LoadErrors, SG126UnknownCode) {
  const load_report r = with("children.csv", child_header + "C1,2012-02-29,F,6700,,,2020-01-15,,\n"
                                                            "C2,2010-06-15,m,7135,,,2021-03-01,,\n");
  expect_diagnostic(r, "SG126", "children.csv", 2, 3, "sex", "F", "one of: f, m, u", "C1");
  files f = base_files();
  std::string cases = f["cases.csv"];
  cases.replace(cases.find("physical_violence|neglect"), 25, "physical_violence|bullying");
  const load_report c = with("cases.csv", cases);
  expect_diagnostic(c, "SG126", "cases.csv", 2, 4, "concerns", "bullying",
                    "codes separated by |, each one of: physical_violence", "K1");
  EXPECT_NE(find(c, "SG126")->expected.find("(22 codes of the concern list)"), std::string::npos)
      << find(c, "SG126")->expected;
  const load_report p =
      with("population.csv", "org_unit,year,sex,age,count\n6700,2024,u,0,1\n");
  expect_diagnostic(p, "SG126", "population.csv", 2, 3, "sex", "u", "one of: f, m");
  const load_report empty_part = with("activities.csv",
                                      "activity_id,agency,kind,start_date,org_unit,topics\n"
                                      "A1,dolisa,training,2024-06-01,193,rights||nutrition\n");
  expect_diagnostic(empty_part, "SG126", "activities.csv", 2, 6, "topics", "rights||nutrition",
                    "codes separated by |", "A1");
}

TEST(LoadErrors, SG127BadIdentifier) {
  const std::string long_id(65, 'c');
  const load_report r =
      with("children.csv", child_header + long_id + ",2012-02-29,f,6700,,,2020-01-15,,\n");
  expect_diagnostic(r, "SG127", "children.csv", 2, 1, "child_id", long_id,
                    "an identifier of 1 to 64 bytes", long_id);
  EXPECT_EQ(find(with("children.csv", child_header + std::string(64, 'c') +
                                          ",2012-02-29,f,6700,,,2020-01-15,,\n"),
                 "SG127"),
            nullptr);
}

TEST(LoadErrors, SG128BadOpenCode) {
  const load_report r = with("children.csv", child_header + "C1,2012-02-29,f,6700,Kinh,,2020-01-15,,\n"
                                                            "C2,2010-06-15,m,7135,,,2021-03-01,,\n");
  expect_diagnostic(r, "SG128", "children.csv", 2, 5, "ethnicity", "Kinh",
                    "a lower-case ASCII snake_case code", "C1");
}

// --- Rows and tables ------------------------------------------------------------------

TEST(LoadErrors, SG130DuplicateIdNamesTheFirstLine) {
  const load_report r = with("children.csv", child_header + "C1,2012-02-29,f,6700,,,2020-01-15,,\n"
                                                            "C2,2010-06-15,m,7135,,,2021-03-01,,\n"
                                                            "C1,2011-01-01,m,7135,,,2021-03-01,,\n");
  expect_diagnostic(r, "SG130", "children.csv", 4, 1, "child_id", "C1", "already on line 2", "C1");
}

TEST(LoadErrors, SG131DanglingReference) {
  files f = base_files();
  std::string cases = f["cases.csv"];
  cases.replace(cases.find("K2,C2,"), 6, "K2,C9,");
  const load_report r = with("cases.csv", cases);
  expect_diagnostic(r, "SG131", "cases.csv", 3, 2, "child_id", "C9", "a child_id of children.csv",
                    "K2");
  const load_report s = with("services.csv", "case_id,date,service,agency\nK1,2024-03-03,"
                                             "psychosocial,unicef\n");
  expect_diagnostic(s, "SG131", "services.csv", 2, 4, "agency", "unicef",
                    "the code of an agency in agencies.csv");
  const load_report a = with("agencies.csv", "code,name,kind,org_unit\ndolisa,x,health,99\n"
                                             "wu,y,womens_union,22\n");
  expect_diagnostic(a, "SG131", "agencies.csv", 2, 4, "org_unit", "99",
                    "the code of a unit in org_units.csv", "dolisa");
}

TEST(LoadErrors, SG132PopulationCountedTwice) {
  const load_report r = with("population.csv",
                             "org_unit,year,sex,age,count\n"
                             "193,2024,f,0,500\n"
                             "7135,2024,f,0,40\n"
                             "6700,2023,f,0,1\n"
                             "6700,2024,m,3,2\n");
  expect_diagnostic(r, "SG132", "population.csv", 5, 1, "org_unit", "6700",
                    "its ancestor 193 also has counts for 2024 (line 2)");
  EXPECT_EQ(r.error_count(), 1u) << dump(r);  // 2023 and the other branch are fine
}

TEST(LoadErrors, SG133RepeatedPopulationKey) {
  const load_report r = with("population.csv",
                             "org_unit,year,sex,age,count\n"
                             "6700,2024,f,0,120\n"
                             "6700,2024,m,0,130\n"
                             "6700,2024,f,0,7\n");
  expect_diagnostic(r, "SG133", "population.csv", 4, 0, "", "6700,2024,f,0", "already on line 2");
}

TEST(LoadErrors, SG134CycleInTheHierarchy) {
  const load_report r = with("org_units.csv",
                             "code,name,parent\n"
                             "22,Quảng Ninh,\n"
                             "193,Hạ Long,6700\n"
                             "6700,Hồng Gai,193\n"
                             "205,Vân Đồn,22\n"
                             "7135,Đông Xá,205\n");
  expect_diagnostic(r, "SG134", "org_units.csv", 3, 3, "parent", "6700", "193 > 6700 > 193", "193");
  const load_report self = with("org_units.csv", "code,name,parent\n22,Quảng Ninh,22\n");
  expect_diagnostic(self, "SG134", "org_units.csv", 2, 3, "parent", "22", "(22 > 22)", "22");
}

TEST(LoadErrors, SG135ChildParticipantsAboveParticipants) {
  const load_report r = with("activities.csv",
                             "activity_id,agency,kind,start_date,org_unit,participants,"
                             "child_participants\n"
                             "A1,dolisa,training,2024-06-01,193,80,81\n"
                             "A2,dolisa,training,2024-06-01,193,,5\n"
                             "A3,dolisa,training,2024-06-01,193,80,80\n");
  expect_diagnostic(r, "SG135", "activities.csv", 2, 7, "child_participants", "81",
                    "at most participants (80)", "A1");
  EXPECT_EQ(r.error_count(), 2u) << dump(r);
  EXPECT_EQ(r.diagnostics[1].line, 3u);
  EXPECT_NE(r.diagnostics[1].expected.find("participants cell is empty"), std::string::npos);
}

TEST(LoadErrors, SG136ParentMissing) {
  const load_report r = with("org_units.csv",
                             "code,name,parent\n22,Quảng Ninh,\n193,Hạ Long,21\n"
                             "205,Vân Đồn,22\n6700,Hồng Gai,193\n7135,Đông Xá,205\n");
  expect_diagnostic(r, "SG136", "org_units.csv", 3, 3, "parent", "21",
                    "the code of a unit in org_units.csv", "193");
}

TEST(LoadErrors, SG137TooDeep) {
  std::string units = "code,name,parent\nu0,root,\n";
  for (int i = 1; i < 300; ++i)
    units += "u" + std::to_string(i) + ",n,u" + std::to_string(i - 1) + "\n";
  const load_report r = load_files({{"org_units.csv", units}});
  // u0 is level 1, so u255 (line 257) is the first unit at level 256.
  expect_diagnostic(r, "SG137", "org_units.csv", 257, 3, "parent", "u254",
                    "at most 255 levels", "u255");
}

TEST(LoadErrors, SG138BadPeriod) {
  const load_report r =
      with("targets.csv", "plan_id,indicator,value,period\nP1,CASES_NEW,10,2024Q5\n");
  const diagnostic* d = find(r, "SG138");
  ASSERT_NE(d, nullptr) << dump(r);
  EXPECT_EQ(d->line, 2u);
  EXPECT_EQ(d->column, 4u);
  EXPECT_EQ(d->column_name, "period");
  EXPECT_EQ(d->value, "2024Q5");
  EXPECT_FALSE(d->expected.empty());
}

TEST(LoadErrors, SG199TooManyErrors) {
  std::string rows = child_header;
  for (int i = 0; i < 10; ++i)
    rows += "X" + std::to_string(i) + ",2012-13-01,f,6700,,,2020-01-15,,\n";
  load_options o;
  o.max_errors = 3;
  const load_report r = with("children.csv", rows, o);
  ASSERT_EQ(r.diagnostics.size(), 4u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].line, 2u);
  EXPECT_EQ(r.diagnostics[2].line, 4u);
  EXPECT_EQ(r.diagnostics[3].code, "SG199");
  EXPECT_NE(r.diagnostics[3].expected.find("stopped after 3 errors"), std::string::npos);
  o.max_errors = 0;  // no limit
  EXPECT_GE(with("children.csv", rows, o).error_count(), 10u);
}

TEST(LoadErrors, ValuesAreShortenedTo80Bytes) {
  const std::string long_name(200, 'a');
  const load_report r =
      with("holidays.csv", "date,name\n" + long_name + ",x\n");
  const diagnostic* d = find(r, "SG121");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->value.size(), 80u);
  EXPECT_EQ(d->value.substr(77), "...");
  // Cut on a character boundary: 'ộ' is three bytes.
  std::string vi;
  for (int i = 0; i < 40; ++i) vi += "ộ";
  const load_report vr = with("holidays.csv", "date,name\n" + vi + ",x\n");
  const diagnostic* v = find(vr, "SG121");
  ASSERT_NE(v, nullptr);
  EXPECT_LE(v->value.size(), 80u);
  EXPECT_EQ(v->value.substr(v->value.size() - 3), "...");
  EXPECT_EQ((v->value.size() - 3) % 3, 0u);
}

TEST(LoadErrors, DiagnosticsAreOrderedByFileAndLine) {
  files f = base_files();
  f["holidays.csv"] = "date,name\n2024-02-30,a\n";
  f["children.csv"] += "C9,2012-02-30,f,6700,,,2020-01-15,,\nC8,2012-02-28,q,6700,,,2020-01-15,,\n";
  f["org_units.csv"] += "9,Nowhere,404,\n";
  const load_report r = load_files(f);
  ASSERT_EQ(r.error_count(), 4u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].file, "org_units.csv");
  EXPECT_EQ(r.diagnostics[1].file, "children.csv");
  EXPECT_EQ(r.diagnostics[1].line, 5u);
  EXPECT_EQ(r.diagnostics[2].line, 6u);
  EXPECT_EQ(r.diagnostics[3].file, "holidays.csv");
}

TEST(LoadErrors, NoCrashOnGarbage) {
  const std::string garbage[] = {"\"", "\"\"\"", ",,,\n,,,", "\r\r\r", "\xEF\xBB",
                                 std::string("a\0b\n\0", 5),
                                 "a\"b\"c\n\"", "\xFF\xFE,\n\n\n\xFF", "code\n\"\n\"\n\"",
                                 std::string(1000, '"')};
  for (const std::string& g : garbage)
    for (const auto& [name, content] : base_files()) {
      (void)content;
      files f = base_files();
      f[name] = g;
      dataset ds;
      const load_report r = load_files(f, ds);
      if (!r.ok()) {
        EXPECT_EQ(ds.org_units.size(), 0u);
      }
    }
}

TEST(Snapshot, MagicBytes) {
  TempFolder folder;
  folder.write("a.sgsnap", "SGSNAP\x01rest");
  folder.write("b.csv", "SGSNA");
  EXPECT_TRUE(is_snapshot_file(folder.path() + "/a.sgsnap"));
  EXPECT_FALSE(is_snapshot_file(folder.path() + "/b.csv"));
  EXPECT_FALSE(is_snapshot_file(folder.path()));
  EXPECT_FALSE(is_snapshot_file(folder.path() + "/missing"));
  EXPECT_THROW((void)load(folder.path() + "/b.csv"), error);
}

// --- Big files are parsed in pieces on several threads -----------------------------------

// About 21 MB of children (the loader cuts a file into pieces of max(4 MiB, size / 8) on two
// threads). A quoted note of 100,000 lines starts at byte `note_at`; five rows have a bad
// quote and two blank lines are inside.
std::string big_children(std::size_t note_at) {
  std::string s = "child_id,birth_date,sex,org_unit,registered_date,note\n";
  const std::size_t rows = 500000;
  s.reserve(rows * 44 + 600000);
  bool noted = false;
  for (std::size_t i = 0; i < rows; ++i) {
    s += "child" + std::to_string(i) + ",2012-0" + std::to_string(1 + i % 9) + "-1" +
         std::to_string(i % 10) + "," + (i % 2 ? "f" : "m") + "," + (i % 3 ? "6700" : "7135") +
         ",2020-01-15,";
    if (!noted && s.size() >= note_at) {
      noted = true;
      s += '"';
      for (int k = 0; k < 100000; ++k) s += "line\n";
      s += '"';
    } else if (i % 100000 == 7) {
      s += "bad \"quote\"";
    }
    s += '\n';
    if (i % 250000 == 3) s += '\n';
  }
  return s;
}

TEST(LoadParallel, PiecesGiveTheSameTableAndLinesAsOneThread) {
  // The second note covers the first cut: a cut inside quotes. The first cut falls one piece
  // after the header, a piece being max(4 MiB, data / 8) for two threads.
  const std::string header = "child_id,birth_date,sex,org_unit,registered_date,note\n";
  const std::size_t note_bytes = 100000 * 5 + 2;
  const std::size_t data_bytes = big_children(std::string::npos).size() + note_bytes - header.size();
  const std::size_t first_cut = header.size() + std::max(std::size_t{4} << 20, data_bytes / 8);
  for (std::size_t note_at : {std::size_t{1000}, first_cut - 200000}) {
    files f = base_files();
    f.erase("cases.csv");
    f.erase("services.csv");
    f.erase("circumstances.csv");
    f["children.csv"] = big_children(note_at);
    ASSERT_GT(f["children.csv"].size(), std::size_t{17} << 20);
    dataset one, two;
    load_options o1, o2;
    o1.threads = 1;
    o2.threads = 2;
    const load_report r1 = load_files(f, one, o1);
    const load_report r2 = load_files(f, two, o2);
    ASSERT_EQ(dump(r1), dump(r2));
    EXPECT_EQ(r1.error_count(), 5u) << dump(r1);  // five bad quotes
    EXPECT_EQ(r1.warning_count(), 3u);            // one unknown column, two blank lines
    // Make the load succeed to compare the tables.
    std::string& text = f["children.csv"];
    for (std::size_t p; (p = text.find("bad \"quote\"")) != std::string::npos;)
      text.replace(p, 11, "fine");
    const load_report g1 = load_files(f, one, o1);
    const load_report g2 = load_files(f, two, o2);
    ASSERT_TRUE(g1.ok()) << dump(g1);
    ASSERT_EQ(dump(g1), dump(g2));
    ASSERT_EQ(one.children.size(), 500000u);
    EXPECT_EQ(one.children.id.bytes(), two.children.id.bytes());
    EXPECT_EQ(one.children.id.offsets(), two.children.id.offsets());
    EXPECT_EQ(one.children.birth_date, two.children.birth_date);
    EXPECT_EQ(one.children.org_unit, two.children.org_unit);
    EXPECT_EQ(one.children.sex, two.children.sex);
    EXPECT_EQ(two.children.id[499999], "child499999");
  }
}

TEST(LoadParallel, LineNumbersOfLateErrorsAreExact) {
  std::string text = child_header;
  for (int i = 0; i < 300000; ++i) {
    text += "id" + std::to_string(i) + ",2012-01-01,f,6700,,,2020-01-15,,\n";
    if (i == 1000) text += "\"multi\nline\",2012-01-01,f,6700,,,2020-01-15,,\n";
  }
  text += "late,2012-01-01,f,6700,,,2020-99-15,,\n";
  files f = base_files();
  f["children.csv"] = text;
  load_options o;
  o.threads = 2;
  const load_report r = load_files(f, o);
  const diagnostic* d = find(r, "SG121");
  ASSERT_NE(d, nullptr) << dump(r);
  EXPECT_EQ(d->line, 1u + 300000u + 2u + 1u);
  EXPECT_EQ(d->record_id, "late");
}

TEST(LoadParallel, ErrorsPastTheLimitKeepTheirLines) {
  // 400,000 children (14 MB: several pieces) with a bad birth date on every 1,000th row, and a
  // limit of 5 errors: a piece that stops at the limit still counts its lines, so the pieces
  // after it number their diagnostics right (each kept error's line follows from its id).
  std::string text = child_header;
  for (int i = 0; i < 400000; ++i)
    text += "id" + std::to_string(i) + (i % 1000 == 999 ? ",2012-13-01" : ",2012-01-01") +
            ",f,6700,,,2020-01-15,,\n";
  files f = base_files();
  f["children.csv"] = text;
  for (unsigned threads : {2u, 3u}) {
    load_options o;
    o.threads = threads;
    o.max_errors = 5;
    const load_report r = load_files(f, o);
    std::size_t checked = 0;
    for (const diagnostic& d : r.diagnostics) {
      if (d.code != "SG121") continue;
      ASSERT_EQ(d.record_id.substr(0, 2), "id");
      EXPECT_EQ(d.line, std::stoull(d.record_id.substr(2)) + 2) << d.record_id;
      ++checked;
    }
    EXPECT_EQ(checked, 5u) << dump(r);
  }
}

TEST(LoadParallel, DuplicatesOfABigTableAreFoundAcrossPartitionsInRowOrder) {
  // 400,000 children (14 MB: three pieces on two threads, the id index in many partitions
  // filed by the pieces as they parse). Row 350,000 repeats row 10 (pieces apart) and the
  // last row repeats row 350,001; a case refers to a child deep in the table.
  std::string text = child_header;
  for (int i = 0; i < 400000; ++i) {
    std::string id = "id" + std::to_string(i);
    if (i == 350000) id = "id10";
    if (i == 399999) id = "id350001";
    text += id + ",2012-01-01,f,6700,,,2020-01-15,,\n";
  }
  ASSERT_GT(text.size(), std::size_t{12} << 20);
  files f = base_files();
  f["children.csv"] = text;
  f["cases.csv"] = "case_id,child_id,reported_date,concerns,org_unit\n"
                   "K1,id123456,2024-03-01,neglect,6700\n";
  f.erase("circumstances.csv");
  f.erase("services.csv");
  for (unsigned threads : {1u, 2u}) {
    load_options o;
    o.threads = threads;
    const load_report r = load_files(f, o);
    std::vector<const diagnostic*> duplicates;
    for (const diagnostic& d : r.diagnostics)
      if (d.code == "SG130") duplicates.push_back(&d);
    ASSERT_EQ(duplicates.size(), 2u) << dump(r);
    EXPECT_EQ(duplicates[0]->line, 350002u);
    EXPECT_NE(duplicates[0]->expected.find("already on line 12"), std::string::npos);
    EXPECT_EQ(duplicates[1]->line, 400001u);
    EXPECT_NE(duplicates[1]->expected.find("already on line 350003"), std::string::npos);
    EXPECT_EQ(find(r, "SG131"), nullptr) << dump(r);  // the case's child is found
  }
  // Without the duplicates the load succeeds and the reference points at the right row.
  std::string& t = f["children.csv"];
  t.replace(t.find("\nid10,2012"), 5, "\nidX0");
  t.replace(t.rfind("\nid350001,"), 9, "\nidLAST1");
  dataset d;
  load_options o;
  o.threads = 2;
  const load_report ok = load_files(f, d, o);
  ASSERT_TRUE(ok.ok()) << dump(ok);
  EXPECT_EQ(d.children.id[static_cast<std::size_t>(d.cases.child[0].value)], "id123456");
}

}  // namespace
}  // namespace safeguard::io
