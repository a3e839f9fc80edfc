// An RFC 4180 CSV reader over a whole file held in memory: the dataset loader's tokenizer.
// It hands out each record's fields as string_views into the buffer (or into a scratch
// buffer for the rare quoted field with "" escapes), so reading a cell allocates nothing.
// It never stops at bad input: a malformed record is returned with its problems listed and
// the reader resynchronises on the next line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace safeguard::io {

/// What is wrong with one record.
enum class csv_problem_kind : std::uint8_t {
  quote_in_unquoted_field,   ///< `ab"c`: a quote inside a field that does not start with one
  text_after_closing_quote,  ///< `"ab"c`: more text between the closing quote and the separator
  unterminated_quote,        ///< a quoted field runs to the end of the input
  line_too_long,             ///< the record is longer than csv_options::max_record_bytes
  wrong_field_count,         ///< not csv_options::expected_fields fields
  invalid_utf8,              ///< the field is not valid UTF-8
};

/// One problem of a record. `field` is the 1-based field number, 0 when it concerns the
/// whole record (line too long, wrong field count).
struct csv_problem {
  csv_problem_kind kind;
  std::uint32_t field = 0;
};

/// One record. The vectors are reused from record to record, so reading a file allocates
/// only while the widest record grows them.
struct csv_record {
  /// 1-based line on which the record starts (the header is line 1).
  std::uint64_t line = 0;
  /// 1-based line on which it ends (greater than `line` when a quoted field holds newlines,
  /// or for a run of blank lines).
  std::uint64_t last_line = 0;
  /// True for a run of one or more empty lines inside the input (lines `line`..`last_line`);
  /// `fields` is then empty. Empty lines at the end of the input are not returned at all.
  bool blank = false;
  /// The fields, valid until the next call to csv_reader::next. For a record that is too
  /// long, empty.
  std::vector<std::string_view> fields;
  /// Problems found, in field order; empty for a well-formed record.
  std::vector<csv_problem> problems;
};

/// Reader settings.
struct csv_options {
  /// A record longer than this (in bytes, without its line end) is reported as
  /// csv_problem_kind::line_too_long and skipped up to the next line end.
  std::size_t max_record_bytes = std::size_t{1} << 20;
  /// When non-zero, a record with another number of fields gets a wrong_field_count problem.
  std::size_t expected_fields = 0;
  /// Check that every field is valid UTF-8.
  bool validate_utf8 = true;
  /// Skip a UTF-8 byte order mark at the start. Off when reading a piece of a file that
  /// does not start at its beginning.
  bool skip_bom = true;
};

/// Reads records one by one from `text`, which must outlive the reader. A UTF-8 byte order
/// mark at the start is skipped; LF, CRLF and a lone CR all end a line; the last line may
/// lack a line end.
class csv_reader {
 public:
  explicit csv_reader(std::string_view text, csv_options options = {}) noexcept;

  /// Reads the next record into `out`; false (and `out` untouched) at the end of the input.
  /// Never throws on any input except std::bad_alloc.
  bool next(csv_record& out);

  /// Skips the rest of the input without reading records, counting its line ends (so that
  /// line() is then the input's last line + 1, as after reading every record).
  void skip_to_end() noexcept;

  /// Changes the expected field count from the next record on (typically after the header).
  void set_expected_fields(std::size_t n) noexcept { options_.expected_fields = n; }
  /// The 1-based line on which the next record starts (the number of line ends read + 1).
  std::uint64_t line() const noexcept { return line_; }
  /// Bytes of the input consumed so far, for progress reports.
  std::size_t offset() const noexcept { return static_cast<std::size_t>(pos_ - begin_); }
  /// True when the input started with a UTF-8 byte order mark.
  bool had_bom() const noexcept { return had_bom_; }

 private:
  void skip_to_line_end() noexcept;
  bool next_plain(csv_record& out);

  const char* begin_;
  const char* pos_;
  const char* end_;
  std::uint64_t line_ = 1;
  csv_options options_;
  bool had_bom_ = false;
  std::string scratch_;
  // Fields that live in scratch_: (field position, offset in scratch_, length).
  struct scratch_field {
    std::size_t field;
    std::size_t offset;
    std::size_t size;
  };
  std::vector<scratch_field> scratch_fields_;
};

/// True when `text` is valid UTF-8 (no overlong forms, surrogates or code points above
/// U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// A short English description of a problem kind, e.g. "a quote inside an unquoted field".
std::string_view describe(csv_problem_kind kind) noexcept;

}  // namespace safeguard::io
