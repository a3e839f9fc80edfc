// The compute engine through its C++ API: known answers on small hand-made datasets, and
// properties on generated data (roll-up adds up, periods computed together equal periods
// computed alone, threads do not change a byte).
#include "safeguard/engine/compute.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "safeguard/hierarchy/hierarchy.hpp"
#include "safeguard/io/generate.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/output/table.hpp"

namespace sg = safeguard;
namespace fs = std::filesystem;

namespace {

sg::dataset load_tables(const std::vector<std::pair<std::string, std::string>>& files) {
  sg::dataset d;
  const auto report = sg::io::try_load_tables(files, d);
  for (const auto& diag : report.diagnostics) ADD_FAILURE() << diag.to_string();
  EXPECT_TRUE(report.ok());
  return d;
}

const char* const org_units =
    "code,name,parent,kind\n"
    "22,Tỉnh Quảng Ninh,,province\n"
    "193,Thành phố Hạ Long,22,city\n"
    "197,Thành phố Uông Bí,22,city\n"
    "19301,Phường A,193,ward\n"
    "19302,Phường B,193,ward\n"
    "19701,Phường C,197,ward\n";

sg::engine::compute_request request(const std::string& periods, std::vector<int> levels,
                                    std::vector<std::string> by = {},
                                    std::vector<std::string> indicators = {}) {
  sg::engine::compute_request r;
  r.periods = sg::parse_period_list(periods, sg::to_day_number({2024, 6, 20}));
  r.levels = std::move(levels);
  r.by = std::move(by);
  r.indicators = std::move(indicators);
  return r;
}

// (indicator, period, org_unit, dims...) -> "numerator|denominator|value|target"
std::map<std::string, std::string> cells(const sg::engine::result& r) {
  std::map<std::string, std::string> out;
  const std::string csv = sg::output::to_csv(r);
  std::size_t pos = csv.find('\n') + 1;
  const std::size_t dims = r.dimensions.size();
  while (pos < csv.size()) {
    const std::size_t end = csv.find('\n', pos);
    const std::string line = csv.substr(pos, end - pos);
    std::vector<std::string> f;
    std::size_t a = 0;
    for (;;) {
      const std::size_t c = line.find(',', a);
      f.push_back(line.substr(a, c == std::string::npos ? std::string::npos : c - a));
      if (c == std::string::npos) break;
      a = c + 1;
    }
    std::string key, value;
    for (std::size_t i = 0; i < 3 + dims; ++i) key += f[i] + "/";
    for (std::size_t i = 3 + dims; i < 7 + dims; ++i) value += f[i] + "|";
    out[key] = value;
    pos = end + 1;
  }
  return out;
}

// What `together` must give: the cells of each of its periods computed alone, merged.
std::map<std::string, std::string> each_period_alone(const sg::dataset& data,
                                                     const sg::engine::catalogue& cat,
                                                     const sg::engine::compute_request& together) {
  std::map<std::string, std::string> alone;
  for (const sg::period& p : together.periods) {
    auto one = together;
    one.periods = {p};
    const auto part = cells(sg::engine::compute(data, cat, one));
    alone.insert(part.begin(), part.end());
  }
  return alone;
}

}  // namespace

TEST(ComputeKnownAnswers, RegisterStockCountsAgeAtPeriodEndAndExitOnE) {
  const auto d = load_tables({
      {"org_units.csv", org_units},
      {"children.csv",
       "child_id,birth_date,sex,org_unit,registered_date,exit_date\n"
       "c1,2008-06-30,f,19301,2020-01-01,\n"        // 16 on 2024-06-30: out
       "c2,2008-07-01,m,19301,2020-01-01,\n"        // 15 on 2024-06-30: in
       "c3,2010-01-01,f,19302,2020-01-01,2024-06-30\n"  // exits on E: out
       "c4,2010-01-01,f,19701,2024-06-30,\n"        // registered on E: in
       "c5,2008-02-29,m,19701,2020-01-01,\n"},      // 16 on 2024-02-29: out in June
  });
  const auto r = sg::engine::compute(d, sg::engine::catalogue::standard(),
                                     request("2024S1,2024Q1", {1, 2}, {}, {"REG_CHILDREN"}));
  const auto c = cells(r);
  EXPECT_EQ(c.at("REG_CHILDREN/2024S1/22/"), "2||2||");
  EXPECT_EQ(c.at("REG_CHILDREN/2024S1/193/"), "1||1||");
  EXPECT_EQ(c.at("REG_CHILDREN/2024S1/197/"), "1||1||");
  // On 2024-03-31: c1 is 15, c2 15, c3 on the register, c4 not yet, c5 16 (born 29 Feb 2008).
  EXPECT_EQ(c.at("REG_CHILDREN/2024Q1/22/"), "3||3||");
  EXPECT_EQ(c.at("REG_CHILDREN/2024Q1/193/"), "3||3||");
  EXPECT_EQ(c.count("REG_CHILDREN/2024Q1/197/"), 0u);  // numerator 0: left out
}

TEST(ComputeKnownAnswers, CasesHonourAgeConsentAndGroupsAndDivideByPopulation) {
  const auto d = load_tables({
      {"org_units.csv", org_units},
      {"population.csv",
       "org_unit,year,sex,age,count\n"
       "19301,2024,f,10,600\n19301,2024,m,10,400\n19302,2024,f,16,500\n19701,2024,m,3,1000\n"},
      {"children.csv",
       "child_id,birth_date,sex,org_unit,registered_date\n"
       "a,2014-01-01,f,19301,2024-01-01\nb,2008-01-01,m,19302,2024-01-01\n"
       "c,2020-01-01,m,19701,2024-01-01\n"},
      {"cases.csv",
       "case_id,child_id,reported_date,concerns,org_unit,outcome,consent_reporting\n"
       "k1,a,2024-01-01T08:00,physical_violence|drowning,19301,injured,\n"
       "k2,a,2024-03-31,neglect,19301,,1\n"
       "k3,b,2024-02-01,sexual_abuse,19302,,\n"      // child 16: not counted
       "k4,c,2024-03-01,drowning,19701,died,0\n"      // no consent
       "k5,c,2024-04-01,drowning,19701,died,1\n"},   // Q2
  });
  const auto r = sg::engine::compute(
      d, sg::engine::catalogue::standard(),
      request("2024Q1", {1, 2}, {}, {"ABUSE_CASES", "ABUSED_CHILDREN", "ABUSE_RATE", "INJURY_RATE", "DROWNING_DEATHS"}));
  const auto c = cells(r);
  EXPECT_EQ(c.at("ABUSE_CASES/2024Q1/22/"), "2||2||");
  EXPECT_EQ(c.at("ABUSED_CHILDREN/2024Q1/22/"), "1||1||");
  // CHILD_POP 0-15 of 2024 at the province: 600 + 400 + 1000 = 2000.
  EXPECT_EQ(c.at("ABUSE_RATE/2024Q1/22/"), "1|2000|50||");
  EXPECT_EQ(c.at("ABUSE_RATE/2024Q1/193/"), "1|1000|100||");
  EXPECT_EQ(c.at("INJURY_RATE/2024Q1/22/"), "1|2000|50||");
  EXPECT_EQ(c.count("DROWNING_DEATHS/2024Q1/22/"), 0u);
}

