// The indicator language: a DHIS2-compatible expression language over safeguard's tables
// (spec: indicators.md; grammar and null rules: DHIS2's Expression.g4). Text is parsed to an
// AST, bound (type-checked) against one table of the data model, and evaluated a batch of
// rows at a time over the columns, so that a filter costs a few passes over dense arrays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/error.hpp"
#include "safeguard/model/dataset.hpp"

namespace safeguard::engine {

/// The tables an expression can be evaluated over (one row of it at a time).
enum class table_id : std::uint8_t {
  org_units, population, agencies, children, circumstances, cases, services, activities,
  plans, targets, holidays
};
/// "cases", "children", ...; and back (returns false when unknown).
std::string_view table_name(table_id t) noexcept;
/// The number of rows of table `t` in `data`.
std::size_t row_count(const dataset& data, table_id t) noexcept;
bool parse_table_name(std::string_view name, table_id& out) noexcept;

/// The static type of a bound expression.
enum class value_type : std::uint8_t {
  number,     ///< double
  boolean,    ///< 0 / 1
  code,       ///< a code of a fixed list (value = position) or a dictionary entry
  code_set,   ///< a multi-valued code cell (value = bit set, exact in a double)
  date,       ///< a day number
  date_time,  ///< a day number + minute of day
  text,       ///< free text (names, titles); comparable only with == and !=
  row,        ///< an identifier column: value = the row index (countable, distinct-able)
};

/// A parse, binding or evaluation-setup error in an expression, with its position.
/// `line`/`column` are 1-based in the expression text; `caret()` is the text's line with a
/// caret under the spot.
class expression_error : public error {
 public:
  expression_error(std::string message, std::string text, int line, int column,
                   std::string expected);
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }
  const std::string& expected() const noexcept { return expected_; }
  const std::string& text() const noexcept { return text_; }
  /// The offending line of the text and a second line with '^' under the column.
  std::string caret() const;

 private:
  std::string text_;
  int line_;
  int column_;
  std::string expected_;
};

/// Relationship indexes between tables, built once per dataset (CSR layout): the cases of a
/// child, the services of a case, the episodes of a child. Needed by exists(...) and by the
/// compute engine.
struct relations {
  explicit relations(const dataset& data);
  // Rows of table B belonging to row i of table A are ids[offsets[i] .. offsets[i+1]).
  std::vector<std::int32_t> cases_of_child_offsets, cases_of_child;
  std::vector<std::int32_t> services_of_case_offsets, services_of_case;
  std::vector<std::int32_t> episodes_of_child_offsets, episodes_of_child;
  std::vector<std::int32_t> activities_of_agency_offsets, activities_of_agency;
  /// The depth of each org unit (1 for a root), for `org_unit.level`; 0 when the parent
  /// chain is broken (a cycle or a bad parent, which a loaded dataset never has).
  std::vector<std::uint8_t> org_unit_level;
};

/// What an expression sees besides its row: the dataset, its relations, the cell's period
/// (for V{analytics_period_start}, V{analytics_period_end}, [days]) and the holidays
/// (for d2:workingDaysBetween, a sorted list of day numbers).
struct eval_context {
  const dataset* data = nullptr;
  const relations* rel = nullptr;
  day_number period_start = no_day;
  day_number period_end = no_day;
  const std::vector<day_number>* holidays = nullptr;  ///< sorted, unique
  /// When true, cases with consent_reporting = 0 (and their services) are invisible to
  /// exists(...) over cases and services.
  bool honour_consent = true;
};

/// A column of evaluated values for a batch of rows. Dates are day numbers; date-times
/// carry the minute in `minute` (no_minute when unknown); codes are positions; booleans are
/// 0/1. `valid[i] == 0` means null.
struct value_batch {
  std::vector<double> value;
  std::vector<std::uint8_t> valid;
  std::vector<std::int16_t> minute;  ///< only filled for date_time
};

class bound_expression;

/// A row-level expression bound to a table: no aggregates inside.
class row_expression {
 public:
  row_expression();
  ~row_expression();
  row_expression(row_expression&&) noexcept;
  row_expression& operator=(row_expression&&) noexcept;

