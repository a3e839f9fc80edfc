// The data model: every table of the dataset format (spec: data-format.md) as columns.
// Dates are day numbers (date-times keep a minute of day), codes are positions in their code
// list, multi-valued codes are bit sets, open code lists (ethnicity, programme) are
// dictionary-encoded, and identifiers are resolved to row indices at load, so that a case's
// child or an activity's agency is an array lookup. Identifiers themselves are kept only to
// round-trip the data and to name a row in a load error; no output ever shows them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/model/calendar.hpp"
#include "safeguard/model/codes.hpp"

namespace safeguard {

/// A row position in one table. Distinct tag types make mixing tables a compile error:
/// a `child_index` cannot be passed where a `case_index` is expected.
template <class Tag>
struct row_index {
  std::int32_t value = -1;
  constexpr row_index() = default;
  constexpr explicit row_index(std::int32_t v) : value(v) {}
  constexpr bool valid() const noexcept { return value >= 0; }
  friend constexpr bool operator==(row_index a, row_index b) { return a.value == b.value; }
  friend constexpr bool operator!=(row_index a, row_index b) { return a.value != b.value; }
  friend constexpr bool operator<(row_index a, row_index b) { return a.value < b.value; }
};

struct org_unit_tag {};
struct agency_tag {};
struct child_tag {};
struct case_tag {};
struct plan_tag {};
using org_unit_index = row_index<org_unit_tag>;
using agency_index = row_index<agency_tag>;
using child_index = row_index<child_tag>;
using case_index = row_index<case_tag>;
using plan_index = row_index<plan_tag>;

/// A 0/1 column value; `no_flag` when the cell was empty.
using flag = std::int8_t;
inline constexpr flag no_flag = -1;

/// Many strings in one buffer: row i is bytes[offsets[i], offsets[i+1]).
class string_column {
 public:
  std::size_t size() const noexcept { return offsets_.size() - 1; }
  bool empty() const noexcept { return size() == 0; }
  std::string_view operator[](std::size_t i) const noexcept {
    return std::string_view(bytes_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  void push_back(std::string_view s) {
    bytes_.append(s.data(), s.size());
    offsets_.push_back(bytes_.size());
  }
  void reserve(std::size_t rows, std::size_t bytes) {
    offsets_.reserve(rows + 1);
    bytes_.reserve(bytes);
  }
  void clear() {
    bytes_.clear();
    offsets_.assign(1, 0);
  }
  const std::string& bytes() const noexcept { return bytes_; }
  const std::vector<std::uint64_t>& offsets() const noexcept { return offsets_; }
  std::string& mutable_bytes() noexcept { return bytes_; }
  std::vector<std::uint64_t>& mutable_offsets() noexcept { return offsets_; }

 private:
  std::string bytes_;
  std::vector<std::uint64_t> offsets_{0};
};

/// An open code list (ethnicity, programme): the distinct codes seen, in first-seen order.
/// Columns hold positions in it, or `no_entry`.
struct dictionary {
  static constexpr std::int32_t no_entry = -1;
  std::vector<std::string> values;
};

/// org_units.csv — the administrative hierarchy.
struct org_unit_table {
  string_column code;
  string_column name;
  std::vector<org_unit_index> parent;  ///< invalid for a root
  std::vector<safeguard::code> kind;   ///< codes::org_unit_kind(), or no_code
  std::size_t size() const noexcept { return code.size(); }
};

/// population.csv — children by unit, year, sex and age.
struct population_table {
  std::vector<org_unit_index> org_unit;
  std::vector<std::int16_t> year;
  std::vector<code> sex;            ///< codes::sex(): f or m
  std::vector<std::uint8_t> age;    ///< 0..17
  std::vector<std::int64_t> count;
  std::size_t size() const noexcept { return org_unit.size(); }
};

/// agencies.csv.
struct agency_table {
  string_column code;
  string_column name;
  std::vector<safeguard::code> kind;  ///< codes::agency_kind()
  std::vector<org_unit_index> org_unit;
  std::size_t size() const noexcept { return code.size(); }
};

/// children.csv — children known to the child-protection system.
struct child_table {
  string_column id;
  std::vector<day_number> birth_date;
  std::vector<code> sex;                  ///< codes::sex()
  std::vector<org_unit_index> org_unit;
  std::vector<std::int32_t> ethnicity;    ///< into `ethnicities`, or dictionary::no_entry
  dictionary ethnicities;
  std::vector<flag> disability;           ///< 0, 1 or no_flag
  std::vector<day_number> registered_date;
  std::vector<day_number> exit_date;      ///< no_day while on the register
  std::vector<code> exit_reason;          ///< codes::exit_reason(), or no_code
  std::size_t size() const noexcept { return id.size(); }
};

/// circumstances.csv — special-circumstance and at-risk episodes.
struct circumstance_table {
  std::vector<child_index> child;
  std::vector<code> circumstance;         ///< codes::circumstance()
  std::vector<day_number> start_date;
  std::vector<day_number> end_date;       ///< no_day while it lasts
  std::size_t size() const noexcept { return child.size(); }
};

/// cases.csv — protection cases and injury incidents, one child per case.
struct case_table {
  string_column id;
  std::vector<child_index> child;
  std::vector<day_number> reported_date;
  std::vector<minute_of_day> reported_minute;   ///< no_minute when no time was given
  std::vector<code_set> concerns;               ///< over codes::concern(); never empty
  std::vector<org_unit_index> org_unit;
  std::vector<agency_index> lead_agency;        ///< invalid when empty
  std::vector<code> source, setting, perpetrator, level, risk, outcome;
  std::vector<day_number> incident_date;
  std::vector<day_number> emergency_date;
  std::vector<minute_of_day> emergency_minute;
  std::vector<day_number> assessed_date;
  std::vector<day_number> plan_date;
  std::vector<day_number> closed_date;
  std::vector<code> closure_reason;
  std::vector<flag> consent_reporting;          ///< 0 or 1; an empty cell loads as 1
  std::size_t size() const noexcept { return id.size(); }
};

/// services.csv — services and referrals given to a case.
struct service_table {
  std::vector<case_index> case_;
  std::vector<day_number> date;
  std::vector<code> service;                    ///< codes::service()
  std::vector<agency_index> agency;             ///< invalid when empty
  std::vector<flag> referred;                   ///< 0, 1 or no_flag
  std::size_t size() const noexcept { return case_.size(); }
};

/// activities.csv — what agencies do. Defaults of the spec are applied at load
/// (end_date = start_date, sessions = 1, participants = 0, child_participants = 0,
/// quantity = 1).
struct activity_table {
  string_column id;
  std::vector<agency_index> agency;
  std::vector<code> kind;                       ///< codes::activity_kind()
  std::vector<day_number> start_date;
  std::vector<day_number> end_date;
  std::vector<org_unit_index> org_unit;
  std::vector<code_set> topics;                 ///< over codes::topic()
  std::vector<code_set> audiences;              ///< over codes::audience()
  std::vector<std::int64_t> sessions, participants, child_participants, quantity;
  std::vector<std::int32_t> programme;          ///< into `programmes`, or no_entry
  dictionary programmes;
  std::size_t size() const noexcept { return id.size(); }
};

/// plans.csv — what agencies committed to.
struct plan_table {
  string_column id;
  std::vector<agency_index> agency;
  string_column title;
  std::vector<day_number> start_date;
  std::vector<day_number> end_date;
  std::vector<org_unit_index> org_unit;
  std::vector<std::int32_t> programme;          ///< into `programmes`, or no_entry
  dictionary programmes;
  std::size_t size() const noexcept { return id.size(); }
};

/// targets.csv. Defaults are applied at load: direction at_least, org_unit the plan's unit,
/// period the plan's span. `period` keeps the text as given (empty when defaulted);
/// `period_start`/`period_end` are the days it covers.
struct target_table {
  std::vector<plan_index> plan;
  string_column indicator;
  std::vector<double> value;
  std::vector<code> direction;                  ///< codes::direction()
  std::vector<org_unit_index> org_unit;
  string_column period;
  std::vector<day_number> period_start;
  std::vector<day_number> period_end;
  std::size_t size() const noexcept { return plan.size(); }
};

/// holidays.csv — public holidays (weekends are never working days).
struct holiday_table {
  std::vector<day_number> date;
  string_column name;
  std::size_t size() const noexcept { return date.size(); }
};

/// All tables of one dataset. Build it with io::load_dataset (or the generator, a snapshot,
/// or Python's from_pandas), all of which check the same rules; then call `index()` once.
struct dataset {
  org_unit_table org_units;
  population_table population;
  agency_table agencies;
  child_table children;
  circumstance_table circumstances;
  case_table cases;
  service_table services;
  activity_table activities;
  plan_table plans;
  target_table targets;
  holiday_table holidays;
};

}  // namespace safeguard
