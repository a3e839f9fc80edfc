// Errors: misuse of the API throws a subclass of safeguard::error; bad *data* (a CSV cell,
// a catalogue line, a period id) is collected as diagnostics and reported all at once.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace safeguard {

/// Base of every exception the library throws.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How bad a diagnostic is: an error stops a load; a warning does not.
enum class severity : std::uint8_t { warning, error };

/// One located problem in input data, compiler style:
/// `cases.csv:17:4: error SG201 [reported_date]: '2024-13-01'; expected a date YYYY-MM-DD`.
/// `line` is 1-based (the header is line 1); `column` is the 1-based field number; 0 means
/// "not applicable". `record_id` is the id of the offending row, when it has one; it is the
/// only piece of a child's data a diagnostic ever carries.
struct diagnostic {
  std::string code;         ///< stable code, e.g. "SG201"; documented in docs/errors.md
  severity level = severity::error;
  std::string file;         ///< e.g. "cases.csv"
  std::uint64_t line = 0;
  std::uint32_t column = 0;
  std::string column_name;  ///< e.g. "reported_date"
  std::string value;        ///< the offending text, shortened to at most 80 bytes
  std::string expected;     ///< what was expected, e.g. "a date YYYY-MM-DD"
  std::string record_id;

  /// The one-line, compiler-style rendering shown by the CLI.
  std::string to_string() const;
};

/// Thrown by loaders when the input has at least one error; carries every diagnostic found
/// (errors and warnings, up to the loader's limit).
class load_error : public error {
 public:
  explicit load_error(std::vector<diagnostic> diagnostics);
  const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<diagnostic> diagnostics_;
};

}  // namespace safeguard
