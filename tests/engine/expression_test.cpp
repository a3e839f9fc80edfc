// The indicator language: parsing (DHIS2 precedence and literals), binding against the data
// model (codes, paths, types, rejected DHIS2 items, error positions), the null rules, every
// function, exists() over each relation with and without consent, side expressions under
// SKIP_IF_ALL_VALUES_MISSING, and vectorised evaluation and selection on a small dataset.
#include "safeguard/engine/expression.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <numeric>

#include "engine/ast.hpp"

namespace safeguard::engine {
namespace {

day_number day(int y, unsigned m, unsigned d) { return to_day_number({y, m, d}); }

code code_of(const code_list& list, std::string_view text) {
  const auto c = list.find(text);
  EXPECT_TRUE(c.has_value()) << text;
  return c.value_or(no_code);
}

code_set set_of(const code_list& list, std::initializer_list<std::string_view> texts) {
  code_set s = 0;
  for (auto t : texts) s |= code_set{1} << code_of(list, t);
  return s;
}

// A small dataset built column by column: a province (22) with a district (193) and two
// communes (1001, 1002); two agencies; four children; five cases; services, episodes,
// activities, a plan with a target, two holidays and some population.
dataset make_dataset() {
  dataset d;
  auto& ou = d.org_units;
  for (const char* c : {"22", "193", "1001", "1002"}) ou.code.push_back(c);
  for (const char* n : {"Tỉnh Quảng Ninh", "Thành phố Uông Bí", "Phường A", "Xã B"})
    ou.name.push_back(n);
  ou.parent = {org_unit_index{}, org_unit_index{0}, org_unit_index{1}, org_unit_index{1}};
  const auto& k = codes::org_unit_kind();
  ou.kind = {code_of(k, "province"), code_of(k, "city"), code_of(k, "ward"), code_of(k, "commune")};

  auto& pop = d.population;
  pop.org_unit = {org_unit_index{2}, org_unit_index{3}};
  pop.year = {2024, 2024};
  pop.sex = {code_of(codes::sex(), "f"), code_of(codes::sex(), "m")};
  pop.age = {5, 6};
  pop.count = {100, 200};

  auto& ag = d.agencies;
  ag.code.push_back("A1");
  ag.code.push_back("A2");
  ag.name.push_back("Sở Y tế");
  ag.name.push_back("Công an tỉnh");
  ag.kind = {code_of(codes::agency_kind(), "health"), code_of(codes::agency_kind(), "police")};
  ag.org_unit = {org_unit_index{0}, org_unit_index{1}};

  auto& ch = d.children;
  for (const char* id : {"C0", "C1", "C2", "C3"}) ch.id.push_back(id);
  ch.birth_date = {day(2010, 6, 15), day(2012, 2, 29), day(2015, 1, 1), day(2008, 3, 1)};
  const auto& sx = codes::sex();
  ch.sex = {code_of(sx, "f"), code_of(sx, "m"), code_of(sx, "u"), code_of(sx, "f")};
  ch.org_unit = {org_unit_index{2}, org_unit_index{3}, org_unit_index{2}, org_unit_index{3}};
  ch.ethnicities.values = {"kinh", "tay"};
  ch.ethnicity = {0, 1, dictionary::no_entry, 0};
  ch.disability = {1, 0, no_flag, 0};
  ch.registered_date = {day(2020, 1, 1), day(2021, 5, 1), day(2022, 1, 1), day(2019, 1, 1)};
  ch.exit_date = {no_day, no_day, no_day, day(2024, 3, 1)};
  ch.exit_reason = {no_code, no_code, no_code, code_of(codes::exit_reason(), "aged_out")};

  auto& ci = d.circumstances;
  ci.child = {child_index{0}, child_index{1}, child_index{3}};
  const auto& cc = codes::circumstance();
  ci.circumstance = {code_of(cc, "orphan"), code_of(cc, "at_risk"), code_of(cc, "disability")};
  ci.start_date = {day(2020, 1, 1), day(2023, 1, 1), day(2019, 1, 1)};
  ci.end_date = {no_day, day(2024, 2, 1), no_day};

  auto& cs = d.cases;
  for (const char* id : {"K0", "K1", "K2", "K3", "K4"}) cs.id.push_back(id);
  cs.child = {child_index{0}, child_index{0}, child_index{1}, child_index{2}, child_index{3}};
  cs.reported_date = {day(2024, 3, 1), day(2024, 3, 5), day(2024, 4, 29), day(2024, 6, 1),
                      day(2024, 1, 10)};
  cs.reported_minute = {8 * 60, no_minute, 10 * 60, no_minute, no_minute};
  const auto& cn = codes::concern();
  cs.concerns = {set_of(cn, {"physical_violence"}), set_of(cn, {"drowning"}),
                 set_of(cn, {"sexual_abuse", "road_traffic"}), set_of(cn, {"other"}),
                 set_of(cn, {"neglect"})};
  cs.org_unit = {org_unit_index{2}, org_unit_index{2}, org_unit_index{3}, org_unit_index{2},
                 org_unit_index{3}};
  cs.lead_agency = {agency_index{1}, agency_index{}, agency_index{0}, agency_index{},
                    agency_index{}};
  const code none = no_code;
  cs.source = {code_of(codes::source(), "hotline_111"), none, none, none, none};
  cs.setting = {code_of(codes::setting(), "family"), none, none, none, none};
  cs.perpetrator = {none, none, none, none, none};
  cs.level = {none, none, none, none, none};
  cs.risk = {code_of(codes::risk(), "high"), none, none, none, none};
  const auto& oc = codes::outcome();
  cs.outcome = {code_of(oc, "recovered"), code_of(oc, "died"), code_of(oc, "died"), none,
                code_of(oc, "injured")};
  cs.incident_date = {no_day, no_day, no_day, no_day, no_day};
  cs.emergency_date = {day(2024, 3, 1), day(2024, 3, 5), no_day, no_day, no_day};
  cs.emergency_minute = {19 * 60 + 30, no_minute, no_minute, no_minute, no_minute};
  cs.assessed_date = {no_day, no_day, no_day, no_day, no_day};
  cs.plan_date = {day(2024, 3, 4), no_day, day(2024, 5, 2), no_day, no_day};
  cs.closed_date = {day(2024, 3, 20), no_day, no_day, no_day, no_day};
  cs.closure_reason = {code_of(codes::closure_reason(), "goals_met"), none, none, none, none};
  cs.consent_reporting = {1, 1, 0, 1, 1};

  auto& sv = d.services;
  sv.case_ = {case_index{0}, case_index{0}, case_index{2}, case_index{4}};
  sv.date = {day(2024, 3, 2), day(2024, 3, 10), day(2024, 5, 1), day(2024, 1, 15)};
  const auto& sc = codes::service();
  sv.service = {code_of(sc, "health_care"), code_of(sc, "psychosocial"), code_of(sc, "legal_aid"),
                code_of(sc, "shelter")};
  sv.agency = {agency_index{0}, agency_index{1}, agency_index{1}, agency_index{}};
  sv.referred = {1, 0, 1, no_flag};

  auto& ac = d.activities;
  for (const char* id : {"T0", "T1", "T2"}) ac.id.push_back(id);
  ac.agency = {agency_index{0}, agency_index{1}, agency_index{0}};
  const auto& ak = codes::activity_kind();
  ac.kind = {code_of(ak, "training"), code_of(ak, "communication"), code_of(ak, "directive")};
  ac.start_date = {day(2024, 3, 1), day(2024, 3, 15), day(2024, 2, 1)};
  ac.end_date = ac.start_date;
  ac.org_unit = {org_unit_index{2}, org_unit_index{3}, org_unit_index{0}};
  ac.topics = {set_of(codes::topic(), {"drowning_prevention"}), 0, 0};
  ac.audiences = {set_of(codes::audience(), {"children", "parents"}), 0, 0};
  ac.sessions = {2, 1, 1};
  ac.participants = {40, 100, 0};
  ac.child_participants = {30, 0, 0};
  ac.quantity = {1, 1, 3};
  ac.programmes.values = {"action_month_2024"};
  ac.programme = {0, dictionary::no_entry, dictionary::no_entry};

  auto& pl = d.plans;
  pl.id.push_back("P0");
  pl.agency = {agency_index{0}};
  pl.title.push_back("Kế hoạch 2024");
  pl.start_date = {day(2024, 1, 1)};
  pl.end_date = {day(2024, 12, 31)};
  pl.org_unit = {org_unit_index{0}};
  pl.programme = {dictionary::no_entry};

  auto& tg = d.targets;
  tg.plan = {plan_index{0}};
  tg.indicator.push_back("CASES_NEW");
  tg.value = {10};
  tg.direction = {code_of(codes::direction(), "at_least")};
  tg.org_unit = {org_unit_index{0}};
  tg.period.push_back("2024");
  tg.period_start = {day(2024, 1, 1)};
  tg.period_end = {day(2024, 12, 31)};

  auto& ho = d.holidays;
  ho.date = {day(2024, 4, 30), day(2024, 5, 1)};
  ho.name.push_back("Ngày Giải phóng miền Nam");
  ho.name.push_back("Quốc tế Lao động");
  return d;
}

std::vector<std::int32_t> all_rows(std::size_t n) {
  std::vector<std::int32_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<std::int32_t>(i);
  return rows;
}

class ExpressionData : public ::testing::Test {
 protected:
  ExpressionData() : data(make_dataset()), rel(data) {
    holidays = data.holidays.date;
    ctx.data = &data;
    ctx.rel = &rel;
    ctx.period_start = day(2024, 1, 1);
    ctx.period_end = day(2024, 3, 31);
    ctx.holidays = &holidays;
  }

