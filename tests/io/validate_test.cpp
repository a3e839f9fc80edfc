// Data-quality rules (docs/validation.md): each rule on a dataset built column by column,
// its boundaries, what a finding carries (location, record id, message), the per-rule cap,
// and that no message ever shows a child's birth date.
#include "safeguard/io/validate.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace sg = safeguard;
using sg::io::finding;
using sg::io::validate;
using sg::io::validation_options;
using sg::io::validation_report;

namespace {

constexpr sg::day_number day(int y, unsigned m, unsigned d) { return sg::to_day_number({y, m, d}); }

// Fills every column of the tables the rules read, with the loader's defaults.
struct builder {
  sg::dataset d;

  sg::org_unit_index unit(const char* code, sg::org_unit_index parent = {}) {
    d.org_units.code.push_back(code);
    d.org_units.name.push_back(code);
    d.org_units.parent.push_back(parent);
    d.org_units.kind.push_back(sg::no_code);
    return sg::org_unit_index(static_cast<std::int32_t>(d.org_units.size() - 1));
  }

  sg::child_index child(const char* id, sg::day_number birth, sg::day_number registered,
                        sg::day_number exit = sg::no_day) {
    sg::child_table& t = d.children;
    t.id.push_back(id);
    t.birth_date.push_back(birth);
    t.sex.push_back(0);
    t.org_unit.emplace_back(0);
    t.ethnicity.push_back(sg::dictionary::no_entry);
    t.disability.push_back(sg::no_flag);
    t.registered_date.push_back(registered);
    t.exit_date.push_back(exit);
    t.exit_reason.push_back(sg::no_code);
    return sg::child_index(static_cast<std::int32_t>(t.size() - 1));
  }

  std::size_t episode(sg::child_index c, sg::day_number start, sg::day_number end = sg::no_day) {
    sg::circumstance_table& t = d.circumstances;
    t.child.push_back(c);
    t.circumstance.push_back(0);
    t.start_date.push_back(start);
    t.end_date.push_back(end);
    return t.size() - 1;
  }

  std::size_t add_case(const char* id, sg::child_index c, sg::day_number reported) {
    sg::case_table& t = d.cases;
    t.id.push_back(id);
    t.child.push_back(c);
    t.reported_date.push_back(reported);
    t.reported_minute.push_back(sg::no_minute);
    t.concerns.push_back(1);
    t.org_unit.emplace_back(0);
    t.lead_agency.emplace_back();
    for (auto* col :
         {&t.source, &t.setting, &t.perpetrator, &t.level, &t.risk, &t.outcome, &t.closure_reason})
      col->push_back(sg::no_code);
    t.incident_date.push_back(sg::no_day);
    t.emergency_date.push_back(sg::no_day);
    t.emergency_minute.push_back(sg::no_minute);
    t.assessed_date.push_back(sg::no_day);
    t.plan_date.push_back(sg::no_day);
    t.closed_date.push_back(sg::no_day);
    t.consent_reporting.push_back(1);
    return t.size() - 1;
  }

  std::size_t service(sg::case_index k, sg::day_number date) {
    sg::service_table& t = d.services;
    t.case_.push_back(k);
    t.date.push_back(date);
    t.service.push_back(0);
    t.agency.emplace_back();
    t.referred.push_back(sg::no_flag);
    return t.size() - 1;
  }

  std::size_t activity(const char* id, sg::day_number start, sg::day_number end) {
    sg::activity_table& t = d.activities;
    t.id.push_back(id);
    t.agency.emplace_back(0);
    t.kind.push_back(0);
    t.start_date.push_back(start);
    t.end_date.push_back(end);
    t.org_unit.emplace_back(0);
    t.topics.push_back(0);
    t.audiences.push_back(0);
    t.sessions.push_back(1);
    t.participants.push_back(10);
    t.child_participants.push_back(5);
    t.quantity.push_back(1);
    t.programme.push_back(sg::dictionary::no_entry);
    return t.size() - 1;
  }

