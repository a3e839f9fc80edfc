// Data-quality rules over a loaded dataset. One pass per table; a row costs a few integer
// comparisons (and array lookups into the table it refers to), and only a finding that is
// kept builds strings. Rules are listed once, in `rules`, and referred to by position.
#include "safeguard/io/validate.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

#include <fmt/format.h>

#include "safeguard/hierarchy/hierarchy.hpp"

namespace safeguard::io {

namespace {

enum rule : int {
  r_registered_before_birth,
  r_exit_before_registration,
  r_registered_aged_18,
  r_on_register_at_18,
  r_episode_ends_before_start,
  r_episode_before_registration,
  r_episode_after_exit,
  r_incident_after_report,
  r_assessed_before_report,
  r_plan_before_assessment,
  r_closed_before_plan,
  r_closed_before_report,
  r_report_before_birth,
  r_emergency_before_report,
  r_case_aged_18,
  r_service_before_report,
  r_activity_ends_before_start,
  r_plan_ends_before_start,
  r_target_unit_outside_plan,
  r_target_period_outside_plan,
  rule_count_
};

constexpr std::string_view children_csv = "children.csv";
constexpr std::string_view circumstances_csv = "circumstances.csv";
constexpr std::string_view cases_csv = "cases.csv";
constexpr std::string_view services_csv = "services.csv";
constexpr std::string_view activities_csv = "activities.csv";
constexpr std::string_view plans_csv = "plans.csv";
constexpr std::string_view targets_csv = "targets.csv";

// In the order of `enum rule`, which is also id order.
const std::vector<validation_rule>& rule_table() {
  static const std::vector<validation_rule> table = {
      {"SG301", severity::warning, children_csv, "registered_date before birth_date"},
      {"SG302", severity::error, children_csv, "exit_date before registered_date"},
      {"SG303", severity::warning, children_csv, "registered at age 18 or more"},
      {"SG304", severity::warning, children_csv, "on the register on their 18th birthday"},
      {"SG310", severity::error, circumstances_csv, "end_date before start_date"},
      {"SG311", severity::warning, circumstances_csv,
       "episode starts before the child's registered_date"},
      {"SG312", severity::warning, circumstances_csv,
       "episode starts on or after the child's exit_date"},
      {"SG320", severity::warning, cases_csv, "incident_date after reported_date"},
      {"SG321", severity::warning, cases_csv, "assessed_date before reported_date"},
      {"SG322", severity::warning, cases_csv, "plan_date before assessed_date"},
      {"SG323", severity::warning, cases_csv, "closed_date before plan_date"},
      {"SG324", severity::error, cases_csv, "closed_date before reported_date"},
      {"SG325", severity::warning, cases_csv, "reported_date before the child's birth"},
      {"SG326", severity::warning, cases_csv, "emergency_date before reported_date"},
      {"SG327", severity::warning, cases_csv, "child aged 18 or more at reported_date"},
      {"SG330", severity::warning, services_csv, "service date before the case's reported_date"},
      {"SG340", severity::error, activities_csv, "end_date before start_date"},
      {"SG350", severity::error, plans_csv, "end_date before start_date"},
      {"SG360", severity::warning, targets_csv, "org_unit outside the plan's unit"},
      {"SG361", severity::warning, targets_csv, "period outside the plan's span"},
  };
  return table;
}

// The first day on which age_in_years(birth, day) is 18: the same month and day 18 years
// on, or 1 March for a 29 February birth in a common year (calendar.hpp's birthday rule).
day_number eighteenth_birthday(day_number birth) noexcept {
  const civil_date b = to_civil(birth);
  const int year = b.year + 18;
  if (b.month == 2 && b.day == 29 && !is_leap_year(year)) return to_day_number({year, 3, 1});
  return to_day_number({year, b.month, b.day});
}

// Eighteen years hold at least 18 × 365 + 4 days: below that no one turns 18, which spares
// the civil-date arithmetic for nearly every row.
constexpr day_number min_days_to_18 = 18 * 365 + 4;

bool could_be_18(day_number birth, day_number day) noexcept {
  return static_cast<std::int64_t>(day) - birth >= min_days_to_18;
}

std::string date(day_number d) { return format_iso_date(d); }

constexpr std::uint64_t line_of(std::size_t row) noexcept { return row + 2; }

class collector {
 public:
  explicit collector(std::size_t cap) : cap_(cap) {}

  /// Counts a finding of `r`; true when it is to be kept (then call add).
  bool hit(rule r) noexcept {
    ++count_[r];
    if (kept_[r] >= cap_) return false;
    ++kept_[r];
    return true;
  }

