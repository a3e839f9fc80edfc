// Loading a dataset folder (spec: data-format.md). Each file is mapped into memory (pages
// already parsed are handed back to the kernel as the parse moves on, so the resident
// memory stays close to the size of the loaded columns), tokenized in place by csv_reader,
// and converted cell by cell straight into the dataset's columns: dates by the fixed-format
// parser, codes and identifiers through flat hash indexes. Big files are cut into pieces at
// line ends and the pieces parsed on several threads, then concatenated; tables are loaded
// in stages so that every table a table refers to is complete (and indexed) before it.
#include "safeguard/io/load.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "io/detail/string_index.hpp"
#include "model/detail/iso_date.hpp"
#include "safeguard/io/csv.hpp"
#include "safeguard/io/snapshot.hpp"
#include "safeguard/period/period.hpp"

namespace safeguard::io {

namespace {

// The per-cell accessors of row_cursor run for every cell of national data: inlined into
// the row parsers, and their rare error paths kept out of line.
#if defined(__GNUC__)
#define SG_INLINE inline __attribute__((always_inline))
#define SG_COLD __attribute__((cold, noinline))
#else
#define SG_INLINE inline
#define SG_COLD
#endif

using detail::partitioned_index;
using detail::string_index;

// ---------------------------------------------------------------------------------------
// Tables and their columns, in loading order.

enum table_id : int {
  t_org_units,
  t_agencies,
  t_population,
  t_children,
  t_circumstances,
  t_cases,
  t_services,
  t_activities,
  t_plans,
  t_targets,
  t_holidays,
  table_count
};

struct column_def {
  std::string_view name;
  bool required;
};

struct table_schema {
  std::string_view file;
  const column_def* columns;
  std::size_t column_count;
  int id_column;  // the row's own identifier, or -1
};

namespace ou { enum { code, name, parent, kind }; }
namespace ag { enum { code, name, kind, org_unit }; }
namespace po { enum { org_unit, year, sex, age, count }; }
namespace ch {
enum { child_id, birth_date, sex, org_unit, ethnicity, disability, registered_date, exit_date,
       exit_reason };
}
namespace ci { enum { child_id, circumstance, start_date, end_date }; }
namespace cs {
enum { case_id, child_id, reported_date, concerns, org_unit, lead_agency, source, setting,
       perpetrator, level, risk, outcome, incident_date, emergency_date, assessed_date,
       plan_date, closed_date, closure_reason, consent_reporting };
}
namespace sv { enum { case_id, date, service, agency, referred }; }
namespace ac {
enum { activity_id, agency, kind, start_date, end_date, org_unit, topics, audiences, sessions,
       participants, child_participants, quantity, programme };
}
namespace pl { enum { plan_id, agency, title, start_date, end_date, org_unit, programme }; }
namespace tg { enum { plan_id, indicator, value, direction, org_unit, period }; }
namespace ho { enum { date, name }; }

constexpr column_def org_unit_columns[] = {
    {"code", true}, {"name", true}, {"parent", false}, {"kind", false}};
constexpr column_def agency_columns[] = {
    {"code", true}, {"name", true}, {"kind", true}, {"org_unit", true}};
constexpr column_def population_columns[] = {
    {"org_unit", true}, {"year", true}, {"sex", true}, {"age", true}, {"count", true}};
constexpr column_def child_columns[] = {
    {"child_id", true},       {"birth_date", true},      {"sex", true},
    {"org_unit", true},       {"ethnicity", false},      {"disability", false},
    {"registered_date", true}, {"exit_date", false},     {"exit_reason", false}};
constexpr column_def circumstance_columns[] = {
    {"child_id", true}, {"circumstance", true}, {"start_date", true}, {"end_date", false}};
constexpr column_def case_columns[] = {
    {"case_id", true},         {"child_id", true},        {"reported_date", true},
    {"concerns", true},        {"org_unit", true},        {"lead_agency", false},
    {"source", false},         {"setting", false},        {"perpetrator", false},
    {"level", false},          {"risk", false},           {"outcome", false},
    {"incident_date", false},  {"emergency_date", false}, {"assessed_date", false},
    {"plan_date", false},      {"closed_date", false},    {"closure_reason", false},
    {"consent_reporting", false}};
constexpr column_def service_columns[] = {
    {"case_id", true}, {"date", true}, {"service", true}, {"agency", false}, {"referred", false}};
constexpr column_def activity_columns[] = {
    {"activity_id", true},     {"agency", true},        {"kind", true},
    {"start_date", true},      {"end_date", false},     {"org_unit", true},
    {"topics", false},         {"audiences", false},    {"sessions", false},
    {"participants", false},   {"child_participants", false}, {"quantity", false},
    {"programme", false}};
constexpr column_def plan_columns[] = {
    {"plan_id", true},    {"agency", true},   {"title", true},     {"start_date", true},
    {"end_date", true},   {"org_unit", true}, {"programme", false}};
constexpr column_def target_columns[] = {
    {"plan_id", true},    {"indicator", true}, {"value", true},
    {"direction", false}, {"org_unit", false}, {"period", false}};
constexpr column_def holiday_columns[] = {{"date", true}, {"name", false}};

template <std::size_t N>
constexpr table_schema schema_of(std::string_view file, const column_def (&c)[N], int id) {
  return table_schema{file, c, N, id};
}

constexpr table_schema schemas[table_count] = {
    schema_of("org_units.csv", org_unit_columns, ou::code),
    schema_of("agencies.csv", agency_columns, ag::code),
    schema_of("population.csv", population_columns, -1),
    schema_of("children.csv", child_columns, ch::child_id),
    schema_of("circumstances.csv", circumstance_columns, -1),
    schema_of("cases.csv", case_columns, cs::case_id),
    schema_of("services.csv", service_columns, -1),
    schema_of("activities.csv", activity_columns, ac::activity_id),
    schema_of("plans.csv", plan_columns, pl::plan_id),
    schema_of("targets.csv", target_columns, -1),
    schema_of("holidays.csv", holiday_columns, -1),
};

std::string table_file_list() {
  std::string names;
  for (const table_schema& s : schemas) {
    if (!names.empty()) names += ", ";
    names += s.file;
  }
  return names;
}

int table_of_file(std::string_view name) {
  for (int t = 0; t < table_count; ++t)
    if (schemas[t].file == name) return t;
  return -1;
}

constexpr std::size_t max_id_bytes = 64;
constexpr std::size_t max_value_bytes = 80;
constexpr std::size_t max_record_bytes = std::size_t{1} << 20;
// Integers above this are refused so that sums over national data cannot overflow int64.
constexpr std::int64_t max_quantity = 1'000'000'000'000;

// ---------------------------------------------------------------------------------------
// Quoting values in diagnostics.

// At most 80 bytes, cut on a character boundary; control characters and bytes that are not
// UTF-8 are escaped so that a diagnostic is always one line of valid UTF-8.
std::string shorten(std::string_view v) {
  std::string out;
  const auto* s = reinterpret_cast<const unsigned char*>(v.data());
  const std::size_t n = v.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = s[i];
    std::size_t len = 1;
    bool valid = true;
    if (c >= 0x80) {
      len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      valid = len > 1 && i + len <= n &&
              is_valid_utf8(std::string_view(v.data() + i, len));
      if (!valid) len = 1;
    }
    char piece[8];
    std::size_t piece_size = 0;
    if (!valid || c < 0x20 || c == 0x7F) {
      static constexpr char hex[] = "0123456789abcdef";
      piece[0] = '\\';
      if (c == '\n' || c == '\r' || c == '\t') {
        piece[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        piece_size = 2;
      } else {
        piece[1] = 'x';
        piece[2] = hex[c >> 4];
        piece[3] = hex[c & 15];
        piece_size = 4;
      }
    } else {
      std::memcpy(piece, s + i, len);
      piece_size = len;
    }
    if (out.size() + piece_size > max_value_bytes - 3 &&
        (i + len < n || out.size() + piece_size > max_value_bytes)) {
      out += "...";
      return out;
    }
    out.append(piece, piece_size);
    i += len;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Code lists: a flat index per list and the "expected" text of its errors.

struct code_table {
  code_list list;
  std::string expected;        // "one of: a, b, c"
  std::string expected_multi;  // "codes separated by |, each one of: a, b, c"

  code_table(const code_table&) = delete;
  code_table& operator=(const code_table&) = delete;
  explicit code_table(const code_list& l) : list(l) {
    // Chains of codes by a bucket of their length and three bytes: a list has at most a few
    // dozen codes, so a chain is nearly always one code long.
    for (std::size_t i = list.size(); i-- > 0;) {
      const unsigned b = bucket(list[i].code);
      next_[i] = first_[b];
      first_[b] = static_cast<std::uint8_t>(i + 1);
    }
    std::string codes;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (codes.size() > 120) {
        codes += ", ... (" + std::to_string(list.size()) + " codes of the " +
                 std::string(list.name()) + " list)";
        break;
      }
      if (i > 0) codes += ", ";
      codes += list[i].code;
    }
    expected = "one of: " + codes;
    expected_multi = "codes separated by |, each one of: " + codes;
  }

  code find(std::string_view text) const noexcept {
    if (text.empty()) return no_code;
    for (std::uint8_t i = first_[bucket(text)]; i != 0; i = next_[i - 1u]) {
      const std::string_view c = list[i - 1u].code;
      if (c.size() == text.size() && detail::equal_bytes(c.data(), text.data(), c.size()))
        return static_cast<code>(i - 1u);
    }
    return no_code;
  }

 private:
  static unsigned bucket(std::string_view s) noexcept {
    if (s.empty()) return 0;
    const auto u = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    return (static_cast<unsigned>(s.size()) * 37u + u(0) * 11u + u(s.size() / 2) * 5u +
            u(s.size() - 1)) & 255u;
  }
  std::array<std::uint8_t, 256> first_{};
  std::array<std::uint8_t, 256> next_{};
};

struct code_tables {
  code_table org_unit_kind{codes::org_unit_kind()};
  code_table sex{codes::sex()};
  // Population counts only girls and boys: the first two codes of the sex list, so that
  // positions are the same as in codes::sex().
  code_table population_sex{code_list("sex", codes::sex().begin(), 2)};
  code_table exit_reason{codes::exit_reason()};
  code_table circumstance{codes::circumstance()};
  code_table concern{codes::concern()};
  code_table source{codes::source()};
  code_table setting{codes::setting()};
  code_table perpetrator{codes::perpetrator()};
  code_table level{codes::protection_level()};
  code_table risk{codes::risk()};
  code_table outcome{codes::outcome()};
  code_table closure_reason{codes::closure_reason()};
  code_table service{codes::service()};
  code_table agency_kind{codes::agency_kind()};
  code_table activity_kind{codes::activity_kind()};
  code_table topic{codes::topic()};
  code_table audience{codes::audience()};
  code_table direction{codes::direction()};
};

const code_tables& code_lookup() {
  static const code_tables tables;
  return tables;
}

// An open code list (ethnicity, programme) being filled: first-seen order.
class dictionary_builder {
 public:
  explicit dictionary_builder(dictionary& d) : dict_(d) {
    for (std::size_t i = 0; i < dict_.values.size(); ++i)
      index_.insert(dict_.values[i], static_cast<std::int32_t>(i), getter());
  }
  std::int32_t intern(std::string_view s) {
    // Most cells repeat a few values (nearly every child is "kinh"): the last one is
    // compared before the index is searched.
    if (last_ >= 0 && dict_.values[static_cast<std::size_t>(last_)] == s) return last_;
    const auto next = static_cast<std::int32_t>(dict_.values.size());
    const std::int32_t found = index_.insert(s, next, getter());
    if (found != string_index::none) return last_ = found;
    dict_.values.emplace_back(s);
    return last_ = next;
  }

 private:
  struct key_of {
    const dictionary* dict;
    std::string_view operator()(std::int32_t i) const {
      return dict->values[static_cast<std::size_t>(i)];
    }
  };
  key_of getter() const { return key_of{&dict_}; }
  dictionary& dict_;
  string_index index_;
  std::int32_t last_ = -1;
};

bool is_snake_code(std::string_view s) noexcept {
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return !s.empty();
}

// ---------------------------------------------------------------------------------------
// Input files.

// A file's bytes: mapped read-only when possible (so that parsed pages can be dropped from
// memory), else read whole. Texts handed in by the caller are borrowed.
class source {
 public:
  source() = default;
  source(const source&) = delete;
  source& operator=(const source&) = delete;
  ~source() {
    if (map_ != nullptr) ::munmap(map_, size_);
  }

  // Returns an empty string on success, else why the file cannot be read.
  std::string open_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::strerror(errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return why;
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return "it is a folder";
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE,
                       fd, 0);
      if (p != MAP_FAILED) {
        ::madvise(p, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
        ::close(fd);
        map_ = p;
        size_ = static_cast<std::size_t>(st.st_size);
        text_ = std::string_view(static_cast<const char*>(p), size_);
        return {};
      }
    }
    // Not mappable (a pipe, an empty or special file): read it.
    char buffer[1 << 16];
    while (true) {
      const ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got < 0) {
        if (errno == EINTR) continue;
        const std::string why = std::strerror(errno);
        ::close(fd);
        return why;
      }
      if (got == 0) break;
      owned_.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    text_ = owned_;
    return {};
  }

  void borrow(std::string_view text) { text_ = text; }
  std::string_view text() const noexcept { return text_; }

  // Drops the whole pages inside [from, to) from memory; the mapping stays valid (a page read
  // again comes back from the file).
  void release(const char* from, const char* to) const noexcept {
    if (map_ == nullptr || to <= from) return;
    static const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(from);
    std::uintptr_t b = reinterpret_cast<std::uintptr_t>(to);
    a = (a + page - 1) & ~(page - 1);
    b &= ~(page - 1);
    if (b > a) ::madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
  }

 private:
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::string owned_;
  std::string_view text_;
};

// ---------------------------------------------------------------------------------------
// Diagnostics shared by all threads of one load.

// Counts diagnostics against the limit. A load has one for the whole load; a piece of a file
// after the first has its own until the cut that starts it is known to be sound.
struct error_counter {
  std::size_t max_errors = 100;
  std::atomic<std::size_t> errors{0};
  std::atomic<std::size_t> warnings{0};
  std::atomic<bool> stop{false};
};

struct shared_state : error_counter {
  std::atomic<std::uint64_t> bytes_done{0};
  std::uint64_t bytes_total = 0;
  const progress_callback* progress = nullptr;
  std::thread::id caller;
};

// Keeps a diagnostic unless the limit is reached; past max_errors errors the work stops.
void keep(error_counter& counter, std::vector<diagnostic>& out, diagnostic&& d) {
  if (d.level == severity::error) {
    const std::size_t n = counter.errors.fetch_add(1) + 1;
    if (counter.max_errors != 0 && n > counter.max_errors) {
      counter.stop.store(true, std::memory_order_relaxed);
      return;
    }
  } else {
    const std::size_t n = counter.warnings.fetch_add(1) + 1;
    if (counter.max_errors != 0 && n > counter.max_errors) return;
  }
  out.push_back(std::move(d));
}

diagnostic make_diagnostic(std::string_view code, severity level, std::string_view file,
                           std::uint64_t line, std::uint32_t column,
                           std::string_view column_name, std::string_view value,
                           std::string expected, std::string_view record_id = {}) {
  diagnostic d;
  d.code = std::string(code);
  d.level = level;
  d.file = std::string(file);
  d.line = line;
  d.column = column;
  d.column_name = std::string(column_name);
  d.value = shorten(value);
  d.expected = std::move(expected);
  d.record_id = shorten(record_id);
  return d;
}

std::string blank_lines(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " blank line" : " blank lines");
}

// ---------------------------------------------------------------------------------------
// Headers.

struct header_info {
  std::vector<int> field_of;             // per schema column: field position, or -1
  std::vector<std::string> field_names;  // per field position
  std::size_t field_count = 0;
  std::uint64_t last_line = 1;           // line of the header's end
  std::size_t data_offset = 0;           // where the first data record starts
  bool usable = false;
};

// The 1-based field number of a schema column, 0 when the file lacks it.
std::uint32_t column_number(const header_info& h, int col) {
  const auto c = static_cast<std::size_t>(col);
  return c < h.field_of.size() ? static_cast<std::uint32_t>(h.field_of[c] + 1) : 0;
}

std::string column_list(const table_schema& schema) {
  std::string s;
  for (std::size_t i = 0; i < schema.column_count; ++i) {
    if (i > 0) s += ", ";
    s += schema.columns[i].name;
  }
  return s;
}

header_info read_header(const table_schema& schema, std::string_view text,
                        shared_state& shared, std::vector<diagnostic>& out) {
  header_info h;
  h.field_of.assign(schema.column_count, -1);
  csv_options options;
  options.max_record_bytes = max_record_bytes;
  csv_reader reader(text, options);
  csv_record record;
  bool found = false;
  while (reader.next(record)) {
    if (!record.blank) {
      found = true;
      break;
    }
    keep(shared, out,
         make_diagnostic("SG114", severity::warning, schema.file, record.line, 0, {}, {},
                         "no blank line before the header (" +
                             blank_lines(record.last_line - record.line + 1) + " skipped)"));
  }
  if (!found) {
    keep(shared, out,
         make_diagnostic("SG101", severity::error, schema.file, 1, 0, {}, {},
                         "a header line naming the columns (" + column_list(schema) + ")"));
    return h;
  }
  std::vector<bool> bad(record.fields.size(), false);
  for (const csv_problem& p : record.problems) {
    if (p.kind == csv_problem_kind::line_too_long) {
      keep(shared, out,
           make_diagnostic("SG113", severity::error, schema.file, record.line, 0, {}, {},
                           "a header line of at most " + std::to_string(max_record_bytes) +
                               " bytes"));
      return h;
    }
    if (p.field == 0 || p.field > record.fields.size()) continue;
    bad[p.field - 1] = true;
    const std::string_view value = record.fields[p.field - 1];
    if (p.kind == csv_problem_kind::invalid_utf8)
      keep(shared, out,
           make_diagnostic("SG112", severity::error, schema.file, record.line, p.field, {},
                           value, "UTF-8 text"));
    else
      keep(shared, out,
           make_diagnostic("SG110", severity::error, schema.file, record.line, p.field, {},
                           value, std::string("a well-quoted field, not ") +
                                      std::string(describe(p.kind))));
  }
  h.field_count = record.fields.size();
  h.last_line = record.last_line;
  h.data_offset = reader.offset();
  h.field_names.reserve(record.fields.size());
  for (std::size_t f = 0; f < record.fields.size(); ++f) {
    const std::string_view name = record.fields[f];
    h.field_names.emplace_back(bad[f] ? std::string_view() : name);
    if (bad[f]) continue;
    const auto column_number = static_cast<std::uint32_t>(f + 1);
    int found_column = -1;
    for (std::size_t c = 0; c < schema.column_count; ++c)
      if (schema.columns[c].name == name) found_column = static_cast<int>(c);
    if (found_column < 0) {
      keep(shared, out,
           make_diagnostic("SG103", severity::warning, schema.file, record.line, column_number,
                           name, name,
                           "one of the columns " + column_list(schema) +
                               " (the column is ignored)"));
    } else if (h.field_of[static_cast<std::size_t>(found_column)] >= 0) {
      keep(shared, out,
           make_diagnostic("SG104", severity::error, schema.file, record.line, column_number,
                           name, name,
                           "each column once (first at column " +
                               std::to_string(h.field_of[static_cast<std::size_t>(found_column)] +
                                              1) +
                               ")"));
    } else {
      h.field_of[static_cast<std::size_t>(found_column)] = static_cast<int>(f);
    }
  }
  for (std::size_t c = 0; c < schema.column_count; ++c)
    if (schema.columns[c].required && h.field_of[c] < 0)
      keep(shared, out,
           make_diagnostic("SG102", severity::error, schema.file, record.line, 0,
                           schema.columns[c].name, {},
                           "a column named " + std::string(schema.columns[c].name)));
  h.usable = true;
  return h;
}

// ---------------------------------------------------------------------------------------
// Rows.

// Where a row came from: row -> line is the last anchor at or before the row, plus the rows
// since (rows are consecutive lines except after multi-line records and blank lines).
struct line_anchor {
  std::int32_t row;
  std::uint64_t line;
};

std::uint64_t line_of(const std::vector<line_anchor>& anchors, std::int32_t row) {
  auto it = std::upper_bound(anchors.begin(), anchors.end(), row,
                             [](std::int32_t r, const line_anchor& a) { return r < a.row; });
  if (it == anchors.begin()) return 0;
  --it;
  return it->line + static_cast<std::uint64_t>(row - it->row);
}

// A row's own id by its hash: the hash's low 32 bits (what an index slot keeps) and the row.
struct keyed_row {
  std::uint32_t hash;
  std::int32_t row;
};

// One piece of a file and what parsing it found. Lines are relative to the piece's start
// (its first line is 1) until the pieces are joined. Pieces lie side by side in a vector and
// two threads update neighbouring ones at every row: each gets cache lines of its own
// (sharing one made every row wait for the line to come back from the other core).
struct alignas(128) chunk_state {
  std::string_view text;
  // Set for every piece but the first: what it finds counts only once its cut is known sound.
  std::unique_ptr<error_counter> local;
  std::vector<diagnostic> diagnostics;
  std::vector<line_anchor> anchors;
  std::uint64_t lines = 0;        // line ends consumed
  std::int32_t rows = 0;
  bool open_quote_at_end = false;
  // The piece's own ids as they are read, by partition of their hash among 2^own_id_log2
  // (partitioned_index::partition_of): the duplicate check then builds each partition from
  // these without reading the ids again. Empty for a table without an id column.
  std::vector<std::vector<keyed_row>> own_ids;
  unsigned own_id_log2 = 0;
};

// An identifier column of a finished table, for resolving references to it.
struct ref_target {
  const partitioned_index* index = nullptr;
  const string_column* ids = nullptr;
  bool check = false;            // false when the table could not be read: no cascade
  std::string expected;          // "a child_id of children.csv"
};

// Reads the data records of one chunk and converts cells, reporting every problem.
class row_cursor {
 public:
  row_cursor(const table_schema& schema, const header_info& header, chunk_state& chunk,
             const source& src, shared_state& shared)
      : schema_(schema), header_(header), chunk_(chunk), src_(src), shared_(shared),
        counter_(chunk.local ? static_cast<error_counter&>(*chunk.local) : shared),
        reader_(chunk.text, [&] {
          csv_options o;
          o.max_record_bytes = max_record_bytes;
          o.expected_fields = header.field_count;
          o.skip_bom = false;
          return o;
        }()),
        released_(chunk.text.data()), reported_(chunk.text.data()) {}