  sg::plan_index plan(const char* id, sg::day_number start, sg::day_number end,
                      sg::org_unit_index unit) {
    sg::plan_table& t = d.plans;
    t.id.push_back(id);
    t.agency.emplace_back(0);
    t.title.push_back("plan");
    t.start_date.push_back(start);
    t.end_date.push_back(end);
    t.org_unit.push_back(unit);
    t.programme.push_back(sg::dictionary::no_entry);
    return sg::plan_index(static_cast<std::int32_t>(t.size() - 1));
  }

  // `period` is the text as given (empty: the plan's span, as the loader defaults it).
  std::size_t target(sg::plan_index p, sg::org_unit_index unit, const char* period,
                     sg::day_number start, sg::day_number end) {
    sg::target_table& t = d.targets;
    t.plan.push_back(p);
    t.indicator.push_back("CASES_NEW");
    t.value.push_back(1.0);
    t.direction.push_back(0);
    t.org_unit.push_back(unit);
    t.period.push_back(period);
    t.period_start.push_back(start);
    t.period_end.push_back(end);
    return t.size() - 1;
  }
};

// A small dataset in which every date is in order.
builder clean_dataset() {
  builder b;
  const auto province = b.unit("22");
  const auto district = b.unit("193", province);
  b.unit("06652", district);
  const auto c1 = b.child("c1", day(2012, 5, 1), day(2020, 1, 1));
  const auto c2 = b.child("c2", day(2010, 1, 1), day(2021, 3, 1), day(2024, 6, 1));
  b.episode(c1, day(2020, 1, 1), day(2022, 1, 1));
  b.episode(c2, day(2022, 1, 1));
  const auto k = b.add_case("k1", c1, day(2024, 3, 1));
  b.d.cases.incident_date[k] = day(2024, 2, 28);
  b.d.cases.assessed_date[k] = day(2024, 3, 1);
  b.d.cases.plan_date[k] = day(2024, 3, 5);
  b.d.cases.closed_date[k] = day(2024, 5, 1);
  b.d.cases.emergency_date[k] = day(2024, 3, 1);
  b.service(sg::case_index(0), day(2024, 3, 1));
  b.activity("a1", day(2024, 1, 1), day(2024, 1, 1));
  const auto p = b.plan("p1", day(2024, 1, 1), day(2024, 12, 31), province);
  b.target(p, district, "2024S1", day(2024, 1, 1), day(2024, 6, 30));
  b.target(p, province, "", day(2024, 1, 1), day(2024, 12, 31));
  return b;
}

std::set<std::string> rules_of(const validation_report& r) {
  std::set<std::string> out;
  for (const finding& f : r.findings) out.insert(f.rule);
  return out;
}

// The only finding of `r`, which must exist and be alone.
finding only(const validation_report& r) {
  EXPECT_EQ(r.findings.size(), 1u);
  return r.findings.empty() ? finding{} : r.findings.front();
}

}  // namespace

TEST(Validate, EmptyDatasetIsClean) {
  const validation_report r = validate(sg::dataset{});
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.total(), 0u);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.as_of, sg::no_day);
}

TEST(Validate, DatesInOrderGiveNoFinding) {
  const validation_report r = validate(clean_dataset().d);
  for (const finding& f : r.findings) ADD_FAILURE() << f.to_string();
  EXPECT_TRUE(r.clean());
  // The latest date of the children's records.
  EXPECT_EQ(r.as_of, day(2024, 6, 1));
}

TEST(Validate, IncidentAfterReport) {
  builder b = clean_dataset();
  b.d.cases.incident_date[0] = day(2024, 3, 5);
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG320");
  EXPECT_EQ(f.level, sg::severity::warning);
  EXPECT_EQ(f.table, "cases.csv");
  EXPECT_EQ(f.line, 2u);
  EXPECT_EQ(f.record_id, "k1");
  EXPECT_EQ(f.message, "incident_date 2024-03-05 is after reported_date 2024-03-01");
  EXPECT_EQ(f.to_string(),
            "cases.csv:2: warning SG320: incident_date 2024-03-05 is after reported_date "
            "2024-03-01 (record k1)");
}