  std::size_t rows_of(table_id t) const {
    switch (t) {
      case table_id::org_units:
        return data.org_units.size();
      case table_id::population:
        return data.population.size();
      case table_id::agencies:
        return data.agencies.size();
      case table_id::children:
        return data.children.size();
      case table_id::circumstances:
        return data.circumstances.size();
      case table_id::cases:
        return data.cases.size();
      case table_id::services:
        return data.services.size();
      case table_id::activities:
        return data.activities.size();
      case table_id::plans:
        return data.plans.size();
      case table_id::targets:
        return data.targets.size();
      case table_id::holidays:
        return data.holidays.size();
    }
    return 0;
  }

  // The rows of `t` for which `text` holds; select_positions() is checked to find them too.
  std::vector<std::int32_t> where(const std::string& text, table_id t) const {
    const row_expression e = expression_compiler::compile_row(text, t);
    std::vector<std::int32_t> rows = all_rows(rows_of(t));
    std::reverse(rows.begin(), rows.end());  // so that a position is not its row
    std::vector<std::int32_t> out(rows.size()), positions(rows.size());
    out.resize(e.select(ctx, rows.data(), rows.size(), out.data()));
    positions.resize(e.select_positions(ctx, rows.data(), rows.size(), positions.data()));
    EXPECT_EQ(positions.size(), out.size()) << text;
    for (std::size_t k = 0; k < std::min(positions.size(), out.size()); ++k)
      EXPECT_EQ(rows[static_cast<std::size_t>(positions[k])], out[k]) << text << ", row kept " << k;
    EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end())) << text;
    std::reverse(out.begin(), out.end());
    return out;
  }

  // The value of `text` on every row of `t`; nullopt where null.
  std::vector<std::optional<double>> values(const std::string& text, table_id t) const {
    const row_expression e = expression_compiler::compile_row(text, t);
    const std::vector<std::int32_t> rows = all_rows(rows_of(t));
    value_batch b;
    e.evaluate(ctx, rows.data(), rows.size(), b);
    std::vector<std::optional<double>> out;
    for (std::size_t i = 0; i < rows.size(); ++i)
      out.push_back(b.valid[i] ? std::optional<double>(b.value[i]) : std::nullopt);
    return out;
  }

  dataset data;
  relations rel;
  std::vector<day_number> holidays;
  eval_context ctx;
};

using rows_t = std::vector<std::int32_t>;
using opt = std::optional<double>;
constexpr std::nullopt_t null = std::nullopt;

// The value of an expression that reads no column.
opt scalar(const std::string& text, day_number start = day(2024, 1, 1),
           day_number end = day(2024, 1, 31)) {
  const row_expression e = expression_compiler::compile_row(text, table_id::cases);
  eval_context ctx;
  ctx.period_start = start;
  ctx.period_end = end;
  const std::int32_t row = 0;
  value_batch b;
  e.evaluate(ctx, &row, 1, b);
  return b.valid[0] ? opt(b.value[0]) : null;
}

expression_error compile_error(const std::string& text, table_id t = table_id::cases,
                               bool side = false) {
  try {
    if (side)
      expression_compiler::compile_side(text, t);
    else
      expression_compiler::compile_row(text, t);
  } catch (const expression_error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return expression_error("", "", 0, 0, "");
}

bool mentions(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------
// Parsing

TEST(ExpressionPrecedence, FollowsDhis2) {
  EXPECT_EQ(scalar("-2^2"), -4);
  EXPECT_EQ(scalar("2^3^2"), 512);
  EXPECT_EQ(scalar("1 - 2 - 3"), -4);
  EXPECT_EQ(scalar("2 + 3 * 4"), 14);
  EXPECT_EQ(scalar("(2 + 3) * 4"), 20);
  EXPECT_EQ(scalar("2^-1"), 0.5);
  EXPECT_EQ(scalar("12 / 2 / 3"), 2);
  EXPECT_EQ(scalar("7 % 3"), 1);
  EXPECT_EQ(scalar("-7 % 3"), -1);
  EXPECT_EQ(scalar("-+-3"), 3);
  EXPECT_EQ(scalar("true || false && false"), 1);  // && before ||
  EXPECT_EQ(scalar("not true or true"), 1);        // unary before or
  EXPECT_EQ(scalar("1 < 2 == 2 > 1"), 1);          // comparisons before equality
  EXPECT_EQ(scalar("!(1 == 1) and 1 == 1"), 0);
  EXPECT_EQ(scalar("2 ^ 0.5"), std::sqrt(2.0));  // real exponent, not DHIS2's integer one
}

TEST(ExpressionLiterals, NumbersStringsCommentsAndKeywords) {
  EXPECT_EQ(scalar(".5 + 0.25"), 0.75);
  EXPECT_EQ(scalar("1e3 + 1.5E-1"), 1000.15);
  EXPECT_EQ(scalar("3. * 2"), 6);
  EXPECT_EQ(scalar("1 /* one */ + /* two */ 2"), 3);
  EXPECT_EQ(scalar("'a\\'b' == \"a'b\""), 1);
  EXPECT_EQ(scalar("'\\u00e9' == 'é'"), 1);
  EXPECT_EQ(scalar("'\\101' == 'A'"), 1);
  EXPECT_EQ(scalar("'tab\\there' != 'tab here'"), 1);
  EXPECT_EQ(scalar("'abc' < 'abd'"), 1);
  EXPECT_EQ(scalar("true == 1"), 1);
  EXPECT_EQ(scalar("false"), 0);
  EXPECT_EQ(scalar("null"), null);
}

TEST(ExpressionLiterals, RejectsMalformedNumbersAndStrings) {
  auto e = compile_error("012");
  EXPECT_TRUE(mentions(e.what(), "cannot start with 0")) << e.what();
  e = compile_error("1e + 2");
  EXPECT_TRUE(mentions(e.what(), "exponent")) << e.what();
  e = compile_error("2abc");
  EXPECT_EQ(e.column(), 2);
  e = compile_error("'open");
  EXPECT_TRUE(mentions(e.what(), "not closed")) << e.what();
  e = compile_error("'bad \\q escape'");
  EXPECT_TRUE(mentions(e.what(), "unknown escape")) << e.what();
  e = compile_error("1 /* never closed");
  EXPECT_EQ(e.column(), 3);
  e = compile_error("1 = 1");
  EXPECT_EQ(e.expected(), "'==' to compare");
  e = compile_error("1 & 1");
  EXPECT_EQ(e.expected(), "'&&' or 'and'");
  e = compile_error("1 +");
  EXPECT_TRUE(mentions(e.what(), "end of the expression")) << e.what();
  e = compile_error("(1 + 2");
  EXPECT_EQ(e.expected(), "')'");
  e = compile_error("1 2");
  EXPECT_TRUE(mentions(e.what(), "after a complete expression")) << e.what();
  e = compile_error("1 $ 2");
  EXPECT_TRUE(mentions(e.what(), "unexpected character '$'")) << e.what();
}

TEST(ExpressionParse, FunctionNamesTakeTheirParenthesisDirectly) {
  EXPECT_EQ(scalar("if(true, 1, 2)"), 1);
  const auto e = compile_error("if (true, 1, 2)");
  EXPECT_EQ(e.column(), 4);
  EXPECT_TRUE(mentions(e.what(), "a space between 'if' and '('")) << e.what();
  EXPECT_EQ(e.expected(), "if( without a space");
}

TEST(ExpressionParse, RefusesDeepNesting) {
  const std::string deep = std::string(500, '(') + "1" + std::string(500, ')');
  EXPECT_TRUE(mentions(compile_error(deep).what(), "nested too deeply"));
  std::string chain = "1";
  for (int i = 0; i < 400; ++i) chain += " + 1";
  EXPECT_TRUE(mentions(compile_error(chain).what(), "nested too deeply"));
  std::string shallow = "1";
  for (int i = 0; i < 150; ++i) shallow += " + 1";
  EXPECT_EQ(scalar(shallow), 151);
}

TEST(ExpressionParse, CanonicalTextParsesToItself) {
  for (const char* text :
       {"-2^2", "a && b || !c", "is(sex in 'f', 'm')", "count(distinct child_id)",
        "#{cases.concerns}", "d2:daysBetween(reported_date, V{analytics_period_end}) / [days]",
        "'it\\'s' == \"x\\ny\"", "f(1e+300, .5, 0)"}) {
    const std::string once = detail::to_string(*detail::parse(text));
    const std::string twice = detail::to_string(*detail::parse(once));
    EXPECT_EQ(once, twice) << text;
  }
  EXPECT_EQ(detail::to_string(*detail::parse("1 - 2 - 3")), "((1 - 2) - 3)");
  EXPECT_EQ(detail::to_string(*detail::parse("2^3^2")), "(2 ^ (3 ^ 2))");
  EXPECT_EQ(detail::to_string(*detail::parse("a and not b")), "(#{a} && (!#{b}))");
}

// ---------------------------------------------------------------------------------------
// Errors: positions, carets, what was expected

TEST(ExpressionErrors, UnknownColumnSuggestsTheClosestAndListsColumns) {
  const auto e = compile_error("sexx == 'f'", table_id::children);
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), 1);
  EXPECT_TRUE(mentions(e.what(), "unknown column 'sexx' in children; did you mean 'sex'?"))
      << e.what();
  EXPECT_TRUE(mentions(e.expected(), "a column of children: child_id, birth_date, sex"))
      << e.expected();
  EXPECT_EQ(e.caret(), "sexx == 'f'\n^");
}