  ~row_cursor() { flush_progress(); }

  row_cursor(const row_cursor&) = delete;
  row_cursor& operator=(const row_cursor&) = delete;

  bool next() {
    while (true) {
      if (counter_.stop.load(std::memory_order_relaxed) ||
          shared_.stop.load(std::memory_order_relaxed)) {
        resolve_pending();
        // The lines of the rest of the piece still count: the pieces after it number their
        // diagnostics' lines from this piece's line count.
        reader_.skip_to_end();
        chunk_.lines = reader_.line() - 1;
        return false;
      }
      maintain();
      if (!reader_.next(record_)) {
        resolve_pending();
        chunk_.lines = reader_.line() - 1;
        return false;
      }
      if (record_.blank) {
        keep(counter_, chunk_.diagnostics,
             make_diagnostic("SG114", severity::warning, schema_.file, record_.line, 0, {}, {},
                             "no blank line inside a file (" +
                                 blank_lines(record_.last_line - record_.line + 1) + " skipped)"));
        continue;
      }
      break;
    }
    row_ = chunk_.rows++;
    if (record_.line != next_line_) chunk_.anchors.push_back({row_, record_.line});
    next_line_ = record_.last_line + 1;
    record_id_ = {};
    broken_ = false;
    any_bad_ = false;
    chunk_.open_quote_at_end = false;
    if (!record_.problems.empty()) take_problems();
    return true;
  }

