// The output writers: exact numbers, quoting, empty cells, sorting is the engine's job.
#include "safeguard/output/table.hpp"

#include <cstdlib>
#include <limits>

#include <gtest/gtest.h>

namespace sg = safeguard;

TEST(FormatNumber, PrintsTheShortestTextThatReadsBack) {
  EXPECT_EQ(sg::output::format_number(12.0), "12");
  EXPECT_EQ(sg::output::format_number(0.0), "0");
  EXPECT_EQ(sg::output::format_number(-0.0), "0");
  EXPECT_EQ(sg::output::format_number(6.5), "6.5");
  EXPECT_EQ(sg::output::format_number(100.0 / 3.0), "33.333333333333336");
  for (double x : {0.1, 1.0 / 7.0, 117.74193548387096, 1e-7, 123456789012.5, 2.0 / 3.0 * 1e5}) {
    const std::string s = sg::output::format_number(x);
    EXPECT_EQ(std::strtod(s.c_str(), nullptr), x) << s;
  }
}

TEST(WriteCsv, WritesTheSpecColumnsWithEmptyCellsAndQuoting) {
  sg::engine::result r;
  r.indicator_codes = {"ABUSE_RATE"};
  r.periods = {sg::period::parse("2024")};
  r.dimensions = {"agency"};
  r.dimension_values = {{"A,1"}};
  r.unit_codes = {"22"};
  auto add = [&](std::int32_t dim, double num, bool has_den, double den, bool has_value, double value) {
    r.indicator.push_back(0);
    r.period_index.push_back(0);
    r.org_unit.push_back(sg::org_unit_index{0});
    r.dimension.resize(1);
    r.dimension[0].push_back(dim);
    r.numerator.push_back(num);
    r.has_numerator.push_back(1);
    r.denominator.push_back(den);
    r.has_denominator.push_back(has_den);
    r.value.push_back(value);
    r.has_value.push_back(has_value);
    r.target.push_back(0);
    r.has_target.push_back(0);
    r.target_at_most.push_back(0);
  };
  add(-1, 3, false, 0, false, 0);
  add(0, 1, true, 3, true, 100000.0 / 3.0);
  EXPECT_EQ(sg::output::to_csv(r),
            "indicator,period,org_unit,agency,numerator,denominator,value,target,status\n"
            "ABUSE_RATE,2024,22,,3,,,,\n"
            "ABUSE_RATE,2024,22,\"A,1\",1,3,33333.333333333336,,\n");
  const std::string json = sg::output::to_json(r);
  EXPECT_NE(json.find("\"agency\": null"), std::string::npos);
  EXPECT_NE(json.find("\"agency\": \"A,1\""), std::string::npos);
  EXPECT_NE(json.find("\"value\": 33333.333333333336"), std::string::npos);
}

TEST(WriteJson, AchievementIsTheValueOverTheTargetOrWhetherTheCeilingIsMet) {
  sg::engine::result r;
  r.indicator_codes = {"TRAININGS"};
  r.periods = {sg::period::parse("2024")};
  r.unit_codes = {"22"};
  auto add = [&](double value, double target, bool at_most) {
    r.indicator.push_back(0);
    r.period_index.push_back(0);
    r.org_unit.push_back(sg::org_unit_index{0});
    r.numerator.push_back(value);
    r.has_numerator.push_back(1);
    r.denominator.push_back(0);
    r.has_denominator.push_back(0);
    r.value.push_back(value);
    r.has_value.push_back(1);
    r.target.push_back(target);
    r.has_target.push_back(1);
    r.target_at_most.push_back(at_most);
  };
  add(3, 2, false);  // at least 2: 3 / 2
  add(1, 8, true);   // at most 8: met
  add(9, 8, true);   // at most 8: not met
  const std::string json = sg::output::to_json(r);
  EXPECT_NE(json.find("\"target\": 2, \"direction\": \"at_least\", \"achievement\": 1.5"),
            std::string::npos)
      << json;
  EXPECT_NE(
      json.find("\"value\": 1, \"target\": 8, \"direction\": \"at_most\", \"achievement\": 1"),
      std::string::npos)
      << json;
  EXPECT_NE(
      json.find("\"value\": 9, \"target\": 8, \"direction\": \"at_most\", \"achievement\": 0"),
      std::string::npos)
      << json;
}

TEST(WriteCsvAndJson, NeverWriteANumberThatIsNotFinite) {
  // Two targets of 1.7e308 add up to infinity; a target of 5e-324 makes the achievement
  // overflow. Neither is a number a reader can use, and JSON cannot hold them: empty / null.
  sg::engine::result r;
  r.indicator_codes = {"CASES_NEW"};
  r.periods = {sg::period::parse("2024")};
  r.unit_codes = {"22"};
  for (const double target : {std::numeric_limits<double>::infinity(), 5e-324}) {
    r.indicator.push_back(0);
    r.period_index.push_back(0);
    r.org_unit.push_back(sg::org_unit_index{0});
    r.numerator.push_back(1);
    r.has_numerator.push_back(1);
    r.denominator.push_back(0);
    r.has_denominator.push_back(0);
    r.value.push_back(1);
    r.has_value.push_back(1);
    r.target.push_back(target);
    r.has_target.push_back(1);
    r.target_at_most.push_back(0);
  }
  EXPECT_EQ(sg::output::to_csv(r),
            "indicator,period,org_unit,numerator,denominator,value,target,status\n"
            "CASES_NEW,2024,22,1,,1,,\n"
            "CASES_NEW,2024,22,1,,1,5e-324,\n");
  const std::string json = sg::output::to_json(r);
  EXPECT_EQ(json.find("inf"), std::string::npos) << json;
  EXPECT_NE(json.find("\"target\": null, \"direction\": \"at_least\", \"achievement\": null"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"achievement\": null, \"status\""), std::string::npos) << json;
  double achievement = 0;
  EXPECT_FALSE(r.achievement(1, achievement));
}