TEST(ComputeKnownAnswers, UnitsReachedCountsTheDistrictsOfTheCellsActivities) {
  const auto d = load_tables({
      {"org_units.csv", org_units},
      {"agencies.csv", "code,name,kind,org_unit\nA,Sở LĐTBXH,labour_social_affairs,22\n"},
      {"activities.csv",
       "activity_id,agency,kind,start_date,org_unit,participants,sessions\n"
       "x1,A,training,2024-01-10,19301,30,1\nx2,A,training,2024-01-11,19302,20,2\n"
       "x3,A,training,2024-01-12,19701,10,1\nx4,A,directive,2024-01-12,19701,,\n"
       "x5,A,communication,2024-02-12,22,10,1\n"},
  });
  const auto r = sg::engine::compute(d, sg::engine::catalogue::standard(),
                                     request("2024Q1", {1, 2, 3}, {}, {"UNITS_REACHED", "TRAININGS"}));
  const auto c = cells(r);
  EXPECT_EQ(c.at("UNITS_REACHED/2024Q1/22/"), "2||2||");
  EXPECT_EQ(c.at("UNITS_REACHED/2024Q1/193/"), "1||1||");
  EXPECT_EQ(c.at("UNITS_REACHED/2024Q1/197/"), "1||1||");  // x3; x4 is a directive
  // A commune's activities reach its own district; x5, at the province, reaches none.
  EXPECT_EQ(c.at("UNITS_REACHED/2024Q1/19301/"), "1||1||");
  EXPECT_EQ(c.at("UNITS_REACHED/2024Q1/19302/"), "1||1||");
  EXPECT_EQ(c.at("UNITS_REACHED/2024Q1/19701/"), "1||1||");
  EXPECT_EQ(c.at("TRAININGS/2024Q1/22/"), "4||4||");
  EXPECT_EQ(c.at("TRAININGS/2024Q1/19302/"), "2||2||");
}

TEST(ComputeKnownAnswers, MedianOfAnEvenCountIsTheMeanOfTheMiddleValues) {
  const auto d = load_tables({
      {"org_units.csv", org_units},
      {"children.csv", "child_id,birth_date,sex,org_unit,registered_date\na,2014-01-01,f,19301,2024-01-01\n"},
      {"cases.csv",
       "case_id,child_id,reported_date,concerns,org_unit,closed_date\n"
       "k1,a,2024-01-01,neglect,19301,2024-01-11\nk2,a,2024-01-01,neglect,19301,2024-01-04\n"
       "k3,a,2024-01-01,neglect,19301,2024-02-01\nk4,a,2024-01-01T23:59,neglect,19301,2024-01-02\n"},
  });
  const auto r = sg::engine::compute(d, sg::engine::catalogue::standard(),
                                     request("2024Q1", {1}, {}, {"DAYS_TO_CLOSE_MEDIAN", "CASES_CLOSED"}));
  const auto c = cells(r);
  EXPECT_EQ(c.at("CASES_CLOSED/2024Q1/22/"), "4||4||");
  // Days: 10, 3, 31, 1 -> sorted 1, 3, 10, 31 -> (3 + 10) / 2.
  EXPECT_EQ(c.at("DAYS_TO_CLOSE_MEDIAN/2024Q1/22/"), "6.5||6.5||");
}

TEST(ComputeKnownAnswers, DistinctValuesAndPercentilesOfFractionsAndBigNumbers) {
  // Distinct counts of row numbers use a bit set; fractions, negatives and huge values take
  // the sorting path. Percentiles interpolate between the two closest ranks.
  const auto d = load_tables({
      {"org_units.csv", org_units},
      {"agencies.csv", "code,name,kind,org_unit\nwu,Hội Phụ nữ,womens_union,22\n"},
      {"activities.csv",
       "kind,activity_id,agency,start_date,org_unit,participants,quantity\n"
       "training,a1,wu,2024-01-05,19301,10,2\ntraining,a2,wu,2024-01-06,19301,10,1\n"
       "training,a3,wu,2024-01-07,19302,3000000000,2\ntraining,a4,wu,2024-01-08,19302,7,7\n"},
  });
  const auto cat = sg::engine::catalogue::parse(R"yaml(version: 1
indicators:
  - code: DISTINCT_QUANTITIES
    name: {en: "Distinct quantities", vi: "Số lượng khác nhau"}
    numerator: {from: activities, place: start_date, value: "count(distinct quantity / 4)"}
  - code: DISTINCT_PARTICIPANTS
    name: {en: "Distinct participants", vi: "Số người tham gia khác nhau"}
    numerator: {from: activities, place: start_date, value: "count(distinct participants)"}
  - code: ACTIVITIES_SEEN
    name: {en: "Distinct activities", vi: "Hoạt động khác nhau"}
    numerator: {from: activities, place: start_date, value: "count(distinct activity_id)"}
  - code: P75_QUANTITY
    name: {en: "75th percentile of quantity", vi: "Phân vị 75 của số lượng"}
    numerator: {from: activities, place: start_date, value: "percentileCont(0.75, quantity / 4)"}
  - code: P75_WHOLE_QUANTITY
    name: {en: "75th percentile of whole quantities", vi: "Phân vị 75 của số lượng nguyên"}
    numerator: {from: activities, place: start_date, value: "percentileCont(0.75, quantity)"}
  - code: MEDIAN_PARTICIPANTS
    name: {en: "Median participants", vi: "Trung vị số người tham gia"}
    numerator: {from: activities, place: start_date, value: "median(participants)"}
)yaml", "test");
  const auto c = cells(sg::engine::compute(d, cat, request("2024Q1", {1, 3})));
  EXPECT_EQ(c.at("DISTINCT_QUANTITIES/2024Q1/22/"), "3||3||");      // 0.5, 0.25, 0.5, 1.75
  EXPECT_EQ(c.at("DISTINCT_PARTICIPANTS/2024Q1/22/"), "3||3||");    // 10, 3e9, 7
  EXPECT_EQ(c.at("DISTINCT_PARTICIPANTS/2024Q1/19301/"), "1||1||");
  EXPECT_EQ(c.at("ACTIVITIES_SEEN/2024Q1/22/"), "4||4||");
  // 0.25, 0.5, 0.5, 1.75: rank 2.25 -> 0.5 + (1.75 - 0.5) * 0.25.
  EXPECT_EQ(c.at("P75_QUANTITY/2024Q1/22/"), "0.8125||0.8125||");
  EXPECT_EQ(c.at("P75_QUANTITY/2024Q1/19302/"), "1.4375||1.4375||");
  // Whole numbers over a narrow range are put in order by counting (1, 2, 2, 7: rank 2.25 ->
  // 2 + (7 - 2) * 0.25); over a wide one (7, 10, 10, 3e9) they are selected as fractions are.
  EXPECT_EQ(c.at("P75_WHOLE_QUANTITY/2024Q1/22/"), "3.25||3.25||");
  EXPECT_EQ(c.at("P75_WHOLE_QUANTITY/2024Q1/19301/"), "1.75||1.75||");  // 1, 2
  EXPECT_EQ(c.at("MEDIAN_PARTICIPANTS/2024Q1/22/"), "10||10||");
  EXPECT_EQ(c.at("MEDIAN_PARTICIPANTS/2024Q1/19302/"), "1500000003.5||1500000003.5||");
}

