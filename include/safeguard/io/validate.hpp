// Data-quality validation of a loaded dataset: the checks that do not stop a load (spec:
// data-format.md, "Dates that go backwards ... are data-quality findings, not load errors").
// Each rule has a stable id (SG301-SG399, docs/validation.md), a severity and one table it
// looks at; validate() runs one pass per table and reports every rule's findings, located by
// file, line and the row's id, with a message that names the columns and dates involved
// (never a child's birth date or name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/error.hpp"
#include "safeguard/model/calendar.hpp"
#include "safeguard/model/dataset.hpp"
#include "safeguard/progress.hpp"

namespace safeguard::io {

/// One data-quality problem of one row.
struct finding {
  std::string rule;                    ///< stable rule id, e.g. "SG320"
  severity level = severity::warning;  ///< error: the row cannot be right as given
  std::string table;                   ///< the table's file name, e.g. "cases.csv"
  /// The row index + 2 (the header is line 1), which is the row's line in a CSV file
  /// without quoted line breaks or blank lines; a row holding a quoted line break shifts
  /// the rows after it.
  std::uint64_t line = 0;
  /// The row's own id (case_id, child_id, activity_id, plan_id); for a table without an id
  /// the id of the row it refers to: child_id for circumstances.csv, case_id for
  /// services.csv, plan_id for targets.csv. Empty when that reference is missing.
  std::string record_id;
  std::string message;  ///< e.g. "incident_date 2024-03-05 is after ..."

  /// Compiler style, as diagnostics: `cases.csv:17: warning SG320: incident_date 2024-03-05
  /// is after reported_date 2024-03-01 (record C-17)`.
  std::string to_string() const;
};

/// A rule of validate(), for listings and documentation.
struct validation_rule {
  std::string_view id;  ///< e.g. "SG320"
  severity level;
  std::string_view table;    ///< the file whose rows it checks, e.g. "cases.csv"
  std::string_view summary;  ///< e.g. "incident_date after reported_date"
};

/// Every rule validate() applies, ordered by id (which is also table order).
const std::vector<validation_rule>& validation_rules();

/// The rule with this id, or nullptr.
const validation_rule* find_validation_rule(std::string_view id) noexcept;

/// How to validate.
struct validation_options {
  /// Findings kept per rule; the rest are only counted. 0 keeps none (counts only).
  std::size_t max_findings_per_rule = 1000;
  /// The day the data describes, for "still on the register on their 18th birthday" (a
  /// child without exit_date whose 18th birthday is on or before it). no_day (the default)
  /// takes the latest date of the children's records: registered_date and exit_date,
  /// circumstances' start_date and end_date, cases' reported_date and closed_date,
  /// services' date.
  day_number as_of = no_day;
  /// Called after each table with ("validating", rows done, total rows); may be empty.
  progress_callback progress;
};

/// How many findings one rule had.
struct rule_count {
  std::string rule;         ///< e.g. "SG320"
  std::uint64_t count = 0;  ///< every finding of the rule
  std::uint64_t kept = 0;   ///< of which are in validation_report::findings
};

/// What validate() found.
struct validation_report {
  /// Kept findings ordered by table (loading order), line, then rule id.
  std::vector<finding> findings;
  /// One entry per rule that found something, ordered by rule id.
  std::vector<rule_count> counts;
  /// The as_of day used (see validation_options::as_of); no_day when the dataset has no
  /// dated child record and none was given.
  day_number as_of = no_day;

  /// Every finding, kept or not.
  std::uint64_t total() const noexcept;
  /// Findings of one rule (0 for an unknown id or a rule that found nothing).
  std::uint64_t count(std::string_view rule) const noexcept;
  /// True when nothing was found.
  bool clean() const noexcept { return counts.empty(); }
};

/// Checks `data` against every rule of validation_rules(), one pass per table (no
/// allocation per row except for the findings kept). Missing dates and missing references
/// are skipped (a rule needs every value it compares). An empty dataset gives an empty
/// report. Throws safeguard::error when `data` is not a consistent dataset (columns of a
/// table of different lengths, a reference past the end of its table, an org-unit parent
/// cycle) — which a loaded dataset never is.
validation_report validate(const dataset& data, const validation_options& options = {});

}  // namespace safeguard::io
