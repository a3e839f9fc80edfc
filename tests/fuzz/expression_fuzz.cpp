// libFuzzer target for the indicator language. The first byte picks a table (and whether the
// text is a row expression or a side expression); the rest is the expression text.
// Properties, any violation aborts:
//  - compiling throws nothing but expression_error, whose line and column are at least 1,
//    whose `expected` is not empty and whose caret marks the spot;
//  - a text that parses has a canonical form that parses back to the same canonical form;
//  - a row expression evaluates over a small dataset (rows in a shuffled, repeated order,
//    across several batches), and select() keeps exactly the rows evaluate() finds true, in
//    order, with and without consent honoured; a never_null() expression is never null; an
//    expression starts_with() itself and select_after() itself keeps every row; a row that
//    may_change_between() settles over three period ends has the same value at all three;
//  - a side expression's aggregates evaluate, and combine() gives a finite value or none,
//    the same twice.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ast.hpp"
#include "safeguard/engine/expression.hpp"

namespace {

using namespace safeguard;
using namespace safeguard::engine;

void check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "expression_fuzz: %s for input '%.*s'\n", what,
               static_cast<int>(input.size()), input.data());
  std::abort();
}

day_number day(int y, unsigned m, unsigned d) { return to_day_number({y, m, d}); }

code find(const code_list& list, std::string_view text) {
  return list.find(text).value_or(no_code);
}

code_set bit(const code_list& list, std::string_view text) {
  return code_set{1} << find(list, text);
}

// Two or three rows per table, with references in both directions and missing cells.
dataset make_dataset() {
  dataset d;
  auto& ou = d.org_units;
  for (const char* c : {"22", "193", "6700"}) ou.code.push_back(c);
  for (const char* n : {"Tỉnh Quảng Ninh", "Thành phố Hạ Long", "Phường Hồng Gai"})
    ou.name.push_back(n);
  ou.parent = {org_unit_index{}, org_unit_index{0}, org_unit_index{1}};
  ou.kind = {find(codes::org_unit_kind(), "province"), find(codes::org_unit_kind(), "city"),
             no_code};
  auto& pop = d.population;
  pop.org_unit = {org_unit_index{2}, org_unit_index{2}};
  pop.year = {2024, 2024};
  pop.sex = {find(codes::sex(), "f"), find(codes::sex(), "m")};
  pop.age = {3, 15};
  pop.count = {120, 80};
  auto& ag = d.agencies;
  ag.code.push_back("dolisa");
  ag.code.push_back("police");
  ag.name.push_back("Sở LĐTBXH");
  ag.name.push_back("");
  ag.kind = {find(codes::agency_kind(), "labour_social_affairs"),
             find(codes::agency_kind(), "police")};
  ag.org_unit = {org_unit_index{0}, org_unit_index{1}};
  auto& ch = d.children;
  ch.id.push_back("C1");
  ch.id.push_back("C2");
  ch.birth_date = {day(2012, 2, 29), day(2009, 7, 1)};
  ch.sex = {find(codes::sex(), "f"), find(codes::sex(), "m")};
  ch.org_unit = {org_unit_index{2}, org_unit_index{1}};
  ch.ethnicities.values = {"kinh"};
  ch.ethnicity = {0, dictionary::no_entry};
  ch.disability = {no_flag, 1};
  ch.registered_date = {day(2020, 1, 15), day(2021, 6, 1)};
  ch.exit_date = {no_day, day(2024, 2, 1)};
  ch.exit_reason = {no_code, find(codes::exit_reason(), "moved")};
  auto& ci = d.circumstances;
  ci.child = {child_index{0}, child_index{1}};
  ci.circumstance = {find(codes::circumstance(), "orphan"), find(codes::circumstance(), "at_risk")};
  ci.start_date = {day(2020, 1, 1), day(2023, 5, 1)};
  ci.end_date = {no_day, day(2024, 1, 1)};
  auto& cs = d.cases;
  for (const char* id : {"K1", "K2", "K3"}) cs.id.push_back(id);
  cs.child = {child_index{0}, child_index{0}, child_index{1}};
  cs.reported_date = {day(2024, 3, 1), day(2024, 4, 29), day(2024, 5, 4)};
  cs.reported_minute = {570, no_minute, 1439};
  cs.concerns = {bit(codes::concern(), "neglect"),
                 bit(codes::concern(), "drowning") | bit(codes::concern(), "sexual_abuse"),
                 bit(codes::concern(), "other")};
  cs.org_unit = {org_unit_index{2}, org_unit_index{2}, org_unit_index{1}};
  cs.lead_agency = {agency_index{0}, agency_index{}, agency_index{1}};
  const code none = no_code;
  cs.source = {find(codes::source(), "hotline_111"), none, none};
  cs.setting = {none, find(codes::setting(), "school"), none};
  cs.perpetrator = {none, none, find(codes::perpetrator(), "stranger")};
  cs.level = {none, none, none};
  cs.risk = {find(codes::risk(), "low"), none, none};
  cs.outcome = {none, find(codes::outcome(), "died"), find(codes::outcome(), "recovered")};
  cs.incident_date = {day(2024, 2, 28), no_day, no_day};
  cs.emergency_date = {day(2024, 3, 1), day(2024, 4, 30), no_day};
  cs.emergency_minute = {1000, 60, no_minute};
  cs.assessed_date = {no_day, day(2024, 5, 2), no_day};
  cs.plan_date = {day(2024, 3, 8), day(2024, 5, 6), no_day};
  cs.closed_date = {no_day, day(2024, 6, 1), no_day};
  cs.closure_reason = {none, find(codes::closure_reason(), "died"), none};
  cs.consent_reporting = {1, 0, 1};
  auto& sv = d.services;
  sv.case_ = {case_index{0}, case_index{1}, case_index{1}};
  sv.date = {day(2024, 3, 2), day(2024, 5, 1), day(2024, 5, 3)};
  sv.service = {find(codes::service(), "psychosocial"), find(codes::service(), "legal_aid"),
                find(codes::service(), "shelter")};
  sv.agency = {agency_index{0}, agency_index{1}, agency_index{}};
  sv.referred = {1, no_flag, 0};
  auto& ac = d.activities;
  ac.id.push_back("T1");
  ac.id.push_back("T2");
  ac.agency = {agency_index{0}, agency_index{0}};
  ac.kind = {find(codes::activity_kind(), "training"), find(codes::activity_kind(), "support")};
  ac.start_date = {day(2024, 3, 1), day(2024, 6, 1)};
  ac.end_date = ac.start_date;
  ac.org_unit = {org_unit_index{2}, org_unit_index{0}};
  ac.topics = {bit(codes::topic(), "rights"), 0};
  ac.audiences = {0, bit(codes::audience(), "children")};
  ac.sessions = {1, 2};
  ac.participants = {30, 0};
  ac.child_participants = {20, 0};
  ac.quantity = {1, 12};
  ac.programmes.values = {"project_8"};
  ac.programme = {0, dictionary::no_entry};
  auto& pl = d.plans;
  pl.id.push_back("P1");
  pl.agency = {agency_index{0}};
  pl.title.push_back("Kế hoạch");
  pl.start_date = {day(2024, 1, 1)};
  pl.end_date = {day(2024, 12, 31)};
  pl.org_unit = {org_unit_index{0}};
  pl.programme = {0};
  pl.programmes.values = {"project_8"};
  auto& tg = d.targets;
  tg.plan = {plan_index{0}};
  tg.indicator.push_back("CASES_NEW");
  tg.value = {12.5};
  tg.direction = {find(codes::direction(), "at_most")};
  tg.org_unit = {org_unit_index{0}};
  tg.period.push_back("");
  tg.period_start = {day(2024, 1, 1)};
  tg.period_end = {day(2024, 12, 31)};
  auto& ho = d.holidays;
  ho.date = {day(2024, 4, 30), day(2024, 5, 1)};
  ho.name.push_back("Giải phóng");
  ho.name.push_back("Lao động");
  return d;
}

