// Loading a dataset (spec: data-format.md): the CSV files of a folder, CSV texts held in
// memory (Python's from_pandas), or a binary snapshot. Every way in checks the same rules
// and reports every problem as a located diagnostic (codes SG100-SG199, docs/errors.md).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "safeguard/error.hpp"
#include "safeguard/model/dataset.hpp"
#include "safeguard/progress.hpp"

namespace safeguard::io {

/// How to load.
struct load_options {
  /// Errors reported before the load stops collecting (then one SG199 "too many errors"
  /// diagnostic is added). Warnings do not count. 0 means no limit.
  std::size_t max_errors = 100;
  /// Worker threads; 0 = the hardware's concurrency.
  unsigned threads = 0;
  /// Called with ("loading", bytes done, total bytes) on the calling thread.
  progress_callback progress;
};

/// What a load found. Diagnostics are ordered by file (in loading order), then line.
struct load_report {
  std::vector<diagnostic> diagnostics;

  /// True when there is no error (warnings are fine).
  bool ok() const noexcept { return error_count() == 0; }
  std::size_t error_count() const noexcept;
  std::size_t warning_count() const noexcept;
};

/// The files of a dataset folder in loading order (org_units.csv first; the tables a table
/// refers to come before it).
const std::vector<std::string>& table_file_names();

/// Loads the CSV files of `folder` into `out`. Only org_units.csv is required; a missing
/// other file is an empty table. Another `.csv` file in the folder gets a warning (SG105, a
/// misspelt table name would otherwise go unnoticed) and is ignored. On any error `out` is
/// left empty (a default dataset) and the report says why; with warnings only, `out` holds
/// the data. Throws only std::bad_alloc.
load_report try_load_dataset(const std::string& folder, dataset& out,
                             const load_options& options = {});

/// Loads a dataset folder; throws safeguard::load_error carrying every diagnostic (errors
/// and warnings) when there is any error. Warnings alone are dropped; call
/// try_load_dataset to see them.
dataset load_dataset(const std::string& folder, const load_options& options = {});

/// The same checks over CSV texts held in memory: pairs of file name (e.g. "children.csv",
/// one of table_file_names()) and content. An unknown file name is a warning (SG105) and
/// its text is ignored; a name given twice is an error (SG106). org_units.csv is required as
/// for a folder. The texts are only read, never copied whole.
load_report try_load_tables(const std::vector<std::pair<std::string, std::string>>& files,
                            dataset& out, const load_options& options = {});

/// True when the file at `path` starts with the snapshot magic bytes "SGSNAP". False for a
/// folder, a missing or unreadable file.
bool is_snapshot_file(const std::string& path);

/// Loads `path`: a folder as load_dataset does, a snapshot file with io::load_snapshot.
/// Throws safeguard::load_error for bad data, safeguard::error for a path that is neither.
dataset load(const std::string& path, const load_options& options = {});

}  // namespace safeguard::io