  std::int32_t row() const noexcept { return row_; }

  // The row's own identifier: required, 1 to 64 bytes; named in this row's diagnostics.
  SG_INLINE std::string_view own_id(int col) {
    const int f = field(col);
    if (broken_) {
      if (f >= 0 && static_cast<std::size_t>(f) < record_.fields.size() && !is_bad(f))
        record_id_ = record_.fields[static_cast<std::size_t>(f)];
      if (!record_id_.empty()) keep_own_id(record_id_);
      return record_id_;
    }
    const std::string_view v = take(col, true);
    if (v.empty()) return {};
    record_id_ = v;
    if (v.size() > max_id_bytes) report("SG127", col, v, "an identifier of 1 to 64 bytes");
    keep_own_id(v);
    return v;
  }

  // An identifier that names no row (targets.indicator): 1 to 64 bytes.
  std::string_view identifier(int col, bool required) {
    const std::string_view v = take(col, required);
    if (v.empty()) return {};
    if (v.size() > max_id_bytes) report("SG127", col, v, "an identifier of 1 to 64 bytes");
    return v;
  }

  std::string_view text(int col, bool required) {
    return take(col, required);
  }

  // True when the cell is present and not empty (used for defaults).
  bool has_value(int col) const {
    const int f = field(col);
    return f >= 0 && !broken_ && !is_bad(f) && !record_.fields[static_cast<std::size_t>(f)].empty();
  }

  SG_INLINE day_number date(int col, bool required) {
    const std::string_view v = take(col, required);
    if (v.empty()) return no_day;
    const day_number d = safeguard::detail::parse_iso_day(v);
    if (d == no_day) report("SG121", col, v, "a date YYYY-MM-DD");
    return d;
  }

  SG_INLINE date_time date_time_value(int col, bool required) {
    const std::string_view v = take(col, required);
    if (v.empty()) return {};
    const date_time d = safeguard::detail::parse_iso_day_time(v);
    if (d.day == no_day)
      report("SG122", col, v, "a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM");
    return d;
  }

  // A plain decimal integer in [low, high]; `fallback` when empty or wrong.
  std::int64_t integer(int col, bool required, std::int64_t low, std::int64_t high,
                       std::int64_t fallback, bool* ok = nullptr) {
    if (ok != nullptr) *ok = false;
    const std::string_view v = take(col, required);
    if (v.empty()) return fallback;
    std::int64_t x = 0;
    bool good = v.size() <= 19;
    for (std::size_t i = 0; good && i < v.size(); ++i) {
      const char c = v[i];
      if (c < '0' || c > '9') good = false;
      else if (x > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) good = false;
      else x = x * 10 + (c - '0');
    }
    if (!good || x < low || x > high) {
      report("SG123", col, v,
             "a whole number from " + std::to_string(low) + " to " + std::to_string(high));
      return fallback;
    }
    if (ok != nullptr) *ok = true;
    return x;
  }

  double number(int col, bool required) {
    const std::string_view v = take(col, required);
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    double x = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || !std::isfinite(x)) {
      report("SG124", col, v, "a number such as 12 or 0.75");
      return std::numeric_limits<double>::quiet_NaN();
    }
    return x;
  }

  SG_INLINE flag boolean(int col, flag fallback) {
    const std::string_view v = take(col, false);
    if (v.empty()) return fallback;
    if (v.size() == 1 && (v[0] == '0' || v[0] == '1')) return static_cast<flag>(v[0] - '0');
    report("SG125", col, v, "0 or 1");
    return fallback;
  }

  SG_INLINE code code_value(int col, const code_table& table, bool required) {
    const std::string_view v = take(col, required);
    if (v.empty()) return no_code;
    const code c = table.find(v);
    if (c == no_code) report("SG126", col, v, table.expected);
    return c;
  }

  code_set code_values(int col, const code_table& table, bool required) {
    const std::string_view v = take(col, required);
    if (v.empty()) return 0;
    code_set set = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t bar = v.find('|', start);
      const std::string_view part =
          v.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
      const code c = table.find(part);
      if (c == no_code) {
        report("SG126", col, part.empty() ? v : part, table.expected_multi);
        return 0;
      }
      set |= code_set{1} << c;
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    return set;
  }

  SG_INLINE std::int32_t open_code(int col, dictionary_builder& dict) {
    const std::string_view v = take(col, false);
    if (v.empty()) return dictionary::no_entry;
    if (!is_snake_code(v) || v.size() > max_id_bytes) {
      report("SG128", col, v, "a lower-case ASCII snake_case code (a-z, 0-9, _) of at most 64 bytes");
      return dictionary::no_entry;
    }
    return dict.intern(v);
  }

  // The row `col` names in `target`, resolved at once (for defaults that depend on it).
  std::int32_t reference(int col, const ref_target& target, bool required) {
    const std::string_view v = take(col, required);
    if (v.empty()) return -1;
    if (!target.check) return -1;
    const string_column& ids = *target.ids;
    const std::int32_t r = target.index->find(
        v, [&](std::int32_t i) { return ids[static_cast<std::size_t>(i)]; });
    if (r < 0) report("SG131", col, v, target.expected);
    return r;
  }

  // Appends the row `col` names in `target` to `column`. References into big tables are
  // resolved in batches, a few rows later, so that their memory waits overlap.
  template <class Index>
  SG_INLINE void reference(int col, const ref_target& target, bool required,
                           std::vector<Index>& column) {
    const std::string_view v = take(col, required);
    if (v.empty() || !target.check) {
      column.emplace_back();
      return;
    }
    if (target.ids->size() < big_table_rows) {
      column.emplace_back(reference(col, target, required));
      return;
    }
    // Filled in place: a pending reference built on the stack and then copied into the
    // vector was read back in wider loads than its fields were stored with (a store
    // forwarding stall per field).
    pending_reference& p = pending_.emplace_back();
    p.target = &target;
    p.column = &column;
    p.slot = [](void* c, std::size_t i) -> std::int32_t& {
      return (*static_cast<std::vector<Index>*>(c))[i].value;
    };
    p.position = column.size();
    p.key = stable(v);
    p.hash = detail::hash_bytes(v);
    p.line = record_.line;
    p.col = col;
    p.record_id = stable(record_id_);
    target.index->prefetch(p.hash);
    column.emplace_back();
    if (pending_.size() >= reference_batch) resolve_pending();
  }

  // Out of line and marked cold, taking views only (a std::string argument would be built at
  // every call site, inside the per-cell accessors): those stay small enough to inline.
  SG_COLD void report(std::string_view code, int col, std::string_view value,
                      std::string_view expected) {
    const int f = field(col);
    keep(counter_, chunk_.diagnostics,
         make_diagnostic(code, severity::error, schema_.file, record_.line,
                         static_cast<std::uint32_t>(f + 1), schema_.columns[col].name, value,
                         std::string(expected), record_id_));
  }

 private:
  static constexpr std::size_t big_table_rows = 4096;
  static constexpr std::size_t reference_batch = 64;

  struct pending_reference {
    const ref_target* target;
    void* column;
    std::int32_t& (*slot)(void*, std::size_t);
    std::size_t position;
    std::string_view key;
    std::uint64_t hash;
    std::uint64_t line;
    int col;
    std::string_view record_id;
    std::int32_t candidate;
  };

  // A view that survives until the batch is resolved: the text of the piece does (its pages
  // are released only after), the scratch buffer of an escaped field does not.
  std::string_view stable(std::string_view v) {
    const char* begin = chunk_.text.data();
    if (v.empty() || (v.data() >= begin && v.data() + v.size() <= begin + chunk_.text.size()))
      return v;
    return kept_.emplace_back(v);
  }

  void resolve_pending() {
    if (pending_.empty()) return;
    // Slots were prefetched when the keys were read; now the candidates' offsets, then
    // their bytes, then compare with everything in cache.
    for (pending_reference& p : pending_) {
      p.candidate = p.target->index->candidate(p.hash);
      if (p.candidate >= 0)
        __builtin_prefetch(&p.target->ids->offsets()[static_cast<std::size_t>(p.candidate)]);
    }
    for (const pending_reference& p : pending_)
      if (p.candidate >= 0)
        __builtin_prefetch(p.target->ids->bytes().data() +
                           p.target->ids->offsets()[static_cast<std::size_t>(p.candidate)]);
    for (const pending_reference& p : pending_) {
      const string_column& ids = *p.target->ids;
      const std::int32_t r = p.target->index->find(
          p.key, p.hash, [&](std::int32_t i) { return ids[static_cast<std::size_t>(i)]; });
      p.slot(p.column, p.position) = r;
      if (r < 0)
        keep(counter_, chunk_.diagnostics,
             make_diagnostic("SG131", severity::error, schema_.file, p.line,
                             static_cast<std::uint32_t>(field(p.col) + 1),
                             schema_.columns[p.col].name, p.key, p.target->expected,
                             p.record_id));
    }
    pending_.clear();
    kept_.clear();
  }

  // Files the row's own id under its hash's partition for the duplicate check.
  void keep_own_id(std::string_view id) {
    if (chunk_.own_ids.empty()) return;
    const std::uint64_t h = detail::hash_bytes(id);
    chunk_.own_ids[partitioned_index::partition_of(h, chunk_.own_id_log2)].push_back(
        {static_cast<std::uint32_t>(h), row_});
  }

  int field(int col) const noexcept { return header_.field_of[static_cast<std::size_t>(col)]; }
  bool is_bad(int f) const noexcept {
    return any_bad_ && static_cast<std::size_t>(f) < bad_.size() && bad_[static_cast<std::size_t>(f)];
  }

  // The cell of `col` when it can be converted (never empty then), else an empty view: the
  // column is missing, the cell empty (reported when required) or its record broken. The view
  // is returned, not written through a reference: the callers read it at once, and a view
  // stored in two halves and read back whole stalls store forwarding.
  SG_INLINE std::string_view take(int col, bool required) {
    const int f = field(col);
    if (f < 0 || broken_ || is_bad(f)) return {};
    const std::string_view v = record_.fields[static_cast<std::size_t>(f)];
    if (v.empty() && required) report("SG120", col, {}, "a value (the column is required)");
    return v;
  }

  void take_problems() {
    bad_.assign(record_.fields.size(), 0);
    for (const csv_problem& p : record_.problems) {
      const std::size_t f = p.field;
      const std::string_view name =
          f >= 1 && f <= header_.field_names.size() ? std::string_view(header_.field_names[f - 1])
                                                    : std::string_view();
      const std::string_view value =
          f >= 1 && f <= record_.fields.size() ? record_.fields[f - 1] : std::string_view();
      if (f >= 1 && f <= bad_.size()) {
        bad_[f - 1] = 1;
        any_bad_ = true;
      }
      switch (p.kind) {
        case csv_problem_kind::line_too_long:
          broken_ = true;
          emit("SG113", record_.line, 0, {}, {},
               "a line of at most " + std::to_string(max_record_bytes) + " bytes");
          break;
        case csv_problem_kind::wrong_field_count: {
          broken_ = true;
          std::string joined;
          for (std::size_t i = 0; i < record_.fields.size() && joined.size() <= max_value_bytes;
               ++i) {
            if (i > 0) joined += ',';
            joined.append(record_.fields[i].substr(0, max_value_bytes));
          }
          emit("SG111", record_.line, 0, {}, joined,
               std::to_string(header_.field_count) + " fields as in the header, found " +
                   std::to_string(record_.fields.size()));
          break;
        }
        case csv_problem_kind::invalid_utf8:
          emit("SG112", record_.line, static_cast<std::uint32_t>(f), name, value, "UTF-8 text");
          break;
        case csv_problem_kind::unterminated_quote:
          chunk_.open_quote_at_end = true;
          emit("SG110", record_.line, static_cast<std::uint32_t>(f), name, value,
               "a closing quote (this quoted field runs to the end of the file)");
          break;
        case csv_problem_kind::quote_in_unquoted_field:
          emit("SG110", record_.line, static_cast<std::uint32_t>(f), name, value,
               "no quote inside an unquoted field (quote the whole field and double each "
               "quote in it)");
          break;
        case csv_problem_kind::text_after_closing_quote:
          emit("SG110", record_.line, static_cast<std::uint32_t>(f), name, value,
               "a separator or line end after the closing quote");
          break;
      }
    }
  }

