// Writing a dataset back to a folder of CSV files in the dataset format (spec:
// data-format.md), the inverse of io::load_dataset: loading what write_dataset wrote gives the
// same columns, row for row. Used to split a dataset into partitions (engine/partition.hpp)
// and to export data built in memory.
#pragma once

#include <string>

#include "safeguard/model/dataset.hpp"

namespace safeguard::io {

/// Writes every table of `data` into the folder `out_dir` (created when missing), one file
/// per table named as in table_file_names(), headers included even for empty tables. Rows
/// keep their order; references are written as the codes and ids they point at; values
/// the loader defaults (an activity's sessions, a target's org unit, consent) are written
/// explicitly; a target's period is written as it was given (empty when it was defaulted).
/// Files of the same names are overwritten, other files are left alone. Throws
/// safeguard::error naming the file and the system's reason when a file cannot be written.
void write_dataset(const dataset& data, const std::string& out_dir);

}  // namespace safeguard::io
