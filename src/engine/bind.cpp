// Binding: every name of an expression is resolved to a column of the data model (through
// references for paths such as case.child.sex), every quoted code to its position in its
// list, types are checked, and constant sub-trees are folded. Also the relation indexes that
// exists(...) walks, built once per dataset.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/ast.hpp"
#include "engine/bound.hpp"
#include "safeguard/engine/expression.hpp"

namespace safeguard::engine {

namespace {

// Counting sort of child rows by owner: ids[offsets[o] .. offsets[o+1]) are the rows of
// `ref` pointing at owner o, in row order. Rows pointing nowhere are left out.
template <class Tag>
void build_index(std::size_t owners, const std::vector<row_index<Tag>>& ref,
                 std::vector<std::int32_t>& offsets, std::vector<std::int32_t>& ids) {
  offsets.assign(owners + 1, 0);
  for (const auto r : ref)
    if (r.value >= 0 && static_cast<std::size_t>(r.value) < owners)
      ++offsets[static_cast<std::size_t>(r.value) + 1];
  for (std::size_t o = 0; o < owners; ++o) offsets[o + 1] += offsets[o];
  ids.resize(static_cast<std::size_t>(offsets[owners]));
  std::vector<std::int32_t> next(offsets.begin(), offsets.end() - 1);
  for (std::size_t row = 0; row < ref.size(); ++row) {
    const std::int32_t o = ref[row].value;
    if (o >= 0 && static_cast<std::size_t>(o) < owners)
      ids[static_cast<std::size_t>(next[static_cast<std::size_t>(o)]++)] =
          static_cast<std::int32_t>(row);
  }
}

}  // namespace

relations::relations(const dataset& data) {
  build_index(data.children.size(), data.cases.child, cases_of_child_offsets, cases_of_child);
  build_index(data.cases.size(), data.services.case_, services_of_case_offsets, services_of_case);
  build_index(data.children.size(), data.circumstances.child, episodes_of_child_offsets,
              episodes_of_child);
  build_index(data.agencies.size(), data.activities.agency, activities_of_agency_offsets,
              activities_of_agency);

  // Levels: walk up to a unit whose level is known, then number the chain on the way back.
  const std::size_t n = data.org_units.size();
  const auto& parent = data.org_units.parent;
  std::vector<int> level(n, -1);  // -1 unknown, 0 broken chain
  std::vector<std::int32_t> chain;
  for (std::size_t u = 0; u < n; ++u) {
    if (level[u] != -1) continue;
    chain.clear();
    auto v = static_cast<std::int32_t>(u);
    int base = 0;
    bool broken = false;
    for (;;) {
      if (v < 0 || static_cast<std::size_t>(v) >= n) break;  // above a root
      if (level[static_cast<std::size_t>(v)] != -1) {
        base = level[static_cast<std::size_t>(v)];
        broken = base == 0;
        break;
      }
      if (chain.size() > n) {  // a cycle
        broken = true;
        break;
      }
      chain.push_back(v);
      v = static_cast<std::size_t>(v) < parent.size() ? parent[static_cast<std::size_t>(v)].value
                                                      : -1;
    }
    for (std::size_t k = chain.size(); k-- > 0;)
      level[static_cast<std::size_t>(chain[k])] =
          broken ? 0 : base + static_cast<int>(chain.size() - k);
  }
  org_unit_level.resize(n);
  for (std::size_t u = 0; u < n; ++u)
    org_unit_level[u] = static_cast<std::uint8_t>(std::clamp(level[u], 0, 255));
}

namespace detail {

namespace {

template <class T>
column_data vec(const std::vector<T>& v) {
  column_data c;
  c.values = v.data();
  c.size = v.size();
  return c;
}

column_data vec_minutes(const std::vector<day_number>& d, const std::vector<minute_of_day>& m) {
  column_data c = vec(d);
  // A dataset built by hand may omit the minutes; the reader then sees no time of day.
  c.minutes = m.size() == d.size() ? m.data() : nullptr;
  return c;
}

column_data text_of(const string_column& s) {
  column_data c;
  c.strings = &s;
  c.size = s.size();
  return c;
}

column_data rows_of(std::size_t n) {
  column_data c;
  c.size = n;
  return c;
}

column_data dict_of(const std::vector<std::int32_t>& v, const dictionary& d) {
  column_data c = vec(v);
  c.dict = &d;
  return c;
}

column_data levels_of(const relations* rel) {
  column_data c;
  if (rel) c = vec(rel->org_unit_level);
  return c;
}

using B = btype;
using S = storage;
using T = table_id;
using D = const dataset&;
using R = const relations*;

const std::vector<column_def> all_columns = {
    // org_units
    {T::org_units, "code", "", B::row, S::self_row, nullptr, T::org_units,
     [](D d, R) { return rows_of(d.org_units.size()); }},
    {T::org_units, "name", "", B::text, S::text, nullptr, T::org_units,
     [](D d, R) { return text_of(d.org_units.name); }},
    {T::org_units, "parent", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.org_units.parent); }},
    {T::org_units, "kind", "", B::code, S::code8, &codes::org_unit_kind, T::org_units,
     [](D d, R) { return vec(d.org_units.kind); }},
    {T::org_units, "level", "", B::number, S::org_level, nullptr, T::org_units,
     [](D, R r) { return levels_of(r); }},
    // population
    {T::population, "org_unit", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.population.org_unit); }},
    {T::population, "year", "", B::number, S::int16, nullptr, T::population,
     [](D d, R) { return vec(d.population.year); }},
    {T::population, "sex", "", B::code, S::code8, &codes::sex, T::population,
     [](D d, R) { return vec(d.population.sex); }},
    {T::population, "age", "", B::number, S::uint8, nullptr, T::population,
     [](D d, R) { return vec(d.population.age); }},
    {T::population, "count", "", B::number, S::int64, nullptr, T::population,
     [](D d, R) { return vec(d.population.count); }},
    // agencies
    {T::agencies, "code", "", B::row, S::self_row, nullptr, T::agencies,
     [](D d, R) { return rows_of(d.agencies.size()); }},
    {T::agencies, "name", "", B::text, S::text, nullptr, T::agencies,
     [](D d, R) { return text_of(d.agencies.name); }},
    {T::agencies, "kind", "", B::code, S::code8, &codes::agency_kind, T::agencies,
     [](D d, R) { return vec(d.agencies.kind); }},
    {T::agencies, "org_unit", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.agencies.org_unit); }},
    // children
    {T::children, "child_id", "", B::row, S::self_row, nullptr, T::children,
     [](D d, R) { return rows_of(d.children.size()); }},
    {T::children, "birth_date", "", B::date, S::day, nullptr, T::children,
     [](D d, R) { return vec(d.children.birth_date); }},
    {T::children, "sex", "", B::code, S::code8, &codes::sex, T::children,
     [](D d, R) { return vec(d.children.sex); }},
    {T::children, "org_unit", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.children.org_unit); }},
    {T::children, "ethnicity", "", B::code, S::dict32, nullptr, T::children,
     [](D d, R) { return dict_of(d.children.ethnicity, d.children.ethnicities); }},
    {T::children, "disability", "", B::boolean, S::flag8, nullptr, T::children,
     [](D d, R) { return vec(d.children.disability); }},
    {T::children, "registered_date", "", B::date, S::day, nullptr, T::children,
     [](D d, R) { return vec(d.children.registered_date); }},
    {T::children, "exit_date", "", B::date, S::day, nullptr, T::children,
     [](D d, R) { return vec(d.children.exit_date); }},
    {T::children, "exit_reason", "", B::code, S::code8, &codes::exit_reason, T::children,
     [](D d, R) { return vec(d.children.exit_reason); }},
    // circumstances
    {T::circumstances, "child_id", "child", B::row, S::ref_child, nullptr, T::children,
     [](D d, R) { return vec(d.circumstances.child); }},
    {T::circumstances, "circumstance", "", B::code, S::code8, &codes::circumstance,
     T::circumstances, [](D d, R) { return vec(d.circumstances.circumstance); }},
    {T::circumstances, "start_date", "", B::date, S::day, nullptr, T::circumstances,
     [](D d, R) { return vec(d.circumstances.start_date); }},
    {T::circumstances, "end_date", "", B::date, S::day, nullptr, T::circumstances,
     [](D d, R) { return vec(d.circumstances.end_date); }},
    // cases
    {T::cases, "case_id", "", B::row, S::self_row, nullptr, T::cases,
     [](D d, R) { return rows_of(d.cases.size()); }},
    {T::cases, "child_id", "child", B::row, S::ref_child, nullptr, T::children,
     [](D d, R) { return vec(d.cases.child); }},
    {T::cases, "reported_date", "", B::date_time, S::day_minute, nullptr, T::cases,
     [](D d, R) { return vec_minutes(d.cases.reported_date, d.cases.reported_minute); }},
    {T::cases, "concerns", "", B::code_set, S::code_set32, &codes::concern, T::cases,
     [](D d, R) { return vec(d.cases.concerns); }},
    {T::cases, "concern_groups", "", B::code_set, S::concern_groups, &codes::concern_group,
     T::cases, [](D d, R) { return vec(d.cases.concerns); }},
    {T::cases, "org_unit", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.cases.org_unit); }},
    {T::cases, "lead_agency", "", B::row, S::ref_agency, nullptr, T::agencies,
     [](D d, R) { return vec(d.cases.lead_agency); }},
    {T::cases, "source", "", B::code, S::code8, &codes::source, T::cases,
     [](D d, R) { return vec(d.cases.source); }},
    {T::cases, "setting", "", B::code, S::code8, &codes::setting, T::cases,
     [](D d, R) { return vec(d.cases.setting); }},
    {T::cases, "perpetrator", "", B::code, S::code8, &codes::perpetrator, T::cases,
     [](D d, R) { return vec(d.cases.perpetrator); }},
    {T::cases, "level", "", B::code, S::code8, &codes::protection_level, T::cases,
     [](D d, R) { return vec(d.cases.level); }},
    {T::cases, "risk", "", B::code, S::code8, &codes::risk, T::cases,
     [](D d, R) { return vec(d.cases.risk); }},
    {T::cases, "outcome", "", B::code, S::code8, &codes::outcome, T::cases,
     [](D d, R) { return vec(d.cases.outcome); }},
    {T::cases, "incident_date", "", B::date, S::day, nullptr, T::cases,
     [](D d, R) { return vec(d.cases.incident_date); }},
    {T::cases, "emergency_date", "", B::date_time, S::day_minute, nullptr, T::cases,
     [](D d, R) { return vec_minutes(d.cases.emergency_date, d.cases.emergency_minute); }},
    {T::cases, "assessed_date", "", B::date, S::day, nullptr, T::cases,
     [](D d, R) { return vec(d.cases.assessed_date); }},
    {T::cases, "plan_date", "", B::date, S::day, nullptr, T::cases,
     [](D d, R) { return vec(d.cases.plan_date); }},
    {T::cases, "closed_date", "", B::date, S::day, nullptr, T::cases,
     [](D d, R) { return vec(d.cases.closed_date); }},
    {T::cases, "closure_reason", "", B::code, S::code8, &codes::closure_reason, T::cases,
     [](D d, R) { return vec(d.cases.closure_reason); }},
    {T::cases, "consent_reporting", "", B::boolean, S::flag8, nullptr, T::cases,
     [](D d, R) { return vec(d.cases.consent_reporting); }},
    // services
    {T::services, "case_id", "case", B::row, S::ref_case, nullptr, T::cases,
     [](D d, R) { return vec(d.services.case_); }},
    {T::services, "date", "", B::date, S::day, nullptr, T::services,
     [](D d, R) { return vec(d.services.date); }},
    {T::services, "service", "", B::code, S::code8, &codes::service, T::services,
     [](D d, R) { return vec(d.services.service); }},
    {T::services, "agency", "", B::row, S::ref_agency, nullptr, T::agencies,
     [](D d, R) { return vec(d.services.agency); }},
    {T::services, "referred", "", B::boolean, S::flag8, nullptr, T::services,
     [](D d, R) { return vec(d.services.referred); }},
    // activities
    {T::activities, "activity_id", "", B::row, S::self_row, nullptr, T::activities,
     [](D d, R) { return rows_of(d.activities.size()); }},
    {T::activities, "agency", "", B::row, S::ref_agency, nullptr, T::agencies,
     [](D d, R) { return vec(d.activities.agency); }},
    {T::activities, "kind", "", B::code, S::code8, &codes::activity_kind, T::activities,
     [](D d, R) { return vec(d.activities.kind); }},
    {T::activities, "start_date", "", B::date, S::day, nullptr, T::activities,
     [](D d, R) { return vec(d.activities.start_date); }},
    {T::activities, "end_date", "", B::date, S::day, nullptr, T::activities,
     [](D d, R) { return vec(d.activities.end_date); }},
    {T::activities, "org_unit", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.activities.org_unit); }},
    {T::activities, "topics", "", B::code_set, S::code_set32, &codes::topic, T::activities,
     [](D d, R) { return vec(d.activities.topics); }},
    {T::activities, "audiences", "", B::code_set, S::code_set32, &codes::audience, T::activities,
     [](D d, R) { return vec(d.activities.audiences); }},
    {T::activities, "sessions", "", B::number, S::int64, nullptr, T::activities,
     [](D d, R) { return vec(d.activities.sessions); }},
    {T::activities, "participants", "", B::number, S::int64, nullptr, T::activities,
     [](D d, R) { return vec(d.activities.participants); }},
    {T::activities, "child_participants", "", B::number, S::int64, nullptr, T::activities,
     [](D d, R) { return vec(d.activities.child_participants); }},
    {T::activities, "quantity", "", B::number, S::int64, nullptr, T::activities,
     [](D d, R) { return vec(d.activities.quantity); }},
    {T::activities, "programme", "", B::code, S::dict32, nullptr, T::activities,
     [](D d, R) { return dict_of(d.activities.programme, d.activities.programmes); }},
    // plans
    {T::plans, "plan_id", "", B::row, S::self_row, nullptr, T::plans,
     [](D d, R) { return rows_of(d.plans.size()); }},
    {T::plans, "agency", "", B::row, S::ref_agency, nullptr, T::agencies,
     [](D d, R) { return vec(d.plans.agency); }},
    {T::plans, "title", "", B::text, S::text, nullptr, T::plans,
     [](D d, R) { return text_of(d.plans.title); }},
    {T::plans, "start_date", "", B::date, S::day, nullptr, T::plans,
     [](D d, R) { return vec(d.plans.start_date); }},
    {T::plans, "end_date", "", B::date, S::day, nullptr, T::plans,
     [](D d, R) { return vec(d.plans.end_date); }},
    {T::plans, "org_unit", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.plans.org_unit); }},
    {T::plans, "programme", "", B::code, S::dict32, nullptr, T::plans,
     [](D d, R) { return dict_of(d.plans.programme, d.plans.programmes); }},
    // targets
    {T::targets, "plan_id", "plan", B::row, S::ref_plan, nullptr, T::plans,
     [](D d, R) { return vec(d.targets.plan); }},
    {T::targets, "indicator", "", B::text, S::text, nullptr, T::targets,
     [](D d, R) { return text_of(d.targets.indicator); }},
    {T::targets, "value", "", B::number, S::float64, nullptr, T::targets,
     [](D d, R) { return vec(d.targets.value); }},
    {T::targets, "direction", "", B::code, S::code8, &codes::direction, T::targets,
     [](D d, R) { return vec(d.targets.direction); }},
    {T::targets, "org_unit", "", B::row, S::ref_org_unit, nullptr, T::org_units,
     [](D d, R) { return vec(d.targets.org_unit); }},
    {T::targets, "period", "", B::text, S::text, nullptr, T::targets,
     [](D d, R) { return text_of(d.targets.period); }},
    {T::targets, "period_start", "", B::date, S::day, nullptr, T::targets,
     [](D d, R) { return vec(d.targets.period_start); }},
    {T::targets, "period_end", "", B::date, S::day, nullptr, T::targets,
     [](D d, R) { return vec(d.targets.period_end); }},
    // holidays
    {T::holidays, "date", "", B::date, S::day, nullptr, T::holidays,
     [](D d, R) { return vec(d.holidays.date); }},
    {T::holidays, "name", "", B::text, S::text, nullptr, T::holidays,
     [](D d, R) { return text_of(d.holidays.name); }},
};

}  // namespace