TEST(ExpressionErrors, LocateLineAndColumnInMultiLineText) {
  const auto e = compile_error("contains(concern_groups, 'abuse')\n  && outcome == 'dead'");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), 17);
  EXPECT_EQ(e.caret(), "  && outcome == 'dead'\n                ^");
  EXPECT_TRUE(mentions(e.what(), "line 2, column 17: unknown code 'dead' for outcome")) << e.what();
  EXPECT_EQ(e.expected(), "one of: recovered, injured, disabled, died");
  EXPECT_EQ(e.text(), "contains(concern_groups, 'abuse')\n  && outcome == 'dead'");
}

TEST(ExpressionErrors, ColumnsCountCodePointsNotBytes) {
  // 'ở' takes three bytes: 'nam' starts at byte 19 but at column 17.
  const auto e = compile_error("name == 'Sở' && nam == 'x'", table_id::agencies);
  EXPECT_EQ(e.column(), 17);
  EXPECT_EQ(e.caret(), "name == 'Sở' && nam == 'x'\n                ^");
}

TEST(ExpressionErrors, CodesAreCheckedAtBindTime) {
  auto e = compile_error("sex == 'F'", table_id::children);
  EXPECT_TRUE(mentions(e.what(), "unknown code 'F' for sex; did you mean 'f'?")) << e.what();
  EXPECT_EQ(e.expected(), "one of: f, m, u");
  e = compile_error("contains(concern_groups, 'abuses')");
  EXPECT_EQ(e.column(), 26);
  EXPECT_EQ(e.expected(), "one of: abuse, injury, risk, other");
  e = compile_error("is(kind in 'training', 'trainings')", table_id::activities);
  EXPECT_EQ(e.column(), 24);
  e = compile_error("sex < 'f'", table_id::children);
  EXPECT_TRUE(mentions(e.what(), "cannot order")) << e.what();
}

TEST(ExpressionErrors, TypesAreChecked) {
  auto e = compile_error("sum(sex)", table_id::children, true);
  EXPECT_TRUE(mentions(e.what(), "sum needs a number, got a code of sex")) << e.what();
  e = compile_error("avg(name)", table_id::agencies, true);
  EXPECT_TRUE(mentions(e.what(), "avg needs a number, got text")) << e.what();
  e = compile_error("reported_date + 1");
  EXPECT_TRUE(mentions(e.expected(), "d2:daysBetween")) << e.expected();
  e = compile_error("contains(outcome, 'died')");
  EXPECT_TRUE(mentions(e.what(), "needs a multi-valued code column, got a code of outcome"))
      << e.what();
  e = compile_error("sessions == 'two'", table_id::activities);
  EXPECT_EQ(e.expected(), "a number without quotes");
  e = compile_error("sex == outcome", table_id::cases);
  EXPECT_TRUE(mentions(e.what(), "unknown column 'sex' in cases")) << e.what();
  e = compile_error("child.sex == outcome");
  EXPECT_TRUE(mentions(e.what(), "cannot compare a code of sex with a code of outcome"))
      << e.what();
  e = compile_error("concerns == 'drowning'");
  EXPECT_EQ(e.expected(), "contains(x, 'code') or containsAny(x, 'code', ...)");
  e = compile_error("reported_date == 'yesterday'");
  EXPECT_TRUE(mentions(e.what(), "'yesterday' is not a date")) << e.what();
  e = compile_error("outcome && true");
  EXPECT_TRUE(mentions(e.what(), "'&&' needs a condition")) << e.what();
  e = compile_error("d2:hoursBetween(reported_date, closed_date)");
  EXPECT_TRUE(mentions(e.what(), "needs date-times")) << e.what();
  EXPECT_EQ(e.column(), 32);
  e = compile_error("if(true, 1, reported_date)");
  EXPECT_TRUE(mentions(e.what(), "if() mixes a number and a date-time")) << e.what();
  e = compile_error("child_id == 'C0'");
  EXPECT_TRUE(mentions(e.what(), "identifiers of children cannot be compared")) << e.what();
  e = compile_error("'just text'");
  EXPECT_TRUE(mentions(e.what(), "quoted string alone")) << e.what();
}

TEST(ExpressionErrors, FunctionsTablesAndPaths) {
  auto e = compile_error("isnull(closed_date)");
  EXPECT_TRUE(mentions(e.what(), "unknown function 'isnull'; did you mean 'isNull'?")) << e.what();
  e = compile_error("d2:daysBetween(reported_date)");
  EXPECT_TRUE(mentions(e.what(), "d2:daysBetween() takes 2 arguments, got 1")) << e.what();
  e = compile_error("#{children.sex} == 'f'");
  EXPECT_EQ(e.column(), 3);
  EXPECT_TRUE(
      mentions(e.what(), "the table 'children' is not the table of this expression (cases)"))
      << e.what();
  e = compile_error("outcome.kind == 'x'");
  EXPECT_EQ(e.column(), 9);
  EXPECT_TRUE(mentions(e.expected(), "child, org_unit, lead_agency")) << e.expected();
  e = compile_error("child.sexe == 'f'");
  EXPECT_EQ(e.column(), 7);
  EXPECT_TRUE(mentions(e.what(), "unknown column 'sexe' in children; did you mean 'sex'?"))
      << e.what();
  e = compile_error("#{casess.outcome} == 'died'");
  EXPECT_TRUE(mentions(e.what(), "unknown column 'casess' in cases; did you mean 'cases'?"))
      << e.what();
  // Each level quotes the previous one: d2:condition('d2:condition(\'1 > 0\', 1, 0)', 1, 0).
  std::string nested = "1 > 0";
  for (int level = 1; level <= 5; ++level) {
    std::string quoted_text;
    for (char c : nested) {
      if (c == '\\' || c == '\'') quoted_text += '\\';
      quoted_text += c;
    }
    nested = "d2:condition('" + quoted_text + "', 1, 0)" + (level < 4 ? "" : " == 1");
    if (level == 4) {
      EXPECT_EQ(scalar(nested), 1);
    }
  }
  e = compile_error(nested);
  EXPECT_TRUE(mentions(e.what(), "d2:condition() is nested too deeply")) << e.what();
  EXPECT_EQ(scalar("d2:condition('d2:condition(\"1 > 2\", 1, 0) == 0', 7, 8)"), 7);
  e = compile_error("exists(children, true)");
  EXPECT_EQ(e.expected(), "the related rows of cases: services");
  e = compile_error("exists(services, agency.kind == 'police')", table_id::services);
  EXPECT_TRUE(mentions(e.expected(), "available over cases, children and agencies"));
  e = compile_error("exists(services, kind == 'x')");
  EXPECT_TRUE(mentions(e.what(), "unknown column 'kind' in services")) << e.what();
  // An empty is() (found by the expression fuzzer) is an error, not a crash.
  e = compile_error("-is()+2*0");
  EXPECT_TRUE(mentions(e.what(), "is() needs a value and at least one candidate")) << e.what();
  EXPECT_EQ(e.column(), 2);
}

TEST(ExpressionErrors, RejectsDhis2ItemsOutsideTheSubset) {
  const std::vector<std::pair<std::string, int>> rejected = {
      {"C{Gfd3ppDfq8E} * 2", 1},
      {"1 + R{BfMAe6Itzgt.REPORTING_RATE}", 5},
      {"OUG{CXw2yu5fodb}", 1},
      {"D{IpHINAT79UW.a3kGcGDCuk6}", 1},
      {"A{w75KJ2mc4zz}", 1},
      {"I{fbfJHSPpUQD}", 1},
      {"N{Uvn6LCg7dVU}", 1},
      {"PS_EVENTDATE:A03MvHHogjR <= V{analytics_period_end}", 1},
      {"sum(count).periodOffset(-1)", 11},
      {"reported_date.yearToDate()", 14},
      {"d2:addDays(reported_date, 7)", 1},
      {"d2:round(1.5)", 1},
      {"removeZeros(1)", 1},
      {"V{event_date}", 1},
      {"V{current_date}", 1},
      {"[periodInYear]", 1},
      {"#{fbfJHSPpUQD.*}", 15},
      {"orgUnit.ancestor(ImspTQPwCqd)", 1},
  };
  for (const auto& [text, column] : rejected) {
    const auto e = compile_error(text, table_id::population);
    EXPECT_TRUE(mentions(e.what(), "not supported in safeguard v1")) << text << ": " << e.what();
    EXPECT_EQ(e.column(), column) << text;
    EXPECT_FALSE(e.expected().empty()) << text;
  }
  const auto uid = compile_error("#{fbfJHSPpUQD} + 1");
  EXPECT_TRUE(mentions(uid.what(), "unknown column 'fbfJHSPpUQD' in cases")) << uid.what();
}

