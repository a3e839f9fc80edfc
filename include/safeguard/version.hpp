// The one place safeguard's version is defined; CMake reads it from here.
#pragma once

#define SAFEGUARD_VERSION_MAJOR 0
#define SAFEGUARD_VERSION_MINOR 1
#define SAFEGUARD_VERSION_PATCH 0

namespace safeguard {
/// The library version as "major.minor.patch".
inline constexpr const char* version_string = "0.1.0";
/// The dataset format version this library reads and writes (spec: data-format.md, v1).
inline constexpr int dataset_format_version = 1;
}  // namespace safeguard