const std::vector<column_def>& column_defs() { return all_columns; }

column_data column_source(const dataset& data, const relations* rel, int column) {
  return all_columns[static_cast<std::size_t>(column)].get(data, rel);
}


namespace {

// ---------------------------------------------------------------------------------------
// Names and messages

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "; did you mean 'sex'?" when a candidate is close enough, else "".
std::string suggest(std::string_view name, const std::vector<std::string_view>& candidates) {
  const std::string key = lower(name);
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (std::string_view c : candidates) {
    const std::size_t d = edit_distance(key, lower(c));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best.empty() ? std::string() : "; did you mean " + quoted(best) + "?";
}

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::vector<std::string_view> column_names(table_id t, bool references_only = false) {
  std::vector<std::string_view> out;
  for (const column_def& c : all_columns) {
    if (c.table != t) continue;
    const bool reference = c.kind >= storage::ref_org_unit && c.kind <= storage::ref_plan;
    if (references_only && !reference) continue;
    out.push_back(references_only && !c.alias.empty() ? c.alias : c.name);
    if (!references_only && !c.alias.empty()) out.push_back(c.alias);
  }
  return out;
}

int find_column(table_id t, std::string_view name) {
  for (std::size_t i = 0; i < all_columns.size(); ++i) {
    const column_def& c = all_columns[i];
    if (c.table == t && (c.name == name || (!c.alias.empty() && c.alias == name)))
      return static_cast<int>(i);
  }
  return -1;
}

bool is_reference(storage s) { return s >= storage::ref_org_unit && s <= storage::ref_plan; }

std::vector<std::string_view> codes_of(const code_list& list) {
  std::vector<std::string_view> out;
  for (const code_entry& e : list) out.push_back(e.code);
  return out;
}

std::string describe(const bnode& b) {
  switch (b.type) {
    case btype::number:
      return "a number";
    case btype::boolean:
      return "a condition";
    case btype::code:
      if (b.codes) return "a code of " + std::string(b.codes->name());
      return "a code of " + std::string(all_columns[static_cast<std::size_t>(b.dict_column)].name);
    case btype::code_set:
      return "a multi-valued code of " + std::string(b.codes->name());
    case btype::date:
      return "a date";
    case btype::date_time:
      return "a date-time";
    case btype::text:
      return "text";
    case btype::row:
      return "an identifier of " + std::string(table_name(b.row_table));
    case btype::string:
      return "the quoted string " + quoted(b.str);
    case btype::null:
      return "null";
  }
  return "?";
}

bool numeric(btype t) { return t == btype::number || t == btype::boolean || t == btype::null; }
bool dated(btype t) { return t == btype::date || t == btype::date_time; }
bool has_codes_table(table_id t) {
  return t == table_id::org_units || t == table_id::agencies || t == table_id::plans;
}

// ---------------------------------------------------------------------------------------
// Node construction

bnode_ptr leaf(op o, btype type, std::size_t offset) {
  auto n = std::make_unique<bnode>();
  n->o = o;
  n->type = type;
  n->offset = offset;
  return n;
}

bnode_ptr constant(btype type, std::size_t offset, double value, bool valid) {
  auto n = leaf(op::constant, type, offset);
  n->value = valid ? value : 0;
  n->valid = valid;
  return n;
}

void copy_type(bnode& to, const bnode& from) {
  to.type = from.type;
  to.codes = from.codes;
  to.dict_column = from.dict_column;
  to.row_table = from.row_table;
  to.text_column = from.text_column;
}

bool is_constant(const bnode& n) { return n.o == op::constant; }

// Folds a node whose arguments are all constants, when it needs nothing but them.
bnode_ptr finish(bnode_ptr n) {
  if (n->o == op::constant || !pure(n->o)) return n;
  for (const auto& a : n->args)
    if (!is_constant(*a)) return n;
  fold(*n);
  return n;
}

bnode_ptr operation(op o, btype type, std::size_t offset, std::vector<bnode_ptr> args) {
  auto n = leaf(o, type, offset);
  n->args = std::move(args);
  return n;
}

template <class... A>
std::vector<bnode_ptr> list(A&&... a) {
  std::vector<bnode_ptr> v;
  (v.push_back(std::forward<A>(a)), ...);
  return v;
}

// ---------------------------------------------------------------------------------------
// The binder

struct scope {
  table_id table = table_id::cases;
  bool cell = false;          // a side's cell: aggregates, no columns
  bool in_aggregate = false;  // inside an aggregate's argument
  bool null_testing = false;  // inside isNull, isNotNull, firstNonNull, d2:hasValue
};

const char* const rejected_functions[] = {"removeZeros",
                                          "subExpression",
                                          "normDistCum",
                                          "normDistDen",
                                          "containsItems",
                                          "orgUnit.ancestor",
                                          "orgUnit.dataSet",
                                          "orgUnit.group",
                                          "orgUnit.program",
                                          "stddevPop",
                                          "d2:count",
                                          "d2:countIfValue",
                                          "d2:countIfCondition",
                                          "d2:countIfZeroPos",
                                          "d2:maxValue",
                                          "d2:minValue",
                                          "d2:relationshipCount",
                                          "d2:zpvc",
                                          "d2:hasUserRole",
                                          "d2:inOrgUnitGroup",
                                          "d2:inUserGroup",
                                          "d2:lastEventDate",
                                          "d2:left",
                                          "d2:right",
                                          "d2:substring",
                                          "d2:split",
                                          "d2:concatenate",
                                          "d2:length",
                                          "d2:validatePattern",
                                          "d2:extractDataMatrixValue",
                                          "d2:zScoreHFA",
                                          "d2:zScoreWFA",
                                          "d2:zScoreWFH",
                                          "d2:addDays",
                                          "d2:ceil",
                                          "d2:floor",
                                          "d2:round",
                                          "d2:modulus"};

const std::vector<std::string_view> known_functions = {"if",
                                                       "is",
                                                       "isNull",
                                                       "isNotNull",
                                                       "firstNonNull",
                                                       "greatest",
                                                       "least",
                                                       "log",
                                                       "log10",
                                                       "contains",
                                                       "containsAny",
                                                       "exists",
                                                       "count",
                                                       "sum",
                                                       "avg",
                                                       "min",
                                                       "max",
                                                       "median",
                                                       "percentileCont",
                                                       "stddev",
                                                       "stddevSamp",
                                                       "variance",
                                                       "unitsReached",
                                                       "d2:daysBetween",
                                                       "d2:weeksBetween",
                                                       "d2:monthsBetween",
                                                       "d2:yearsBetween",
                                                       "d2:minutesBetween",
                                                       "d2:hoursBetween",
                                                       "d2:workingDaysBetween",
                                                       "d2:hasValue",
                                                       "d2:condition",
                                                       "d2:zing",
                                                       "d2:oizp"};

bool aggregate_kind_of(std::string_view name, aggregate_kind& kind) {
  static const std::pair<std::string_view, aggregate_kind> names[] = {
      {"count", aggregate_kind::count},
      {"sum", aggregate_kind::sum},
      {"avg", aggregate_kind::avg},
      {"min", aggregate_kind::min},
      {"max", aggregate_kind::max},
      {"median", aggregate_kind::median},
      {"percentileCont", aggregate_kind::percentile},
      {"stddev", aggregate_kind::stddev},
      {"stddevSamp", aggregate_kind::stddev},
      {"variance", aggregate_kind::variance},
      {"unitsReached", aggregate_kind::units_reached}};
  for (const auto& [n, k] : names)
    if (n == name) {
      kind = k;
      return true;
    }
  return false;
}

}  // namespace

/// An aggregate found while binding a side, before it becomes an aggregate_term.
struct pending_term {
  aggregate_kind kind = aggregate_kind::count;
  std::unique_ptr<bound_expression> argument;
  double percentile = 0.5;
  int level = 0;
  std::string key;  // canonical text, to share identical aggregates
};

namespace {

void finalize_walk(bnode& n, bound_expression& e, std::uint32_t& next) {
  n.slot = next++;
  switch (n.o) {
    case op::column:
      e.uses_data = true;
      if (all_columns[static_cast<std::size_t>(n.column)].kind == storage::org_level)
        e.uses_relations = true;
      break;
    case op::period_start:
    case op::days:
      e.uses_period_start = true;
      e.uses_period = true;
      break;
    case op::period_end:
      e.uses_period = true;
      break;
    case op::working_days_between:
      e.uses_holidays = true;
      break;
    case op::exists:
      e.uses_data = true;
      e.uses_relations = true;
      break;
    case op::dict_equal:
    case op::dict_not_equal:
    case op::row_code_equal:
    case op::row_code_not_equal:
      e.needs_lookup = true;
      break;
    case op::is_in:
      if (n.set == set_kind::dictionary || n.set == set_kind::row_code) e.needs_lookup = true;
      break;
    case op::aggregate_ref:
      if (!n.null_testing && std::find(e.counted_terms.begin(), e.counted_terms.end(), n.term) ==
                                 e.counted_terms.end())
        e.counted_terms.push_back(n.term);
      break;
    default:
      break;
  }
  for (auto& a : n.args) finalize_walk(*a, e, next);
}

std::unique_ptr<bound_expression> finalize(bnode_ptr root, table_id table) {
  auto e = std::make_unique<bound_expression>();
  e->root = std::move(root);
  e->table = table;
  std::uint32_t next = 0;
  finalize_walk(*e->root, *e, next);
  e->slots = next;
  return e;
}

class binder {
 public:
  explicit binder(std::vector<pending_term>* terms) : terms_(terms) {}

