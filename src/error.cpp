// Rendering of diagnostics and the load_error exception.
#include "safeguard/error.hpp"

#include <algorithm>

namespace safeguard {

std::string diagnostic::to_string() const {
  std::string out;
  out.reserve(64 + file.size() + column_name.size() + value.size() + expected.size() +
              record_id.size());
  // A diagnostic about the whole load (SG199 "too many errors") has no location.
  out += file;
  if (!file.empty() && line > 0) {
    out += ':';
    out += std::to_string(line);
    if (column > 0) {
      out += ':';
      out += std::to_string(column);
    }
  }
  if (!file.empty()) out += ": ";
  out += level == severity::error ? "error " : "warning ";
  out += code;
  if (!column_name.empty()) {
    out += " [";
    out += column_name;
    out += ']';
  }
  // An empty value is still worth showing when it sits in a cell: it says "the cell was empty".
  if (!value.empty() || column > 0) {
    out += ": '";
    out += value;
    out += '\'';
  }
  if (!expected.empty()) {
    out += (!value.empty() || column > 0) ? "; expected " : ": expected ";
    out += expected;
  }
  if (!record_id.empty()) {
    out += " (record ";
    out += record_id;
    out += ')';
  }
  return out;
}

namespace {

std::string summarize(const std::vector<diagnostic>& diagnostics) {
  constexpr std::size_t shown = 5;
  const auto errors = static_cast<std::size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const diagnostic& d) { return d.level == severity::error; }));
  std::string out = "load failed with " + std::to_string(errors) +
                    (errors == 1 ? " error" : " errors");
  // Errors first: they are why the load failed; warnings only fill the remaining lines.
  std::size_t listed = 0;
  for (int pass = 0; pass < 2; ++pass)
    for (const diagnostic& d : diagnostics) {
      if (listed == shown) break;
      if ((pass == 0) != (d.level == severity::error)) continue;
      out += '\n';
      out += d.to_string();
      ++listed;
    }
  if (diagnostics.size() > listed)
    out += "\n(" + std::to_string(diagnostics.size() - listed) + " more diagnostics)";
  return out;
}

}  // namespace

load_error::load_error(std::vector<diagnostic> diagnostics)
    : error(summarize(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace safeguard
