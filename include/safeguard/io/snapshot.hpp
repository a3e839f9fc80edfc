// Binary snapshots: a whole dataset in one file that loads far faster than its CSV files
// (the columns are copied as they are, nothing is parsed). A snapshot is a cache of data
// already loaded and checked, not an exchange format: the CSV folder stays the source.
// The layout (a fixed header with a format version and a checksum, then a
// Boost.Serialization binary archive of every table) is described in docs/validation.md.
#pragma once

#include <cstdint>
#include <string>

#include "safeguard/error.hpp"
#include "safeguard/model/dataset.hpp"

namespace safeguard::io {

/// The snapshot format version save_snapshot writes; load_snapshot reads this version and
/// every older one it knows.
inline constexpr std::uint16_t snapshot_format_version = 1;

/// Thrown when a snapshot cannot be written, or a file cannot be read as a snapshot: not a
/// snapshot, written by a newer version of safeguard, truncated or corrupt. The message
/// names the file and says which.
class snapshot_error : public error {
 public:
  using error::error;
};

/// Writes `data` to `path` as a snapshot, replacing any file there. The file is written
/// under a temporary name next to `path` and renamed when complete, so that a failed save
/// never leaves a partial snapshot at `path`. An empty dataset gives a valid (small)
/// snapshot. Throws snapshot_error when the file cannot be written (the message carries the
/// system's reason); safeguard::error, before writing anything, when `data` is not what a
/// load produces (columns of a table of different lengths, a reference, code or dictionary
/// position out of range, an org-unit parent cycle), since load_snapshot would refuse it.
void save_snapshot(const dataset& data, const std::string& path);

/// Reads a snapshot written by save_snapshot. The whole payload is checked against its
/// checksum, and every size read is checked against the file's size before anything is
/// allocated, so that a damaged file gives an error, never a crash or a huge allocation;
/// references, codes and text offsets are checked to be in range as a load checks them.
/// Throws snapshot_error (missing or unreadable file, not a snapshot, newer format version,
/// truncated or corrupt file).
dataset load_snapshot(const std::string& path);

}  // namespace safeguard::io