TEST(Validate, CaseDatesGoingBackwards) {
  builder b = clean_dataset();
  auto& c = b.d.cases;
  c.assessed_date[0] = day(2024, 2, 29);
  EXPECT_EQ(only(validate(b.d)).message,
            "assessed_date 2024-02-29 is before reported_date 2024-03-01");
  EXPECT_EQ(only(validate(b.d)).rule, "SG321");

  b = clean_dataset();
  b.d.cases.plan_date[0] = day(2024, 2, 29);
  b.d.cases.assessed_date[0] = day(2024, 3, 2);
  EXPECT_EQ(only(validate(b.d)).rule, "SG322");
  EXPECT_EQ(only(validate(b.d)).message, "plan_date 2024-02-29 is before assessed_date 2024-03-02");

  b = clean_dataset();
  b.d.cases.closed_date[0] = day(2024, 3, 4);
  EXPECT_EQ(only(validate(b.d)).rule, "SG323");
  EXPECT_EQ(only(validate(b.d)).message, "closed_date 2024-03-04 is before plan_date 2024-03-05");

  // Closed before the report: before the plan too, and an error (a negative duration).
  b = clean_dataset();
  b.d.cases.plan_date[0] = sg::no_day;
  b.d.cases.closed_date[0] = day(2024, 2, 1);
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG324");
  EXPECT_EQ(f.level, sg::severity::error);
  EXPECT_EQ(f.message, "closed_date 2024-02-01 is before reported_date 2024-03-01");
  b.d.cases.plan_date[0] = day(2024, 3, 5);
  EXPECT_EQ(rules_of(validate(b.d)), (std::set<std::string>{"SG323", "SG324"}));
}

TEST(Validate, EqualDatesAreInOrder) {
  builder b = clean_dataset();
  auto& c = b.d.cases;
  c.incident_date[0] = c.reported_date[0];
  c.assessed_date[0] = c.reported_date[0];
  c.plan_date[0] = c.reported_date[0];
  c.closed_date[0] = c.reported_date[0];
  b.child("c3", day(2012, 1, 1), day(2022, 1, 1), day(2022, 1, 1));
  b.d.circumstances.start_date[0] = b.d.children.registered_date[0];
  b.d.activities.end_date[0] = b.d.activities.start_date[0];
  EXPECT_TRUE(validate(b.d).clean());
}

TEST(Validate, MissingDatesAreSkipped) {
  builder b = clean_dataset();
  auto& c = b.d.cases;
  c.reported_date[0] = sg::no_day;
  c.incident_date[0] = day(2030, 1, 1);
  c.assessed_date[0] = sg::no_day;
  c.closed_date[0] = day(2024, 3, 4);  // before plan_date: still found
  b.d.children.birth_date[0] = sg::no_day;
  b.d.children.registered_date[1] = sg::no_day;
  b.d.circumstances.child[0] = sg::child_index{};
  const validation_report r = validate(b.d);
  EXPECT_EQ(rules_of(r), (std::set<std::string>{"SG323"}));
}

TEST(Validate, ReportBeforeBirthNeverShowsTheBirthDate) {
  builder b = clean_dataset();
  b.d.cases.reported_date[0] = day(2012, 4, 30);
  b.d.cases.incident_date[0] = sg::no_day;
  b.d.cases.assessed_date[0] = sg::no_day;
  b.d.cases.emergency_date[0] = sg::no_day;
  b.d.services.date[0] = day(2012, 4, 30);
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG325");
  EXPECT_EQ(f.message, "reported_date 2012-04-30 is before the child's birth_date");
  EXPECT_EQ(f.to_string().find("2012-05-01"), std::string::npos);
}