  bnode_ptr bind(const node& n, const scope& s) {
    switch (n.kind) {
      case node_kind::number:
        return constant(btype::number, n.offset, n.number, true);
      case node_kind::string: {
        auto b = constant(btype::string, n.offset, 0, true);
        b->str = n.text;
        return b;
      }
      case node_kind::boolean:
        return constant(btype::boolean, n.offset, n.boolean ? 1 : 0, true);
      case node_kind::null:
        return constant(btype::null, n.offset, 0, false);
      case node_kind::variable:
        if (n.text == "days") return leaf(op::days, btype::number, n.offset);
        return leaf(n.text == "analytics_period_start" ? op::period_start : op::period_end,
                    btype::date, n.offset);
      case node_kind::item:
        return bind_item(n, s);
      case node_kind::unary:
        return bind_unary(n, s);
      case node_kind::binary:
        return bind_binary(n, s);
      case node_kind::call:
        return bind_call(n, s);
    }
    fail(n.offset, "unknown syntax", "an expression");
  }

  // A condition: true, false or null for each row.
  bnode_ptr bind_condition(const node& n, const scope& s, const std::string& what) {
    bnode_ptr b = bind(n, s);
    require_condition(*b, what);
    return b;
  }

 private:
  static std::string path_text(const node& n) {
    std::string out;
    for (std::size_t i = 0; i < n.path.size(); ++i) {
      if (i) out += '.';
      out += n.path[i];
    }
    return out;
  }