TEST(ComputeKnownAnswers, ChildrenFollowedThroughSeveralEndsByAgeBand) {
  // Two quarter ends: children cross a band (5 -> 6), leave on E, register between the ends,
  // turn 16 and leave the age range; one indicator counts by band (followed from end to end),
  // another reads the period's end in its condition (computed end by end).
  const auto d = load_tables({
      {"org_units.csv", org_units},
      {"children.csv",
       "child_id,birth_date,sex,org_unit,registered_date,exit_date\n"
       "c1,2018-04-01,f,19301,2020-01-01,\n"
       "c2,2010-06-30,m,19301,2024-03-01,2024-06-30\n"
       "c3,2016-02-29,f,19302,2024-04-15,\n"
       "c4,2008-06-30,m,19302,2020-01-01,\n"
       "c5,2020-01-01,f,19301,2020-01-01,\n"},
  });
  const auto cat = sg::engine::catalogue::parse(R"yaml(version: 1
indicators:
  - code: ON_REGISTER
    name: {en: "Children on the register", vi: "Trẻ em trong cơ sở dữ liệu"}
    numerator: {from: children, place: stock, value: "count(child_id)"}
    dimensions: [age_band, sex]
  - code: NEW_ON_REGISTER
    name: {en: "Registered less than 100 days before the end", vi: "Mới đăng ký"}
    numerator:
      from: children
      place: stock
      where: "d2:daysBetween(registered_date, V{analytics_period_end}) < 100"
      value: "count(child_id)"
)yaml", "test");
  const auto c = cells(sg::engine::compute(d, cat, request("2024Q1,2024Q2", {1}, {"age_band"})));
  EXPECT_EQ(c.at("ON_REGISTER/2024Q1/22/0-5/"), "2||2||");    // c1 is 5 on 31 March, c5 4
  EXPECT_EQ(c.at("ON_REGISTER/2024Q1/22/11-15/"), "2||2||");  // c2 (13), c4 (15)
  EXPECT_EQ(c.count("ON_REGISTER/2024Q1/22/6-10/"), 0u);
  EXPECT_EQ(c.at("ON_REGISTER/2024Q2/22/6-10/"), "2||2||");   // c1 (6), c3 (8, born 29 Feb)
  EXPECT_EQ(c.at("ON_REGISTER/2024Q2/22/0-5/"), "1||1||");    // c5 only
  EXPECT_EQ(c.count("ON_REGISTER/2024Q2/22/11-15/"), 0u);     // c2 left on E, c4 is 16
  EXPECT_EQ(c.at("NEW_ON_REGISTER/2024Q1/22//"), "1||1||");   // c2, 30 days
  EXPECT_EQ(c.at("NEW_ON_REGISTER/2024Q2/22//"), "1||1||");   // c3, 76 days
  // The same periods one at a time give the same cells.
  auto alone = cells(sg::engine::compute(d, cat, request("2024Q1", {1}, {"age_band"})));
  const auto q2 = cells(sg::engine::compute(d, cat, request("2024Q2", {1}, {"age_band"})));
  alone.insert(q2.begin(), q2.end());
  EXPECT_EQ(c, alone);
}

