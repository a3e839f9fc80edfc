// Writing one partition of a dataset: the dataset writer with a row filter, so that a split
// writes each partition straight from the whole dataset's columns, without copying rows
// into a sub-dataset (references are written as codes and ids, so nothing is renumbered).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "safeguard/model/dataset.hpp"

namespace safeguard::io::detail {

/// The partition of every row, per table (same lengths as the tables); a row is written
/// when its entry equals `part`. Holidays go to every partition.
struct row_partition {
  std::vector<std::int32_t> org_units, population, agencies, children, circumstances, cases,
      services, activities, plans, targets;
  std::int32_t part = 0;
};

/// Writes the rows of `data` selected by `rows` (all rows when null) into `out_dir`.
void write_dataset_rows(const dataset& data, const std::string& out_dir, const row_partition* rows);

}  // namespace safeguard::io::detail