struct fixture {
  dataset data = make_dataset();
  relations rel{data};
  std::vector<day_number> holidays = data.holidays.date;
};

const fixture& shared() {
  static const fixture f;
  return f;
}

void check_error(const expression_error& e, std::string_view input) {
  check(e.line() >= 1 && e.column() >= 1, "an error without a position", input);
  check(!e.expected().empty(), "an error without what was expected", input);
  check(e.caret().find('^') != std::string::npos, "a caret without '^'", input);
  check(e.what()[0] != '\0', "an empty message", input);
}

void check_row(const row_expression& e, table_id t, std::string_view input) {
  const fixture& f = shared();
  // Every row several times, in a scrambled order, across more than one batch.
  const std::size_t n = row_count(f.data, t);
  std::vector<std::int32_t> rows;
  for (std::size_t k = 0; k < 700 && n > 0; ++k)
    rows.push_back(static_cast<std::int32_t>((k * 7 + k / 3) % n));
  for (const bool honour : {true, false}) {
    eval_context ctx;
    ctx.data = &f.data;
    ctx.rel = &f.rel;
    ctx.holidays = &f.holidays;
    ctx.period_start = day(2024, 1, 1);
    ctx.period_end = day(2024, 3, 31);
    ctx.honour_consent = honour;
    value_batch values;
    e.evaluate(ctx, rows.data(), rows.size(), values);
    check(values.value.size() == rows.size() && values.valid.size() == rows.size(),
          "evaluate returned the wrong size", input);
    if (e.type() == value_type::date_time)
      check(values.minute.size() == rows.size(), "date-times without minutes", input);
    std::vector<std::int32_t> expected;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      check(values.valid[i] <= 1, "a valid byte other than 0 or 1", input);
      if (values.valid[i]) check(!std::isnan(values.value[i]), "a valid NaN", input);
      if (values.valid[i] && values.value[i] != 0) expected.push_back(rows[i]);
    }
    std::vector<std::int32_t> kept(rows.size());
    kept.resize(e.select(ctx, rows.data(), rows.size(), kept.data()));
    check(kept == expected, "select() and evaluate() disagree", input);
    std::vector<std::int32_t> in_place = rows;
    in_place.resize(e.select(ctx, in_place.data(), in_place.size(), in_place.data()));
    check(in_place == expected, "select() in place differs", input);
    if (e.never_null())
      for (std::size_t i = 0; i < rows.size(); ++i) check(values.valid[i] == 1, "a null from never_null()", input);
    // A condition starts with itself, and nothing is left of it after itself.
    check(e.starts_with(e), "an expression that does not start with itself", input);
    std::vector<std::int32_t> after(kept.size());
    after.resize(e.select_after(e, ctx, kept.data(), kept.size(), after.data()));
    check(after == kept, "select_after() itself drops rows", input);
    // A row whose value may_change_between() says settles has one value at every end of the span.
    const day_number ends[] = {day(2024, 3, 31), day(2024, 6, 30), day(2024, 12, 31)};
    std::vector<std::uint8_t> moves(rows.size());
    e.may_change_between(ctx, rows.data(), rows.size(), ends[0], ends[2], moves.data());
    if (!e.settles_between_ends())
      for (std::uint8_t m : moves) check(m == 1, "an unsettling expression that settles a row", input);
    // `values` were evaluated at the first of the ends.
    value_batch at_end;
    for (const day_number end : {ends[1], ends[2]}) {
      eval_context later = ctx;
      later.period_end = end;
      e.evaluate(later, rows.data(), rows.size(), at_end);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (moves[i]) continue;
        check(at_end.valid[i] == values.valid[i] &&
                  (!values.valid[i] || at_end.value[i] == values.value[i]),
              "a settled row whose value changes between the ends", input);
      }
    }
  }
}

