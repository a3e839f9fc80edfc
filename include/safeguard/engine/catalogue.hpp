// Catalogues: indicators defined as data. A catalogue file (YAML) holds, per indicator, its
// code, names and descriptions in Vietnamese and English, numerator and denominator written
// in the indicator language, factor, unit, placing, allowed dimensions, age range and the
// metadata of official statistics. The standard catalogue (spec: indicators.md) is embedded
// in the library; users load their own beside it or instead of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/engine/expression.hpp"
#include "safeguard/error.hpp"

namespace safeguard::engine {

/// A text in both languages of the library.
struct bilingual_text {
  std::string vi;
  std::string en;
  /// The text in `lang` ("vi" or "en"), falling back to the other when empty.
  const std::string& in(std::string_view lang) const noexcept {
    if (lang == "vi") return vi.empty() ? en : vi;
    return en.empty() ? vi : en;
  }
};

/// How rows of a side are placed in a period.
enum class placing_kind : std::uint8_t {
  event,  ///< a date column of the row falls in the period (both ends included)
  stock,  ///< the row's state at the period's last day E (register, episode, open case)
  year,   ///< population: rows whose year is the calendar year in which the period ends
};

/// One side (numerator or denominator) as written in the catalogue.
struct side_definition {
  table_id table = table_id::cases;
  placing_kind placing = placing_kind::event;
  std::string date_column;  ///< for event placing; defaults per table (cases: reported_date)
  std::string where;        ///< row filter in the indicator language; empty = every row
  std::string value;        ///< side expression, e.g. "count(distinct child_id)"
  /// When set, this side is another indicator's numerator (e.g. "CHILD_POP").
  std::string indicator;
  int line = 0;             ///< where it starts in the catalogue file
};

/// One indicator of a catalogue.
struct indicator_definition {
  std::string code;
  bilingual_text name;
  bilingual_text description;
  std::string unit = "count";  ///< count, percent, per_1000, per_100000, days, ...
  side_definition numerator;
  std::optional<side_definition> denominator;
  double factor = 1.0;
  std::vector<std::string> dimensions;  ///< the breakdowns it allows
  int min_age = 0;                      ///< age range of the children it counts
  int max_age = 15;
  std::string legal_source;
  std::string periodicity;
  std::string lead_agency;
  int line = 0;
};

/// Thrown when a catalogue has errors; carries every one as a diagnostic (file, line,
/// column, the indicator code in `record_id`, what was expected).
class catalogue_error : public error {
 public:
  explicit catalogue_error(std::vector<diagnostic> diagnostics);
  const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<diagnostic> diagnostics_;
};

/// The dimensions of the spec ("Dimensions"), in the spec's order.
const std::vector<std::string>& known_dimensions();

/// An ordered list of checked indicator definitions.
class catalogue {
 public:
  catalogue() = default;

  /// The standard catalogue of the spec, embedded in the library.
  static const catalogue& standard();
  /// Parses and checks a catalogue text; `source_name` names it in diagnostics.
  /// Throws catalogue_error listing every problem. A text meant to be merged into another
  /// catalogue (`added_to`, e.g. the standard one, as `compute --add-catalogue` does) may
  /// refer to that catalogue's indicators (`denominator: {indicator: CHILD_POP}`).
  static catalogue parse(std::string_view yaml_text, const std::string& source_name,
                         const catalogue* added_to = nullptr);
  /// Reads and checks a catalogue file, as parse(). Throws catalogue_error.
  static catalogue load(const std::string& path, const catalogue* added_to = nullptr);
  /// Every problem of a catalogue text, empty when it is fine (for check-catalogue).
  static std::vector<diagnostic> check(std::string_view yaml_text, const std::string& source_name,
                                       const catalogue* added_to = nullptr);

  const std::vector<indicator_definition>& indicators() const noexcept { return indicators_; }
  std::size_t size() const noexcept { return indicators_.size(); }
  /// The indicator with that code, or nullptr.
  const indicator_definition* find(std::string_view code) const noexcept;
  /// Adds the indicators of `other` after this one's; a repeated code replaces the earlier
  /// definition in place (so a user catalogue can override a standard indicator).
  void merge(const catalogue& other);
  /// The side a `indicator:` reference resolves to (the referenced numerator, with that
  /// indicator's age range); throws safeguard::error on an unknown code.
  const indicator_definition& resolve(std::string_view code) const;

 private:
  std::vector<indicator_definition> indicators_;
};

/// Every problem of a catalogue file (for `safeguard check-catalogue`), as catalogue::check();
/// throws safeguard::error when the file cannot be read.
std::vector<diagnostic> check_catalogue_file(const std::string& path,
                                             const catalogue* added_to = nullptr);

}  // namespace safeguard::engine