// ---------------------------------------------------------------------------------------
// Null rules (DHIS2 d.5)

TEST(ExpressionNulls, PropagateThroughArithmeticAndComparisons) {
  EXPECT_EQ(scalar("null + 1"), null);
  EXPECT_EQ(scalar("-null"), null);
  EXPECT_EQ(scalar("1 / 0"), null);
  EXPECT_EQ(scalar("5 % 0"), null);
  EXPECT_EQ(scalar("0 / 0"), null);
  EXPECT_EQ(scalar("10 ^ 400"), null);
  EXPECT_EQ(scalar("null == null"), null);
  EXPECT_EQ(scalar("1 < null"), null);
  EXPECT_EQ(scalar("!null"), null);
}

TEST(ExpressionNulls, LogicIsThreeValued) {
  EXPECT_EQ(scalar("false && null"), 0);
  EXPECT_EQ(scalar("null && false"), 0);
  EXPECT_EQ(scalar("null && true"), null);
  EXPECT_EQ(scalar("true && null"), null);
  EXPECT_EQ(scalar("true || null"), 1);
  EXPECT_EQ(scalar("null || true"), 1);
  EXPECT_EQ(scalar("null || false"), null);
  EXPECT_EQ(scalar("2 && 3"), 1);  // numbers are conditions: non-zero is true
  EXPECT_EQ(scalar("0 || 0"), 0);
}

TEST(ExpressionNulls, NullTestingFunctionsSeeNulls) {
  EXPECT_EQ(scalar("if(null, 1, 2)"), null);
  EXPECT_EQ(scalar("if(isNull(null), 10, 20)"), 10);
  EXPECT_EQ(scalar("isNull(1 / 0)"), 1);
  EXPECT_EQ(scalar("isNotNull(0)"), 1);
  EXPECT_EQ(scalar("isNotNull('x')"), 1);
  EXPECT_EQ(scalar("d2:hasValue(null)"), 0);
  EXPECT_EQ(scalar("d2:hasValue(false)"), 1);
  EXPECT_EQ(scalar("firstNonNull(null, 1 / 0, 3, 4)"), 3);
  EXPECT_EQ(scalar("firstNonNull(null, null)"), null);
  EXPECT_EQ(scalar("firstNonNull()"), null);
}

TEST_F(ExpressionData, MissingCellsAreNullNotZeroInRows) {
  // Rows are records: a missing cell stays null (unlike DHIS2's aggregate items).
  EXPECT_EQ(values("closed_date", table_id::cases)[1], null);
  EXPECT_EQ(values("d2:daysBetween(reported_date, closed_date)", table_id::cases),
            (std::vector<opt>{19, null, null, null, null}));
  EXPECT_EQ(where("!(outcome == 'died')", table_id::cases), (rows_t{0, 4}));
  EXPECT_EQ(where("isNull(outcome)", table_id::cases), (rows_t{3}));
  EXPECT_EQ(where("disability == 0", table_id::children), (rows_t{1, 3}));
  EXPECT_EQ(where("isNull(disability)", table_id::children), (rows_t{2}));
}

// ---------------------------------------------------------------------------------------
// Functions

TEST(ExpressionFunctions, WorkedDateVectorsOfDhis2) {
  EXPECT_EQ(scalar("d2:yearsBetween('2010-06-15', '2024-06-14')"), 13);
  EXPECT_EQ(scalar("d2:yearsBetween('2010-06-15', '2024-06-15')"), 14);
  EXPECT_EQ(scalar("d2:yearsBetween('2024-06-15', '2010-06-16')"), -13);
  EXPECT_EQ(scalar("d2:monthsBetween('2024-01-31', '2024-02-29')"), 0);
  EXPECT_EQ(scalar("d2:monthsBetween('2024-01-31', '2024-03-31')"), 2);
  EXPECT_EQ(scalar("d2:monthsBetween('2024-03-31', '2024-01-31')"), -2);
  EXPECT_EQ(scalar("d2:weeksBetween('2024-01-01', '2024-01-14')"), 1);
  EXPECT_EQ(scalar("d2:weeksBetween('2024-01-14', '2024-01-01')"), -1);
  EXPECT_EQ(scalar("d2:daysBetween('2024-01-01', '2024-01-14')"), 13);
  EXPECT_EQ(scalar("d2:daysBetween('2024-01-14', '2024-01-01')"), -13);
  EXPECT_EQ(scalar("d2:daysBetween(null, '2024-01-01')"), null);
  EXPECT_EQ(scalar("d2:yearsBetween('2012-02-29', '2013-02-28')"), 0);
  EXPECT_EQ(scalar("d2:yearsBetween('2012-02-29', '2013-03-01')"), 1);
}

TEST(ExpressionFunctions, ScalarFunctions) {
  EXPECT_EQ(scalar("greatest(3, 2.2, 5, 0.4)"), 5);
  EXPECT_EQ(scalar("greatest(null, 4, 5)"), 5);
  EXPECT_EQ(scalar("least(3, null, 4)"), 3);
  EXPECT_EQ(scalar("least(null)"), null);
  EXPECT_EQ(scalar("log(8, 2)"), 3);
  EXPECT_NEAR(*scalar("log(10)"), std::log(10.0), 1e-15);
  EXPECT_EQ(scalar("log(0)"), null);
  EXPECT_EQ(scalar("log(-1)"), null);
  EXPECT_EQ(scalar("log10(1000)"), 3);
  EXPECT_EQ(scalar("d2:zing(-3)"), 0);
  EXPECT_EQ(scalar("d2:zing(2.5)"), 2.5);
  EXPECT_EQ(scalar("d2:zing(null)"), null);
  EXPECT_EQ(scalar("d2:oizp(0)"), 1);
  EXPECT_EQ(scalar("d2:oizp(-0.1)"), 0);
  EXPECT_EQ(scalar("d2:oizp(null)"), 0);
  EXPECT_EQ(scalar("is(2 in 1, 2, 3)"), 1);
  EXPECT_EQ(scalar("is(4 in 1, 2, 3)"), 0);
  EXPECT_EQ(scalar("is(4 in 1, null)"), null);
  EXPECT_EQ(scalar("is(null in 1, 2)"), null);
  EXPECT_EQ(scalar("is(1 + 1 in 1, 1 * 2)"), 1);
  EXPECT_EQ(scalar("if(1 > 2, 'a' == 'a', false)"), 0);
  EXPECT_EQ(scalar("d2:condition('1 < 2', 10, 20)"), 10);
  EXPECT_EQ(scalar("d2:condition(\"'a' == 'b'\", 10, 20)"), 20);
}

TEST(ExpressionFunctions, VariablesReadThePeriod) {
  EXPECT_EQ(scalar("[days]", day(2024, 1, 1), day(2024, 1, 31)), 31);
  EXPECT_EQ(scalar("d2:daysBetween(V{analytics_period_start}, V{analytics_period_end})",
                   day(2024, 1, 1), day(2024, 12, 31)),
            365);
  EXPECT_EQ(scalar("[days]", no_day, no_day), null);
  EXPECT_TRUE(expression_compiler::compile_row("[days] > 1", table_id::cases).depends_on_period());
  EXPECT_TRUE(expression_compiler::compile_row("exists(services, date <= V{analytics_period_end})",
                                               table_id::cases)
                  .depends_on_period());
  EXPECT_FALSE(expression_compiler::compile_row("closed_date > '2024-01-01'", table_id::cases)
                   .depends_on_period());
}

TEST_F(ExpressionData, HoursBetweenNeedsBothTimesOfDay) {
  EXPECT_EQ(values("d2:hoursBetween(reported_date, emergency_date)", table_id::cases),
            (std::vector<opt>{11.5, null, null, null, null}));
  EXPECT_EQ(values("d2:minutesBetween(reported_date, emergency_date)", table_id::cases)[0], 690);
  EXPECT_EQ(values("d2:hoursBetween(reported_date, '2024-03-02T08:00')", table_id::cases),
            (std::vector<opt>{24, null, -1394, null, null}));
  EXPECT_EQ(where("d2:hoursBetween(reported_date, emergency_date) <= 12", table_id::cases),
            (rows_t{0}));
  EXPECT_EQ(where("isNotNull(d2:hoursBetween(reported_date, emergency_date))", table_id::cases),
            (rows_t{0}));
}