void check_side(const side_expression& s, table_id t, std::string_view input) {
  const fixture& f = shared();
  const auto& terms = s.aggregates();
  check(!terms.empty(), "a side without aggregates", input);
  std::vector<std::int32_t> rows;
  for (std::size_t i = 0; i < row_count(f.data, t); ++i) rows.push_back(static_cast<std::int32_t>(i));
  eval_context ctx;
  ctx.data = &f.data;
  ctx.rel = &f.rel;
  ctx.holidays = &f.holidays;
  ctx.period_start = day(2024, 1, 1);
  ctx.period_end = day(2024, 12, 31);
  for (const aggregate_term& term : terms) {
    if (term.kind == aggregate_kind::units_reached) {
      check(term.level >= 1, "unitsReached without a level", input);
      continue;
    }
    value_batch b;
    term.argument.evaluate(ctx, rows.data(), rows.size(), b);
  }
  // Every pattern of missing aggregates (up to 6 of them), with a few values.
  const std::size_t k = terms.size();
  std::vector<double> values(k);
  std::vector<std::uint8_t> valid(k);
  const std::size_t patterns = k <= 6 ? std::size_t{1} << k : 64;
  for (std::size_t p = 0; p < patterns; ++p) {
    for (std::size_t i = 0; i < k; ++i) {
      valid[i] = (p >> (i % 6)) & 1U;
      values[i] = static_cast<double>((p * 31 + i * 7) % 11) - 3;
    }
    double a = 0, b = 0;
    const bool first = s.combine(values.data(), valid.data(), ctx.period_start, ctx.period_end, a);
    const bool second = s.combine(values.data(), valid.data(), ctx.period_start, ctx.period_end, b);
    check(first == second, "combine() is not repeatable", input);
    if (first) check(std::isfinite(a) && a == b, "combine() gave a non-finite value", input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const table_id table = static_cast<table_id>(data[0] % 11);
  const bool side = (data[0] & 0x80) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  namespace detail = safeguard::engine::detail;
  std::string once;
  try {
    once = detail::to_string(*detail::parse(text));
  } catch (const detail::located_error& e) {
    check(e.offset <= text.size(), "an error past the end of the text", text);
    check(!e.expected.empty(), "a parse error without what was expected", text);
  }
  if (!once.empty()) {
    try {
      check(detail::to_string(*detail::parse(once)) == once,
            "the canonical text does not parse to itself", text);
    } catch (const detail::located_error& e) {
      // The canonical text adds parentheses, which may pass the nesting limit.
      check(e.message.find("nested too deeply") != std::string::npos,
            "the canonical text does not parse", text);
    }
  }

  try {
    if (side) {
      const side_expression s = expression_compiler::compile_side(text, table);
      check(s.table() == table, "a side over the wrong table", text);
      check_side(s, table, text);
    } else {
      const row_expression e = expression_compiler::compile_row(text, table);
      check(e.table() == table, "an expression over the wrong table", text);
      check_row(e, table, text);
    }
  } catch (const expression_error& e) {
    check_error(e, text);
  }
  return 0;
}