TEST(Validate, EmergencyBeforeReportComparesMinutesOnlyWhenBothHaveThem) {
  builder b = clean_dataset();
  auto& c = b.d.cases;
  c.reported_minute[0] = 600;
  c.emergency_minute[0] = 540;
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG326");
  EXPECT_EQ(f.message, "emergency_date 2024-03-01T09:00 is before reported_date 2024-03-01T10:00");
  c.emergency_minute[0] = sg::no_minute;
  EXPECT_TRUE(validate(b.d).clean());
  c.emergency_minute[0] = 600;
  EXPECT_TRUE(validate(b.d).clean());
  c.emergency_date[0] = day(2024, 2, 29);
  EXPECT_EQ(only(validate(b.d)).rule, "SG326");
}

TEST(Validate, ChildrenRegisterSpan) {
  builder b = clean_dataset();
  b.d.children.registered_date[0] = day(2012, 4, 1);
  b.d.circumstances.start_date[0] = day(2012, 4, 1);
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG301");
  EXPECT_EQ(f.table, "children.csv");
  EXPECT_EQ(f.line, 2u);
  EXPECT_EQ(f.record_id, "c1");
  EXPECT_EQ(f.message, "registered_date 2012-04-01 is before the child's birth_date");
  EXPECT_EQ(f.to_string().find("2012-05-01"), std::string::npos);

  b = clean_dataset();
  b.d.children.exit_date[1] = day(2021, 2, 28);
  b.d.circumstances.start_date[1] = day(2021, 2, 28);
  const validation_report r = validate(b.d);
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].rule, "SG302");
  EXPECT_EQ(r.findings[0].level, sg::severity::error);
  EXPECT_EQ(r.findings[0].line, 3u);
  EXPECT_EQ(r.findings[0].record_id, "c2");
  EXPECT_EQ(r.findings[0].message, "exit_date 2021-02-28 is before registered_date 2021-03-01");
  // The episode starts both before registration and after the exit.
  EXPECT_EQ(r.findings[1].rule, "SG311");
  EXPECT_EQ(r.findings[1].table, "circumstances.csv");
  EXPECT_EQ(r.findings[1].line, 3u);
  EXPECT_EQ(r.findings[1].record_id, "c2");
  EXPECT_EQ(r.findings[1].message,
            "start_date 2021-02-28 is before the child's registered_date 2021-03-01 "
            "(children.csv line 3)");
  EXPECT_EQ(r.findings[2].rule, "SG312");
  EXPECT_EQ(r.findings[2].message,
            "start_date 2021-02-28 is on or after the child's exit_date 2021-02-28 "
            "(children.csv line 3)");
}

TEST(Validate, EpisodeOnOrAfterExit) {
  builder b = clean_dataset();
  b.d.circumstances.start_date[1] = day(2024, 5, 31);
  EXPECT_TRUE(validate(b.d).clean());
  // Not on the register on the exit day itself (data-format.md: exit_date > D).
  b.d.circumstances.start_date[1] = day(2024, 6, 1);
  EXPECT_EQ(only(validate(b.d)).rule, "SG312");
}

TEST(Validate, EpisodeEndingBeforeItStarts) {
  builder b = clean_dataset();
  b.d.circumstances.end_date[0] = day(2019, 12, 31);
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG310");
  EXPECT_EQ(f.level, sg::severity::error);
  EXPECT_EQ(f.record_id, "c1");
  EXPECT_EQ(f.message, "end_date 2019-12-31 is before start_date 2020-01-01");
}

TEST(Validate, RegisteredAtEighteen) {
  builder b;
  b.unit("22");
  b.child("young", day(2006, 2, 28), day(2024, 2, 27), day(2024, 2, 28));
  b.child("adult", day(2006, 2, 28), day(2024, 2, 28), day(2024, 3, 1));
  // Born on 29 February: 18 on 1 March of a common year.
  b.child("leap17", day(2008, 2, 29), day(2026, 2, 28), day(2026, 3, 1));
  b.child("leap18", day(2008, 2, 29), day(2026, 3, 1), day(2026, 3, 2));
  const validation_report r = validate(b.d);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].rule, "SG303");
  EXPECT_EQ(r.findings[0].record_id, "adult");
  EXPECT_EQ(r.findings[0].message, "registered_date 2024-02-28: the child was already 18 or older");
  EXPECT_EQ(r.findings[1].record_id, "leap18");
  EXPECT_EQ(r.count("SG303"), 2u);
  EXPECT_EQ(r.count("SG304"), 0u);
}

