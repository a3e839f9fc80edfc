// The indexes of a prepared_dataset (engine/compute.hpp), private to the engine.
#pragma once

#include <map>
#include <mutex>
#include <string>
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
};

struct prepared_state {
  explicit prepared_state(const dataset& d);

  const dataset& data;
  hierarchy tree;
  relations rel;
  std::vector<day_number> holidays;       // sorted, unique
  std::vector<std::int16_t> case_age;     // child's age at reported_date (-1 when unknown)
  std::vector<std::uint8_t> case_consent; // consent_reporting != 0

  /// Rows of `t` sorted by `column` (a date column), built on first use.
  const sorted_dates& sorted_by(table_id t, const std::string& column) const;

 private:
  mutable std::mutex sorted_mutex;
  mutable std::map<std::pair<table_id, std::string>, sorted_dates> sorted;
};

}  // namespace safeguard::engine::detail
