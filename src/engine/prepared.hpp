// The indexes of a prepared_dataset (engine/compute.hpp), private to the engine.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "safeguard/engine/compute.hpp"
#include "safeguard/engine/expression.hpp"
#include "safeguard/hierarchy/hierarchy.hpp"

namespace safeguard::engine::detail {

/// The rows of a table that have a date in one column, ordered by it.
struct sorted_dates {
  std::vector<std::int32_t> rows;
  std::vector<day_number> dates;
  std::vector<day_number> by_row;  // every row's date in row order (no_day: none)
  // The same rows by month, and in row order within a month: a period of whole months reads
  // them forwards through memory. Month m (months since year 0) begins at
  // month_start[m - first_month]; the last entry closes the last month.
  std::vector<std::int32_t> month_rows;
  std::vector<day_number> month_dates;
  std::vector<std::size_t> month_start;
  std::int64_t first_month = 0;
};

/// The targets of an indicator summed for one (unit, period start, period end, agency):
/// agency -2 sums every plan's targets, an agency index the targets of that agency's plans.
using target_key = std::tuple<std::int32_t, day_number, day_number, std::int32_t>;
struct target_sum {
  double value = 0;
  bool at_most = false;
};

/// A condition's verdict on each row of a table: not evaluated yet, false or true. Threads
/// computing at once may evaluate the same row and store the same verdict: each byte is an
/// atomic (relaxed: a verdict, once stored, never changes).
class condition_rows {
 public:
  static constexpr std::uint8_t unknown = 0, no = 1, yes = 2;
  explicit condition_rows(std::size_t rows) : verdict_(new std::atomic<std::uint8_t>[rows]) {
    for (std::size_t r = 0; r < rows; ++r) verdict_[r].store(unknown, std::memory_order_relaxed);
  }
  std::uint8_t of(std::int32_t row) const noexcept {
    return verdict_[static_cast<std::size_t>(row)].load(std::memory_order_relaxed);
  }
  void set(std::int32_t row, bool holds) noexcept {
    verdict_[static_cast<std::size_t>(row)].store(holds ? yes : no, std::memory_order_relaxed);
  }

 private:
  std::unique_ptr<std::atomic<std::uint8_t>[]> verdict_;
};

struct prepared_state {
  explicit prepared_state(const dataset& d);

  const dataset& data;
  hierarchy tree;
  relations rel;
  std::vector<day_number> holidays;       // sorted, unique
  std::vector<std::int16_t> case_age;     // child's age at reported_date (-1 when unknown)
  std::vector<std::uint8_t> case_consent; // consent_reporting != 0
  std::vector<code> case_sex;             // the child's sex (no_code when unknown)
  /// Targets by indicator code.
  std::map<std::string, std::map<target_key, target_sum>, std::less<>> targets;

  /// Rows of `t` sorted by `column` (a date column), built on first use.
  const sorted_dates& sorted_by(table_id t, const std::string& column) const;

  /// What is known, row by row, of a condition that does not read the period: whether it
  /// holds on each row of its table, filled in as computes evaluate it on their rows and
  /// kept, so that later periods and computes read it rather than evaluate again (`text`
  /// is the condition as written, which names it; consent changes what exists() sees).
  /// Nullptr when `most_conditions` are kept already: the caller evaluates the condition.
  condition_rows* rows_where(const row_expression& where, const std::string& text,
                             bool honour_consent) const;
  static constexpr std::size_t most_conditions = 256;

  /// The rows of `table` that have at least one related row in `relation` (an id from
  /// row_expression::required_relation() of a condition on `table`), ascending: what
  /// keep_related() keeps of the whole table, built on first use. A stock of children that
  /// needs an episode looks only at these.
  const std::vector<std::int32_t>& rows_with_related(table_id table, int relation) const;

 private:
  mutable std::mutex sorted_mutex;
  mutable std::map<std::pair<table_id, std::string>, sorted_dates> sorted;
  mutable std::mutex where_mutex;
  mutable std::map<std::tuple<table_id, std::string, bool>, condition_rows> where_rows;
  mutable std::mutex related_mutex;
  mutable std::map<int, std::vector<std::int32_t>> related_rows;
};

}  // namespace safeguard::engine::detail