  void add(rule r, std::size_t row, std::string_view record_id, std::string message) {
    const validation_rule& info = rule_table()[static_cast<std::size_t>(r)];
    finding f;
    f.rule = std::string(info.id);
    f.level = info.level;
    f.table = std::string(info.table);
    f.line = line_of(row);
    f.record_id = std::string(record_id);
    f.message = std::move(message);
    findings_.push_back(std::move(f));
  }

  void finish(validation_report& report) {
    report.findings = std::move(findings_);
    for (int r = 0; r < rule_count_; ++r)
      if (count_[r] > 0)
        report.counts.push_back(
            {std::string(rule_table()[static_cast<std::size_t>(r)].id), count_[r], kept_[r]});
  }

 private:
  std::size_t cap_;
  std::array<std::uint64_t, rule_count_> count_{};
  std::array<std::uint64_t, rule_count_> kept_{};
  std::vector<finding> findings_;
};

// A table whose columns differ in length is not a dataset any loader builds.
void check_lengths(std::string_view table, std::size_t rows,
                   std::initializer_list<std::size_t> sizes) {
  for (std::size_t s : sizes)
    if (s != rows)
      throw error(fmt::format("validate: the columns of {} have different lengths ({} and {})",
                              table, rows, s));
}

// True for a valid reference into a table of `size` rows, false for a missing one; throws for
// one past the end (or negative other than "missing"), which a loader never produces.
template <class Index>
bool present(Index i, std::size_t size, std::string_view table, std::string_view column) {
  if (i.value == -1) return false;
  if (i.value < 0 || static_cast<std::size_t>(i.value) >= size)
    throw error(
        fmt::format("validate: {} column {} holds a row index out of range", table, column));
  return true;
}

void check_children(const child_table& t, day_number as_of, collector& c) {
  const std::size_t n = t.size();
  check_lengths(children_csv, n,
                {t.birth_date.size(), t.registered_date.size(), t.exit_date.size()});
  for (std::size_t i = 0; i < n; ++i) {
    const day_number birth = t.birth_date[i];
    const day_number reg = t.registered_date[i];
    const day_number exit = t.exit_date[i];
    if (birth != no_day && reg != no_day && reg < birth && c.hit(r_registered_before_birth))
      c.add(r_registered_before_birth, i, t.id[i],
            fmt::format("registered_date {} is before the child's birth_date", date(reg)));
    if (reg != no_day && exit != no_day && exit < reg && c.hit(r_exit_before_registration))
      c.add(r_exit_before_registration, i, t.id[i],
            fmt::format("exit_date {} is before registered_date {}", date(exit), date(reg)));
    if (birth == no_day || reg == no_day) continue;
    // The last day the child was on the register (or is, up to as_of).
    const day_number last = exit != no_day ? exit : as_of;
    if (!could_be_18(birth, std::max(reg, last == no_day ? reg : last))) continue;
    const day_number turns_18 = eighteenth_birthday(birth);
    if (reg >= turns_18) {
      if (c.hit(r_registered_aged_18))
        c.add(r_registered_aged_18, i, t.id[i],
              fmt::format("registered_date {}: the child was already 18 or older", date(reg)));
    } else if (exit != no_day ? exit > turns_18 : (as_of != no_day && turns_18 <= as_of)) {
      // On the register at D when registered_date <= D < exit_date (data-format.md).
      if (c.hit(r_on_register_at_18))
        c.add(r_on_register_at_18, i, t.id[i],
              exit != no_day
                  ? fmt::format("exit_date {} is after the child's 18th birthday", date(exit))
                  : fmt::format("no exit_date, and the child turned 18 on or before {}",
                                date(as_of)));
    }
  }
}

void check_circumstances(const circumstance_table& t, const child_table& children, collector& c) {
  const std::size_t n = t.size();
  check_lengths(circumstances_csv, n, {t.start_date.size(), t.end_date.size()});
  for (std::size_t i = 0; i < n; ++i) {
    const day_number start = t.start_date[i];
    const day_number end = t.end_date[i];
    const bool has_child = present(t.child[i], children.size(), circumstances_csv, "child_id");
    const auto ch = static_cast<std::size_t>(t.child[i].value);
    const std::string_view id = has_child ? children.id[ch] : std::string_view();
    if (start != no_day && end != no_day && end < start && c.hit(r_episode_ends_before_start))
      c.add(r_episode_ends_before_start, i, id,
            fmt::format("end_date {} is before start_date {}", date(end), date(start)));
    if (!has_child || start == no_day) continue;
    const day_number reg = children.registered_date[ch];
    const day_number exit = children.exit_date[ch];
    if (reg != no_day && start < reg && c.hit(r_episode_before_registration))
      c.add(r_episode_before_registration, i, id,
            fmt::format("start_date {} is before the child's registered_date {} "
                        "(children.csv line {})",
                        date(start), date(reg), line_of(ch)));
    if (exit != no_day && start >= exit && c.hit(r_episode_after_exit))
      c.add(r_episode_after_exit, i, id,
            fmt::format("start_date {} is on or after the child's exit_date {} "
                        "(children.csv line {})",
                        date(start), date(exit), line_of(ch)));
  }
}

void check_cases(const case_table& t, const child_table& children, collector& c) {
  const std::size_t n = t.size();
  check_lengths(cases_csv, n,
                {t.child.size(), t.reported_date.size(), t.reported_minute.size(),
                 t.incident_date.size(), t.emergency_date.size(), t.emergency_minute.size(),
                 t.assessed_date.size(), t.plan_date.size(), t.closed_date.size()});
  for (std::size_t i = 0; i < n; ++i) {
    const day_number rep = t.reported_date[i];
    const day_number inc = t.incident_date[i];
    const day_number ass = t.assessed_date[i];
    const day_number plan = t.plan_date[i];
    const day_number closed = t.closed_date[i];
    const day_number em = t.emergency_date[i];
    const auto id = [&] { return t.id[i]; };
    if (rep != no_day && inc != no_day && inc > rep && c.hit(r_incident_after_report))
      c.add(r_incident_after_report, i, id(),
            fmt::format("incident_date {} is after reported_date {}", date(inc), date(rep)));
    if (rep != no_day && ass != no_day && ass < rep && c.hit(r_assessed_before_report))
      c.add(r_assessed_before_report, i, id(),
            fmt::format("assessed_date {} is before reported_date {}", date(ass), date(rep)));
    if (ass != no_day && plan != no_day && plan < ass && c.hit(r_plan_before_assessment))
      c.add(r_plan_before_assessment, i, id(),
            fmt::format("plan_date {} is before assessed_date {}", date(plan), date(ass)));
    if (plan != no_day && closed != no_day && closed < plan && c.hit(r_closed_before_plan))
      c.add(r_closed_before_plan, i, id(),
            fmt::format("closed_date {} is before plan_date {}", date(closed), date(plan)));
    if (rep != no_day && closed != no_day && closed < rep && c.hit(r_closed_before_report))
      c.add(r_closed_before_report, i, id(),
            fmt::format("closed_date {} is before reported_date {}", date(closed), date(rep)));
    const bool has_child = present(t.child[i], children.size(), cases_csv, "child_id");
    const day_number birth =
        has_child ? children.birth_date[static_cast<std::size_t>(t.child[i].value)] : no_day;
    if (rep != no_day && birth != no_day && rep < birth && c.hit(r_report_before_birth))
      c.add(r_report_before_birth, i, id(),
            fmt::format("reported_date {} is before the child's birth_date", date(rep)));
    if (rep != no_day && em != no_day) {
      // Minutes are compared only when both date-times have a time of day.
      const minute_of_day rm = t.reported_minute[i];
      const minute_of_day emm = t.emergency_minute[i];
      const bool before =
          em < rep || (em == rep && rm != no_minute && emm != no_minute && emm < rm);
      if (before && c.hit(r_emergency_before_report))
        c.add(r_emergency_before_report, i, id(),
              fmt::format("emergency_date {} is before reported_date {}",
                          format_iso_date_time({em, emm}), format_iso_date_time({rep, rm})));
    }
    if (rep != no_day && birth != no_day && rep >= birth && could_be_18(birth, rep) &&
        rep >= eighteenth_birthday(birth) && c.hit(r_case_aged_18))
      c.add(r_case_aged_18, i, id(),
            fmt::format("reported_date {}: the child was already 18 or older", date(rep)));
  }
}

void check_services(const service_table& t, const case_table& cases, collector& c) {
  const std::size_t n = t.size();
  check_lengths(services_csv, n, {t.date.size()});
  for (std::size_t i = 0; i < n; ++i) {
    const day_number d = t.date[i];
    if (d == no_day || !present(t.case_[i], cases.size(), services_csv, "case_id")) continue;
    const auto k = static_cast<std::size_t>(t.case_[i].value);
    const day_number rep = cases.reported_date[k];
    if (rep != no_day && d < rep && c.hit(r_service_before_report))
      c.add(r_service_before_report, i, cases.id[k],
            fmt::format("date {} is before the case's reported_date {} (cases.csv line {})",
                        date(d), date(rep), line_of(k)));
  }
}

template <class Table>
void check_span(const Table& t, std::string_view table, rule r, collector& c) {
  const std::size_t n = t.size();
  check_lengths(table, n, {t.start_date.size(), t.end_date.size()});
  for (std::size_t i = 0; i < n; ++i) {
    const day_number start = t.start_date[i];
    const day_number end = t.end_date[i];
    if (start != no_day && end != no_day && end < start && c.hit(r))
      c.add(r, i, t.id[i],
            fmt::format("end_date {} is before start_date {}", date(end), date(start)));
  }
}

void check_targets(const dataset& data, collector& c) {
  const target_table& t = data.targets;
  const plan_table& plans = data.plans;
  const std::size_t n = t.size();
  if (n == 0) return;
  check_lengths(targets_csv, n, {t.org_unit.size(), t.period_start.size(), t.period_end.size()});
  check_lengths(plans_csv, plans.size(), {plans.org_unit.size()});
  const hierarchy tree(data.org_units);
  const std::size_t units = data.org_units.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!present(t.plan[i], plans.size(), targets_csv, "plan_id")) continue;
    const auto p = static_cast<std::size_t>(t.plan[i].value);
    const std::string_view id = plans.id[p];
    const org_unit_index unit = t.org_unit[i];
    const org_unit_index plan_unit = plans.org_unit[p];
    if (present(unit, units, targets_csv, "org_unit") &&
        present(plan_unit, units, plans_csv, "org_unit") &&
        !tree.is_ancestor_or_self(plan_unit, unit) && c.hit(r_target_unit_outside_plan))
      c.add(r_target_unit_outside_plan, i, id,
            fmt::format("org_unit {} is neither the plan's org_unit {} nor a unit under it",
                        data.org_units.code[static_cast<std::size_t>(unit.value)],
                        data.org_units.code[static_cast<std::size_t>(plan_unit.value)]));
    const day_number ps = t.period_start[i];
    const day_number pe = t.period_end[i];
    const day_number start = plans.start_date[p];
    const day_number end = plans.end_date[p];
    if (ps == no_day || pe == no_day || start == no_day || end == no_day) continue;
    if ((ps < start || pe > end) && c.hit(r_target_period_outside_plan)) {
      const std::string_view text = t.period[i];
      c.add(r_target_period_outside_plan, i, id,
            fmt::format("period {}({}..{}) is not within the plan's span {}..{}",
                        text.empty() ? std::string() : std::string(text) + " ", date(ps), date(pe),
                        date(start), date(end)));
    }
  }
}