TEST(ComputeKnownAnswers, ChildrenOnTheRegisterAtEveryEndCountedByBirthDay) {
  // Children registered before the first end and never leaving are counted by their birth
  // days: a 6th birthday on the last day of March, an 8th on 29 February 2024, a 16th on
  // 31 March (out of 0-15), a birth after the first end, a 5th birthday on 1 March; with
  // overlapping bands (5 is in the first that holds it).
  const auto d = load_tables({
      {"org_units.csv", org_units},
      {"children.csv",
       "child_id,birth_date,sex,org_unit,registered_date,exit_date\n"
       "a,2018-03-31,f,19301,2020-01-01,\n"
       "b,2016-02-29,f,19301,2020-01-01,\n"
       "c,2008-03-31,m,19301,2020-01-01,\n"
       "d,2024-02-15,m,19301,2020-01-01,\n"
       "e,2012-04-01,f,19301,2020-01-01,\n"
       "f,2019-03-01,f,19302,2020-01-01,2025-01-01\n"},
  });
  const auto& cat = sg::engine::catalogue::standard();
  auto r = request("202401,202402,202403,2024Q1", {3}, {"age_band"}, {"REG_CHILDREN"});
  r.age_bands = sg::engine::parse_age_bands("0-5,5-10,11-15");
  const auto result = sg::engine::compute(d, cat, r);
  EXPECT_EQ(result.notes, std::vector<std::string>{
                              "age bands 0-5 and 5-10 overlap: age 5 counts in 0-5, the first band "
                              "that holds it"});
  const auto c = cells(result);
  EXPECT_EQ(c.at("REG_CHILDREN/202401/19301/0-5/"), "1||1||");    // a (5)
  EXPECT_EQ(c.at("REG_CHILDREN/202401/19301/5-10/"), "1||1||");   // b (7)
  EXPECT_EQ(c.at("REG_CHILDREN/202401/19301/11-15/"), "2||2||");  // c (15), e (11)
  EXPECT_EQ(c.at("REG_CHILDREN/202401/19302/0-5/"), "1||1||");    // f (4)
  EXPECT_EQ(c.at("REG_CHILDREN/202402/19301/0-5/"), "2||2||");    // a, d (0)
  EXPECT_EQ(c.at("REG_CHILDREN/202402/19301/5-10/"), "1||1||");   // b (8 on 29 February)
  EXPECT_EQ(c.at("REG_CHILDREN/202402/19301/11-15/"), "2||2||");
  EXPECT_EQ(c.at("REG_CHILDREN/202402/19302/0-5/"), "1||1||");    // f (4 until 1 March)
  EXPECT_EQ(c.at("REG_CHILDREN/202403/19301/0-5/"), "1||1||");    // d
  EXPECT_EQ(c.at("REG_CHILDREN/202403/19301/5-10/"), "2||2||");   // a (6 on the last day), b
  EXPECT_EQ(c.at("REG_CHILDREN/202403/19301/11-15/"), "1||1||");  // e; c is 16
  EXPECT_EQ(c.at("REG_CHILDREN/202403/19302/0-5/"), "1||1||");    // f (5)
  EXPECT_EQ(c.at("REG_CHILDREN/2024Q1/19301/5-10/"), "2||2||");
  // Each period alone (one end: no following) gives the same cells.
  std::map<std::string, std::string> alone;
  for (const char* p : {"202401", "202402", "202403", "2024Q1"}) {
    auto one = request(p, {3}, {"age_band"}, {"REG_CHILDREN"});
    one.age_bands = r.age_bands;
    const auto part = cells(sg::engine::compute(d, cat, one));
    alone.insert(part.begin(), part.end());
  }
  EXPECT_EQ(c, alone);
}

// One training (19301, 10 January 2024) of agency A, and a plan of A at the province from
// 1 January 2024 to `plan_end` with the targets `targets_csv`.
sg::dataset a_training_and_a_plan(const char* plan_end, const std::string& targets_csv) {
  return load_tables({
      {"org_units.csv", org_units},
      {"agencies.csv", "code,name,kind,org_unit\nA,Sở LĐTBXH,labour_social_affairs,22\n"},
      {"activities.csv",
       "activity_id,agency,kind,start_date,org_unit,participants,sessions\n"
       "x1,A,training,2024-01-10,19301,30,1\n"},
      {"plans.csv", std::string("plan_id,agency,title,start_date,end_date,org_unit\n"
                                "p1,A,Kế hoạch,2024-01-01,") +
                        plan_end + ",22\n"},
      {"targets.csv", targets_csv},
  });
}

TEST(ComputeKnownAnswers, TargetsOfIndicatorsOutsideTheCatalogueAreNamedInANote) {
  const auto d = a_training_and_a_plan(
      "2024-12-31",
      "plan_id,indicator,value\np1,TRAININGS,3\np1,TRAINING,5\np1,NOPE,1\np1,NOPE,2\n");
  const auto& cat = sg::engine::catalogue::standard();
  const auto r = sg::engine::compute(d, cat, request("2024", {1}, {}, {"TRAININGS"}));
  EXPECT_EQ(cells(r).at("TRAININGS/2024/22/"), "1||1|3|");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0],
            "targets.csv has targets of indicators that are not in the catalogue in use; they "
            "apply to no cell: NOPE, TRAINING");
  // The catalogue in use, not the indicators asked for: a target of CASES_NEW is no mistake.
  const auto d2 = load_tables({
      {"org_units.csv", org_units},
      {"agencies.csv", "code,name,kind,org_unit\nA,Sở LĐTBXH,labour_social_affairs,22\n"},
      {"plans.csv",
       "plan_id,agency,title,start_date,end_date,org_unit\np1,A,Kế "
       "hoạch,2024-01-01,2024-12-31,22\n"},
      {"targets.csv", "plan_id,indicator,value\np1,CASES_NEW,3\n"},
  });
  EXPECT_TRUE(sg::engine::compute(d2, cat, request("2024", {1}, {}, {"TRAININGS"})).notes.empty());
}

TEST(ComputeRequests, RejectsUnknownIndicatorsDimensionsAndLevels) {
  const auto d = load_tables({{"org_units.csv", org_units}});
  const auto& cat = sg::engine::catalogue::standard();
  EXPECT_THROW(sg::engine::compute(d, cat, request("2024", {2}, {}, {"NOPE"})), sg::error);
  EXPECT_THROW(sg::engine::compute(d, cat, request("2024", {2}, {"colour"})), sg::error);
  EXPECT_THROW(sg::engine::compute(d, cat, request("2024", {0})), sg::error);
  // A level deeper than the hierarchy has no units: no rows, no error.
  EXPECT_EQ(sg::engine::compute(d, cat, request("2024", {9})).size(), 0u);
  sg::engine::compute_request empty;
  EXPECT_THROW(sg::engine::compute(d, cat, empty), sg::error);
}

class ComputeOnGenerated : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: CTest runs each test of this suite in its own process, in
    // parallel, and the loader maps the files it reads.
    folder_ = new fs::path(fs::temp_directory_path() /
                           ("safeguard_compute_test_" + std::to_string(::getpid())));
    fs::remove_all(*folder_);
    sg::io::generate_options options;
    options.children = 4000;
    options.provinces = 2;
    options.seed = 5;
    sg::io::generate_dataset(folder_->string(), options);
    data_ = new sg::dataset(sg::io::load_dataset(folder_->string()));
  }
  static void TearDownTestSuite() {
    delete data_;
    fs::remove_all(*folder_);
    delete folder_;
  }
  static fs::path* folder_;
  static sg::dataset* data_;
};
fs::path* ComputeOnGenerated::folder_ = nullptr;
sg::dataset* ComputeOnGenerated::data_ = nullptr;