TEST_F(ExpressionData, WorkingDaysSkipWeekendsAndHolidays) {
  // Fri 2024-03-01 -> Mon 2024-03-04: Saturday and Sunday do not count.
  EXPECT_EQ(values("d2:workingDaysBetween(reported_date, plan_date)", table_id::cases),
            (std::vector<opt>{1, null, 1, null, null}));  // Mon 29 Apr -> Thu 2 May: 30/4, 1/5 off
  EXPECT_EQ(values("d2:workingDaysBetween(plan_date, reported_date)", table_id::cases)[2], -1);
  EXPECT_EQ(values("d2:workingDaysBetween(reported_date, '2024-03-15')", table_id::cases)[0], 10);
  EXPECT_EQ(values("d2:workingDaysBetween('2024-03-02', '2024-03-03')", table_id::cases)[0], 0);
  EXPECT_EQ(values("d2:workingDaysBetween(reported_date, reported_date)", table_id::cases)[0], 0);
  // A holiday on a weekend is not subtracted twice.
  std::vector<day_number> with_saturday = {day(2024, 3, 2), day(2024, 4, 30), day(2024, 5, 1)};
  ctx.holidays = &with_saturday;
  EXPECT_EQ(values("d2:workingDaysBetween(reported_date, plan_date)", table_id::cases)[0], 1);
  ctx.holidays = nullptr;  // weekends only
  EXPECT_EQ(values("d2:workingDaysBetween(reported_date, plan_date)", table_id::cases)[2], 3);
  EXPECT_EQ(where("d2:workingDaysBetween(reported_date, plan_date) <= 7", table_id::cases),
            (rows_t{0, 2}));
}

TEST_F(ExpressionData, ContainsAndContainsAny) {
  EXPECT_EQ(where("contains(concern_groups, 'abuse')", table_id::cases), (rows_t{0, 2, 4}));
  EXPECT_EQ(where("contains(concern_groups, 'abuse', 'injury')", table_id::cases), (rows_t{2}));
  EXPECT_EQ(where("containsAny(concerns, 'drowning', 'neglect')", table_id::cases), (rows_t{1, 4}));
  EXPECT_EQ(where("contains(concern_groups, 'abuse') && outcome == 'died'", table_id::cases),
            (rows_t{2}));
  EXPECT_EQ(where("contains(topics, 'drowning_prevention')", table_id::activities), (rows_t{0}));
  // An empty multi-valued cell is null for isNull, and contains() is false on it.
  EXPECT_EQ(where("!contains(topics, 'road_safety')", table_id::activities), (rows_t{0, 1, 2}));
  EXPECT_EQ(where("isNull(audiences)", table_id::activities), (rows_t{1, 2}));
}

// ---------------------------------------------------------------------------------------
// Items: columns, paths, codes, identifiers

TEST_F(ExpressionData, ColumnsAndPathsAcrossReferences) {
  EXPECT_EQ(where("child.sex == 'f'", table_id::cases), (rows_t{0, 1, 4}));
  EXPECT_EQ(where("#{child.sex} == 'm'", table_id::cases), (rows_t{2}));
  EXPECT_EQ(where("#{cases.outcome} == 'died'", table_id::cases), (rows_t{1, 2}));
  EXPECT_EQ(where("case.child.sex == 'f'", table_id::services), (rows_t{0, 1, 3}));
}

TEST_F(ExpressionData, MorePaths) {
  EXPECT_EQ(where("lead_agency.kind == 'police'", table_id::cases), (rows_t{0}));
  EXPECT_EQ(where("agency.kind == 'health'", table_id::activities), (rows_t{0, 2}));
  EXPECT_EQ(where("org_unit.level == 3", table_id::cases), (rows_t{0, 1, 2, 3, 4}));
  EXPECT_EQ(values("level", table_id::org_units), (std::vector<opt>{1, 2, 3, 3}));
  EXPECT_EQ(where("org_unit.parent.kind == 'city'", table_id::children), (rows_t{0, 1, 2, 3}));
  EXPECT_EQ(where("plan.agency.kind == 'health'", table_id::targets), (rows_t{0}));
  EXPECT_EQ(values("d2:yearsBetween(child.birth_date, reported_date)", table_id::cases),
            (std::vector<opt>{13, 13, 12, 9, 15}));
  EXPECT_EQ(where("d2:yearsBetween(#{child.birth_date}, reported_date) >= 13", table_id::cases),
            (rows_t{0, 1, 4}));
}

TEST_F(ExpressionData, IdentifiersAreRowIndices) {
  EXPECT_EQ(values("child_id", table_id::cases), (std::vector<opt>{0, 0, 1, 2, 3}));
  EXPECT_EQ(values("child", table_id::cases), (std::vector<opt>{0, 0, 1, 2, 3}));
  EXPECT_EQ(values("case_id", table_id::cases), (std::vector<opt>{0, 1, 2, 3, 4}));
  EXPECT_EQ(values("case_id", table_id::services), (std::vector<opt>{0, 0, 2, 4}));
  EXPECT_EQ(values("lead_agency", table_id::cases), (std::vector<opt>{1, null, 0, null, null}));
  EXPECT_EQ(expression_compiler::compile_row("child_id", table_id::cases).type(), value_type::row);
  // Org unit, agency and plan codes can be named.
  EXPECT_EQ(where("org_unit == '1002'", table_id::children), (rows_t{1, 3}));
  EXPECT_EQ(where("'A2' == agency", table_id::services), (rows_t{1, 2}));
  EXPECT_EQ(where("is(org_unit in '1001', '22')", table_id::activities), (rows_t{0, 2}));
  EXPECT_EQ(where("org_unit == 'nowhere'", table_id::children), (rows_t{}));
  EXPECT_EQ(where("agency == case.lead_agency", table_id::services), (rows_t{1}));
}

TEST_F(ExpressionData, CodesOfFixedAndOpenLists) {
  EXPECT_EQ(where("sex == 'f'", table_id::children), (rows_t{0, 3}));
  EXPECT_EQ(where("'f' != sex", table_id::children), (rows_t{1, 2}));
  EXPECT_EQ(where("is(kind in 'training', 'communication')", table_id::activities), (rows_t{0, 1}));
  EXPECT_EQ(where("ethnicity == 'kinh'", table_id::children), (rows_t{0, 3}));
  EXPECT_EQ(where("ethnicity != 'kinh'", table_id::children), (rows_t{1}));
  EXPECT_EQ(where("ethnicity == 'hmong'", table_id::children), (rows_t{}));  // absent: no match
  EXPECT_EQ(where("is(ethnicity in 'tay', 'hmong')", table_id::children), (rows_t{1}));
  EXPECT_EQ(where("programme == 'action_month_2024'", table_id::activities), (rows_t{0}));
  EXPECT_EQ(where("circumstance != 'at_risk'", table_id::circumstances), (rows_t{0, 2}));
  EXPECT_EQ(where("referred == 1", table_id::services), (rows_t{0, 2}));
  EXPECT_EQ(where("referred", table_id::services), (rows_t{0, 2}));
  EXPECT_EQ(where("consent_reporting == true", table_id::cases), (rows_t{0, 1, 3, 4}));
}

TEST_F(ExpressionData, TextAndNumbersOfSmallTables) {
  EXPECT_EQ(where("name == 'Sở Y tế'", table_id::agencies), (rows_t{0}));
  EXPECT_EQ(where("indicator == 'CASES_NEW' && value >= 10", table_id::targets), (rows_t{0}));
  EXPECT_EQ(where("is(title in 'Kế hoạch 2024', 'x')", table_id::plans), (rows_t{0}));
  EXPECT_EQ(where("count > 150 && sex == 'm' && age == 6 && year == 2024", table_id::population),
            (rows_t{1}));
  EXPECT_EQ(where("date == '2024-05-01'", table_id::holidays), (rows_t{1}));
}

TEST_F(ExpressionData, DatesCompareByDayAndByMinuteWhenBothHaveOne) {
  EXPECT_EQ(where("reported_date >= '2024-03-01' && reported_date < '2024-04-01'", table_id::cases),
            (rows_t{0, 1}));
  EXPECT_EQ(where("reported_date < '2024-03-01T09:00'", table_id::cases), (rows_t{0, 4}));
  // is(x in ...) is x == a || x == b: a date-time candidate compares to the minute too.
  EXPECT_EQ(where("reported_date == '2024-03-01T09:00'", table_id::cases), (rows_t{}));
  EXPECT_EQ(where("is(reported_date in '2024-03-01T09:00')", table_id::cases), (rows_t{}));
  EXPECT_EQ(where("is(reported_date in '2024-03-01T08:00', '2024-06-01T10:00')", table_id::cases),
            (rows_t{0, 3}));  // K3 has no time of day: equal by its day
  EXPECT_EQ(where("is(reported_date in '2024-03-01', '2024-04-29')", table_id::cases),
            (rows_t{0, 2}));
  EXPECT_EQ(where("emergency_date > reported_date", table_id::cases), (rows_t{0}));
  EXPECT_EQ(where("emergency_date >= reported_date", table_id::cases), (rows_t{0, 1}));
  EXPECT_EQ(where("plan_date <= V{analytics_period_end}", table_id::cases), (rows_t{0}));
  EXPECT_EQ(values("greatest(reported_date, plan_date)", table_id::cases)[2], day(2024, 5, 2));
  EXPECT_EQ(values("firstNonNull(closed_date, plan_date, reported_date)", table_id::cases),
            (std::vector<opt>{day(2024, 3, 20), day(2024, 3, 5), day(2024, 5, 2), day(2024, 6, 1),
                              day(2024, 1, 10)}));
}

