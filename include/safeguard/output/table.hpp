// Writers for computed results: the spec's output table as CSV (byte-identical across runs)
// and the same rows as JSON. Numbers are printed in the shortest form that reads back to the
// same double.
#pragma once

#include <ostream>
#include <string>

#include "safeguard/engine/compute.hpp"

namespace safeguard::output {

/// Writes `r` as the spec's indicator table: indicator, period, org_unit, one column per
/// requested dimension, numerator, denominator, value, target, status.
void write_csv(const engine::result& r, std::ostream& out);
std::string to_csv(const engine::result& r);

/// Writes `r` as JSON: {"columns": [...], "rows": [...], "notes": [...]}; each row also
/// carries the direction-aware achievement when it has a target.
void write_json(const engine::result& r, std::ostream& out);
std::string to_json(const engine::result& r);

/// The shortest decimal text that reads back to exactly `x` ("12", "33.333333333333336").
std::string format_number(double x);

}  // namespace safeguard::output