TEST_F(ComputeOnGenerated, ThreadsDoNotChangeAByte) {
  auto one = request("2024,2024Q2,202407", {1, 2, 3}, {"sex", "age_band"});
  one.threads = 1;
  auto two = one;
  two.threads = 2;
  const auto& cat = sg::engine::catalogue::standard();
  EXPECT_EQ(sg::output::to_csv(sg::engine::compute(*data_, cat, one)),
            sg::output::to_csv(sg::engine::compute(*data_, cat, two)));
}

TEST_F(ComputeOnGenerated, BigBreakdownsComeInOutputOrderAndAddUp) {
  // By agency x ethnicity x sex, a case count has more cells than the engine keeps in tables
  // (4096): its rows are ordered by comparing codes. Rows must come by indicator, period,
  // unit code, then each dimension's codes in byte order with the empty code first; and
  // summed over agency and ethnicity they give the count by sex alone.
  const auto& cat = sg::engine::catalogue::standard();
  const auto big = sg::engine::compute(
      *data_, cat, request("2024,2024Q3", {1, 2}, {"agency", "ethnicity", "sex"}, {"CASES_NEW", "ABUSE_CASES"}));
  ASSERT_GT(big.size(), 100u);
  ASSERT_GT((big.dimension_values[0].size() + 1) * (big.dimension_values[1].size() + 1) *
                (big.dimension_values[2].size() + 1),
            4096u);
  const auto key = [&](std::size_t i) {
    std::vector<std::string> k{std::to_string(big.indicator[i]), std::to_string(big.period_index[i]),
                               big.unit_codes[static_cast<std::size_t>(big.org_unit[i].value)]};
    for (std::size_t d = 0; d < 3; ++d) {
      const std::int32_t c = big.dimension[d][i];
      k.push_back(c < 0 ? std::string() : "." + big.dimension_values[d][static_cast<std::size_t>(c)]);
    }
    return k;
  };
  for (std::size_t i = 1; i < big.size(); ++i) ASSERT_LT(key(i - 1), key(i)) << "row " << i;
  std::map<std::string, double> by_sex_summed;
  for (std::size_t i = 0; i < big.size(); ++i) {
    const std::int32_t sex = big.dimension[2][i];
    by_sex_summed[std::to_string(big.indicator[i]) + "/" + std::to_string(big.period_index[i]) + "/" +
                  big.unit_codes[static_cast<std::size_t>(big.org_unit[i].value)] + "/" +
                  (sex < 0 ? std::string() : big.dimension_values[2][static_cast<std::size_t>(sex)])] +=
        big.numerator[i];
  }
  const auto small = sg::engine::compute(*data_, cat, request("2024,2024Q3", {1, 2}, {"sex"}, {"CASES_NEW", "ABUSE_CASES"}));
  std::map<std::string, double> by_sex;
  for (std::size_t i = 0; i < small.size(); ++i) {
    const std::int32_t sex = small.dimension[0][i];
    by_sex[std::to_string(small.indicator[i]) + "/" + std::to_string(small.period_index[i]) + "/" +
           small.unit_codes[static_cast<std::size_t>(small.org_unit[i].value)] + "/" +
           (sex < 0 ? std::string() : small.dimension_values[0][static_cast<std::size_t>(sex)])] = small.numerator[i];
  }
  EXPECT_EQ(by_sex_summed, by_sex);
}

TEST_F(ComputeOnGenerated, ManyPeriodsAtOnceEqualEachPeriodAlone) {
  const auto& cat = sg::engine::catalogue::standard();
  const auto together = cells(sg::engine::compute(*data_, cat, request("2024Q1,2024S2,202405", {2})));
  std::map<std::string, std::string> alone;
  for (const char* p : {"2024Q1", "2024S2", "202405"}) {
    const auto part = cells(sg::engine::compute(*data_, cat, request(p, {2})));
    alone.insert(part.begin(), part.end());
  }
  EXPECT_EQ(together, alone);
}

TEST_F(ComputeOnGenerated, NestedPeriodsMergedFromAtomsEqualEachPeriodAlone) {
  // The year, a half, a quarter, a month and an ISO week inside it: events are scanned once
  // per atom of time between the periods' boundaries and merged per period; medians,
  // distinct children and units reached must come out as when each period is alone.
  const auto& cat = sg::engine::catalogue::standard();
  for (const std::vector<std::string>& by :
       {std::vector<std::string>{}, std::vector<std::string>{"sex", "concern_group"}}) {
    const auto together = cells(sg::engine::compute(
        *data_, cat, request("2024,2024S1,2024Q2,202405,2024W20,2024-05-10..2024-08-31", {1, 2, 3}, by)));
    std::map<std::string, std::string> alone;
    for (const char* p : {"2024", "2024S1", "2024Q2", "202405", "2024W20", "2024-05-10..2024-08-31"}) {
      const auto part = cells(sg::engine::compute(*data_, cat, request(p, {1, 2, 3}, by)));
      alone.insert(part.begin(), part.end());
    }
    EXPECT_EQ(together.size(), alone.size());
    EXPECT_EQ(together, alone);
  }
}

TEST_F(ComputeOnGenerated, ChildrenFollowedThroughEndsYearsApartEqualEachEndAlone) {
  // Ends years apart, so that many children register, leave, change band or leave the ages
  // between them; the default bands (one run of ages each), overlapping bands and bands with
  // a gap between them (where being in no band is two runs of ages): the walk through the
  // ends takes its short cut only when that is exact.
  const auto& cat = sg::engine::catalogue::standard();
  const std::vector<std::string> stocks{"REG_CHILDREN", "CSC_CHILDREN", "AT_RISK_CHILDREN", "CSC_ASSISTED_PCT"};
  const std::vector<const char*> periods{"2019", "2021S1", "202312", "2024Q1", "2024"};
  for (const char* bands : {"0-5,6-10,11-15,16-17", "5-6,0-10,11-17", "0-3,8-12"}) {
    auto together_request = request("2019,2021S1,202312,2024Q1,2024", {1, 2, 3}, {"age_band", "sex"}, stocks);
    together_request.age_bands = sg::engine::parse_age_bands(bands);
    const auto together = cells(sg::engine::compute(*data_, cat, together_request));
    std::map<std::string, std::string> alone;
    for (const char* p : periods) {
      auto one = request(p, {1, 2, 3}, {"age_band", "sex"}, stocks);
      one.age_bands = together_request.age_bands;
      const auto part = cells(sg::engine::compute(*data_, cat, one));
      alone.insert(part.begin(), part.end());
    }
    EXPECT_GT(together.size(), 100u) << bands;
    EXPECT_EQ(together, alone) << bands;
  }
}