TEST(Validate, OnTheRegisterOnTheEighteenthBirthday) {
  builder b;
  b.unit("22");
  b.child("left_on_birthday", day(2006, 6, 15), day(2020, 1, 1), day(2024, 6, 15));
  b.child("left_day_after", day(2006, 6, 15), day(2020, 1, 1), day(2024, 6, 16));
  b.child("still_on", day(2006, 6, 15), day(2020, 1, 1));
  b.child("leap_still_on", day(2008, 2, 29), day(2020, 1, 1));

  validation_options options;
  options.as_of = day(2024, 6, 14);
  validation_report r = validate(b.d, options);
  EXPECT_EQ(r.as_of, day(2024, 6, 14));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "SG304");
  EXPECT_EQ(r.findings[0].record_id, "left_day_after");
  EXPECT_EQ(r.findings[0].message, "exit_date 2024-06-16 is after the child's 18th birthday");

  options.as_of = day(2024, 6, 15);
  r = validate(b.d, options);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[1].record_id, "still_on");
  EXPECT_EQ(r.findings[1].message, "no exit_date, and the child turned 18 on or before 2024-06-15");

  options.as_of = day(2026, 2, 28);
  EXPECT_EQ(validate(b.d, options).count("SG304"), 2u);
  options.as_of = day(2026, 3, 1);
  EXPECT_EQ(validate(b.d, options).count("SG304"), 3u);

  // By default as_of is the latest date of the children's records: here 2024-06-16.
  r = validate(b.d);
  EXPECT_EQ(r.as_of, day(2024, 6, 16));
  EXPECT_EQ(r.count("SG304"), 2u);
  for (const finding& f : r.findings) {
    EXPECT_EQ(f.to_string().find("2006"), std::string::npos) << f.to_string();
    EXPECT_EQ(f.to_string().find("2024-06-15"), std::string::npos) << f.to_string();
  }
}

TEST(Validate, CaseOfAChildAgedEighteen) {
  builder b = clean_dataset();
  b.d.children.birth_date[0] = day(2006, 3, 2);
  b.d.children.exit_date[0] = day(2024, 3, 1);
  EXPECT_TRUE(validate(b.d).clean());  // 17 on 2024-03-01
  b.d.children.birth_date[0] = day(2006, 3, 1);
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG327");
  EXPECT_EQ(f.record_id, "k1");
  EXPECT_EQ(f.message, "reported_date 2024-03-01: the child was already 18 or older");
}

TEST(Validate, ServiceBeforeReportNamesTheCase) {
  builder b = clean_dataset();
  b.service(sg::case_index(0), day(2024, 2, 1));
  const finding& f = only(validate(b.d));
  EXPECT_EQ(f.rule, "SG330");
  EXPECT_EQ(f.table, "services.csv");
  EXPECT_EQ(f.line, 3u);
  EXPECT_EQ(f.record_id, "k1");
  EXPECT_EQ(f.message,
            "date 2024-02-01 is before the case's reported_date 2024-03-01 (cases.csv line 2)");
}

TEST(Validate, ActivityAndPlanEndingBeforeTheyStart) {
  builder b = clean_dataset();
  b.activity("a2", day(2024, 5, 2), day(2024, 5, 1));
  b.d.plans.end_date[0] = day(2023, 12, 31);
  b.d.targets.period_start[1] = b.d.targets.period_end[1] = sg::no_day;
  b.d.targets.period_start[0] = b.d.targets.period_end[0] = sg::no_day;
  const validation_report r = validate(b.d);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].rule, "SG340");
  EXPECT_EQ(r.findings[0].table, "activities.csv");
  EXPECT_EQ(r.findings[0].line, 3u);
  EXPECT_EQ(r.findings[0].record_id, "a2");
  EXPECT_EQ(r.findings[0].message, "end_date 2024-05-01 is before start_date 2024-05-02");
  EXPECT_EQ(r.findings[1].rule, "SG350");
  EXPECT_EQ(r.findings[1].level, sg::severity::error);
  EXPECT_EQ(r.findings[1].record_id, "p1");
}