  bnode_ptr bind_item(const node& n, const scope& s) {
    const std::string text = path_text(n);
    if (s.cell)
      fail(n.offset,
           "the column " + quoted(text) +
               " is outside an aggregate: a value combines aggregates of rows",
           "an aggregate such as count(" + text + ") or sum(" + text + ")");
    table_id t = s.table;
    std::size_t i = 0;
    table_id named;
    if (parse_table_name(n.path[0], named)) {
      if (named != s.table)
        fail(n.path_offsets[0],
             "the table " + quoted(n.path[0]) + " is not the table of this expression (" +
                 std::string(table_name(s.table)) + ")",
             "a column of " + std::string(table_name(s.table)) +
                 ", or a field of a referenced row such as child.sex");
      if (n.path.size() == 1)
        fail(n.path_offsets[0], "a table is not a value",
             "#{" + n.path[0] + ".column}: a column of " + n.path[0]);
      i = 1;
    }
    auto b = leaf(op::column, btype::null, n.offset);
    for (; i < n.path.size(); ++i) {
      const std::string& name = n.path[i];
      const int c = find_column(t, name);
      const std::string table(table_name(t));
      if (c < 0) {
        std::string message = "unknown column " + quoted(name) + " in " + table;
        if (i == 0 && looks_like_uid(name))
          message += " (DHIS2 UIDs are not items in safeguard: name a column)";
        std::vector<std::string_view> candidates = column_names(t);
        if (i == 0 && n.path.size() > 1)  // perhaps a misspelt table: #{casess.outcome}
          for (std::size_t k = 0; k < 11; ++k)
            candidates.push_back(table_name(static_cast<table_id>(k)));
        fail(n.path_offsets[i], message + suggest(name, candidates),
             "a column of " + table + ": " + join(column_names(t)));
      }
      const column_def& d = all_columns[static_cast<std::size_t>(c)];
      if (i + 1 < n.path.size()) {
        if (!is_reference(d.kind)) {
          const auto refs = column_names(t, true);
          fail(n.path_offsets[i + 1],
               quoted(name) + " of " + table +
                   " does not point to another row, so it has no "
                   "field " +
                   quoted(n.path[i + 1]),
               refs.empty() ? "a column of " + table
                            : "a reference of " + table + " followed by a field: " + join(refs));
        }
        b->hops.push_back(c);
        t = d.target;
        continue;
      }
      b->column = c;
      b->type = d.type;
      b->codes = d.codes ? &d.codes() : nullptr;
      if (d.kind == storage::dict32) b->dict_column = c;
      if (d.type == btype::row) b->row_table = d.target;
      if (d.type == btype::text) b->text_column = c;
    }
    return b;
  }