  void emit(std::string_view code, std::uint64_t line, std::uint32_t column,
            std::string_view column_name, std::string_view value, std::string expected) {
    // The row's id is not known yet when the record itself is malformed; take it if its
    // field is sound so the diagnostic can name the row.
    std::string_view id;
    if (schema_.id_column >= 0) {
      const int f = field(schema_.id_column);
      if (f >= 0 && static_cast<std::size_t>(f) < record_.fields.size() &&
          !(static_cast<std::size_t>(f) < bad_.size() && bad_[static_cast<std::size_t>(f)]))
        id = record_.fields[static_cast<std::size_t>(f)];
    }
    keep(counter_, chunk_.diagnostics,
         make_diagnostic(code, severity::error, schema_.file, line, column, column_name, value,
                         std::move(expected), id));
  }

  // Progress and memory: every few MiB, count the bytes done, report progress on the calling
  // thread, and drop the parsed pages of a mapped file.
  void maintain() {
    const char* here = chunk_.text.data() + reader_.offset();
    if (here - reported_ < (std::ptrdiff_t{1} << 22)) return;
    flush_progress();
    resolve_pending();  // pending keys point into the pages about to be released
    src_.release(released_, here);
    released_ = here;
  }

  void flush_progress() {
    const char* here = chunk_.text.data() + reader_.offset();
    if (here > reported_) {
      const auto done = shared_.bytes_done.fetch_add(static_cast<std::uint64_t>(here - reported_)) +
                        static_cast<std::uint64_t>(here - reported_);
      reported_ = here;
      if (shared_.progress != nullptr && *shared_.progress &&
          std::this_thread::get_id() == shared_.caller)
        (*shared_.progress)("loading", done, shared_.bytes_total);
    }
  }

  const table_schema& schema_;
  const header_info& header_;
  chunk_state& chunk_;
  const source& src_;
  shared_state& shared_;
  error_counter& counter_;
  csv_reader reader_;
  csv_record record_;
  std::int32_t row_ = -1;
  std::uint64_t next_line_ = 0;  // forces an anchor for the first row
  std::string_view record_id_;
  bool broken_ = false;
  bool any_bad_ = false;
  std::vector<std::uint8_t> bad_;
  const char* released_;
  const char* reported_;
  std::vector<pending_reference> pending_;
  std::deque<std::string> kept_;
};

// ---------------------------------------------------------------------------------------
// Concatenating the pieces of a table parsed in parallel. `visit_columns(d, s, op)` calls
// `op(d.column, s.column)` for every column of a table (and `op.coded(...)` for columns
// coded into a dictionary); one visitor adds up the sizes to reserve each column exactly
// once, another appends.

template <class T>
void append(std::vector<T>& dst, std::vector<T>& src) {
  dst.insert(dst.end(), src.begin(), src.end());
  std::vector<T>().swap(src);
}

// A string column's bytes and offsets are appended by two tasks (they are a big table's
// biggest column): `base` is where the piece's bytes start in the joined bytes.
void append_bytes(string_column& dst, string_column& src) {
  dst.mutable_bytes().append(src.bytes());
  std::string().swap(src.mutable_bytes());
}

void append_offsets(string_column& dst, string_column& src, std::uint64_t base) {
  std::vector<std::uint64_t>& offsets = dst.mutable_offsets();
  const std::uint64_t* from = src.offsets().data() + 1;  // offsets[0] is 0
  const std::size_t n = src.offsets().size() - 1;
  const std::size_t at = offsets.size();
  offsets.resize(at + n);
  std::uint64_t* to = offsets.data() + at;
  for (std::size_t i = 0; i < n; ++i) to[i] = base + from[i];
  std::vector<std::uint64_t>().swap(src.mutable_offsets());
}

// Adds up the sizes of the pieces' columns (first pass), then reserves them (second pass).
struct column_sizer {
  std::vector<std::size_t> totals;
  std::size_t next = 0;
  bool reserving = false;

  // The position of the next column's total (columns are always visited in one order).
  std::size_t slot() {
    if (next == totals.size()) totals.push_back(0);
    return next++;
  }
  template <class T>
  void operator()(std::vector<T>& d, std::vector<T>& s) {
    const std::size_t rows = slot();
    if (reserving) d.reserve(d.size() + totals[rows]);
    else totals[rows] += s.size();
  }
  void operator()(string_column& d, string_column& s) {
    const std::size_t rows = slot();
    const std::size_t bytes = slot();
    if (reserving) {
      d.mutable_offsets().reserve(d.offsets().size() + totals[rows]);
      d.mutable_bytes().reserve(d.bytes().size() + totals[bytes]);
    } else {
      totals[rows] += s.size();
      totals[bytes] += s.bytes().size();
    }
  }
  void coded(std::vector<std::int32_t>& d, dictionary&, std::vector<std::int32_t>& s,
             dictionary&) {
    (*this)(d, s);
  }
};

// Collects, per column, the appends of every piece (in piece order), so that the columns
// of a big table are joined on several threads at once: the copying and the first touch of
// the joined columns' memory is most of a join's time.
struct column_appender {
  std::vector<std::vector<std::function<void()>>> columns;
  std::size_t next = 0;

  std::vector<std::function<void()>>& column() {
    if (next == columns.size()) columns.emplace_back();
    return columns[next++];
  }
  // The bytes already in each string column or registered to be appended to it, by the
  // position of its bytes task.
  std::vector<std::uint64_t> bytes_so_far;

  template <class T>
  void operator()(std::vector<T>& d, std::vector<T>& s) {
    column().emplace_back([&d, &s] { append(d, s); });
  }
  void operator()(string_column& d, string_column& s) {
    const std::size_t position = next;
    if (position == columns.size()) {  // the first piece appended: d holds the first piece
      bytes_so_far.resize(position + 1);
      bytes_so_far[position] = d.bytes().size();
    }
    column().emplace_back([&d, &s] { append_bytes(d, s); });
    const std::uint64_t base = bytes_so_far[position];
    bytes_so_far[position] += s.bytes().size();
    column().emplace_back([&d, &s, base] { append_offsets(d, s, base); });
  }
  // Re-codes a piece's dictionary positions into the joined table's dictionary.
  void coded(std::vector<std::int32_t>& d, dictionary& d_dict, std::vector<std::int32_t>& s,
             dictionary& s_dict) {
    column().emplace_back([&d, &d_dict, &s, &s_dict] {
      dictionary_builder builder(d_dict);
      std::vector<std::int32_t> map(s_dict.values.size());
      for (std::size_t i = 0; i < map.size(); ++i) map[i] = builder.intern(s_dict.values[i]);
      for (std::int32_t& v : s)
        if (v >= 0) v = map[static_cast<std::size_t>(v)];
      append(d, s);
    });
  }
};

template <class Op>
void visit_columns(org_unit_table& d, org_unit_table& s, Op& op) {
  op(d.code, s.code); op(d.name, s.name); op(d.parent, s.parent);
  op(d.kind, s.kind);
}
template <class Op>
void visit_columns(population_table& d, population_table& s, Op& op) {
  op(d.org_unit, s.org_unit); op(d.year, s.year); op(d.sex, s.sex);
  op(d.age, s.age); op(d.count, s.count);
}
template <class Op>
void visit_columns(agency_table& d, agency_table& s, Op& op) {
  op(d.code, s.code); op(d.name, s.name); op(d.kind, s.kind);
  op(d.org_unit, s.org_unit);
}
template <class Op>
void visit_columns(child_table& d, child_table& s, Op& op) {
  op(d.id, s.id); op(d.birth_date, s.birth_date); op(d.sex, s.sex);
  op(d.org_unit, s.org_unit);
  op.coded(d.ethnicity, d.ethnicities, s.ethnicity, s.ethnicities);
  op(d.disability, s.disability); op(d.registered_date, s.registered_date);
  op(d.exit_date, s.exit_date); op(d.exit_reason, s.exit_reason);
}
template <class Op>
void visit_columns(circumstance_table& d, circumstance_table& s, Op& op) {
  op(d.child, s.child); op(d.circumstance, s.circumstance);
  op(d.start_date, s.start_date); op(d.end_date, s.end_date);
}
template <class Op>
void visit_columns(case_table& d, case_table& s, Op& op) {
  op(d.id, s.id); op(d.child, s.child); op(d.reported_date, s.reported_date);
  op(d.reported_minute, s.reported_minute); op(d.concerns, s.concerns);
  op(d.org_unit, s.org_unit); op(d.lead_agency, s.lead_agency);
  op(d.source, s.source); op(d.setting, s.setting);
  op(d.perpetrator, s.perpetrator); op(d.level, s.level); op(d.risk, s.risk);
  op(d.outcome, s.outcome); op(d.incident_date, s.incident_date);
  op(d.emergency_date, s.emergency_date); op(d.emergency_minute, s.emergency_minute);
  op(d.assessed_date, s.assessed_date); op(d.plan_date, s.plan_date);
  op(d.closed_date, s.closed_date); op(d.closure_reason, s.closure_reason);
  op(d.consent_reporting, s.consent_reporting);
}
template <class Op>
void visit_columns(service_table& d, service_table& s, Op& op) {
  op(d.case_, s.case_); op(d.date, s.date); op(d.service, s.service);
  op(d.agency, s.agency); op(d.referred, s.referred);
}
template <class Op>
void visit_columns(activity_table& d, activity_table& s, Op& op) {
  op(d.id, s.id); op(d.agency, s.agency); op(d.kind, s.kind);
  op(d.start_date, s.start_date); op(d.end_date, s.end_date);
  op(d.org_unit, s.org_unit); op(d.topics, s.topics); op(d.audiences, s.audiences);
  op(d.sessions, s.sessions); op(d.participants, s.participants);
  op(d.child_participants, s.child_participants); op(d.quantity, s.quantity);
  op.coded(d.programme, d.programmes, s.programme, s.programmes);
}
template <class Op>
void visit_columns(plan_table& d, plan_table& s, Op& op) {
  op(d.id, s.id); op(d.agency, s.agency); op(d.title, s.title);
  op(d.start_date, s.start_date); op(d.end_date, s.end_date);
  op(d.org_unit, s.org_unit);
  op.coded(d.programme, d.programmes, s.programme, s.programmes);
}
template <class Op>
void visit_columns(target_table& d, target_table& s, Op& op) {
  op(d.plan, s.plan); op(d.indicator, s.indicator); op(d.value, s.value);
  op(d.direction, s.direction); op(d.org_unit, s.org_unit); op(d.period, s.period);
  op(d.period_start, s.period_start); op(d.period_end, s.period_end);
}
// org_units.csv rows with the parent codes, resolved once every unit is read.
struct org_unit_rows {
  org_unit_table table;
  string_column parent_code;
};
template <class Op>
void visit_columns(org_unit_rows& d, org_unit_rows& s, Op& op) {
  visit_columns(d.table, s.table, op);
  op(d.parent_code, s.parent_code);
}
template <class Op>
void visit_columns(holiday_table& d, holiday_table& s, Op& op) {
  op(d.date, s.date); op(d.name, s.name);
}