TEST(Validate, TargetsOutsideThePlan) {
  builder b = clean_dataset();
  const auto other_province = b.unit("23");
  const auto district = sg::org_unit_index(1);
  const auto p2 = b.plan("p2", day(2024, 1, 1), day(2024, 6, 30), district);
  b.target(p2, sg::org_unit_index(2), "", day(2024, 1, 1), day(2024, 6, 30));  // commune: ok
  b.target(p2, sg::org_unit_index(0), "", day(2024, 1, 1), day(2024, 6, 30));  // ancestor
  b.target(p2, other_province, "", day(2024, 1, 1), day(2024, 6, 30));         // elsewhere
  b.target(p2, district, "2024", day(2024, 1, 1), day(2024, 12, 31));          // too long
  b.target(p2, district, "2023-12-31..2024-01-31", day(2023, 12, 31), day(2024, 1, 31));
  const validation_report r = validate(b.d);
  ASSERT_EQ(r.findings.size(), 4u);
  EXPECT_EQ(r.findings[0].rule, "SG360");
  EXPECT_EQ(r.findings[0].table, "targets.csv");
  EXPECT_EQ(r.findings[0].line, 5u);
  EXPECT_EQ(r.findings[0].record_id, "p2");
  EXPECT_EQ(r.findings[0].message,
            "org_unit 22 is neither the plan's org_unit 193 nor a unit under it");
  EXPECT_EQ(r.findings[1].line, 6u);
  EXPECT_EQ(r.findings[1].message,
            "org_unit 23 is neither the plan's org_unit 193 nor a unit under it");
  EXPECT_EQ(r.findings[2].rule, "SG361");
  EXPECT_EQ(r.findings[2].message,
            "period 2024 (2024-01-01..2024-12-31) is not within the plan's span "
            "2024-01-01..2024-06-30");
  EXPECT_EQ(r.findings[3].message,
            "period 2023-12-31..2024-01-31 (2023-12-31..2024-01-31) is not within the plan's "
            "span 2024-01-01..2024-06-30");
}

TEST(Validate, FindingsAreOrderedByTableLineAndRule) {
  builder b = clean_dataset();
  b.d.plans.end_date[0] = day(2023, 1, 1);             // plans.csv (and both targets)
  b.activity("a2", day(2024, 5, 2), day(2024, 5, 1));  // activities.csv
  b.d.cases.incident_date[0] = day(2024, 3, 2);        // cases.csv
  b.d.cases.closed_date[0] = day(2024, 2, 1);
  b.d.children.exit_date[1] = day(2021, 1, 1);  // children.csv
  const validation_report r = validate(b.d);
  std::vector<std::string> order;
  for (const finding& f : r.findings) order.push_back(f.rule + "@" + std::to_string(f.line));
  EXPECT_EQ(order, (std::vector<std::string>{"SG302@3", "SG312@3", "SG320@2", "SG323@2", "SG324@2",
                                             "SG340@3", "SG350@2", "SG361@2", "SG361@3"}));
  ASSERT_EQ(r.counts.size(), 8u);
  EXPECT_EQ(r.counts.front().rule, "SG302");
  EXPECT_EQ(r.counts.back().rule, "SG361");
  EXPECT_EQ(r.counts.back().count, 2u);
  EXPECT_EQ(r.total(), 9u);
}