  static bool looks_like_uid(std::string_view s) {
    if (s.size() != 11 || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    bool upper = false, digit = false;
    for (char c : s) {
      if (!std::isalnum(static_cast<unsigned char>(c))) return false;
      upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
      digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
    }
    return upper && (digit || s.find('_') == std::string_view::npos);
  }

  static void require_number(const bnode& b, const std::string& what) {
    if (numeric(b.type)) return;
    if (dated(b.type))
      fail(b.offset, what + " needs a number, got " + describe(b),
           "a number; for the days between two dates use d2:daysBetween(a, b)");
    fail(b.offset, what + " needs a number, got " + describe(b), "a number");
  }

  static void require_condition(const bnode& b, const std::string& what) {
    if (numeric(b.type)) return;
    fail(b.offset, what + " needs a condition (true or false), got " + describe(b),
         "a condition such as outcome == 'died'");
  }

  bnode_ptr bind_unary(const node& n, const scope& s) {
    bnode_ptr a = bind(*n.args[0], s);
    switch (n.unary) {
      case unary_op::negate:
        require_number(*a, "'-'");
        return finish(operation(op::negate, btype::number, n.offset, list(std::move(a))));
      case unary_op::plus:
        require_number(*a, "'+'");
        if (a->type == btype::boolean) a->type = btype::number;
        a->offset = n.offset;
        return a;
      case unary_op::logical_not:
        require_condition(*a, "'!'");
        return finish(operation(op::logical_not, btype::boolean, n.offset, list(std::move(a))));
    }
    return a;
  }

  bnode_ptr bind_binary(const node& n, const scope& s) {
    bnode_ptr a = bind(*n.args[0], s);
    bnode_ptr b = bind(*n.args[1], s);
    const std::string what = "'" + std::string(op_text(n.binary)) + "'";
    op o = op::add;
    switch (n.binary) {
      case binary_op::power:
        o = op::power;
        break;
      case binary_op::multiply:
        o = op::multiply;
        break;
      case binary_op::divide:
        o = op::divide;
        break;
      case binary_op::modulo:
        o = op::modulo;
        break;
      case binary_op::add:
        o = op::add;
        break;
      case binary_op::subtract:
        o = op::subtract;
        break;
      case binary_op::logical_and:
      case binary_op::logical_or:
        require_condition(*a, what);
        require_condition(*b, what);
        return finish(
            operation(n.binary == binary_op::logical_and ? op::logical_and : op::logical_or,
                      btype::boolean, n.offset, list(std::move(a), std::move(b))));
      default:
        return compare(n.binary, std::move(a), std::move(b), n.offset);
    }
    require_number(*a, what);
    require_number(*b, what);
    return finish(operation(o, btype::number, n.offset, list(std::move(a), std::move(b))));
  }

  static binary_op mirror(binary_op op) {
    switch (op) {
      case binary_op::less:
        return binary_op::greater;
      case binary_op::greater:
        return binary_op::less;
      case binary_op::less_equal:
        return binary_op::greater_equal;
      case binary_op::greater_equal:
        return binary_op::less_equal;
      default:
        return op;
    }
  }

  static op compare_op(binary_op b) {
    switch (b) {
      case binary_op::less:
        return op::less;
      case binary_op::greater:
        return op::greater;
      case binary_op::less_equal:
        return op::less_equal;
      case binary_op::greater_equal:
        return op::greater_equal;
      case binary_op::not_equal:
        return op::not_equal;
      default:
        return op::equal;
    }
  }

  // The position of a quoted code in its list; an unknown code is an error listing them.
  static double code_position(const code_list& list, const bnode& literal,
                              std::string_view column) {
    const auto found = list.find(literal.str);
    if (found) return *found;
    const auto names = codes_of(list);
    fail(literal.offset,
         "unknown code " + quoted(literal.str) + " for " + std::string(column) +
             suggest(literal.str, names),
         "one of: " + join(names));
  }

  // Gives a quoted literal the meaning of the value it meets; returns false when it stays a
  // string that is matched at evaluation (open code lists, text, org unit / agency codes).
  static bool coerce(bnode& literal, const bnode& other, bool equality) {
    switch (other.type) {
      case btype::code:
        if (!other.codes) return false;
        literal.value = code_position(*other.codes, literal, other.codes->name());
        copy_type(literal, other);
        return true;
      case btype::date:
      case btype::date_time: {
        const auto t = parse_iso_date_time(literal.str);
        if (!t)
          fail(literal.offset, quoted(literal.str) + " is not a date",
               "a date 'YYYY-MM-DD' (or a date-time 'YYYY-MM-DDTHH:MM')");
        literal.type = t->minute == no_minute ? btype::date : btype::date_time;
        literal.value = t->day;
        literal.minute = t->minute;
        return true;
      }
      case btype::text:
        return false;
      case btype::row:
        if (!equality || !has_codes_table(other.row_table))
          fail(literal.offset,
               "identifiers of " + std::string(table_name(other.row_table)) +
                   " cannot be compared with a quoted value",
               "another identifier of " + std::string(table_name(other.row_table)) +
                   ", or count(distinct ...)");
        return false;
      case btype::code_set:
        fail(other.offset, "a multi-valued column cannot be compared with a quoted code",
             "contains(x, 'code') or containsAny(x, 'code', ...)");
      case btype::number:
      case btype::boolean:
        fail(literal.offset,
             "the quoted string " + quoted(literal.str) + " cannot be compared with a number",
             "a number without quotes");
      case btype::string:
      case btype::null:
        return false;
    }
    return false;
  }

  bnode_ptr compare(binary_op bop, bnode_ptr a, bnode_ptr b, std::size_t at) {
    const bool equality = bop == binary_op::equal || bop == binary_op::not_equal;
    const std::string what = "'" + std::string(op_text(bop)) + "'";
    if (a->type == btype::null || b->type == btype::null)
      return constant(btype::boolean, at, 0, false);  // comparing with null gives null
    if (a->type == btype::string && b->type == btype::string) {
      const int c = a->str.compare(b->str);
      bool r = false;
      switch (bop) {
        case binary_op::less:
          r = c < 0;
          break;
        case binary_op::greater:
          r = c > 0;
          break;
        case binary_op::less_equal:
          r = c <= 0;
          break;
        case binary_op::greater_equal:
          r = c >= 0;
          break;
        case binary_op::equal:
          r = c == 0;
          break;
        default:
          r = c != 0;
          break;
      }
      return constant(btype::boolean, at, r ? 1 : 0, true);
    }
    if (a->type == btype::string) {
      std::swap(a, b);
      bop = mirror(bop);
    }
    if (b->type == btype::string) {
      if (!equality && (a->type == btype::code || a->type == btype::text))
        fail(at, what + " cannot order " + describe(*a) + "; codes and text are only equal or not",
             "== or != (or is(x in 'a', 'b'))");
      if (!coerce(*b, *a, equality)) {
        const bool eq = bop == binary_op::equal;
        op o;
        if (a->type == btype::text)
          o = eq ? op::text_equal : op::text_not_equal;
        else if (a->type == btype::row)
          o = eq ? op::row_code_equal : op::row_code_not_equal;
        else
          o = eq ? op::dict_equal : op::dict_not_equal;
        auto n = operation(o, btype::boolean, at, list(std::move(a)));
        n->str = b->str;
        return n;
      }
    }
    // Both sides now have a meaning.
    const btype x = a->type, y = b->type;
    bool ok = false;
    bool by_minute = false;
    if (numeric(x) && numeric(y)) {
      ok = true;
    } else if (dated(x) && dated(y)) {
      ok = true;
      by_minute = x == btype::date_time && y == btype::date_time;
    } else if (x == btype::code && y == btype::code) {
      ok = (a->codes && a->codes == b->codes) ||
           (!a->codes && !b->codes && a->dict_column == b->dict_column);
      if (ok && !equality)
        fail(at, what + " cannot order codes; they are only equal or not", "== or !=");
      if (!ok)
        fail(at, "cannot compare " + describe(*a) + " with " + describe(*b),
             "codes of the same list");
    } else if (x == btype::text && y == btype::text) {
      if (!equality) fail(at, what + " cannot order text", "== or !=");
      return operation(bop == binary_op::equal ? op::text_equal : op::text_not_equal,
                       btype::boolean, at, list(std::move(a), std::move(b)));
    } else if (x == btype::row && y == btype::row && a->row_table == b->row_table) {
      if (!equality) fail(at, what + " cannot order identifiers", "== or !=");
      ok = true;
    }
    if (!ok)
      fail(at, "cannot compare " + describe(*a) + " with " + describe(*b),
           "two values of the same kind: numbers, dates, codes of one list, text or identifiers "
           "of one table");
    auto n = operation(compare_op(bop), btype::boolean, at, list(std::move(a), std::move(b)));
    n->by_minute = by_minute;
    return fuse(finish(std::move(n)));
  }

  // Values the same for every row of a call: constants and the period's variables.
  static bool uniform(const bnode& b) {
    return b.o == op::constant || b.o == op::period_start || b.o == op::period_end ||
           b.o == op::days;
  }

  // `column op uniform` becomes one pass over the column's storage (no intermediate values).
  static bnode_ptr fuse(bnode_ptr n) {
    if (n->o == op::constant || n->by_minute) return n;
    if (n->args[0]->o != op::column && n->args[1]->o == op::column) {
      std::swap(n->args[0], n->args[1]);
      switch (n->o) {
        case op::less:
          n->o = op::greater;
          break;
        case op::greater:
          n->o = op::less;
          break;
        case op::less_equal:
          n->o = op::greater_equal;
          break;
        case op::greater_equal:
          n->o = op::less_equal;
          break;
        default:
          break;
      }
    }
    if (n->args[0]->o != op::column || !uniform(*n->args[1])) return n;
    switch (all_columns[static_cast<std::size_t>(n->args[0]->column)].kind) {
      case storage::day:
      case storage::day_minute:
      case storage::code8:
      case storage::flag8:
      case storage::int64:
      case storage::int16:
      case storage::uint8:
      case storage::float64:
        break;
      default:
        return n;
    }
    n->compare = n->o;
    n->o = op::column_compare;
    return n;
  }

  // The common type of the branches of if(), or of firstNonNull/greatest/least's arguments.
  static void unify(bnode& result, bnode& b, const std::string& what) {
    if (b.type == btype::null) return;
    if (result.type == btype::null) {
      if (b.type == btype::string)
        fail(b.offset, what + " cannot give a quoted string",
             "a number, a date, a code or a condition");
      copy_type(result, b);
      return;
    }
    if (b.type == btype::string) {
      if (!coerce(b, result, true) || b.type == btype::string)
        fail(b.offset, what + " cannot give a quoted string here",
             "a value of the same kind as " + describe(result));
    }
    const btype x = result.type, y = b.type;
    if (numeric(x) && numeric(y)) {
      result.type = x == btype::boolean && y == btype::boolean ? btype::boolean : btype::number;
      return;
    }
    if (dated(x) && dated(y)) {
      result.type = x == btype::date && y == btype::date ? btype::date : btype::date_time;
      return;
    }
    const bool same_codes = (x == btype::code || x == btype::code_set) && x == y &&
                            result.codes == b.codes && result.dict_column == b.dict_column;
    const bool same_rows = x == btype::row && y == btype::row && result.row_table == b.row_table;
    if (same_codes || same_rows) return;
    if (x == btype::text || y == btype::text)
      fail(b.offset, what + " cannot give text", "a number, a date, a code or a condition");
    fail(b.offset, what + " mixes " + describe(result) + " and " + describe(b),
         "values of the same kind");
  }

  // The first argument may be a string literal typed by the second, and vice versa.
  static void settle_strings(bnode& result, std::vector<bnode_ptr>& args, const std::string& what) {
    for (auto& a : args)
      if (a->type != btype::string) unify(result, *a, what);
    for (auto& a : args)
      if (a->type == btype::string) unify(result, *a, what);
  }

  void arity(const node& n, std::size_t min, std::size_t max) {
    const std::size_t got = n.args.size();
    if (got >= min && got <= max) return;
    std::string want = min == max ? std::to_string(min)
                       : max == static_cast<std::size_t>(-1)
                           ? "at least " + std::to_string(min)
                           : std::to_string(min) + " or " + std::to_string(max);
    fail(n.offset,
         n.text + "() takes " + want + (min == 1 && max == 1 ? " argument" : " arguments") +
             ", got " + std::to_string(got),
         want + (min == 1 && max == 1 ? " argument" : " arguments"));
  }

  // A date argument of the d2:*Between functions: a date or date-time, or a quoted date.
  bnode_ptr date_argument(const node& n, const scope& s, const std::string& what, bool need_time) {
    bnode_ptr b = bind(n, s);
    if (b->type == btype::string) {
      const auto t = parse_iso_date_time(b->str);
      if (!t)
        fail(b->offset, quoted(b->str) + " is not a date",
             need_time ? "a date-time 'YYYY-MM-DDTHH:MM'" : "a date 'YYYY-MM-DD'");
      b->type = t->minute == no_minute ? btype::date : btype::date_time;
      b->value = t->day;
      b->minute = t->minute;
    }
    if (b->type == btype::null) return b;
    if (need_time && b->type != btype::date_time)
      fail(b->offset, what + " needs date-times (dates with a time of day), got " + describe(*b),
           "a date-time column such as reported_date or emergency_date");
    if (!dated(b->type))
      fail(b->offset, what + " needs a date, got " + describe(*b),
           "a date column such as reported_date, a quoted date 'YYYY-MM-DD' or "
           "V{analytics_period_end}");
    return b;
  }

  bnode_ptr bind_call(const node& n, const scope& s) {
    const std::string& name = n.text;
    aggregate_kind kind;
    if (aggregate_kind_of(name, kind)) return bind_aggregate(n, s, kind);
    auto args_of = [&](const scope& sc) {
      std::vector<bnode_ptr> v;
      for (const auto& a : n.args) v.push_back(bind(*a, sc));
      return v;
    };
    if (name == "if") {
      arity(n, 3, 3);
      bnode_ptr c = bind_condition(*n.args[0], s, "if()'s condition");
      return make_if(std::move(c), bind(*n.args[1], s), bind(*n.args[2], s), n.offset);
    }
    if (name == "d2:condition") {
      arity(n, 3, 3);
      const node& quoted_text = *n.args[0];
      if (quoted_text.kind != node_kind::string)
        fail(quoted_text.offset, "d2:condition() takes its condition as a quoted expression",
             "d2:condition('x > 1', a, b)");
      if (++conditions_ > max_conditions)
        fail(n.offset, "d2:condition() is nested too deeply",
             "at most " + std::to_string(max_conditions) + " levels of d2:condition");
      node_ptr inner;
      const std::size_t base = quoted_text.offset + 1;
      try {
        inner = parse(quoted_text.text);
      } catch (located_error& e) {
        e.offset += base;
        throw;
      }
      shift_offsets(*inner, base);
      bnode_ptr c = bind_condition(*inner, s, "d2:condition()'s condition");
      --conditions_;
      return make_if(std::move(c), bind(*n.args[1], s), bind(*n.args[2], s), n.offset);
    }
    if (name == "is") return bind_is(n, s);
    if (name == "isNull" || name == "isNotNull" || name == "d2:hasValue") {
      arity(n, 1, 1);
      scope inner = s;
      inner.null_testing = true;
      bnode_ptr a = bind(*n.args[0], inner);
      if (a->type == btype::string) a->type = btype::text;  // a literal is never null
      return finish(operation(name == "isNull" ? op::is_null : op::is_not_null, btype::boolean,
                              n.offset, list(std::move(a))));
    }
    if (name == "firstNonNull") {
      scope inner = s;
      inner.null_testing = true;
      auto args = args_of(inner);
      auto result = operation(op::first_non_null, btype::null, n.offset, {});
      settle_strings(*result, args, "firstNonNull()");
      if (result->type == btype::text)
        fail(n.offset, "firstNonNull() cannot give text", "numbers, dates, codes or conditions");
      result->args = std::move(args);
      if (result->args.empty()) return constant(btype::null, n.offset, 0, false);
      return finish(std::move(result));
    }
    if (name == "greatest" || name == "least") {
      auto args = args_of(s);
      auto result =
          operation(name == "greatest" ? op::greatest : op::least, btype::null, n.offset, {});
      settle_strings(*result, args, name + "()");
      if (!numeric(result->type) && !dated(result->type))
        fail(n.offset, name + "() needs numbers or dates, got " + describe(*result),
             "numbers or dates");
      if (result->type == btype::boolean) result->type = btype::number;
      result->args = std::move(args);
      if (result->args.empty()) return constant(btype::null, n.offset, 0, false);
      return finish(std::move(result));
    }
    if (name == "log" || name == "log10" || name == "d2:zing" || name == "d2:oizp") {
      if (name == "log")
        arity(n, 1, 2);
      else
        arity(n, 1, 1);
      auto args = args_of(s);
      for (const auto& a : args) require_number(*a, name + "()");
      const op o = name == "log"       ? op::log
                   : name == "log10"   ? op::log10
                   : name == "d2:zing" ? op::zing
                                       : op::oizp;
      return finish(operation(o, btype::number, n.offset, std::move(args)));
    }
    static const std::pair<std::string_view, op> between[] = {
        {"d2:daysBetween", op::days_between},
        {"d2:weeksBetween", op::weeks_between},
        {"d2:monthsBetween", op::months_between},
        {"d2:yearsBetween", op::years_between},
        {"d2:minutesBetween", op::minutes_between},
        {"d2:hoursBetween", op::hours_between},
        {"d2:workingDaysBetween", op::working_days_between}};
    for (const auto& [fname, o] : between) {
      if (name != fname) continue;
      arity(n, 2, 2);
      const bool need_time = o == op::minutes_between || o == op::hours_between;
      if (o == op::working_days_between && s.cell)
        fail(n.offset, "d2:workingDaysBetween() works on rows (it needs the holidays)",
             "d2:workingDaysBetween inside an aggregate or a row condition");
      bnode_ptr a = date_argument(*n.args[0], s, name + "()", need_time);
      bnode_ptr b = date_argument(*n.args[1], s, name + "()", need_time);
      return finish(operation(o, btype::number, n.offset, list(std::move(a), std::move(b))));
    }
    if (name == "contains" || name == "containsAny") {
      arity(n, 2, static_cast<std::size_t>(-1));
      bnode_ptr set = bind(*n.args[0], s);
      if (set->type != btype::code_set)
        fail(set->offset, name + "() needs a multi-valued code column, got " + describe(*set),
             "a multi-valued column such as concerns, concern_groups, topics or audiences");
      code_set mask = 0;
      for (std::size_t i = 1; i < n.args.size(); ++i) {
        const node& c = *n.args[i];
        if (c.kind != node_kind::string)
          fail(c.offset, name + "() takes quoted codes after the column",
               "a quoted code of " + std::string(set->codes->name()));
        bnode literal;
        literal.offset = c.offset;
        literal.str = c.text;
        mask |= code_set{1} << static_cast<unsigned>(
                    code_position(*set->codes, literal, set->codes->name()));
      }
      op o = name == "contains" ? op::contains_all : op::contains_any;
      // Groups of concerns are read as the concerns of those groups: one mask test per row.
      const bool one_group = (mask & (mask - 1)) == 0;
      if (set->o == op::column &&
          all_columns[static_cast<std::size_t>(set->column)].kind == storage::concern_groups &&
          (o == op::contains_any || one_group)) {
        code_set concerns = 0;
        for (std::size_t c = 0; c < codes::concern().size(); ++c)
          if (mask & (code_set{1} << codes::group_of_concern(static_cast<code>(c))))
            concerns |= code_set{1} << c;
        set->column = find_column(table_id::cases, "concerns");
        set->codes = &codes::concern();
        mask = concerns;
        o = op::contains_any;
      }
      auto r = operation(o, btype::boolean, n.offset, list(std::move(set)));
      r->mask = mask;
      return r;
    }
    if (name == "exists") return bind_exists(n, s);
    for (const char* r : rejected_functions)
      if (name == r)
        fail(n.offset, "the DHIS2 function " + name + "() is not supported in safeguard v1",
             "one of: " + join(known_functions));
    fail(n.offset, "unknown function " + quoted(name) + suggest(name, known_functions),
         "one of: " + join(known_functions));
  }

  bnode_ptr make_if(bnode_ptr c, bnode_ptr a, bnode_ptr b, std::size_t at) {
    auto r = operation(op::if_, btype::null, at, {});
    std::vector<bnode_ptr> branches = list(std::move(a), std::move(b));
    settle_strings(*r, branches, "if()");
    if (r->type == btype::text)
      fail(at, "if() cannot give text", "numbers, dates, codes or conditions");
    r->args = list(std::move(c), std::move(branches[0]), std::move(branches[1]));
    return finish(std::move(r));
  }

  bnode_ptr bind_is(const node& n, const scope& s) {
    if (n.args.size() < 2)  // `is()`: the parser accepts an empty call of any function
      fail(n.offset, "is() needs a value and at least one candidate", "is(column in 'a', 'b')");
    bnode_ptr x = bind(*n.args[0], s);
    if (x->type == btype::string)
      fail(x->offset, "is() tests a value, not a quoted string", "is(column in 'a', 'b')");
    if (x->type == btype::code_set)
      fail(x->offset, "is() cannot test a multi-valued column", "containsAny(x, 'a', 'b')");
    std::vector<bnode_ptr> cands;
    for (std::size_t i = 1; i < n.args.size(); ++i) cands.push_back(bind(*n.args[i], s));
    if (x->type == btype::null) return constant(btype::boolean, n.offset, 0, false);
    const bool string_set =
        (x->type == btype::code && !x->codes) || x->type == btype::text || x->type == btype::row;
    bool constant_set = true;
    auto r = operation(op::is_in, btype::boolean, n.offset, {});
    for (auto& c : cands) {
      if (c->type == btype::null) {
        r->null_candidate = true;
        continue;
      }
      if (c->type == btype::string && string_set) {
        coerce(*c, *x, true);  // checks that the row's table has codes
        r->strs.push_back(c->str);
        continue;
      }
      if (c->type == btype::string) coerce(*c, *x, true);
      // A date-time candidate compares to the minute, which the set of days cannot: == does.
      const bool to_the_minute = x->type == btype::date_time && c->type == btype::date_time;
      if (!is_constant(*c) || string_set || to_the_minute) {
        constant_set = false;
        break;
      }
      // A constant of the value's kind: check it as == would.
      bnode_ptr probe = leaf(op::constant, x->type, x->offset);
      copy_type(*probe, *x);
      probe->valid = true;
      bnode_ptr copy = constant(c->type, c->offset, c->value, c->valid);
      copy_type(*copy, *c);
      compare(binary_op::equal, std::move(probe), std::move(copy), c->offset);
      r->numbers.push_back(c->value);
    }
    if (constant_set) {
      r->set = x->type == btype::text                  ? set_kind::text
               : x->type == btype::row                 ? set_kind::row_code
               : (x->type == btype::code && !x->codes) ? set_kind::dictionary
                                                       : set_kind::numbers;
      r->args = list(std::move(x));
      return finish(std::move(r));
    }
    // Candidates that are not constants: x == a || x == b || ...
    bnode_ptr result;
    for (std::size_t i = 1; i < n.args.size(); ++i) {
      bnode_ptr eq =
          compare(binary_op::equal, bind(*n.args[0], s), bind(*n.args[i], s), n.args[i]->offset);
      result = result ? finish(operation(op::logical_or, btype::boolean, n.offset,
                                         list(std::move(result), std::move(eq))))
                      : std::move(eq);
    }
    return result;
  }

  bnode_ptr bind_exists(const node& n, const scope& s) {
    arity(n, 1, 2);
    if (s.cell)
      fail(n.offset, "exists() works on rows: it cannot stand outside an aggregate",
           "exists(...) in the indicator's where condition");
    const node& r = *n.args[0];
    struct choice {
      table_id from;
      std::string_view name;
      table_id to;
      relation_kind kind;
    };
    static const choice choices[] = {
        {table_id::cases, "services", table_id::services, relation_kind::case_services},
        {table_id::children, "cases", table_id::cases, relation_kind::child_cases},
        {table_id::children, "services", table_id::services, relation_kind::child_services},
        {table_id::children, "circumstances", table_id::circumstances,
         relation_kind::child_episodes},
        {table_id::agencies, "activities", table_id::activities, relation_kind::agency_activities}};
    std::vector<std::string_view> valid;
    for (const choice& c : choices)
      if (c.from == s.table) valid.push_back(c.name);
    const std::string here(table_name(s.table));
    const std::string expected = valid.empty()
                                     ? "exists() is available over cases, children and agencies"
                                     : "the related rows of " + here + ": " + join(valid);
    if (r.kind != node_kind::item || r.path.size() != 1)
      fail(r.offset, "exists() needs the related table as its first argument", expected);
    for (const choice& c : choices) {
      if (c.from != s.table || r.path[0] != c.name) continue;
      auto e = operation(op::exists, btype::boolean, n.offset, {});
      e->relation = c.kind;
      if (n.args.size() == 2) {
        scope inner = s;
        inner.table = c.to;
        e->args.push_back(bind_condition(*n.args[1], inner, "exists()'s condition"));
      }
      return e;
    }
    fail(r.offset, quoted(r.path[0]) + " is not a table related to " + here, expected);
  }

  bnode_ptr bind_aggregate(const node& n, const scope& s, aggregate_kind kind) {
    const std::string& name = n.text;
    if (s.in_aggregate)
      fail(n.offset, "aggregates cannot be nested: " + name + "() is inside another aggregate",
           "a row expression inside the aggregate");
    if (!s.cell || !terms_)
      fail(n.offset, "the aggregate " + name + "() cannot be used in a row condition",
           "a condition on one row's columns; aggregates belong in the indicator's value");
    if (n.distinct && kind == aggregate_kind::count) kind = aggregate_kind::count_distinct;
    const scope row{s.table, false, true, false};
    pending_term t;
    t.kind = kind;
    bnode_ptr argument;
    std::string key = std::to_string(static_cast<int>(kind)) + ":";
    if (kind == aggregate_kind::units_reached) {
      arity(n, 1, 1);
      bnode_ptr level = bind(*n.args[0], s);
      if (!is_constant(*level) || level->type != btype::number || !level->valid ||
          level->value < 1 || level->value > 255 || level->value != std::floor(level->value))
        fail(n.args[0]->offset, "unitsReached() needs a level: a whole number from 1",
             "e.g. unitsReached(2) for the second level (districts)");
      if (s.table == table_id::holidays)
        fail(n.offset, "unitsReached() needs rows placed at an org unit; holidays have none",
             "a table with an org_unit");
      t.level = static_cast<int>(level->value);
      key += std::to_string(t.level);
    } else if (kind == aggregate_kind::percentile) {
      arity(n, 2, 2);
      bnode_ptr p = bind(*n.args[0], scope{s.table, true, false, false});
      if (!is_constant(*p) || p->type != btype::number || !p->valid || p->value < 0 || p->value > 1)
        fail(n.args[0]->offset, "percentileCont() needs a fraction from 0 to 1 first",
             "e.g. percentileCont(0.9, x)");
      t.percentile = p->value;
      argument = bind(*n.args[1], row);
      require_number(*argument, name + "()");
      key += std::to_string(t.percentile) + ":" + to_string(*n.args[1]);
    } else {
      arity(n, 1, 1);
      argument = bind(*n.args[0], row);
      if (kind == aggregate_kind::count_distinct && argument->type == btype::text)
        fail(argument->offset, "count(distinct ...) of text is not supported",
             "a code, a number, a date or an identifier");
      if (kind != aggregate_kind::count && kind != aggregate_kind::count_distinct)
        require_number(*argument, name);
      if (argument->type == btype::string) argument->type = btype::text;
      key += to_string(*n.args[0]);
    }
    std::uint32_t index = 0;
    while (index < terms_->size() && (*terms_)[index].key != key) ++index;
    if (index == terms_->size()) {
      if (argument) {
        if (argument->type == btype::boolean && kind != aggregate_kind::count &&
            kind != aggregate_kind::count_distinct)
          argument->type = btype::number;
        t.argument = finalize(std::move(argument), s.table);
      }
      t.key = key;
      terms_->push_back(std::move(t));
    }
    auto ref = leaf(op::aggregate_ref, btype::number, n.offset);
    ref->term = index;
    ref->null_testing = s.null_testing;
    return ref;
  }

  // Each quoted condition is parsed with a fresh nesting budget, so their nesting is bounded
  // separately to keep binding's recursion bounded.
  static constexpr int max_conditions = 4;
  int conditions_ = 0;
  std::vector<pending_term>* terms_;
};

}  // namespace
}  // namespace detail

row_expression expression_compiler::compile_row(std::string_view text, table_id table) {
  try {
    const detail::node_ptr ast = detail::parse(text);
    detail::binder b(nullptr);
    detail::bnode_ptr root = b.bind(*ast, detail::scope{table, false, false, false});
    if (root->type == detail::btype::string)
      detail::fail(root->offset, "a quoted string alone is not a value of a row",
                   "a column, a number or a condition");
    row_expression r;
    r.impl_ = detail::finalize(std::move(root), table);
    return r;
  } catch (const detail::located_error& e) {
    detail::throw_expression_error(text, e);
  }
}

side_expression expression_compiler::compile_side(std::string_view text, table_id table) {
  try {
    const detail::node_ptr ast = detail::parse(text);
    std::vector<detail::pending_term> pending;
    detail::binder b(&pending);
    detail::bnode_ptr cell = b.bind(*ast, detail::scope{table, true, false, false});
    if (pending.empty())
      detail::fail(ast->offset, "the value has no aggregate",
                   "an aggregate of rows such as count(...) or sum(...)");
    if (!detail::numeric(cell->type))
      detail::fail(ast->offset, "a value must be a number, got " + detail::describe(*cell),
                   "arithmetic on aggregates, e.g. sum(participants) / count(activity_id)");
    side_expression side;
    side.table_ = table;
    side.cell_ = detail::finalize(std::move(cell), table);
    for (auto& p : pending) {
      aggregate_term t;
      t.kind = p.kind;
      t.argument.impl_ = std::move(p.argument);
      t.percentile = p.percentile;
      t.level = p.level;
      side.aggregates_.push_back(std::move(t));
    }
    return side;
  } catch (const detail::located_error& e) {
    detail::throw_expression_error(text, e);
  }
}

}  // namespace safeguard::engine