TEST_F(ExpressionData, EvaluateKeepsMinutesOfDateTimes) {
  const row_expression e = expression_compiler::compile_row("reported_date", table_id::cases);
  EXPECT_EQ(e.type(), value_type::date_time);
  const rows_t rows = {2, 0, 1};
  value_batch b;
  e.evaluate(ctx, rows.data(), rows.size(), b);
  ASSERT_EQ(b.minute.size(), 3u);
  EXPECT_EQ(b.value[0], day(2024, 4, 29));
  EXPECT_EQ(b.minute[0], 600);
  EXPECT_EQ(b.minute[1], 480);
  EXPECT_EQ(b.minute[2], no_minute);
}

TEST_F(ExpressionData, ConditionAsQuotedExpression) {
  EXPECT_EQ(values("d2:condition('sex == \"f\"', 1, 0)", table_id::children),
            (std::vector<opt>{1, 0, 0, 1}));
  const auto e = compile_error("d2:condition('sexx == 1', 1, 0)", table_id::children);
  EXPECT_EQ(e.column(), 15);
  EXPECT_TRUE(mentions(e.what(), "unknown column 'sexx'")) << e.what();
}

TEST_F(ExpressionData, IfEvaluatesBranchesOnlyWhereChosen) {
  EXPECT_EQ(values("if(isNull(closed_date), 10, d2:daysBetween(reported_date, closed_date))",
                   table_id::cases),
            (std::vector<opt>{19, 10, 10, 10, 10}));
  EXPECT_EQ(values("if(outcome == 'died', 1, 0)", table_id::cases),
            (std::vector<opt>{0, 1, 1, null, 0}));
  EXPECT_EQ(where("if(risk == 'high', true, null)", table_id::cases), (rows_t{0}));
  EXPECT_EQ(values("if(sex == 'f', 'm', sex)", table_id::children), (std::vector<opt>{1, 1, 2, 1}));
}

// ---------------------------------------------------------------------------------------
// exists(): every relation, with and without consent

TEST_F(ExpressionData, ExistsFromCasesSeesTheirServices) {
  EXPECT_EQ(where("exists(services, referred == 1)", table_id::cases), (rows_t{0}));
  EXPECT_EQ(where("exists(services)", table_id::cases), (rows_t{0, 4}));
  EXPECT_EQ(where("!exists(services)", table_id::cases), (rows_t{1, 2, 3}));
  ctx.honour_consent = false;
  EXPECT_EQ(where("exists(services, referred == 1)", table_id::cases), (rows_t{0, 2}));
  EXPECT_EQ(where("exists(services, date <= V{analytics_period_end} && agency.kind == 'police')",
                  table_id::cases),
            (rows_t{0}));
}

TEST_F(ExpressionData, RequiredRelationNarrowsRowsWithoutChangingTheSelection) {
  // exists() alone or in a top-level && needs a related row; under || or ! it does not.
  const auto required = [](const char* text) {
    return expression_compiler::compile_row(text, table_id::children).required_relation();
  };
  EXPECT_GE(required("exists(circumstances)"), 0);
  EXPECT_GE(required("sex == 'f' && exists(cases, outcome == 'died')"), 0);
  EXPECT_EQ(required("sex == 'f' || exists(cases)"), -1);
  EXPECT_EQ(required("!exists(cases)"), -1);
  EXPECT_EQ(required("sex == 'f'"), -1);
  // Narrowing first keeps exactly the rows select() keeps from them all.
  for (const char* text : {"exists(services)", "exists(cases, outcome == 'died') && sex == 'm'",
                           "exists(circumstances) && exists(cases)"}) {
    const row_expression e = expression_compiler::compile_row(text, table_id::children);
    rows_t all(data.children.size());
    std::iota(all.begin(), all.end(), 0);
    rows_t positions(all.size());
    positions.resize(row_expression::keep_related(e.required_relation(), ctx, all.data(), all.size(),
                                                  positions.data()));
    if (std::string(text).rfind("exists(circumstances)", 0) == 0) {
      EXPECT_LT(positions.size(), all.size()) << text;  // not every child has an episode
    }
    rows_t narrowed;
    for (std::int32_t p : positions) narrowed.push_back(all[static_cast<std::size_t>(p)]);
    narrowed.resize(e.select(ctx, narrowed.data(), narrowed.size(), narrowed.data()));
    EXPECT_EQ(narrowed, where(text, table_id::children)) << text;
  }
}

TEST_F(ExpressionData, AConditionThatStartsWithAnotherSelectsOnlyWhatIsLeft) {
  const auto compile = [](const char* text, table_id t = table_id::children) {
    return expression_compiler::compile_row(text, t);
  };
  const char* in_circumstance =
      "exists(circumstances, circumstance != 'at_risk' && start_date <= V{analytics_period_end})";
  const row_expression prefix = compile(in_circumstance);
  // Written differently (spacing, line breaks), bound the same: the same condition.
  const row_expression respaced = compile(
      "exists( circumstances,circumstance != 'at_risk'\n && start_date <= V{analytics_period_end} )");
  EXPECT_TRUE(respaced.starts_with(prefix));
  EXPECT_TRUE(prefix.starts_with(respaced));
  const std::string longer = std::string(in_circumstance) + " && exists(services) && birth_date > '2009-01-01'";
  const row_expression chain = compile(longer.c_str());
  EXPECT_TRUE(chain.starts_with(prefix));
  EXPECT_FALSE(prefix.starts_with(chain));
  // Only the left end of a chain of && is a prefix: not a later term, not a term of ||, not
  // another code, not the same text over another table.
  EXPECT_FALSE(compile("exists(services) && sex == 'f'").starts_with(compile("sex == 'f'")));
  EXPECT_FALSE(compile("sex == 'f' || exists(services)").starts_with(compile("sex == 'f'")));
  EXPECT_FALSE(compile("sex == 'm' && exists(services)").starts_with(compile("sex == 'f'")));
  EXPECT_FALSE(compile("isNotNull(org_unit)", table_id::cases)
                   .starts_with(compile("isNotNull(org_unit)", table_id::children)));
  EXPECT_TRUE(compile("child_id").never_null());  // the row's own identifier
  EXPECT_TRUE(compile("1").never_null());
  EXPECT_FALSE(compile("null").never_null());
  EXPECT_FALSE(compile("exit_date").never_null());
  EXPECT_FALSE(compile("child_id", table_id::cases).never_null());  // a reference may be empty
  EXPECT_FALSE(prefix.depends_on_period_start());
  EXPECT_TRUE(compile("exists(services, date >= V{analytics_period_start})").depends_on_period_start());
  EXPECT_TRUE(compile("[days] > 30").depends_on_period_start());

  // The rest of the chain, applied to what the prefix kept, keeps what the whole keeps.
  rows_t all(data.children.size());
  std::iota(all.begin(), all.end(), 0);
  rows_t kept = where(in_circumstance, table_id::children);
  ASSERT_FALSE(kept.empty());
  rows_t rest(kept.size());
  rest.resize(chain.select_after(prefix, ctx, kept.data(), kept.size(), rest.data()));
  EXPECT_EQ(rest, where(longer.c_str(), table_id::children));
  ASSERT_FALSE(rest.empty());
  EXPECT_LT(rest.size(), kept.size());  // the rest of the chain does drop rows here
  rows_t same(kept.size());
  same.resize(respaced.select_after(prefix, ctx, kept.data(), kept.size(), same.data()));
  EXPECT_EQ(same, kept);
  // More rows than one batch, in place.
  const auto copies_of_kept = [&] {
    rows_t copies;
    for (int copy = 0; copy < 700; ++copy) copies.insert(copies.end(), kept.begin(), kept.end());
    return copies;
  };
  rows_t many = copies_of_kept();
  const std::size_t n = chain.select_after(prefix, ctx, many.data(), many.size(), many.data());
  ASSERT_EQ(n, rest.size() * 700);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(many[i], rest[i % rest.size()]) << i;
  rows_t out(1);
  EXPECT_THROW(prefix.select_after(chain, ctx, kept.data(), 1, out.data()), error);
  EXPECT_THROW(prefix.select_positions_after(chain, ctx, kept.data(), 1, out.data()), error);

  // Where the rest of the chain keeps them: positions among the rows given, over batches.
  many = copies_of_kept();
  rows_t positions(many.size());
  positions.resize(chain.select_positions_after(prefix, ctx, many.data(), many.size(), positions.data()));
  ASSERT_EQ(positions.size(), rest.size() * 700);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    ASSERT_EQ(many[static_cast<std::size_t>(positions[i])], rest[i % rest.size()]) << i;
    if (i > 0) {
      ASSERT_LT(positions[i - 1], positions[i]) << i;
    }
  }
  // Nothing after the prefix: every position.
  positions.assign(kept.size(), -1);
  ASSERT_EQ(respaced.select_positions_after(prefix, ctx, kept.data(), kept.size(), positions.data()),
            kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(positions[i], static_cast<std::int32_t>(i));
}