TEST_F(ComputeOnGenerated, SettledConditionsFollowedThroughEndsEqualEachEndAlone) {
  // Counts of children whose condition reads the period's last day only by comparing it with
  // dates are followed through the ends like the register: settled once for the children
  // with no compared date between the first and the last end, evaluated at every end for the
  // others. With a related row needed (exists) and without; a nullable count and a condition
  // another starts with stay end by end; all must give each end's cells.
  const auto cat = sg::engine::catalogue::parse(R"yaml(version: 1
indicators:
  - code: ORPHANS_ON_REGISTER
    name: {en: "a", vi: "a"}
    numerator:
      from: children
      place: stock
      where: "exists(circumstances, circumstance == 'orphan' && start_date <= V{analytics_period_end} && (isNull(end_date) || end_date > V{analytics_period_end}))"
      value: "count(child_id)"
    dimensions: [sex, age_band]
  - code: NOT_LEFT
    name: {en: "b", vi: "b"}
    numerator:
      from: children
      place: stock
      where: "isNull(exit_date) || exit_date > V{analytics_period_end}"
      value: "count(child_id)"
    dimensions: [sex, age_band]
  - code: WITH_EPISODE_EXIT_REASON
    name: {en: "c", vi: "c"}
    numerator:
      from: children
      place: stock
      where: "exists(circumstances, start_date <= V{analytics_period_end})"
      value: "count(exit_reason)"
    dimensions: [age_band]
  - code: WITH_EPISODE_GIRLS
    name: {en: "d", vi: "d"}
    numerator:
      from: children
      place: stock
      where: "exists(circumstances, start_date <= V{analytics_period_end}) && sex == 'f'"
      value: "count(child_id)"
    dimensions: [age_band]
  - code: WITH_EPISODE
    name: {en: "e", vi: "e"}
    numerator:
      from: children
      place: stock
      where: "exists(circumstances, start_date <= V{analytics_period_end})"
      value: "count(child_id)"
    dimensions: [sex, age_band]
)yaml",
                                                "test");
  for (const char* text : {"exists(circumstances, circumstance == 'orphan' && start_date <= "
                           "V{analytics_period_end} && "
                           "(isNull(end_date) || end_date > V{analytics_period_end}))",
                           "isNull(exit_date) || exit_date > V{analytics_period_end}"})
    ASSERT_TRUE(sg::engine::expression_compiler::compile_row(text, sg::engine::table_id::children)
                    .settles_between_ends())
        << text;
  const auto together_request =
      request("2019,2021S1,202312,2024Q1,202403,2024", {1, 2, 3}, {"age_band", "sex"});
  const auto together = cells(sg::engine::compute(*data_, cat, together_request));
  EXPECT_GT(together.size(), 500u);
  EXPECT_EQ(together, each_period_alone(*data_, cat, together_request));
}

TEST_F(ComputeOnGenerated, CasesOpenAtManyEndsEqualEachEndAlone) {
  // A stock of cases whose jobs read no period and count rows is counted through all its ends
  // in one pass (a case opens at the first end on or after its report and closes at the first
  // on or after its closure); with a condition, with breakdowns fixed at the report, with and
  // without consent, with ends days, months and years apart. A job that reads the end keeps
  // the whole group on one scan per end; it must agree too.
  const auto cat = sg::engine::catalogue::parse(R"yaml(version: 1
indicators:
  - code: OPEN_ABUSE
    name: {en: "a", vi: "a"}
    numerator: {from: cases, place: stock, where: "contains(concern_groups, 'abuse')", value: "count(case_id)"}
    dimensions: [sex, age_band, source]
  - code: OPEN_ALL
    name: {en: "b", vi: "b"}
    numerator: {from: cases, place: stock, value: "count(case_id)"}
    dimensions: [sex, age_band]
  - code: OPEN_WITHOUT_PLAN
    name: {en: "c", vi: "c"}
    numerator: {from: cases, place: stock, where: "isNull(plan_date) || plan_date > V{analytics_period_end}", value: "count(case_id)"}
    dimensions: [sex]
)yaml",
                                                "test");
  for (const std::vector<std::string>& codes :
       {std::vector<std::string>{"OPEN_ABUSE", "OPEN_ALL"}, std::vector<std::string>{}})
    for (bool honour : {true, false}) {
      auto together_request = request("2019,2021S1,202312,2024Q1,202403,2024W10,20240229,2024",
                                      {1, 2, 3}, {"sex", "age_band", "source"}, codes);
      together_request.honour_consent = honour;
      const auto together = cells(sg::engine::compute(*data_, cat, together_request));
      EXPECT_GT(together.size(), 1000u);
      EXPECT_EQ(together, each_period_alone(*data_, cat, together_request))
          << codes.size() << " indicators, consent honoured: " << honour;
    }
}