// The latest date of the children's own records (not plans or activities, whose dates may
// lie in the future): the day the data describes, when the caller does not say.
day_number latest_record_date(const dataset& d) {
  day_number latest = no_day;
  const auto scan = [&](const std::vector<day_number>& column) {
    // no_day is the smallest int32, so a plain max skips it.
    for (const day_number v : column) latest = std::max(latest, v);
  };
  scan(d.children.registered_date);
  scan(d.children.exit_date);
  scan(d.circumstances.start_date);
  scan(d.circumstances.end_date);
  scan(d.cases.reported_date);
  scan(d.cases.closed_date);
  scan(d.services.date);
  return latest;
}

}  // namespace

std::string finding::to_string() const {
  std::string out = table.empty() ? std::string("<input>") : table;
  if (line > 0) out += ':' + std::to_string(line);
  out += level == severity::error ? ": error " : ": warning ";
  out += rule;
  out += ": ";
  out += message;
  if (!record_id.empty()) {
    out += " (record ";
    out += record_id;
    out += ')';
  }
  return out;
}

const std::vector<validation_rule>& validation_rules() { return rule_table(); }

const validation_rule* find_validation_rule(std::string_view id) noexcept {
  for (const validation_rule& r : rule_table())
    if (r.id == id) return &r;
  return nullptr;
}

