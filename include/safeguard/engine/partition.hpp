// Scale-out of one compute request over many partitions of a dataset (docs/scale-out.md).
// A partition holds whole root subtrees of the org-unit hierarchy (one province with its
// districts and communes) with every row placed in those units, so every output cell
// (indicator, period, org unit, dimension codes) is computed in exactly one partition and is
// final there: merging partial results is an exact union, never a combination of medians or
// distinct counts. The pieces: split a dataset by root, serialize a partition's result to
// bytes (to ship it from a worker), and merge the parts back into the single-process result.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "safeguard/engine/compute.hpp"
#include "safeguard/model/dataset.hpp"

namespace safeguard::engine {

/// The request a result was computed for, as text: period ids, levels, breakdowns, requested
/// indicators, age bands, the consent flag, and the catalogue codes of the result's
/// indicators. Two partial results merge only when their fingerprints are equal.
std::string request_fingerprint(const result& r, const compute_request& request);

/// `r` as bytes: a header (magic "SGRESULT", format version, payload size, checksum) and a
/// Boost.Serialization binary archive holding `request_fingerprint(r, request)` and every
/// column of `r`. Periods are stored by id. The bytes hold no identifier of any child or
/// case (a result holds none). Throws safeguard::error when the result's columns have
/// different lengths.
std::string serialize_result(const result& r, const compute_request& request);

/// A result read back from bytes, with the fingerprint of the request it was computed for.
struct partial_result {
  result cells;
  std::string request_fingerprint;
};

/// Reads bytes written by serialize_result. Throws safeguard::error saying what is wrong
/// when the bytes are not a serialized result (wrong magic), come from a newer format
/// version, are truncated, fail the checksum or hold inconsistent columns or indices.
partial_result deserialize_partial(std::string_view bytes);

/// deserialize_partial without the fingerprint.
result deserialize_result(std::string_view bytes);

/// The exact union of partial results computed for the same request over disjoint
/// partitions, as compute would have given over the whole dataset: rows sorted by indicator
/// (the parts' catalogue order), period (request order), org-unit code, then dimension codes
/// in byte order with the empty code first; unit codes and dimension values re-indexed into
/// one table each; notes kept once each, in first-seen order. A single part gives the same
/// rows (its CSV is unchanged). Throws safeguard::error when `parts` is empty, when two parts differ in
/// indicators, periods or breakdowns (computed for different requests), or when two parts
/// both have rows for the same org-unit code (the partitions overlap; the message names it).
result merge_results(const std::vector<result>& parts);

/// Deserializes every part, checks that all were computed for the same request
/// (request_fingerprint), then merges them as merge_results does. Throws safeguard::error
/// as deserialize_partial and merge_results do, and when fingerprints differ.
result merge_serialized(const std::vector<std::string>& parts);

/// Splits `data` into one dataset folder per root of its org-unit hierarchy, written under
/// `out_dir` (created when missing) in the dataset format, each folder named after its
/// root's code (`root-<n>` when the code is not a plain file name; `-<n>` added when two
/// names would be one folder, also ignoring case); returns the folders' paths in root-code
/// order. A partition holds the root's
/// subtree and every row placed in it: population, agencies, activities and plans by their
/// unit; children by their unit of residence, with their circumstances and cases, and the
/// cases' services; targets with their plan; every holiday. A row that goes with another
/// partition than one it refers to (a case handled in another province than the child's,
/// an activity of another province's agency) is refused: safeguard::error names the table
/// and the row (its id, or its line for tables without one). Throws safeguard::error when
/// the hierarchy has fewer than two roots (a dataset whose root is the country cannot be
/// split by root), and when a folder cannot be written.
std::vector<std::string> split_dataset_by_root(const dataset& data, const std::string& out_dir);

}  // namespace safeguard::engine