  value_type type() const noexcept;
  table_id table() const noexcept;
  /// True when the value depends on the period (uses V{analytics_period_*} or [days]).
  bool depends_on_period() const noexcept;
  /// True when the value depends on the period's first day (V{analytics_period_start} or
  /// [days]); an expression that reads only V{analytics_period_end} gives the same on every
  /// period ending the same day.
  bool depends_on_period_start() const noexcept;
  /// True when the value is never null on a row of table(): the row's own identifier
  /// (`count(case_id)` counts every row) or a constant that is not null.
  bool never_null() const noexcept;
  /// True when the expression reads the period only as `date_column op V{analytics_period_end}`
  /// (on its row, or on the rows one exists() visits): its value for a row then changes only
  /// where a period end passes one of those dates (CSC_CHILDREN's episodes starting or
  /// ending), and may_change_between() can tell the rows whose value is the same for every
  /// end in a span.
  bool settles_between_ends() const noexcept;
  /// For each of the n rows, 0 when the expression has the same value at every period end
  /// in [first, last] (no compared date of the row or of its related rows falls in the
  /// span), else 1; all 1 when settles_between_ends() is false. Needs ctx.data and ctx.rel.
  void may_change_between(const eval_context& ctx, const std::int32_t* rows, std::size_t n,
                          day_number first, day_number last, std::uint8_t* out) const;
  /// True when this condition is `prefix`, or `prefix && c1 && ... && cn` (a chain of && whose
  /// left end is, term for term, the bound `prefix`): rows known to satisfy `prefix` then
  /// need only select_after(). CSC_ASSISTED_PCT's condition starts with CSC_CHILDREN's.
  bool starts_with(const row_expression& prefix) const noexcept;
  /// For a boolean expression that can only hold for rows with at least one related row
  /// (an exists(...), alone or as a term of a top-level &&): an id of that relation, to
  /// pass to keep_related(); -1 otherwise. A row of a child without episodes cannot satisfy
  /// `exists(circumstances, ...) && ...`, so it need not be evaluated at all.
  int required_relation() const noexcept;
  /// Writes the positions i (ascending) of the rows[i] that have a related row in relation
  /// `relation` (an id from required_relation()) and returns how many; `out` has room for n.
  /// Consent is not looked at: the rows kept are a superset of those exists() can accept.
  static std::size_t keep_related(int relation, const eval_context& ctx, const std::int32_t* rows,
                                  std::size_t n, std::int32_t* out);
  /// Evaluates for the given rows of table(); `out` is resized to n. Thread-safe: one
  /// expression may be evaluated from several threads at once (scratch space is per thread).
  /// Throws safeguard::error on an empty expression, when the expression reads columns and
  /// `ctx.data` is null, or uses exists()/org_unit.level and `ctx.rel` is null.
  void evaluate(const eval_context& ctx, const std::int32_t* rows, std::size_t n,
                value_batch& out) const;
  /// Keeps the rows for which the (boolean) expression is true; null counts as false.
  /// Writes the kept rows to `out_rows` (capacity n), in their order, and returns how many.
  /// `out_rows` may be `rows` itself. Throws as evaluate().
  std::size_t select(const eval_context& ctx, const std::int32_t* rows, std::size_t n,
                     std::int32_t* out_rows) const;
  /// select() for rows that all satisfy `prefix` (see starts_with()): only the conjuncts after
  /// it are evaluated. Throws safeguard::error when the condition does not start with `prefix`.
  std::size_t select_after(const row_expression& prefix, const eval_context& ctx,
                           const std::int32_t* rows, std::size_t n, std::int32_t* out_rows) const;
  /// select() and select_after() answering where the kept rows are rather than which they
  /// are: the positions i (ascending) of the rows[i] kept, as keep_related() writes them.
  /// An engine that keeps other columns beside the rows reads them at those positions.
  std::size_t select_positions(const eval_context& ctx, const std::int32_t* rows, std::size_t n,
                               std::int32_t* positions) const;
  std::size_t select_positions_after(const row_expression& prefix, const eval_context& ctx,
                                     const std::int32_t* rows, std::size_t n,
                                     std::int32_t* positions) const;

 private:
  friend class expression_compiler;
  std::unique_ptr<bound_expression> impl_;
};

/// The aggregates of the language.
enum class aggregate_kind : std::uint8_t {
  count,           ///< count(x): rows where x is not null
  count_distinct,  ///< count(distinct x)
  sum, avg, min, max,
  median,          ///< the middle value; for an even count the mean of the two middle ones
  percentile,      ///< percentileCont(p, x): linear interpolation, p in [0, 1]
  stddev, variance,  ///< sample (n - 1)
  units_reached,   ///< unitsReached(L): distinct units of level L with a row in their subtree
};

/// One aggregate inside a side expression, e.g. `median(d2:daysBetween(reported_date, closed_date))`.
struct aggregate_term {
  aggregate_kind kind = aggregate_kind::count;
  row_expression argument;   ///< empty (type() meaningless) for units_reached
  double percentile = 0.5;   ///< for percentile
  int level = 0;             ///< for units_reached
};

/// A side (numerator or denominator) of an indicator: aggregates over rows, combined by a
/// cell-level expression, e.g. `sum(participants) / count(activity_id)`.
class side_expression {
 public:
  side_expression();
  ~side_expression();
  side_expression(side_expression&&) noexcept;
  side_expression& operator=(side_expression&&) noexcept;

  table_id table() const noexcept;
  const std::vector<aggregate_term>& aggregates() const noexcept;
  /// Combines the aggregates' values of one cell (null = missing) under DHIS2's
  /// SKIP_IF_ALL_VALUES_MISSING rule; returns false when the result is null. The arrays are
  /// indexed like aggregates(). Outside isNull/isNotNull/firstNonNull/d2:hasValue a missing
  /// aggregate reads as 0; the result is null when every aggregate read outside those is
  /// missing, or when it is not a finite number (a division by zero).
  bool combine(const double* aggregate_values, const std::uint8_t* aggregate_valid,
               day_number period_start, day_number period_end, double& result) const;
  /// Whether the side is one aggregate and nothing else (e.g. `count(case_id)`): then
  /// combine() gives that aggregate's value, null when it is missing.
  bool is_one_aggregate() const noexcept;

 private:
  friend class expression_compiler;
  std::unique_ptr<bound_expression> cell_;
  std::vector<aggregate_term> aggregates_;
  table_id table_ = table_id::cases;
};

/// Parses and binds expressions against the data model. Errors throw expression_error with
/// the position in `text` and what was expected.
class expression_compiler {
 public:
  /// A boolean or value expression over one row of `table` (docs/language.md).
  static row_expression compile_row(std::string_view text, table_id table);
  /// A side expression over `table`: must contain at least one aggregate, and every column
  /// reference must sit inside an aggregate.
  static side_expression compile_side(std::string_view text, table_id table);
};

}  // namespace safeguard::engine