TEST_F(ExpressionData, AConditionSettlesForRowsWithNoComparedDateBetweenTheEnds) {
  const auto compile = [](const char* text) {
    return expression_compiler::compile_row(text, table_id::children);
  };
  const rows_t rows{0, 1, 2, 3};
  const auto changes = [&](const row_expression& e, day_number first, day_number last) {
    std::vector<std::uint8_t> out(rows.size(), 9);
    e.may_change_between(ctx, rows.data(), rows.size(), first, last, out.data());
    return out;
  };
  using flags = std::vector<std::uint8_t>;
  // Episodes: child 0 from 2020-01-01, child 1 2023-01-01 .. 2024-02-01, child 3 from
  // 2019-01-01; child 2 has none.
  const row_expression active = compile(
      "exists(circumstances, start_date <= V{analytics_period_end} && "
      "(isNull(end_date) || end_date > V{analytics_period_end}))");
  EXPECT_TRUE(active.settles_between_ends());
  EXPECT_EQ(changes(active, day(2024, 1, 31), day(2024, 12, 31)), (flags{0, 1, 0, 0}));
  EXPECT_EQ(changes(active, day(2019, 6, 30), day(2024, 12, 31)), (flags{1, 1, 0, 0}));
  EXPECT_EQ(changes(active, day(2024, 2, 1), day(2024, 2, 1)), (flags{0, 1, 0, 0}));  // on the day
  // The row's own dates.
  const row_expression registered = compile("registered_date <= V{analytics_period_end}");
  EXPECT_TRUE(registered.settles_between_ends());
  EXPECT_EQ(changes(registered, day(2021, 1, 1), day(2021, 12, 31)), (flags{0, 1, 0, 0}));
  // No period at all: the same at every end.
  EXPECT_TRUE(compile("sex == 'f'").settles_between_ends());
  EXPECT_EQ(changes(compile("sex == 'f'"), day(2000, 1, 1), day(2030, 1, 1)), (flags{0, 0, 0, 0}));
  // The end in arithmetic, the period's first day, its length: every row may change.
  for (const char* text : {"d2:daysBetween(registered_date, V{analytics_period_end}) < 100",
                           "exists(services, date >= V{analytics_period_start})",
                           "[days] > 30 && sex == 'f'",
                           "exists(cases, exists(services, date <= V{analytics_period_end}))"}) {
    EXPECT_FALSE(compile(text).settles_between_ends()) << text;
    EXPECT_EQ(changes(compile(text), day(2024, 1, 1), day(2024, 1, 2)), (flags{1, 1, 1, 1})) << text;
  }
  // A row that settles has the same value at every end of the span; the others here do not.
  const char* active_text =
      "exists(circumstances, start_date <= V{analytics_period_end} && "
      "(isNull(end_date) || end_date > V{analytics_period_end}))";
  const std::vector<day_number> ends{day(2019, 6, 30), day(2020, 1, 1), day(2023, 12, 31),
                                     day(2024, 2, 1), day(2024, 12, 31)};
  const flags settle = changes(active, ends.front(), ends.back());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::set<bool> values;
    for (day_number end : ends) {
      ctx.period_end = end;
      const rows_t kept = where(active_text, table_id::children);
      values.insert(std::find(kept.begin(), kept.end(), rows[i]) != kept.end());
    }
    EXPECT_EQ(values.size(), settle[i] ? 2u : 1u) << "child " << i;
  }
}

TEST_F(ExpressionData, ExistsFromChildrenSeesCasesServicesAndEpisodes) {
  EXPECT_EQ(where("exists(cases, outcome == 'died')", table_id::children), (rows_t{0}));
  EXPECT_EQ(where("exists(services, service == 'legal_aid')", table_id::children), (rows_t{}));
  EXPECT_EQ(where("exists(services)", table_id::children), (rows_t{0, 3}));
  EXPECT_EQ(where("exists(circumstances, circumstance != 'at_risk' && "
                  "start_date <= V{analytics_period_end} && "
                  "(isNull(end_date) || end_date > V{analytics_period_end}))",
                  table_id::children),
            (rows_t{0, 3}));
  EXPECT_EQ(where("exists(circumstances, circumstance == 'at_risk' && end_date > '2024-01-01')",
                  table_id::children),
            (rows_t{1}));
  EXPECT_EQ(where("exists(cases, exists(services, referred == 1))", table_id::children),
            (rows_t{0}));
  ctx.honour_consent = false;
  EXPECT_EQ(where("exists(cases, outcome == 'died')", table_id::children), (rows_t{0, 1}));
  EXPECT_EQ(where("exists(services, service == 'legal_aid')", table_id::children), (rows_t{1}));
  EXPECT_EQ(where("exists(cases, exists(services, referred == 1))", table_id::children),
            (rows_t{0, 1}));
}

TEST_F(ExpressionData, ExistsFromAgenciesSeesTheirActivities) {
  EXPECT_EQ(where("exists(activities, kind == 'training')", table_id::agencies), (rows_t{0}));
  EXPECT_EQ(where("exists(activities, participants >= 40)", table_id::agencies), (rows_t{0, 1}));
  EXPECT_EQ(where("exists(activities, org_unit.level == 1)", table_id::agencies), (rows_t{0}));
}

TEST_F(ExpressionData, SelectMergesTheSidesOfOrInRowOrder) {
  EXPECT_EQ(where("outcome == 'died' || contains(concerns, 'neglect')", table_id::cases),
            (rows_t{1, 2, 4}));
  EXPECT_EQ(where("contains(concerns, 'neglect') || outcome == 'died'", table_id::cases),
            (rows_t{1, 2, 4}));
  EXPECT_EQ(where("isNull(outcome) || risk == 'high' || outcome == 'injured'", table_id::cases),
            (rows_t{0, 3, 4}));
  EXPECT_EQ(where("(risk == 'high' || isNull(outcome)) && !(case_id == case_id && false)",
                  table_id::cases),
            (rows_t{0, 3}));
  rows_t rows(5000);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int32_t>(i % 5);
  const row_expression e = expression_compiler::compile_row(
      "contains(concerns, 'neglect') || outcome == 'recovered'", table_id::cases);
  rows_t out(rows.size());
  const std::size_t kept = e.select(ctx, rows.data(), rows.size(), out.data());
  ASSERT_EQ(kept, 2000u);
  for (std::size_t i = 0; i < kept; ++i) ASSERT_EQ(out[i], i % 2 == 0 ? 0 : 4) << i;
}

TEST_F(ExpressionData, ExistsShortCircuitsBehindAFalseTest) {
  // The right side of && is evaluated only for rows where the left is not false.
  EXPECT_EQ(where("contains(concern_groups, 'abuse') && "
                  "(plan_date <= V{analytics_period_end} || "
                  "exists(services, date <= V{analytics_period_end}))",
                  table_id::cases),
            (rows_t{0, 4}));
}

// ---------------------------------------------------------------------------------------
// Relations