TEST_F(ComputeOnGenerated, ConditionsSharingTheirStartGiveTheCellsOfEachAlone) {
  // A condition that starts with another job's evaluates only its rest on what that one kept
  // at the same end; what a condition reading the period's first day kept must not serve
  // another period ending the same day. The periods below end on two days, three of them on
  // 31 December with different first days.
  const auto cat = sg::engine::catalogue::parse(R"yaml(version: 1
indicators:
  - code: SERVED_IN_PERIOD
    name: {en: "Children with a service in the period", vi: "a"}
    numerator:
      from: children
      place: stock
      where: "exists(services, date >= V{analytics_period_start} && date <= V{analytics_period_end})"
      value: "count(child_id)"
    dimensions: [sex, age_band]
  - code: SERVED_IN_PERIOD_GIRLS
    name: {en: "Girls with a service in the period", vi: "b"}
    numerator:
      from: children
      place: stock
      where: >-
        exists(services, date >= V{analytics_period_start} && date <= V{analytics_period_end})
        && sex == 'f'
      value: "count(child_id)"
    dimensions: [age_band]
  - code: IN_CIRCUMSTANCE
    name: {en: "Children in a circumstance at the end", vi: "c"}
    numerator:
      from: children
      place: stock
      where: "exists(circumstances, start_date <= V{analytics_period_end} && (isNull(end_date) || end_date > V{analytics_period_end}))"
      value: "count(child_id)"
    dimensions: [sex, age_band]
  - code: IN_CIRCUMSTANCE_SERVED
    name: {en: "Children in a circumstance with a service in the period", vi: "d"}
    numerator:
      from: children
      place: stock
      where: >-
        exists(circumstances, start_date <= V{analytics_period_end} && (isNull(end_date) || end_date > V{analytics_period_end}))
        && exists(services, date >= V{analytics_period_start} && date <= V{analytics_period_end})
      value: "count(child_id)"
    denominator: {indicator: IN_CIRCUMSTANCE}
    factor: 100
    dimensions: [sex, age_band]
  - code: ABUSE_CASES_OF_GIRLS
    name: {en: "Abuse cases of girls", vi: "e"}
    numerator: {from: cases, place: reported_date, where: "contains(concern_groups, 'abuse') && child.sex == 'f'", value: "count(case_id)"}
  - code: ABUSE_CASES_ALL
    name: {en: "Abuse cases", vi: "f"}
    numerator: {from: cases, place: reported_date, where: "contains(concern_groups, 'abuse')", value: "count(distinct child_id)"}
)yaml", "test");
  const std::vector<const char*> periods{"2024", "2024S2", "202412", "2024Q2"};
  const auto together = cells(sg::engine::compute(*data_, cat, request("2024,2024S2,202412,2024Q2", {1, 2}, {"sex", "age_band"})));
  std::map<std::string, std::string> alone;
  for (const char* p : periods) {
    const auto part = cells(sg::engine::compute(*data_, cat, request(p, {1, 2}, {"sex", "age_band"})));
    alone.insert(part.begin(), part.end());
  }
  // Every indicator has cells, and the period's first day matters: 2024 has more children
  // served than its last month.
  for (const char* code : {"SERVED_IN_PERIOD", "SERVED_IN_PERIOD_GIRLS", "IN_CIRCUMSTANCE",
                           "IN_CIRCUMSTANCE_SERVED", "ABUSE_CASES_OF_GIRLS", "ABUSE_CASES_ALL"})
    EXPECT_TRUE(std::any_of(together.begin(), together.end(), [&](const auto& c) {
      return c.first.rfind(std::string(code) + "/", 0) == 0;
    })) << code;
  std::map<std::string, double> served;
  const auto r = sg::engine::compute(*data_, cat, request("2024,202412", {1}, {}, {"SERVED_IN_PERIOD"}));
  for (std::size_t i = 0; i < r.size(); ++i) served[r.periods[r.period_index[i]].id()] += r.numerator[i];
  EXPECT_GT(served["2024"], served["202412"]);
  EXPECT_EQ(together, alone);
}

TEST_F(ComputeOnGenerated, ConditionsKeptWithAPreparedDatasetGiveTheCellsOfAFreshOne) {
  // A prepared dataset keeps, per condition that does not read the period, its verdict on
  // each row a compute evaluated it on. Computing again over it, with consent honoured or not
  // (exists() over services sees different rows then) and with the same condition over two
  // tables, must give what a freshly prepared dataset gives.
  const auto cat = sg::engine::catalogue::parse(R"yaml(version: 1
indicators:
  - code: CASES_WITH_REFERRAL
    name: {en: "Cases with a referral", vi: "a"}
    numerator: {from: cases, place: reported_date, where: "exists(services, referred == 1)", value: "count(case_id)"}
    denominator: {from: cases, place: reported_date, value: "count(case_id)"}
    factor: 100
    dimensions: [sex]
  - code: GIRLS_CASES
    name: {en: "Cases of girls", vi: "b"}
    numerator: {from: cases, place: reported_date, where: "child.sex == 'f'", value: "count(case_id)"}
    dimensions: [sex]
  - code: GIRLS_ON_REGISTER
    name: {en: "Girls on the register", vi: "c"}
    numerator: {from: children, place: stock, where: "sex == 'f'", value: "count(child_id)"}
    dimensions: [sex]
  - code: FAST_EMERGENCIES
    name: {en: "Emergency care within 12 hours", vi: "d"}
    numerator: {from: cases, place: reported_date, where: "d2:hoursBetween(reported_date, emergency_date) <= 12", value: "count(case_id)"}
    dimensions: [sex]
)yaml",
                                                "test");
  // A quarter first, so that the year then finds the condition known on the quarter's rows
  // and not on the others.
  const sg::engine::prepared_dataset prepared(*data_);
  std::map<bool, std::map<std::string, std::string>> by_consent;
  for (const bool honour : {true, false, true}) {
    for (const char* periods : {"2024Q2", "2024,2024Q2"}) {
      auto r = request(periods, {1, 2}, {"sex"});
      r.honour_consent = honour;
      const auto kept = cells(sg::engine::compute(prepared, cat, r));
      const auto fresh = cells(sg::engine::compute(*data_, cat, r));
      EXPECT_GT(kept.size(), 20u);
      EXPECT_EQ(kept, fresh) << periods << ", consent honoured: " << honour;
      by_consent[honour] = kept;
    }
  }
  EXPECT_NE(by_consent[true], by_consent[false]);  // consent does change what is counted
}

TEST_F(ComputeOnGenerated, ConditionsBeyondTheKeptOnesAreEvaluatedAsBefore) {
  // A prepared dataset keeps the verdicts of at most 256 conditions; a catalogue with more
  // has the others evaluated scan by scan. Together over one prepared dataset, the 260
  // indicators below must give what each gives alone over a fresh one.
  std::string yaml = "version: 1\nindicators:\n";
  std::vector<std::string> codes;
  for (int k = 0; k < 260; ++k) {
    codes.push_back("MORE_THAN_" + std::to_string(k));
    yaml += "  - code: " + codes.back() + "\n    name: {en: \"p\", vi: \"p\"}\n" +
            "    numerator: {from: activities, place: start_date, where: \"participants > " +
            std::to_string(k) + "\", value: \"count(activity_id)\"}\n";
  }
  const auto cat = sg::engine::catalogue::parse(yaml, "test");
  const sg::engine::prepared_dataset prepared(*data_);
  const auto together = cells(sg::engine::compute(prepared, cat, request("2024,2024Q3", {1, 2})));
  std::map<std::string, std::string> alone;
  for (const std::string& code : codes) {
    const auto part =
        cells(sg::engine::compute(*data_, cat, request("2024,2024Q3", {1, 2}, {}, {code})));
    alone.insert(part.begin(), part.end());
  }
  EXPECT_GT(together.size(), 260u);
  EXPECT_EQ(together, alone);
  // And again, now that the kept ones are known.
  EXPECT_EQ(cells(sg::engine::compute(prepared, cat, request("2024,2024Q3", {1, 2}))), together);
}