// Line ends in a piece: an upper bound of its records, to reserve columns once. A plain
// count (vectorised by the compiler) rather than a memchr call per line: rows are short.
std::size_t count_lines(std::string_view text) {
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// ---------------------------------------------------------------------------------------
// The load: state shared by the table jobs.

struct load_context {
  const load_options* options = nullptr;
  shared_state shared;
  unsigned threads = 1;
  const source* sources[table_count] = {};
  dataset ds;
  bool usable[table_count] = {};  // header read and the id column present
  std::vector<diagnostic> table_diagnostics[table_count];
  partitioned_index org_unit_ids, agency_ids, child_ids, case_ids, plan_ids;
  // Per table, the own ids its pieces filed while parsing (chunk_state::own_ids), in piece
  // order, with the joined table's row of each piece's first row.
  struct filed_ids {
    unsigned log2 = 0;
    std::vector<std::vector<std::vector<keyed_row>>> pieces;
    std::vector<std::int32_t> first_row;
  };
  filed_ids own_ids[table_count];
  ref_target org_units, agencies, children, cases, plans;
  bool hierarchy_ok = false;      // parents resolved, no cycle
};

void run_tasks(const std::vector<std::function<void()>>& tasks, unsigned threads);

// Indexes a table's own ids and reports the ones used twice. Inserting a million ids into
// one big table waits on memory at every insert; instead the pieces filed their ids by the
// top bits of the hash while parsing (chunk_state::own_ids), into partitions small enough to
// stay in the core's cache, and every partition is built on its own here, the threads taking
// partitions in turn. Within a partition the rows come in order (pieces in order, rows in
// order within a piece), so the first row of an id is the one kept and every later one is
// reported.
void report_duplicates(load_context& ctx, int table, const header_info& header,
                       const string_column& ids, partitioned_index& index,
                       const std::vector<line_anchor>& anchors, std::vector<diagnostic>& out) {
  const table_schema& schema = schemas[table];
  load_context::filed_ids filed = std::move(ctx.own_ids[table]);
  ctx.own_ids[table] = {};
  index.reset(filed.log2);
  const std::size_t parts = index.partitions();
  std::vector<std::vector<diagnostic>> found(parts);
  const auto get = [&](std::int32_t i) { return ids[static_cast<std::size_t>(i)]; };
  std::vector<std::function<void()>> tasks;
  for (std::size_t p = 0; p < parts; ++p)
    tasks.emplace_back([&, p] {
      string_index& into = index.partition(p);
      std::size_t count = 0;
      for (const auto& piece : filed.pieces) count += p < piece.size() ? piece[p].size() : 0;
      into.reserve(count);
      for (std::size_t i = 0; i < filed.pieces.size(); ++i) {
        if (p >= filed.pieces[i].size()) continue;
        for (const keyed_row k : filed.pieces[i][p]) {
          const std::int32_t row = k.row + filed.first_row[i];
          const std::int32_t first = into.insert_row(k.hash, row, get);
          if (first == string_index::none) continue;
          const std::string_view id = get(row);
          keep(ctx.shared, found[p],
               make_diagnostic(
                   "SG130", severity::error, schema.file, line_of(anchors, row),
                   column_number(header, schema.id_column), schema.columns[schema.id_column].name,
                   id,
                   "a unique " + std::string(schema.columns[schema.id_column].name) +
                       " (already on line " + std::to_string(line_of(anchors, first)) + ")",
                   id));
          if (ctx.shared.stop.load(std::memory_order_relaxed)) return;
        }
      }
    });
  run_tasks(tasks, ctx.threads);
  for (auto& f : found)
    for (diagnostic& d : f) out.push_back(std::move(d));
}

// A table being loaded: its header, its pieces, and what to do with the joined rows.
class job {
 public:
  job(load_context& ctx, int table) : ctx_(ctx), table_(table) {}
  virtual ~job() = default;
  job(const job&) = delete;
  job& operator=(const job&) = delete;

  int table() const noexcept { return table_; }

  // Reads the header and cuts the data into pieces.
  void prepare() {
    const source* src = ctx_.sources[table_];
    if (src == nullptr) return;
    const std::string_view text = src->text();
    header_ = read_header(schemas[table_], text, ctx_.shared, ctx_.table_diagnostics[table_]);
    if (!header_.usable) {
      ctx_.shared.bytes_done += text.size();
      return;
    }
    const int id_col = schemas[table_].id_column;
    ctx_.usable[table_] =
        id_col < 0 || header_.field_of[static_cast<std::size_t>(id_col)] >= 0;
    const std::string_view data = text.substr(header_.data_offset);
    ctx_.shared.bytes_done += header_.data_offset;
    // Partitions of the own ids (see report_duplicates): about 16,384 ids each at most,
    // counting rows from the size (rows of any table with an id are longer than 16 bytes).
    own_id_log2_ = 0;
    if (id_col >= 0)
      while (own_id_log2_ < 12 && ((data.size() / 16) >> own_id_log2_) > (std::size_t{1} << 14))
        ++own_id_log2_;
    for (const std::string_view piece : split(data)) {
      chunks_.push_back(new_chunk(piece));
      if (chunks_.size() > 1) {
        chunks_.back().local = std::make_unique<error_counter>();
        chunks_.back().local->max_errors = ctx_.shared.max_errors;
      }
    }
    reset_parts(chunks_.size());  // before the threads start: they only touch their own part
  }

  std::size_t chunk_count() const noexcept { return chunks_.size(); }
  std::size_t chunk_size(std::size_t i) const noexcept { return chunks_[i].text.size(); }
  virtual void parse_chunk(std::size_t i) = 0;

  // Joins the pieces (or re-reads the file whole when a cut fell inside a quoted field),
  // then runs the table's own checks.
  void finish() {
    std::vector<diagnostic>& out = ctx_.table_diagnostics[table_];
    // A piece ending inside a quoted field means its cut fell inside quotes: the pieces after
    // it were read from the middle of a field. Re-read the file whole (rare: it takes a
    // quoted line end exactly where the file is cut).
    std::size_t sound = chunks_.size();
    for (std::size_t i = 0; i + 1 < chunks_.size(); ++i)
      if (chunks_[i].open_quote_at_end) {
        sound = i + 1;
        break;
      }
    if (sound < chunks_.size() && !ctx_.shared.stop.load()) {
      // Only the first piece counted against the load's limit; take its findings back.
      for (const diagnostic& d : chunks_.front().diagnostics)
        (d.level == severity::error ? ctx_.shared.errors : ctx_.shared.warnings) -= 1;
      const char* begin = chunks_.front().text.data();
      const char* end = chunks_.back().text.data() + chunks_.back().text.size();
      chunks_.clear();
      chunks_.push_back(new_chunk(std::string_view(begin, static_cast<std::size_t>(end - begin))));
      sound = 1;
      reset_parts(1);
      parse_chunk(0);
    }
    std::uint64_t line_offset = header_.last_line;
    std::int32_t row_offset = 0;
    load_context::filed_ids& filed = ctx_.own_ids[table_];
    filed = {};
    filed.log2 = own_id_log2_;
    for (std::size_t i = 0; i < sound; ++i) {
      chunk_state& c = chunks_[i];
      filed.pieces.push_back(std::move(c.own_ids));
      filed.first_row.push_back(row_offset);
      for (diagnostic& d : c.diagnostics) {
        if (d.line > 0) d.line += line_offset;
        if (c.local) {
          // Now known sound: count it against the load's limit.
          std::atomic<std::size_t>& n =
              d.level == severity::error ? ctx_.shared.errors : ctx_.shared.warnings;
          if (ctx_.shared.max_errors != 0 && n.fetch_add(1) + 1 > ctx_.shared.max_errors &&
              d.level == severity::error)
            ctx_.shared.stop = true;
        }
        out.push_back(std::move(d));
      }
      if (c.local && c.local->stop.load()) ctx_.shared.stop = true;
      for (const line_anchor& a : c.anchors)
        anchors_.push_back({a.row + row_offset, a.line + line_offset});
      line_offset += c.lines;
      row_offset += c.rows;
    }
    chunks_.clear();
    if (ctx_.shared.stop.load()) return;
    join();
    complete(out);
  }

 protected:
  virtual void reset_parts(std::size_t n) = 0;
  virtual void join() = 0;
  virtual void complete(std::vector<diagnostic>& out) = 0;

  row_cursor cursor(std::size_t i) {
    return row_cursor(schemas[table_], header_, chunks_[i], *ctx_.sources[table_], ctx_.shared);
  }
  std::size_t estimated_rows(std::size_t i) const { return count_lines(chunks_[i].text); }

  chunk_state new_chunk(std::string_view text) const {
    chunk_state c;
    c.text = text;
    if (schemas[table_].id_column >= 0) {
      c.own_ids.resize(std::size_t{1} << own_id_log2_);
      c.own_id_log2 = own_id_log2_;
    }
    return c;
  }

  load_context& ctx_;
  const int table_;
  header_info header_;
  std::vector<chunk_state> chunks_;
  std::vector<line_anchor> anchors_;
  unsigned own_id_log2_ = 0;

 private:
  // Pieces of at least 4 MiB (about 4 per thread), cut right after a line end that neither
  // follows nor precedes another line end (so a run of blank lines is never split; a blank
  // line at the end of a piece would otherwise be taken for the end of the file). Pieces of a
  // few MiB keep both threads busy to the end of a stage (with 8 MiB pieces one thread often
  // waited for the other's last piece: a load of 1 M children took 378 ms instead of about
  // 330 ms); 2 MiB pieces were no faster and raised the peak memory from 1.2 to 1.55 × the CSV.
  std::vector<std::string_view> split(std::string_view data) const {
    std::vector<std::string_view> pieces;
    const std::size_t min_piece = std::size_t{4} << 20;
    if (ctx_.threads <= 1 || data.size() < 2 * min_piece) {
      pieces.push_back(data);
      return pieces;
    }
    const std::size_t target = std::max(min_piece, data.size() / (ctx_.threads * 4));
    std::size_t start = 0;
    while (data.size() - start > target + target / 2) {
      std::size_t i = start + target;
      const std::size_t give_up = std::min(data.size() - 1, i + max_record_bytes * 2);
      bool found = false;
      for (; i < give_up; ++i) {
        if (data[i] != '\n') continue;
        std::size_t before = i;
        if (before > start && data[before - 1] == '\r') --before;
        if (before == start) continue;
        const char b = data[before - 1];
        const char a = data[i + 1];
        if (b != '\n' && b != '\r' && a != '\n' && a != '\r') {
          found = true;
          break;
        }
      }
      if (!found) break;
      pieces.push_back(data.substr(start, i + 1 - start));
      start = i + 1;
    }
    pieces.push_back(data.substr(start));
    return pieces;
  }
};

// A job for one table type: `Parse` fills a Table from a row_cursor.
template <class Table>
class table_job : public job {
 public:
  using parse_fn = std::function<void(row_cursor&, Table&, std::size_t estimated_rows)>;
  using complete_fn = std::function<void(Table&, const header_info&,
                                         const std::vector<line_anchor>&,
                                         std::vector<diagnostic>&)>;

  table_job(load_context& ctx, int table, parse_fn parse, complete_fn complete)
      : job(ctx, table), parse_(std::move(parse)), complete_(std::move(complete)) {}

  void parse_chunk(std::size_t i) override {
    row_cursor r = cursor(i);
    parse_(r, parts_[i].table, estimated_rows(i));
  }

 protected:
  void reset_parts(std::size_t n) override {
    parts_.clear();
    parts_.resize(n);
  }
  void join() override {
    if (parts_.empty()) parts_.resize(1);
    if (parts_.size() == 1) return;
    column_sizer sizes;
    for (std::size_t i = 1; i < parts_.size(); ++i) {
      sizes.next = 0;
      visit_columns(parts_[0].table, parts_[i].table, sizes);
    }
    sizes.next = 0;
    sizes.reserving = true;
    visit_columns(parts_[0].table, parts_[0].table, sizes);
    column_appender appender;
    for (std::size_t i = 1; i < parts_.size(); ++i) {
      appender.next = 0;
      visit_columns(parts_[0].table, parts_[i].table, appender);
    }
    std::vector<std::function<void()>> tasks;
    for (auto& appends : appender.columns)
      tasks.emplace_back([&appends] {
        for (const auto& a : appends) a();
      });
    run_tasks(tasks, ctx_.threads);
    parts_.resize(1);
  }
  void complete(std::vector<diagnostic>& out) override {
    complete_(parts_[0].table, header_, anchors_, out);
  }

 private:
  parse_fn parse_;
  complete_fn complete_;
  // A piece's columns on cache lines of their own, as for chunk_state: every row appends to
  // them, and the vectors' ends of neighbouring pieces would otherwise share lines.
  struct alignas(128) piece_table {
    Table table;
  };
  std::vector<piece_table> parts_;
};

// Runs `tasks` on `threads` threads (the calling thread is one of them). An exception in a
// task (std::bad_alloc) is rethrown on the calling thread once all threads have stopped.
void run_tasks(const std::vector<std::function<void()>>& tasks, unsigned threads) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) {
      try {
        tasks[i]();
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  const std::size_t helpers = std::min<std::size_t>(threads, tasks.size());
  for (std::size_t t = 1; t < helpers; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

void run_stage(load_context& ctx, const std::vector<job*>& jobs) {
  for (job* j : jobs) j->prepare();
  struct piece {
    job* owner;
    std::size_t index;
    std::size_t size;
  };
  std::vector<piece> pieces;
  for (job* j : jobs)
    for (std::size_t i = 0; i < j->chunk_count(); ++i) pieces.push_back({j, i, j->chunk_size(i)});
  // Biggest first, so that the last piece to finish is a small one.
  std::stable_sort(pieces.begin(), pieces.end(),
                   [](const piece& a, const piece& b) { return a.size > b.size; });
  std::vector<std::function<void()>> tasks;
  tasks.reserve(pieces.size());
  for (const piece& p : pieces) tasks.emplace_back([p] { p.owner->parse_chunk(p.index); });
  run_tasks(tasks, ctx.threads);
  for (job* j : jobs) j->finish();
}

// ---------------------------------------------------------------------------------------
// The tables.

void set_target(ref_target& t, const partitioned_index& index, const string_column& ids,
                bool check, std::string expected) {
  t.index = &index;
  t.ids = &ids;
  t.check = check;
  t.expected = std::move(expected);
}

// org_units.csv: parents are resolved once all units are read; then cycles and depth.
void complete_org_units(load_context& ctx, org_unit_table& t, const string_column& parent_codes,
                        const header_info& header, const std::vector<line_anchor>& anchors,
                        std::vector<diagnostic>& out) {
  const table_schema& schema = schemas[t_org_units];
  report_duplicates(ctx, t_org_units, header, t.code, ctx.org_unit_ids, anchors, out);
  const std::uint32_t parent_column = column_number(header, ou::parent);
  const std::size_t n = t.size();
  const auto get = [&](std::int32_t i) { return t.code[static_cast<std::size_t>(i)]; };
  bool ok = ctx.usable[t_org_units];
  for (std::size_t r = 0; r < n && r < parent_codes.size(); ++r) {
    const std::string_view p = parent_codes[r];
    if (p.empty()) continue;
    const std::int32_t found = ctx.org_unit_ids.find(p, get);
    if (found >= 0) {
      t.parent[r] = org_unit_index(found);
      continue;
    }
    ok = false;
    keep(ctx.shared, out,
         make_diagnostic("SG136", severity::error, schema.file,
                         line_of(anchors, static_cast<std::int32_t>(r)), parent_column, "parent", p,
                         "the code of a unit in org_units.csv (or empty for a root)", t.code[r]));
  }
  // Cycles: follow each unvisited chain; meeting the chain being walked is a cycle, reported
  // once at the first unit of it met.
  std::vector<std::uint8_t> state(n, 0);
  std::vector<std::int32_t> depth(n, 0);
  std::vector<std::int32_t> chain;
  for (std::size_t s = 0; s < n; ++s) {
    if (state[s] != 0) continue;
    chain.clear();
    std::int32_t u = static_cast<std::int32_t>(s);
    std::int32_t base = 0;
    while (true) {
      const auto uu = static_cast<std::size_t>(u);
      if (state[uu] == 2) {
        base = depth[uu];
        break;
      }
      if (state[uu] == 1) {
        ok = false;
        std::string path;
        const auto from = std::find(chain.begin(), chain.end(), u);
        for (auto it = from; it != chain.end() && path.size() < 60; ++it)
          path += std::string(t.code[static_cast<std::size_t>(*it)]) + " > ";
        path += std::string(t.code[uu]);
        keep(ctx.shared, out,
             make_diagnostic("SG134", severity::error, schema.file, line_of(anchors, u),
                             parent_column,
                             "parent", parent_codes[uu],
                             "a parent chain that ends at a root, not a cycle (" + path + ")",
                             t.code[uu]));
        // Cut the link that closes the cycle so that the depths below stay finite.
        t.parent[static_cast<std::size_t>(chain.back())] = {};
        base = 0;
        break;
      }
      state[uu] = 1;
      chain.push_back(u);
      if (!t.parent[uu].valid()) break;
      u = t.parent[uu].value;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      depth[static_cast<std::size_t>(*it)] = ++base;
      state[static_cast<std::size_t>(*it)] = 2;
    }
  }
  for (std::size_t r = 0; r < n; ++r)
    if (depth[r] > 255) {
      ok = false;
      keep(ctx.shared, out,
           make_diagnostic("SG137", severity::error, schema.file,
                           line_of(anchors, static_cast<std::int32_t>(r)), parent_column,
                           "parent", parent_codes[r], "a hierarchy of at most 255 levels",
                           t.code[r]));
      break;
    }
  ctx.hierarchy_ok = ok;
}

// population.csv: one row per (unit, year, sex, age), and counts at one level per branch.
void complete_population(load_context& ctx, const population_table& t, const header_info& header,
                         const std::vector<line_anchor>& anchors, std::vector<diagnostic>& out) {
  const table_schema& schema = schemas[t_population];
  const std::uint32_t unit_column = column_number(header, po::org_unit);
  const org_unit_table& units = ctx.ds.org_units;
  const std::size_t n_units = units.size();
  const std::size_t n = t.size();
  // Rows grouped by unit (counting sort), then sorted by (year, sex, age) within a unit.
  std::vector<std::uint32_t> start(n_units + 1, 0);
  for (std::size_t r = 0; r < n; ++r)
    if (t.org_unit[r].valid()) ++start[static_cast<std::size_t>(t.org_unit[r].value) + 1];
  for (std::size_t u = 0; u < n_units; ++u) start[u + 1] += start[u];
  std::vector<std::uint32_t> rows(start[n_units]);
  {
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t r = 0; r < n; ++r)
      if (t.org_unit[r].valid())
        rows[fill[static_cast<std::size_t>(t.org_unit[r].value)]++] = static_cast<std::uint32_t>(r);
  }
  const auto key = [&](std::uint32_t r) {
    return (static_cast<std::uint32_t>(static_cast<std::uint16_t>(t.year[r])) << 16) |
           (static_cast<std::uint32_t>(t.sex[r]) << 8) | t.age[r];
  };
  for (std::size_t u = 0; u < n_units; ++u) {
    auto first = rows.begin() + start[u];
    auto last = rows.begin() + start[u + 1];
    std::sort(first, last, [&](std::uint32_t a, std::uint32_t b) {
      const auto ka = key(a), kb = key(b);
      return ka < kb || (ka == kb && a < b);
    });
    for (auto it = first; it != last && it + 1 != last; ++it) {
      const std::uint32_t a = *it, b = *(it + 1);
      if (key(a) != key(b) || t.sex[a] == no_code) continue;
      const std::string value = std::string(units.code[u]) + "," + std::to_string(t.year[b]) +
                                "," + std::string(codes::sex()[t.sex[b]].code) + "," +
                                std::to_string(t.age[b]);
      keep(ctx.shared, out,
           make_diagnostic("SG133", severity::error, schema.file,
                           line_of(anchors, static_cast<std::int32_t>(b)), 0, {}, value,
                           "one row per org_unit, year, sex and age (already on line " +
                               std::to_string(line_of(anchors, static_cast<std::int32_t>(a))) +
                               ")"));
    }
  }
  if (!ctx.hierarchy_ok) return;
  // Within a unit rows are sorted by year first: the first row of each year is at hand.
  const auto first_row_of_year = [&](std::size_t u, std::int16_t year) -> std::int64_t {
    for (std::uint32_t i = start[u]; i < start[u + 1]; ++i)
      if (t.year[rows[i]] == year) return rows[i];
    return -1;
  };
  for (std::size_t u = 0; u < n_units; ++u) {
    if (start[u] == start[u + 1]) continue;
    for (org_unit_index a = units.parent[u]; a.valid(); a = units.parent[static_cast<std::size_t>(a.value)]) {
      const auto aa = static_cast<std::size_t>(a.value);
      if (start[aa] == start[aa + 1]) continue;
      std::int16_t previous_year = std::numeric_limits<std::int16_t>::min();
      for (std::uint32_t i = start[u]; i < start[u + 1]; ++i) {
        const std::int16_t year = t.year[rows[i]];
        if (year == previous_year) continue;
        previous_year = year;
        const std::int64_t other = first_row_of_year(aa, year);
        if (other < 0) continue;
        keep(ctx.shared, out,
             make_diagnostic(
                 "SG132", severity::error, schema.file,
                 line_of(anchors, static_cast<std::int32_t>(rows[i])), unit_column, "org_unit",
                 units.code[u],
                 "counts at one level of each branch: its ancestor " + std::string(units.code[aa]) +
                     " also has counts for " + std::to_string(year) + " (line " +
                     std::to_string(line_of(anchors, static_cast<std::int32_t>(other))) +
                     "); they would be counted twice"));
        if (ctx.shared.stop.load(std::memory_order_relaxed)) return;
      }
    }
  }
}


// ---------------------------------------------------------------------------------------
// Row parsers: one per table, converting each cell straight into its column.

void parse_org_units(row_cursor& r, org_unit_rows& rows, std::size_t estimate) {
  const code_tables& codes = code_lookup();
  org_unit_table& t = rows.table;
  t.code.reserve(estimate, estimate * 8);
  t.name.reserve(estimate, estimate * 24);
  t.parent.reserve(estimate);
  t.kind.reserve(estimate);
  rows.parent_code.reserve(estimate, estimate * 8);
  while (r.next()) {
    t.code.push_back(r.own_id(ou::code));
    t.name.push_back(r.text(ou::name, true));
    const std::string_view parent = r.text(ou::parent, false);
    if (parent.size() > max_id_bytes)
      r.report("SG127", ou::parent, parent, "an identifier of 1 to 64 bytes");
    rows.parent_code.push_back(parent);
    t.parent.emplace_back();
    t.kind.push_back(r.code_value(ou::kind, codes.org_unit_kind, false));
  }
}

void parse_agencies(row_cursor& r, agency_table& t, std::size_t estimate,
                    const load_context& ctx) {
  const code_tables& codes = code_lookup();
  t.code.reserve(estimate, estimate * 8);
  t.name.reserve(estimate, estimate * 32);
  t.kind.reserve(estimate);
  t.org_unit.reserve(estimate);
  while (r.next()) {
    t.code.push_back(r.own_id(ag::code));
    t.name.push_back(r.text(ag::name, true));
    t.kind.push_back(r.code_value(ag::kind, codes.agency_kind, true));
    r.reference(ag::org_unit, ctx.org_units, true, t.org_unit);
  }
}

void parse_population(row_cursor& r, population_table& t, std::size_t estimate,
                      const load_context& ctx) {
  const code_tables& codes = code_lookup();
  t.org_unit.reserve(estimate);
  t.year.reserve(estimate);
  t.sex.reserve(estimate);
  t.age.reserve(estimate);
  t.count.reserve(estimate);
  while (r.next()) {
    r.reference(po::org_unit, ctx.org_units, true, t.org_unit);
    t.year.push_back(static_cast<std::int16_t>(
        r.integer(po::year, true, min_period_year, max_period_year, 0)));
    t.sex.push_back(r.code_value(po::sex, codes.population_sex, true));
    t.age.push_back(static_cast<std::uint8_t>(r.integer(po::age, true, 0, 17, 0)));
    t.count.push_back(r.integer(po::count, true, 0, max_quantity, 0));
  }
}

void parse_children(row_cursor& r, child_table& t, std::size_t estimate,
                    const load_context& ctx) {
  const code_tables& codes = code_lookup();
  dictionary_builder ethnicities(t.ethnicities);
  t.id.reserve(estimate, estimate * 12);
  t.birth_date.reserve(estimate);
  t.sex.reserve(estimate);
  t.org_unit.reserve(estimate);
  t.ethnicity.reserve(estimate);
  t.disability.reserve(estimate);
  t.registered_date.reserve(estimate);
  t.exit_date.reserve(estimate);
  t.exit_reason.reserve(estimate);
  while (r.next()) {
    t.id.push_back(r.own_id(ch::child_id));
    t.birth_date.push_back(r.date(ch::birth_date, true));
    t.sex.push_back(r.code_value(ch::sex, codes.sex, true));
    r.reference(ch::org_unit, ctx.org_units, true, t.org_unit);
    t.ethnicity.push_back(r.open_code(ch::ethnicity, ethnicities));
    t.disability.push_back(r.boolean(ch::disability, no_flag));
    t.registered_date.push_back(r.date(ch::registered_date, true));
    t.exit_date.push_back(r.date(ch::exit_date, false));
    t.exit_reason.push_back(r.code_value(ch::exit_reason, codes.exit_reason, false));
  }
}

void parse_circumstances(row_cursor& r, circumstance_table& t, std::size_t estimate,
                         const load_context& ctx) {
  const code_tables& codes = code_lookup();
  t.child.reserve(estimate);
  t.circumstance.reserve(estimate);
  t.start_date.reserve(estimate);
  t.end_date.reserve(estimate);
  while (r.next()) {
    r.reference(ci::child_id, ctx.children, true, t.child);
    t.circumstance.push_back(r.code_value(ci::circumstance, codes.circumstance, true));
    t.start_date.push_back(r.date(ci::start_date, true));
    t.end_date.push_back(r.date(ci::end_date, false));
  }
}

void parse_cases(row_cursor& r, case_table& t, std::size_t estimate, const load_context& ctx) {
  const code_tables& codes = code_lookup();
  t.id.reserve(estimate, estimate * 12);
  for (auto* v : {&t.reported_date, &t.incident_date, &t.emergency_date, &t.assessed_date,
                  &t.plan_date, &t.closed_date})
    v->reserve(estimate);
  for (auto* v : {&t.source, &t.setting, &t.perpetrator, &t.level, &t.risk, &t.outcome,
                  &t.closure_reason})
    v->reserve(estimate);
  t.child.reserve(estimate);
  t.reported_minute.reserve(estimate);
  t.concerns.reserve(estimate);
  t.org_unit.reserve(estimate);
  t.lead_agency.reserve(estimate);
  t.emergency_minute.reserve(estimate);
  t.consent_reporting.reserve(estimate);
  while (r.next()) {
    t.id.push_back(r.own_id(cs::case_id));
    r.reference(cs::child_id, ctx.children, true, t.child);
    const date_time reported = r.date_time_value(cs::reported_date, true);
    t.reported_date.push_back(reported.day);
    t.reported_minute.push_back(reported.minute);
    t.concerns.push_back(r.code_values(cs::concerns, codes.concern, true));
    r.reference(cs::org_unit, ctx.org_units, true, t.org_unit);
    r.reference(cs::lead_agency, ctx.agencies, false, t.lead_agency);
    t.source.push_back(r.code_value(cs::source, codes.source, false));
    t.setting.push_back(r.code_value(cs::setting, codes.setting, false));
    t.perpetrator.push_back(r.code_value(cs::perpetrator, codes.perpetrator, false));
    t.level.push_back(r.code_value(cs::level, codes.level, false));
    t.risk.push_back(r.code_value(cs::risk, codes.risk, false));
    t.outcome.push_back(r.code_value(cs::outcome, codes.outcome, false));
    t.incident_date.push_back(r.date(cs::incident_date, false));
    const date_time emergency = r.date_time_value(cs::emergency_date, false);
    t.emergency_date.push_back(emergency.day);
    t.emergency_minute.push_back(emergency.minute);
    t.assessed_date.push_back(r.date(cs::assessed_date, false));
    t.plan_date.push_back(r.date(cs::plan_date, false));
    t.closed_date.push_back(r.date(cs::closed_date, false));
    t.closure_reason.push_back(r.code_value(cs::closure_reason, codes.closure_reason, false));
    t.consent_reporting.push_back(r.boolean(cs::consent_reporting, 1));
  }
}

void parse_services(row_cursor& r, service_table& t, std::size_t estimate,
                    const load_context& ctx) {
  const code_tables& codes = code_lookup();
  t.case_.reserve(estimate);
  t.date.reserve(estimate);
  t.service.reserve(estimate);
  t.agency.reserve(estimate);
  t.referred.reserve(estimate);
  while (r.next()) {
    r.reference(sv::case_id, ctx.cases, true, t.case_);
    t.date.push_back(r.date(sv::date, true));
    t.service.push_back(r.code_value(sv::service, codes.service, true));
    r.reference(sv::agency, ctx.agencies, false, t.agency);
    t.referred.push_back(r.boolean(sv::referred, no_flag));
  }
}

void parse_activities(row_cursor& r, activity_table& t, std::size_t estimate,
                      const load_context& ctx) {
  const code_tables& codes = code_lookup();
  dictionary_builder programmes(t.programmes);
  t.id.reserve(estimate, estimate * 12);
  t.agency.reserve(estimate);
  t.kind.reserve(estimate);
  t.start_date.reserve(estimate);
  t.end_date.reserve(estimate);
  t.org_unit.reserve(estimate);
  t.topics.reserve(estimate);
  t.audiences.reserve(estimate);
  for (auto* v : {&t.sessions, &t.participants, &t.child_participants, &t.quantity})
    v->reserve(estimate);
  t.programme.reserve(estimate);
  while (r.next()) {
    t.id.push_back(r.own_id(ac::activity_id));
    r.reference(ac::agency, ctx.agencies, true, t.agency);
    t.kind.push_back(r.code_value(ac::kind, codes.activity_kind, true));
    const day_number start = r.date(ac::start_date, true);
    t.start_date.push_back(start);
    t.end_date.push_back(r.has_value(ac::end_date) ? r.date(ac::end_date, false) : start);
    r.reference(ac::org_unit, ctx.org_units, true, t.org_unit);
    t.topics.push_back(r.code_values(ac::topics, codes.topic, false));
    t.audiences.push_back(r.code_values(ac::audiences, codes.audience, false));
    t.sessions.push_back(r.integer(ac::sessions, false, 0, max_quantity, 1));
    bool participants_ok = false;
    bool children_ok = false;
    const std::int64_t participants =
        r.integer(ac::participants, false, 0, max_quantity, 0, &participants_ok);
    const std::int64_t children =
        r.integer(ac::child_participants, false, 0, max_quantity, 0, &children_ok);
    // An empty participants cell is 0, so child participants alone are refused too.
    if (children_ok && children > participants &&
        (participants_ok || !r.has_value(ac::participants)))
      r.report("SG135", ac::child_participants, r.text(ac::child_participants, false),
               "at most participants (" + std::to_string(participants) +
                   (participants_ok ? ")" : ", as the participants cell is empty)"));
    t.participants.push_back(participants);
    t.child_participants.push_back(children);
    t.quantity.push_back(r.integer(ac::quantity, false, 0, max_quantity, 1));
    t.programme.push_back(r.open_code(ac::programme, programmes));
  }
}

void parse_plans(row_cursor& r, plan_table& t, std::size_t estimate, const load_context& ctx) {
  dictionary_builder programmes(t.programmes);
  t.id.reserve(estimate, estimate * 12);
  t.title.reserve(estimate, estimate * 48);
  t.agency.reserve(estimate);
  t.start_date.reserve(estimate);
  t.end_date.reserve(estimate);
  t.org_unit.reserve(estimate);
  t.programme.reserve(estimate);
  while (r.next()) {
    t.id.push_back(r.own_id(pl::plan_id));
    r.reference(pl::agency, ctx.agencies, true, t.agency);
    t.title.push_back(r.text(pl::title, true));
    t.start_date.push_back(r.date(pl::start_date, true));
    t.end_date.push_back(r.date(pl::end_date, true));
    r.reference(pl::org_unit, ctx.org_units, true, t.org_unit);
    t.programme.push_back(r.open_code(pl::programme, programmes));
  }
}

void parse_targets(row_cursor& r, target_table& t, std::size_t estimate,
                   const load_context& ctx) {
  const code_tables& codes = code_lookup();
  const plan_table& plans = ctx.ds.plans;
  t.plan.reserve(estimate);
  t.indicator.reserve(estimate, estimate * 16);
  t.value.reserve(estimate);
  t.direction.reserve(estimate);
  t.org_unit.reserve(estimate);
  t.period.reserve(estimate, estimate * 4);
  t.period_start.reserve(estimate);
  t.period_end.reserve(estimate);
  std::string why;
  while (r.next()) {
    const plan_index plan(r.reference(tg::plan_id, ctx.plans, true));
    t.plan.push_back(plan);
    t.indicator.push_back(r.identifier(tg::indicator, true));
    t.value.push_back(r.number(tg::value, true));
    const code direction = r.code_value(tg::direction, codes.direction, false);
    t.direction.push_back(direction == no_code ? code{0} : direction);
    // Defaults come from the plan; a given but wrong cell stays wrong (and is reported).
    const auto p = static_cast<std::size_t>(plan.value);
    if (r.has_value(tg::org_unit))
      r.reference(tg::org_unit, ctx.org_units, false, t.org_unit);
    else
      t.org_unit.push_back(plan.valid() ? plans.org_unit[p] : org_unit_index{});
    const std::string_view text = r.text(tg::period, false);
    t.period.push_back(text);
    if (!text.empty()) {
      const std::optional<period> parsed = period::try_parse(text, &why);
      if (parsed) {
        t.period_start.push_back(parsed->start());
        t.period_end.push_back(parsed->end());
      } else {
        r.report("SG138", tg::period, text,
                 why.empty() ? std::string("a period id such as 2024, 2024Q1 or 202406") : why);
        t.period_start.push_back(no_day);
        t.period_end.push_back(no_day);
      }
    } else {
      t.period_start.push_back(plan.valid() ? plans.start_date[p] : no_day);
      t.period_end.push_back(plan.valid() ? plans.end_date[p] : no_day);
    }
  }
}

void parse_holidays(row_cursor& r, holiday_table& t, std::size_t estimate) {
  t.date.reserve(estimate);
  t.name.reserve(estimate, estimate * 16);
  while (r.next()) {
    t.date.push_back(r.date(ho::date, true));
    t.name.push_back(r.text(ho::name, false));
  }
}

// ---------------------------------------------------------------------------------------
// The load itself.

template <class Table, class Parse, class Complete>
std::unique_ptr<job> make_job(load_context& ctx, int table, Parse parse, Complete complete) {
  return std::make_unique<table_job<Table>>(ctx, table, std::move(parse), std::move(complete));
}

// Sorts by file (loading order), line, column; keeps max_errors errors and as many warnings;
// says so when more were found.
void finalize_report(load_context& ctx, std::vector<diagnostic>&& pre, load_report& report) {
  std::vector<diagnostic>& all = report.diagnostics;
  all = std::move(pre);
  for (int t = 0; t < table_count; ++t)
    for (diagnostic& d : ctx.table_diagnostics[t]) all.push_back(std::move(d));
  const auto rank = [](const diagnostic& d) {
    const int t = table_of_file(d.file);
    return t < 0 ? -1 : t;
  };
  std::stable_sort(all.begin(), all.end(), [&](const diagnostic& a, const diagnostic& b) {
    const int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
  const std::size_t limit = ctx.shared.max_errors;
  if (limit == 0) return;
  std::size_t errors = 0, warnings = 0;
  std::vector<diagnostic> kept;
  kept.reserve(all.size());
  for (diagnostic& d : all) {
    std::size_t& n = d.level == severity::error ? errors : warnings;
    if (++n <= limit) kept.push_back(std::move(d));
  }
  const std::size_t warnings_seen = ctx.shared.warnings.load();
  if (warnings_seen > limit) {
    diagnostic d;
    d.code = "SG198";
    d.level = severity::warning;
    d.expected = "fewer warnings: " + std::to_string(warnings_seen - limit) +
                 " more warnings are not listed";
    kept.push_back(std::move(d));
  }
  if (ctx.shared.errors.load() > limit || errors > limit) {
    diagnostic d;
    d.code = "SG199";
    d.expected = "fewer errors: the load stopped after " + std::to_string(limit) +
                 " errors; fix those and load again";
    kept.push_back(std::move(d));
  }
  all = std::move(kept);
}

load_report run_load(const source* const (&sources)[table_count], std::vector<diagnostic> pre,
                     const load_options& options, dataset& out) {
  load_context ctx;
  ctx.options = &options;
  ctx.shared.max_errors = options.max_errors;
  ctx.shared.progress = &options.progress;
  ctx.shared.caller = std::this_thread::get_id();
  ctx.threads = options.threads != 0 ? options.threads
                                     : std::max(1u, std::thread::hardware_concurrency());
  for (int t = 0; t < table_count; ++t) {
    ctx.sources[t] = sources[t];
    if (sources[t] != nullptr) ctx.shared.bytes_total += sources[t]->text().size();
  }
  for (const diagnostic& d : pre)
    (d.level == severity::error ? ctx.shared.errors : ctx.shared.warnings) += 1;

  load_report report;
  out = dataset();
  if (ctx.sources[t_org_units] == nullptr) {
    bool unreadable = false;
    for (const diagnostic& d : pre) unreadable = unreadable || d.file == schemas[t_org_units].file;
    if (!unreadable)
      pre.push_back(make_diagnostic("SG107", severity::error, schemas[t_org_units].file, 0, 0, {},
                                    {}, "an org_units.csv file: it is the one required table"));
    finalize_report(ctx, std::move(pre), report);
    return report;
  }

  dataset& ds = ctx.ds;
  std::vector<std::unique_ptr<job>> jobs(table_count);
  jobs[t_org_units] = make_job<org_unit_rows>(
      ctx, t_org_units,
      [](row_cursor& r, org_unit_rows& t, std::size_t n) { parse_org_units(r, t, n); },
      [&](org_unit_rows& rows, const header_info& h, const std::vector<line_anchor>& anchors,
          std::vector<diagnostic>& d) {
        complete_org_units(ctx, rows.table, rows.parent_code, h, anchors, d);
        ds.org_units = std::move(rows.table);
      });
  jobs[t_holidays] = make_job<holiday_table>(
      ctx, t_holidays,
      [](row_cursor& r, holiday_table& t, std::size_t n) { parse_holidays(r, t, n); },
      [&](holiday_table& t, const header_info&, const std::vector<line_anchor>&,
          std::vector<diagnostic>&) { ds.holidays = std::move(t); });
  jobs[t_agencies] = make_job<agency_table>(
      ctx, t_agencies,
      [&](row_cursor& r, agency_table& t, std::size_t n) { parse_agencies(r, t, n, ctx); },
      [&](agency_table& t, const header_info& h, const std::vector<line_anchor>& anchors,
          std::vector<diagnostic>& d) {
        ds.agencies = std::move(t);
        report_duplicates(ctx, t_agencies, h, ds.agencies.code, ctx.agency_ids, anchors, d);
      });
  jobs[t_population] = make_job<population_table>(
      ctx, t_population,
      [&](row_cursor& r, population_table& t, std::size_t n) { parse_population(r, t, n, ctx); },
      [&](population_table& t, const header_info& h, const std::vector<line_anchor>& anchors,
          std::vector<diagnostic>& d) {
        ds.population = std::move(t);
        complete_population(ctx, ds.population, h, anchors, d);
      });
  jobs[t_children] = make_job<child_table>(
      ctx, t_children,
      [&](row_cursor& r, child_table& t, std::size_t n) { parse_children(r, t, n, ctx); },
      [&](child_table& t, const header_info& h, const std::vector<line_anchor>& anchors,
          std::vector<diagnostic>& d) {
        ds.children = std::move(t);
        report_duplicates(ctx, t_children, h, ds.children.id, ctx.child_ids, anchors, d);
      });
  jobs[t_circumstances] = make_job<circumstance_table>(
      ctx, t_circumstances,
      [&](row_cursor& r, circumstance_table& t, std::size_t n) {
        parse_circumstances(r, t, n, ctx);
      },
      [&](circumstance_table& t, const header_info&, const std::vector<line_anchor>&,
          std::vector<diagnostic>&) { ds.circumstances = std::move(t); });
  jobs[t_cases] = make_job<case_table>(
      ctx, t_cases,
      [&](row_cursor& r, case_table& t, std::size_t n) { parse_cases(r, t, n, ctx); },
      [&](case_table& t, const header_info& h, const std::vector<line_anchor>& anchors,
          std::vector<diagnostic>& d) {
        ds.cases = std::move(t);
        report_duplicates(ctx, t_cases, h, ds.cases.id, ctx.case_ids, anchors, d);
      });
  jobs[t_services] = make_job<service_table>(
      ctx, t_services,
      [&](row_cursor& r, service_table& t, std::size_t n) { parse_services(r, t, n, ctx); },
      [&](service_table& t, const header_info&, const std::vector<line_anchor>&,
          std::vector<diagnostic>&) { ds.services = std::move(t); });
  jobs[t_activities] = make_job<activity_table>(
      ctx, t_activities,
      [&](row_cursor& r, activity_table& t, std::size_t n) { parse_activities(r, t, n, ctx); },
      [&](activity_table& t, const header_info& h, const std::vector<line_anchor>& anchors,
          std::vector<diagnostic>& d) {
        ds.activities = std::move(t);
        partitioned_index ids;  // only to find duplicates: nothing refers to activities
        report_duplicates(ctx, t_activities, h, ds.activities.id, ids, anchors, d);
      });
  jobs[t_plans] = make_job<plan_table>(
      ctx, t_plans,
      [&](row_cursor& r, plan_table& t, std::size_t n) { parse_plans(r, t, n, ctx); },
      [&](plan_table& t, const header_info& h, const std::vector<line_anchor>& anchors,
          std::vector<diagnostic>& d) {
        ds.plans = std::move(t);
        report_duplicates(ctx, t_plans, h, ds.plans.id, ctx.plan_ids, anchors, d);
      });
  jobs[t_targets] = make_job<target_table>(
      ctx, t_targets,
      [&](row_cursor& r, target_table& t, std::size_t n) { parse_targets(r, t, n, ctx); },
      [&](target_table& t, const header_info&, const std::vector<line_anchor>&,
          std::vector<diagnostic>&) { ds.targets = std::move(t); });

  // References resolve against finished tables, so a table loads in a later stage than
  // every table it names. A table that could not be read is not checked against (its absence
  // is already reported; every reference to it failing would only repeat that).
  const auto stage = [&](std::initializer_list<int> tables) {
    if (ctx.shared.stop.load()) return;
    std::vector<job*> list;
    for (int t : tables) list.push_back(jobs[t].get());
    run_stage(ctx, list);
  };
  const auto checkable = [&](int t) { return ctx.sources[t] == nullptr || ctx.usable[t]; };
  stage({t_org_units, t_holidays});
  set_target(ctx.org_units, ctx.org_unit_ids, ds.org_units.code, checkable(t_org_units),
             "the code of a unit in org_units.csv");
  stage({t_children, t_population, t_agencies});
  set_target(ctx.agencies, ctx.agency_ids, ds.agencies.code, checkable(t_agencies),
             "the code of an agency in agencies.csv");
  set_target(ctx.children, ctx.child_ids, ds.children.id, checkable(t_children),
             "a child_id of children.csv");
  stage({t_cases, t_circumstances, t_activities, t_plans});
  set_target(ctx.cases, ctx.case_ids, ds.cases.id, checkable(t_cases),
             "a case_id of cases.csv");
  set_target(ctx.plans, ctx.plan_ids, ds.plans.id, checkable(t_plans),
             "a plan_id of plans.csv");
  stage({t_services, t_targets});

  if (options.progress) options.progress("loading", ctx.shared.bytes_total, ctx.shared.bytes_total);
  finalize_report(ctx, std::move(pre), report);
  if (report.ok()) out = std::move(ds);
  return report;
}

}  // namespace

const std::vector<std::string>& table_file_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const table_schema& s : schemas) v.emplace_back(s.file);
    return v;
  }();
  return names;
}

