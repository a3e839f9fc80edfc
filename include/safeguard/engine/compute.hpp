// The compute engine: a request (catalogue, periods, org-unit levels, breakdowns, age bands,
// consent) is compiled into a plan, and the plan is evaluated over the columns of a dataset:
// rows are placed in periods by a date or at the period's last day, filtered by the
// indicators' conditions, and accumulated densely by (unit, dimension cell) for every
// requested level at once; numerators are divided by denominators cell by cell.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/engine/catalogue.hpp"
#include "safeguard/model/dataset.hpp"
#include "safeguard/period/period.hpp"
#include "safeguard/progress.hpp"

namespace safeguard::engine {

/// An age band of a breakdown, both ends included; its code in the output is `label`.
struct age_band {
  int low = 0;
  int high = 0;
  std::string label;
};

/// `0-5`, `6-10`, `11-15`, `16-17`.
const std::vector<age_band>& default_age_bands();
/// Parses `0-5,6-10,...`; throws safeguard::error naming the bad item.
std::vector<age_band> parse_age_bands(std::string_view text);
/// What overlaps between bands, one sentence per pair, for the notes of a result: an age in
/// several bands counts in the first that holds it (an age in none is in the missing cell).
std::vector<std::string> age_band_overlaps(const std::vector<age_band>& bands);

/// What to compute.
struct compute_request {
  std::vector<period> periods;          ///< at least one
  std::vector<int> levels{2};           ///< org-unit levels of the output cells (root = 1)
  std::vector<std::string> by;          ///< breakdown dimensions, e.g. {"sex", "age_band"}
  std::vector<std::string> indicators;  ///< codes; empty = every indicator of the catalogue
  std::vector<age_band> age_bands = default_age_bands();
  bool honour_consent = true;           ///< leave out cases with consent_reporting = 0
  unsigned threads = 0;                 ///< 0 = all cores
  progress_callback progress;
};

/// A computed indicator table (spec: data-format.md, "Output: the indicator table"), stored
/// by columns, sorted by indicator (catalogue order), period (request order), org-unit code
/// and dimension codes. Cells whose numerator is 0 or missing are left out unless they carry
/// a target. The result holds no identifier of any child or case.
struct result {
  std::vector<std::string> indicator_codes;        ///< indicators in catalogue order
  std::vector<period> periods;                     ///< in request order
  std::vector<std::string> dimensions;             ///< requested breakdowns, in order
  std::vector<std::vector<std::string>> dimension_values;  ///< per dimension, its codes
  std::vector<std::string> unit_codes;             ///< org-unit code by org_unit_index
  std::vector<std::string> notes;                  ///< e.g. a breakdown an indicator ignores

  // One entry per row.
  std::vector<std::uint32_t> indicator;            ///< into indicator_codes
  std::vector<std::uint32_t> period_index;         ///< into periods
  std::vector<org_unit_index> org_unit;
  std::vector<std::vector<std::int32_t>> dimension;  ///< [d][row] into dimension_values[d]; -1 = empty
  std::vector<double> numerator;
  std::vector<double> denominator;
  std::vector<double> value;
  std::vector<double> target;
  std::vector<std::uint8_t> has_numerator, has_denominator, has_value, has_target;
  std::vector<std::uint8_t> target_at_most;        ///< 1 when the target's direction is at_most

  std::size_t size() const noexcept { return indicator.size(); }
  /// Direction-aware achievement of row i: value / target for `at_least` targets, 1 (met)
  /// or 0 (not met) for `at_most`; false when the row has no value or no target.
  bool achievement(std::size_t i, double& out) const noexcept;
};

namespace detail {
struct prepared_state;
}

/// A dataset with the indexes every computation needs, built once: the org-unit tree, the
/// relations between tables, the case rules (each case's child age at report and sex,
/// consent), the targets by indicator; and, built on first use and then kept, the rows sorted
/// by each placing date, the rows that have a related row (children with an episode, ...) and,
/// for each condition that does not read the period, its verdict on every row a compute has
/// evaluated it on. Computing many requests over one dataset should go
/// through one prepared_dataset. It refers to `data`, which must
/// outlive it and not change. Copies share the indexes; it is safe to use from several
/// threads at once.
class prepared_dataset {
 public:
  explicit prepared_dataset(const dataset& data);
  const dataset& data() const noexcept;
  const detail::prepared_state& state() const noexcept { return *state_; }

 private:
  std::shared_ptr<const detail::prepared_state> state_;
};

/// Computes `request` over `data` with the indicators of `cat`. Throws safeguard::error on a
/// bad request (unknown indicator code, unknown dimension, level out of range, no period)
/// and on a catalogue whose expressions do not compile.
result compute(const prepared_dataset& data, const catalogue& cat, const compute_request& request);
/// The same over a dataset prepared for this one call.
result compute(const dataset& data, const catalogue& cat, const compute_request& request);

}  // namespace safeguard::engine