TEST_F(ComputeOnGenerated, AdditiveIndicatorsOfAParentAreTheSumOfItsChildren) {
  const auto& cat = sg::engine::catalogue::standard();
  const std::vector<std::string> additive = {
      "CHILD_POP", "REG_CHILDREN", "CSC_CHILDREN", "CASES_NEW", "ABUSE_CASES", "OPEN_CASES",
      "CASES_CLOSED", "SERVICES_PROVIDED", "DIRECTIVES", "TRAININGS", "COMM_REACH", "MEDIA_ITEMS"};
  // Activities may also be placed at the province itself (a provincial conference), so
  // there the parent holds at least the sum of its children.
  auto at_least_only = [](const std::string& code) {
    return code == "DIRECTIVES" || code == "TRAININGS" || code == "COMM_REACH" || code == "MEDIA_ITEMS";
  };
  const auto r = sg::engine::compute(*data_, cat, request("2024", {1, 2}, {}, additive));
  sg::hierarchy tree(data_->org_units);
  std::map<std::pair<std::uint32_t, std::int32_t>, double> by_unit;
  for (std::size_t i = 0; i < r.size(); ++i) by_unit[{r.indicator[i], r.org_unit[i].value}] = r.numerator[i];
  std::size_t checked = 0;
  for (std::uint32_t ind = 0; ind < r.indicator_codes.size(); ++ind) {
    for (sg::org_unit_index root : tree.units_at_level(1)) {
      double sum = 0;
      for (sg::org_unit_index child : tree.children(root)) {
        auto it = by_unit.find({ind, child.value});
        if (it != by_unit.end()) sum += it->second;
      }
      auto it = by_unit.find({ind, root.value});
      const double parent = it == by_unit.end() ? 0.0 : it->second;
      if (at_least_only(r.indicator_codes[ind]))
        EXPECT_GE(parent, sum) << r.indicator_codes[ind];
      else
        EXPECT_EQ(parent, sum) << r.indicator_codes[ind];
      ++checked;
    }
  }
  EXPECT_GE(checked, additive.size() * 2);
}

TEST_F(ComputeOnGenerated, EveryStandardIndicatorHasCellsAt2024) {
  const auto& cat = sg::engine::catalogue::standard();
  const auto r = sg::engine::compute(*data_, cat, request("2024", {1}));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < r.size(); ++i) seen.insert(r.indicator_codes[r.indicator[i]]);
  for (const auto& d : cat.indicators()) EXPECT_TRUE(seen.count(d.code)) << d.code;
}

TEST(ComputeRequests, OverlappingAgeBandsAreNamedOncePerPair) {
  const auto bands = sg::engine::parse_age_bands("0-10,5-15,12-17,3-3");
  EXPECT_EQ(
      sg::engine::age_band_overlaps(bands),
      (std::vector<std::string>{
          "age bands 0-10 and 5-15 overlap: ages 5-10 count in 0-10, the first band that "
          "holds them",
          "age bands 0-10 and 3-3 overlap: age 3 counts in 0-10, the first band that holds it",
          "age bands 5-15 and 12-17 overlap: ages 12-15 count in 5-15, the first band that "
          "holds them"}));
  EXPECT_TRUE(sg::engine::age_band_overlaps(sg::engine::default_age_bands()).empty());
  EXPECT_TRUE(sg::engine::age_band_overlaps(sg::engine::parse_age_bands("0-3,8-12")).empty());
  // Said only when an indicator is broken down by them.
  const auto d = load_tables({{"org_units.csv", org_units}});
  auto r = request("2024", {1}, {"age_band"}, {"TRAININGS"});
  r.age_bands = bands;
  const auto notes = sg::engine::compute(d, sg::engine::catalogue::standard(), r).notes;
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("no breakdown by age_band for TRAININGS"), std::string::npos) << notes[0];
  r.indicators = {"TRAININGS", "REG_CHILDREN"};
  EXPECT_EQ(sg::engine::compute(d, sg::engine::catalogue::standard(), r).notes.size(), 4u);
}

TEST(ComputeKnownAnswers, ACellWithOnlyATargetHoldsWhatTheSideGivesOverNoRows) {
  // A cell that exists for its target alone: the side's expression with every aggregate
  // missing. A plain sum (or `sum + 0`, null by SKIP_IF_ALL_VALUES_MISSING) is written 0;
  // `if(isNull(sum(...)), 10, 20)` is 10 there, as in a cell whose rows all lack the value.
  const auto d = a_training_and_a_plan(
      "2025-12-31",
      "plan_id,indicator,value,org_unit,period\np1,IF_NULL,7,22,2025\np1,SUM_PLUS,3,22,2025\n"
      "p1,IF_NULL,7,22,2024\n");
  const auto cat = sg::engine::catalogue::parse(
      "indicators:\n"
      "  - code: IF_NULL\n"
      "    name: {en: x}\n"
      "    numerator:\n"
      "      from: activities\n"
      "      value: \"if(isNull(sum(if(kind == 'forum', 1, null))), 10, 20)\"\n"
      "  - code: SUM_PLUS\n"
      "    name: {en: y}\n"
      "    numerator:\n"
      "      from: activities\n"
      "      value: \"sum(sessions) + 0\"\n",
      "mine.yaml");
  const auto c = cells(sg::engine::compute(d, cat, request("2024,2025", {1})));
  EXPECT_EQ(c.at("IF_NULL/2024/22/"), "10||10|7|");  // a row, its value missing: 10
  EXPECT_EQ(c.at("IF_NULL/2025/22/"), "10||10|7|");  // no row: the same 10, not 0
  EXPECT_EQ(c.at("SUM_PLUS/2025/22/"), "0||0|3|");
  EXPECT_EQ(c.at("SUM_PLUS/2024/22/"), "1||1||");
}