std::size_t load_report::error_count() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const diagnostic& d) { return d.level == severity::error; }));
}

std::size_t load_report::warning_count() const noexcept {
  return diagnostics.size() - error_count();
}

load_report try_load_dataset(const std::string& folder, dataset& out,
                             const load_options& options) {
  std::vector<diagnostic> pre;
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    out = dataset();
    load_report report;
    report.diagnostics.push_back(make_diagnostic(
        "SG100", severity::error, folder, 0, 0, {}, {},
        std::string("a readable dataset folder (") +
            (::stat(folder.c_str(), &st) != 0 ? std::strerror(errno) : "not a folder") + ")"));
    return report;
  }
  if (DIR* dir = ::opendir(folder.c_str())) {
    std::vector<std::string> strays;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name.size() > 4 && name.substr(name.size() - 4) == ".csv" && table_of_file(name) < 0)
        strays.emplace_back(name);
    }
    ::closedir(dir);
    std::sort(strays.begin(), strays.end());
    for (const std::string& name : strays)
      pre.push_back(make_diagnostic("SG105", severity::warning, name, 0, 0, {}, {},
                                    "one of the table files " + table_file_list() +
                                        " (the file is ignored)"));
  }
  std::unique_ptr<source> owned[table_count];
  const source* sources[table_count] = {};
  const std::string base = folder.empty() || folder.back() == '/' ? folder : folder + "/";
  for (int t = 0; t < table_count; ++t) {
    const std::string path = base + std::string(schemas[t].file);
    if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) continue;
    owned[t] = std::make_unique<source>();
    const std::string why = owned[t]->open_file(path);
    if (!why.empty()) {
      pre.push_back(make_diagnostic("SG100", severity::error, schemas[t].file, 0, 0, {}, {},
                                    "a readable file (" + why + ")"));
      owned[t].reset();
      continue;
    }
    sources[t] = owned[t].get();
  }
  return run_load(sources, std::move(pre), options, out);
}