std::uint64_t validation_report::total() const noexcept {
  std::uint64_t sum = 0;
  for (const rule_count& r : counts) sum += r.count;
  return sum;
}

std::uint64_t validation_report::count(std::string_view rule) const noexcept {
  for (const rule_count& r : counts)
    if (r.rule == rule) return r.count;
  return 0;
}

validation_report validate(const dataset& data, const validation_options& options) {
  validation_report report;
  report.as_of = options.as_of != no_day ? options.as_of : latest_record_date(data);
  collector c(options.max_findings_per_rule);
  const std::uint64_t total = data.children.size() + data.circumstances.size() + data.cases.size() +
                              data.services.size() + data.activities.size() + data.plans.size() +
                              data.targets.size();
  std::uint64_t done = 0;
  const auto progress = [&](std::size_t rows) {
    done += rows;
    if (options.progress) options.progress("validating", done, total);
  };
  check_children(data.children, report.as_of, c);
  progress(data.children.size());
  check_circumstances(data.circumstances, data.children, c);
  progress(data.circumstances.size());
  check_cases(data.cases, data.children, c);
  progress(data.cases.size());
  check_services(data.services, data.cases, c);
  progress(data.services.size());
  check_span(data.activities, activities_csv, r_activity_ends_before_start, c);
  progress(data.activities.size());
  check_span(data.plans, plans_csv, r_plan_ends_before_start, c);
  progress(data.plans.size());
  check_targets(data, c);
  progress(data.targets.size());
  c.finish(report);
  return report;
}

}  // namespace safeguard::io