TEST(ExpressionRelations, BuildsCsrIndexesAndLevels) {
  const dataset d = make_dataset();
  const relations r(d);
  EXPECT_EQ(r.cases_of_child_offsets, (std::vector<std::int32_t>{0, 2, 3, 4, 5}));
  EXPECT_EQ(r.cases_of_child, (std::vector<std::int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(r.services_of_case_offsets, (std::vector<std::int32_t>{0, 2, 2, 3, 3, 4}));
  EXPECT_EQ(r.services_of_case, (std::vector<std::int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.episodes_of_child_offsets, (std::vector<std::int32_t>{0, 1, 2, 2, 3}));
  EXPECT_EQ(r.activities_of_agency_offsets, (std::vector<std::int32_t>{0, 2, 3}));
  EXPECT_EQ(r.activities_of_agency, (std::vector<std::int32_t>{0, 2, 1}));
  EXPECT_EQ(r.org_unit_level, (std::vector<std::uint8_t>{1, 2, 3, 3}));
}

TEST(ExpressionRelations, EmptyDatasetAndBrokenParents) {
  dataset d;
  const relations empty(d);
  EXPECT_EQ(empty.cases_of_child_offsets, (std::vector<std::int32_t>{0}));
  EXPECT_TRUE(empty.org_unit_level.empty());
  for (const char* c : {"a", "b", "c"}) d.org_units.code.push_back(c);
  d.org_units.parent = {org_unit_index{1}, org_unit_index{0}, org_unit_index{}};  // a cycle
  const relations cyclic(d);
  EXPECT_EQ(cyclic.org_unit_level, (std::vector<std::uint8_t>{0, 0, 1}));
}

// ---------------------------------------------------------------------------------------
// Side expressions: aggregates and SKIP_IF_ALL_VALUES_MISSING

TEST(ExpressionSide, ListsItsAggregates) {
  const side_expression s = expression_compiler::compile_side(
      "sum(participants) / count(activity_id) * 100", table_id::activities);
  EXPECT_EQ(s.table(), table_id::activities);
  ASSERT_EQ(s.aggregates().size(), 2u);
  EXPECT_EQ(s.aggregates()[0].kind, aggregate_kind::sum);
  EXPECT_EQ(s.aggregates()[1].kind, aggregate_kind::count);
  EXPECT_EQ(s.aggregates()[1].argument.type(), value_type::row);
  const double v[] = {50, 4};
  const std::uint8_t ok[] = {1, 1};
  double r = 0;
  ASSERT_TRUE(s.combine(v, ok, no_day, no_day, r));
  EXPECT_EQ(r, 1250);

  const side_expression d = expression_compiler::compile_side(
      "count(distinct child_id) + median(d2:daysBetween(reported_date, closed_date)) + "
      "percentileCont(0.9, d2:daysBetween(reported_date, closed_date)) + stddev(risk == 'high') + "
      "variance(1) + avg(1) + min(1) + max(1) + unitsReached(2) + stddevSamp(1)",
      table_id::cases);
  const auto& t = d.aggregates();
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].kind, aggregate_kind::count_distinct);
  EXPECT_EQ(t[1].kind, aggregate_kind::median);
  EXPECT_EQ(t[2].kind, aggregate_kind::percentile);
  EXPECT_EQ(t[2].percentile, 0.9);
  EXPECT_EQ(t[3].kind, aggregate_kind::stddev);
  EXPECT_EQ(t[3].argument.type(), value_type::number);
  EXPECT_EQ(t[4].kind, aggregate_kind::variance);
  EXPECT_EQ(t[8].kind, aggregate_kind::units_reached);
  EXPECT_EQ(t[8].level, 2);
  EXPECT_EQ(t[9].kind, aggregate_kind::stddev);
}

TEST(ExpressionSide, IdenticalAggregatesAreShared) {
  const side_expression s = expression_compiler::compile_side(
      "sum(quantity) / sum( quantity ) + count(quantity)", table_id::activities);
  EXPECT_EQ(s.aggregates().size(), 2u);
}

TEST(ExpressionSide, SkipIfAllValuesMissing) {
  // DHIS2: #{a} + #{b} with a = 5 and b missing is 5; with both missing there is no value.
  const side_expression s = expression_compiler::compile_side(
      "sum(participants) + sum(child_participants)", table_id::activities);
  double r = 0;
  const double v[] = {5, 0};
  const std::uint8_t one[] = {1, 0};
  ASSERT_TRUE(s.combine(v, one, no_day, no_day, r));
  EXPECT_EQ(r, 5);
  const std::uint8_t none[] = {0, 0};
  EXPECT_FALSE(s.combine(v, none, no_day, no_day, r));

  // #{x} + 0 with x missing: no value.
  const side_expression plus0 =
      expression_compiler::compile_side("sum(quantity) + 0", table_id::activities);
  EXPECT_FALSE(plus0.combine(v, none, no_day, no_day, r));

  // if(isNull(#{x}), 10, 20) with x missing: 10, since x is read inside isNull.
  const side_expression guarded =
      expression_compiler::compile_side("if(isNull(sum(quantity)), 10, 20)", table_id::activities);
  ASSERT_TRUE(guarded.combine(v, none, no_day, no_day, r));
  EXPECT_EQ(r, 10);
  const double seven[] = {7};
  ASSERT_TRUE(guarded.combine(seven, one, no_day, no_day, r));
  EXPECT_EQ(r, 20);

  // A missing aggregate outside the null test counts as 0 once another has a value.
  const side_expression mixed = expression_compiler::compile_side(
      "firstNonNull(sum(sessions), 100) + sum(quantity)", table_id::activities);
  const double w[] = {0, 3};
  const std::uint8_t second[] = {0, 1};
  ASSERT_TRUE(mixed.combine(w, second, no_day, no_day, r));
  EXPECT_EQ(r, 103);
}

TEST(ExpressionSide, DivisionByZeroAndPeriodVariables) {
  const side_expression s = expression_compiler::compile_side(
      "count(case_id) / count(child_id) * 365 / [days]", table_id::cases);
  const double v[] = {10, 0};
  const std::uint8_t ok[] = {1, 1};
  double r = 0;
  EXPECT_FALSE(s.combine(v, ok, day(2024, 1, 1), day(2024, 1, 31), r));
  const double w[] = {10, 1000};
  ASSERT_TRUE(s.combine(w, ok, day(2024, 1, 1), day(2024, 1, 31), r));
  EXPECT_NEAR(r * 1000, 117.741935483871, 1e-9);
}

TEST(ExpressionSide, RejectsMisplacedColumnsAndAggregates) {
  auto e = compile_error("count(case_id) + closed_date", table_id::cases, true);
  EXPECT_EQ(e.column(), 18);
  EXPECT_TRUE(mentions(e.what(), "outside an aggregate")) << e.what();
  e = compile_error("sum(count(case_id))", table_id::cases, true);
  EXPECT_TRUE(mentions(e.what(), "cannot be nested")) << e.what();
  e = compile_error("1 + 2", table_id::cases, true);
  EXPECT_TRUE(mentions(e.what(), "no aggregate")) << e.what();
  e = compile_error("count(case_id) > 0", table_id::cases);
  EXPECT_TRUE(mentions(e.what(), "cannot be used in a row condition")) << e.what();
  e = compile_error("percentileCont(1.5, sessions)", table_id::activities, true);
  EXPECT_EQ(e.column(), 16);
  e = compile_error("unitsReached(0)", table_id::activities, true);
  EXPECT_TRUE(mentions(e.what(), "needs a level")) << e.what();
  e = compile_error("count(distinct name)", table_id::agencies, true);
  EXPECT_TRUE(mentions(e.what(), "of text is not supported")) << e.what();
  e = compile_error("exists(services) + count(case_id)", table_id::cases, true);
  EXPECT_TRUE(mentions(e.what(), "exists() works on rows")) << e.what();
  e = compile_error("max(reported_date)", table_id::cases, true);
  EXPECT_TRUE(mentions(e.what(), "max needs a number, got a date-time")) << e.what();
}

TEST_F(ExpressionData, AggregateArgumentsEvaluateOverRows) {
  const side_expression s = expression_compiler::compile_side(
      "median(d2:daysBetween(reported_date, closed_date))", table_id::cases);
  const rows_t rows = all_rows(data.cases.size());
  value_batch b;
  s.aggregates()[0].argument.evaluate(ctx, rows.data(), rows.size(), b);
  EXPECT_EQ(b.value[0], 19);
  EXPECT_EQ(b.valid, (std::vector<std::uint8_t>{1, 0, 0, 0, 0}));
}

// ---------------------------------------------------------------------------------------
// Evaluation mechanics

TEST_F(ExpressionData, EmptyOrMissingContextIsMisuse) {
  row_expression empty;
  value_batch b;
  const std::int32_t row = 0;
  EXPECT_THROW(empty.evaluate(ctx, &row, 1, b), error);
  const row_expression e = expression_compiler::compile_row("sex == 'f'", table_id::children);
  EXPECT_THROW(e.evaluate(eval_context{}, &row, 1, b), error);
  eval_context no_rel = ctx;
  no_rel.rel = nullptr;
  const row_expression x = expression_compiler::compile_row("exists(cases)", table_id::children);
  std::int32_t out = 0;
  EXPECT_THROW(x.select(no_rel, &row, 1, &out), error);
  EXPECT_EQ(e.select(ctx, &row, 0, &out), 0u);
}

TEST_F(ExpressionData, SelectInPlaceOverManyBatches) {
  // 5000 rows cycling through the five cases: several batches, filtered in place.
  rows_t rows(5000);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int32_t>(i % 5);
  const row_expression e = expression_compiler::compile_row(
      "contains(concern_groups, 'abuse') && child.sex == 'f'", table_id::cases);
  const std::size_t kept = e.select(ctx, rows.data(), rows.size(), rows.data());
  ASSERT_EQ(kept, 2000u);
  for (std::size_t i = 0; i < kept; ++i) EXPECT_EQ(rows[i], i % 2 == 0 ? 0 : 4) << i;
  const row_expression always = expression_compiler::compile_row("1 < 2", table_id::cases);
  rows_t some = {3, 1};
  rows_t out(2);
  EXPECT_EQ(always.select(ctx, some.data(), 2, out.data()), 2u);
  EXPECT_EQ(out, some);
}

TEST_F(ExpressionData, ConcurrentEvaluationOfOneExpression) {
  const row_expression e = expression_compiler::compile_row(
      "if(exists(services, referred == 1), d2:yearsBetween(child.birth_date, reported_date), "
      "-1)",
      table_id::cases);
  rows_t rows(20000);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int32_t>(i % 5);
  value_batch a, b;
  std::thread t1([&] { e.evaluate(ctx, rows.data(), rows.size(), a); });
  std::thread t2([&] { e.evaluate(ctx, rows.data(), rows.size(), b); });
  t1.join();
  t2.join();
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.value[0], 13);
  EXPECT_EQ(a.value[1], -1);
  EXPECT_EQ(a.value[7], -1);  // case 2's service is hidden by its missing consent
}

}  // namespace
}  // namespace safeguard::engine