dataset load_dataset(const std::string& folder, const load_options& options) {
  dataset ds;
  load_report report = try_load_dataset(folder, ds, options);
  if (!report.ok()) throw load_error(std::move(report.diagnostics));
  return ds;
}

load_report try_load_tables(const std::vector<std::pair<std::string, std::string>>& files,
                            dataset& out, const load_options& options) {
  std::vector<diagnostic> pre;
  source holders[table_count];
  const source* sources[table_count] = {};
  for (const auto& [name, content] : files) {
    const int t = table_of_file(name);
    if (t < 0) {
      pre.push_back(make_diagnostic("SG105", severity::warning, name, 0, 0, {}, {},
                                    "one of the table files " + table_file_list() +
                                        " (the file is ignored)"));
      continue;
    }
    if (sources[t] != nullptr) {
      pre.push_back(make_diagnostic("SG106", severity::error, name, 0, 0, {}, {},
                                    "each table once"));
      continue;
    }
    holders[t].borrow(content);
    sources[t] = &holders[t];
  }
  return run_load(sources, std::move(pre), options, out);
}

bool is_snapshot_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  char magic[6] = {};
  bool yes = false;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    ssize_t got = 0;
    while (got < 6) {
      const ssize_t n = ::read(fd, magic + got, static_cast<std::size_t>(6 - got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += n;
    }
    yes = got == 6 && std::memcmp(magic, "SGSNAP", 6) == 0;
  }
  ::close(fd);
  return yes;
}

dataset load(const std::string& path, const load_options& options) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return load_dataset(path, options);
  if (is_snapshot_file(path)) return load_snapshot(path);
  throw error("cannot load '" + path + "': it is neither a dataset folder nor a snapshot file");
}

}  // namespace safeguard::io
