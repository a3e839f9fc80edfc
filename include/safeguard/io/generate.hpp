// The synthetic dataset generator: writes a dataset folder in the exact layout of the
// dataset format (spec: data-format.md), shaped on Quảng Ninh and the seed report, for
// tests, benchmarks and demonstrations. The output is deterministic (the same options give
// byte-identical files on every platform) and is streamed to disk, so that a national-size
// dataset (25 million children) is written in bounded memory. docs/generator.md describes
// what is generated, the rates used and the deliberate data-quality oddities.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/progress.hpp"

namespace safeguard::io {

/// What to generate.
struct generate_options {
  /// Rows of children.csv. Cases, circumstances, services and population counts scale with
  /// it; 0 gives a dataset with org units, agencies, activities, plans and holidays only.
  std::uint64_t children = 100000;
  /// Provinces: 1 is Quảng Ninh with its 13 district-level units and 177 communes (GSO
  /// codes of 2024); each further province is synthetic, named after a real province.
  /// 1 to max_generated_provinces.
  int provinces = 1;
  /// Seed of every random draw. The administrative hierarchy does not depend on it.
  std::uint64_t seed = 1;
  /// The calendar years the events cover (cases, activities, plans, population, holidays).
  /// Both in 2000..2030, first_year <= last_year.
  int first_year = 2023;
  int last_year = 2025;
  /// Called with the stage ("org_units", "agencies", "holidays", "children", "population",
  /// "activities", "plans") and how far it got; may be empty.
  progress_callback progress;
};

/// The largest `generate_options::provinces` accepted.
inline constexpr int max_generated_provinces = 100;

/// One file written.
struct table_summary {
  std::string file;         ///< e.g. "children.csv"
  std::uint64_t rows = 0;   ///< data rows, the header not counted
  std::uint64_t bytes = 0;  ///< bytes written, the header included
};

/// What generate_dataset wrote, one entry per file in the spec's table order.
struct generate_summary {
  std::vector<table_summary> tables;

  /// The data rows of `file` (e.g. "cases.csv"); 0 for a file that was not written.
  std::uint64_t rows(std::string_view file) const noexcept;
  /// The bytes of every file together.
  std::uint64_t bytes() const noexcept;
};

/// Writes a synthetic dataset into the folder `out_dir` (created when missing; files of the
/// same names are overwritten, other files are left alone). Throws safeguard::error when the
/// options are out of range (the message names the option) or when a file cannot be
/// created or written (the message names the file and the system's reason).
generate_summary generate_dataset(const std::string& out_dir, const generate_options& options);

}  // namespace safeguard::io