TEST(Validate, KeepsAtMostTheCapPerRuleButCountsEveryFinding) {
  builder b;
  b.unit("22");
  for (int i = 0; i < 1500; ++i) b.child("c", day(2012, 1, 1), day(2020, 1, 1), day(2019, 1, 1));
  for (int i = 0; i < 20; ++i) b.activity("a", day(2024, 1, 2), day(2024, 1, 1));
  validation_report r = validate(b.d);
  EXPECT_EQ(r.findings.size(), 1020u);
  EXPECT_EQ(r.count("SG302"), 1500u);
  ASSERT_EQ(r.counts.size(), 2u);
  EXPECT_EQ(r.counts[0].kept, 1000u);
  EXPECT_EQ(r.counts[1].kept, 20u);
  EXPECT_EQ(r.findings[999].line, 1001u);
  EXPECT_EQ(r.findings[1000].rule, "SG340");

  validation_options options;
  options.max_findings_per_rule = 0;
  r = validate(b.d, options);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.total(), 1520u);
  EXPECT_FALSE(r.clean());
}

TEST(Validate, ReportsProgressPerTable) {
  const builder b = clean_dataset();
  std::vector<std::uint64_t> done;
  validation_options options;
  options.progress = [&](std::string_view what, std::uint64_t d, std::uint64_t total) {
    EXPECT_EQ(what, "validating");
    EXPECT_EQ(total, 10u);
    done.push_back(d);
  };
  validate(b.d, options);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.back(), 10u);
}

TEST(Validate, RefusesAnInconsistentDataset) {
  builder b = clean_dataset();
  b.d.cases.closed_date.pop_back();
  EXPECT_THROW(validate(b.d), sg::error);

  b = clean_dataset();
  b.d.services.case_[0] = sg::case_index(7);
  EXPECT_THROW(validate(b.d), sg::error);

  b = clean_dataset();
  b.d.circumstances.child[0] = sg::child_index(-5);
  try {
    validate(b.d);
    ADD_FAILURE() << "no exception";
  } catch (const sg::error& e) {
    EXPECT_EQ(std::string(e.what()),
              "validate: circumstances.csv column child_id holds a row index out of range");
  }

  b = clean_dataset();
  b.d.org_units.parent[0] = sg::org_unit_index(2);  // a cycle 22 > 06652 > 193 > 22
  EXPECT_THROW(validate(b.d), sg::error);
}

TEST(ValidationRules, IdsAreUniqueOrderedAndDescribed) {
  const auto& rules = sg::io::validation_rules();
  ASSERT_EQ(rules.size(), 20u);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ(rules[i].id.size(), 5u);
    EXPECT_EQ(rules[i].id.substr(0, 3), "SG3");
    EXPECT_FALSE(rules[i].summary.empty());
    EXPECT_NE(rules[i].table.find(".csv"), std::string_view::npos);
    if (i > 0) {
      EXPECT_LT(rules[i - 1].id, rules[i].id);
    }
    EXPECT_EQ(sg::io::find_validation_rule(rules[i].id), &rules[i]);
  }
  EXPECT_EQ(sg::io::find_validation_rule("SG399"), nullptr);
  EXPECT_EQ(sg::io::find_validation_rule("SG320")->summary, "incident_date after reported_date");
}

TEST(Validate, ManyRowsInOnePass) {
  // A national-size shape on a small scale: every child and case once, and a known answer.
  builder b;
  b.unit("22");
  constexpr int n = 200000;
  b.d.children.id.reserve(n, std::size_t{n} * 6);
  for (int i = 0; i < n; ++i) {
    const auto c = b.child("c", day(2010, 1, 1) + i % 3000, day(2020, 1, 1));
    const auto k = b.add_case("k", c, day(2024, 1, 1) + i % 300);
    b.d.cases.closed_date[k] = i % 10 == 0 ? day(2023, 1, 1) : sg::no_day;
  }
  const validation_report r = validate(b.d);
  EXPECT_EQ(r.count("SG324"), n / 10u);
  EXPECT_EQ(r.total(), n / 10u);
  EXPECT_EQ(r.findings.size(), 1000u);
}
