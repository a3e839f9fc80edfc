// Binary snapshots. The file is a 32-byte header written here (magic, format version, byte
// order, payload size, payload checksum) followed by the payload: a Boost.Serialization
// binary archive (without Boost's own header) in which every column is one block of raw
// bytes (make_binary_object) after its table's row count, so that loading is reads and
// checksum updates of whole chunks. Saving streams through a buffer that hashes and counts as it
// writes, so memory does not double; loading reads each column straight into its vector in
// cache-sized chunks that are hashed and checked while they are still in the cache; a helper
// thread walks the layout ahead and allocates the big tables' columns meanwhile
// (column_sizer).
//
// The columns are listed once, in visit_dataset(), with what their values may be; the
// writer, the pre-save check and the reader all walk that list. A column added to the
// dataset is added there, and the format version raised.
#include "safeguard/io/snapshot.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <limits>
#include <memory>
#include <mutex>
#include <streambuf>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <vector>

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/binary_object.hpp>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "io/detail/snapshot_checksum.hpp"
#include "safeguard/hierarchy/hierarchy.hpp"
#include "safeguard/model/codes.hpp"

namespace safeguard::io {

namespace {

using detail::snapshot_checksum;

constexpr char magic[6] = {'S', 'G', 'S', 'N', 'A', 'P'};
constexpr std::size_t header_size = 32;
// Byte 8 of the header: the byte order of the payload's numbers.
constexpr std::uint8_t little_endian = 1;
constexpr std::uint8_t big_endian = 2;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr std::uint8_t native_order = big_endian;
#else
constexpr std::uint8_t native_order = little_endian;
#endif

// No Boost archive header: the snapshot header above carries the format version, and the
// payload holds only fixed-size numbers and raw byte blocks, which read the same under every
// Boost library version. (Boost's header starts with a length-prefixed string that Boost
// allocates before anything could check it against the file's size.)
constexpr unsigned archive_flags = boost::archive::no_header | boost::archive::no_codecvt;

std::string system_reason() { return std::strerror(errno); }

// ---------------------------------------------------------------------------------------
// The header: fields at fixed offsets, little-endian whatever the machine.

void put_le(unsigned char* p, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

std::uint64_t get_le(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

struct header {
  std::uint16_t version = snapshot_format_version;
  std::uint8_t byte_order = native_order;
  std::uint64_t payload_bytes = 0;
  std::uint64_t checksum = 0;
};

void encode(const header& h, unsigned char (&out)[header_size]) {
  std::memset(out, 0, header_size);
  std::memcpy(out, magic, sizeof magic);
  put_le(out + 6, h.version, 2);
  out[8] = h.byte_order;
  // Bytes 9..15 are reserved and zero in version 1.
  put_le(out + 16, h.payload_bytes, 8);
  put_le(out + 24, h.checksum, 8);
}

// ---------------------------------------------------------------------------------------
// What a column's values may be: what a CSV load guarantees, so that nothing reading a
// dataset from a snapshot indexes out of bounds. Each check folds a whole column into one
// flag without a branch, so that the compiler vectorizes it.

struct any_value {};     // every bit pattern (years, target values)
struct date_value {};    // no_day or a day of the years 0 to 9999, as YYYY-MM-DD writes them
struct minute_value {};  // no_minute or 0..1439
struct flag_value {};    // no_flag, 0 or 1
struct non_negative {};  // counts
struct age_value {};     // population ages, 0..17
// A row index into a table of `rows` rows; also -1 (missing) unless required.
// The table's size is read when the values are checked, not when the rule is made: the
// layout walk (column_sizer) makes every rule on its own thread and must read nothing in the
// dataset the reader is filling.
struct row_of {
  const void* table;
  std::size_t (*size_of)(const void* table);
  bool required;
  std::size_t rows() const { return size_of(table); }
};
// A position below `size` in a code list; also no_code unless required.
struct code_of {
  std::size_t size;
  bool required;
};
// A set of codes of a list.
struct codes_of {
  std::size_t size;
};
// A position in a dictionary, or dictionary::no_entry.
struct entry_of {
  const dictionary& dict;
};

// A run of a column's values: the whole column when saving, one chunk as it is read.
template <class T>
struct values {
  const T* first;
  const T* last;
  const T* begin() const noexcept { return first; }
  const T* end() const noexcept { return last; }
};
template <class T>
values<T> all_of(const std::vector<T>& v) {
  return {v.data(), v.data() + v.size()};
}

template <class T>
bool all_valid(values<T>, any_value) {
  return true;
}

bool all_valid(values<day_number> col, date_value) {
  constexpr auto first = static_cast<std::uint32_t>(to_day_number({0, 1, 1}));
  constexpr std::uint32_t span = static_cast<std::uint32_t>(to_day_number({9999, 12, 31})) - first;
  unsigned bad = 0;
  for (const day_number d : col)
    bad |= (d != no_day) & (static_cast<std::uint32_t>(d) - first > span);
  return bad == 0;
}

bool all_valid(values<minute_of_day> col, minute_value) {
  unsigned bad = 0;
  for (const minute_of_day m : col) bad |= static_cast<std::uint16_t>(m + 1) > 24 * 60;
  return bad == 0;
}

bool all_valid(values<flag> col, flag_value) {
  unsigned bad = 0;
  for (const flag f : col) bad |= static_cast<std::uint8_t>(f + 1) > 2;
  return bad == 0;
}

bool all_valid(values<std::int64_t> col, non_negative) {
  unsigned bad = 0;
  for (const std::int64_t v : col) bad |= v < 0;
  return bad == 0;
}

bool all_valid(values<std::uint8_t> col, age_value) {
  unsigned bad = 0;
  for (const std::uint8_t a : col) bad |= a > 17;
  return bad == 0;
}

template <class Tag>
bool all_valid(values<row_index<Tag>> col, row_of r) {
  // Shifted by one when -1 is allowed, so that one unsigned comparison covers both ends.
  const std::uint32_t shift = r.required ? 0 : 1;
  const std::uint32_t limit =
      static_cast<std::uint32_t>(std::min<std::size_t>(r.rows(), 0x7FFFFFFF)) + shift;
  unsigned bad = 0;
  for (const row_index<Tag> i : col) bad |= static_cast<std::uint32_t>(i.value) + shift >= limit;
  return bad == 0;
}

bool all_valid(values<code> col, code_of r) {
  const auto size = static_cast<unsigned>(r.size);
  unsigned bad = 0;
  if (r.required) {
    for (const code c : col) bad |= c >= size;
  } else {
    for (const code c : col) bad |= static_cast<code>(c + 1) > size;  // no_code wraps to 0
  }
  return bad == 0;
}

bool all_valid(values<code_set> col, codes_of r) {
  const code_set allowed =
      r.size >= 32 ? ~code_set{0} : static_cast<code_set>((code_set{1} << r.size) - 1);
  code_set all = 0;
  for (const code_set x : col) all |= x;
  return (all & ~allowed) == 0;
}

bool all_valid(values<std::int32_t> col, entry_of r) {
  const auto limit =
      static_cast<std::uint32_t>(std::min<std::size_t>(r.dict.values.size(), 0x7FFFFFFF));
  unsigned bad = 0;
  for (const std::int32_t e : col) bad |= static_cast<std::uint32_t>(e) + 1 > limit;
  return bad == 0;
}

code_of optional(const code_list& list) { return {list.size(), false}; }
code_of required(const code_list& list) { return {list.size(), true}; }
codes_of set_of(const code_list& list) { return {list.size()}; }
template <class Table>
row_of rows_of_table(const Table& t, bool required) {
  return {&t, [](const void* table) { return static_cast<const Table*>(table)->size(); }, required};
}
template <class Table>
row_of optional(const Table& t) {
  return rows_of_table(t, false);
}
template <class Table>
row_of required(const Table& t) {
  return rows_of_table(t, true);
}

bool is_tree(const org_unit_table& units) {
  try {
    const hierarchy tree(units);
    return true;
  } catch (const error&) {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// The columns, in file order, each with what its values may be. `v` is the writer, the
// pre-save check or the reader; `D` is `const dataset` or `dataset`. Every table a column
// refers to, and every dictionary, comes before it, so the reader can check a column as
// soon as it is read.

template <class V, class D>
void visit_dataset(V& v, D& d) {
  const char* file = "org_units.csv";
  auto& ou = d.org_units;
  v.table(1, file, ou.code, [&](auto& w) {
    w.strings(ou.code, "code");
    w.strings(ou.name, "name");
    w.column(ou.parent, "parent", optional(ou));
    w.column(ou.kind, "kind", optional(codes::org_unit_kind()));
    w.check([&] { return is_tree(ou); }, "parent");
  });

  // population.csv holds f and m only: the positions before u (the code list only grows at
  // its end).
  auto& po = d.population;
  v.table(2, "population.csv", po.org_unit, [&](auto& w) {
    w.column(po.org_unit, "org_unit", required(ou));
    w.column(po.year, "year", any_value{});
    w.column(po.sex, "sex", code_of{*codes::sex().find("u"), true});
    w.column(po.age, "age", age_value{});
    w.column(po.count, "count", non_negative{});
  });

  auto& ag = d.agencies;
  v.table(3, "agencies.csv", ag.code, [&](auto& w) {
    w.strings(ag.code, "code");
    w.strings(ag.name, "name");
    w.column(ag.kind, "kind", required(codes::agency_kind()));
    w.column(ag.org_unit, "org_unit", required(ou));
  });

  auto& ch = d.children;
  v.table(4, "children.csv", ch.id, [&](auto& w) {
    w.strings(ch.id, "child_id");
    w.column(ch.birth_date, "birth_date", date_value{});
    w.column(ch.sex, "sex", required(codes::sex()));
    w.column(ch.org_unit, "org_unit", required(ou));
    w.dictionary(ch.ethnicities, "ethnicity");
    w.column(ch.ethnicity, "ethnicity", entry_of{ch.ethnicities});
    w.column(ch.disability, "disability", flag_value{});
    w.column(ch.registered_date, "registered_date", date_value{});
    w.column(ch.exit_date, "exit_date", date_value{});
    w.column(ch.exit_reason, "exit_reason", optional(codes::exit_reason()));
  });

  auto& ci = d.circumstances;
  v.table(5, "circumstances.csv", ci.child, [&](auto& w) {
    w.column(ci.child, "child_id", required(ch));
    w.column(ci.circumstance, "circumstance", required(codes::circumstance()));
    w.column(ci.start_date, "start_date", date_value{});
    w.column(ci.end_date, "end_date", date_value{});
  });

  auto& c = d.cases;
  v.table(6, "cases.csv", c.id, [&](auto& w) {
    w.strings(c.id, "case_id");
    w.column(c.child, "child_id", required(ch));
    w.column(c.reported_date, "reported_date", date_value{});
    w.column(c.reported_minute, "reported_date", minute_value{});
    w.column(c.concerns, "concerns", set_of(codes::concern()));
    w.column(c.org_unit, "org_unit", required(ou));
    w.column(c.lead_agency, "lead_agency", optional(ag));
    w.column(c.source, "source", optional(codes::source()));
    w.column(c.setting, "setting", optional(codes::setting()));
    w.column(c.perpetrator, "perpetrator", optional(codes::perpetrator()));
    w.column(c.level, "level", optional(codes::protection_level()));
    w.column(c.risk, "risk", optional(codes::risk()));
    w.column(c.outcome, "outcome", optional(codes::outcome()));
    w.column(c.incident_date, "incident_date", date_value{});
    w.column(c.emergency_date, "emergency_date", date_value{});
    w.column(c.emergency_minute, "emergency_date", minute_value{});
    w.column(c.assessed_date, "assessed_date", date_value{});
    w.column(c.plan_date, "plan_date", date_value{});
    w.column(c.closed_date, "closed_date", date_value{});
    w.column(c.closure_reason, "closure_reason", optional(codes::closure_reason()));
    w.column(c.consent_reporting, "consent_reporting", flag_value{});
  });

  auto& se = d.services;
  v.table(7, "services.csv", se.case_, [&](auto& w) {
    w.column(se.case_, "case_id", required(c));
    w.column(se.date, "date", date_value{});
    w.column(se.service, "service", required(codes::service()));
    w.column(se.agency, "agency", optional(ag));
    w.column(se.referred, "referred", flag_value{});
  });

  auto& ac = d.activities;
  v.table(8, "activities.csv", ac.id, [&](auto& w) {
    w.strings(ac.id, "activity_id");
    w.column(ac.agency, "agency", required(ag));
    w.column(ac.kind, "kind", required(codes::activity_kind()));
    w.column(ac.start_date, "start_date", date_value{});
    w.column(ac.end_date, "end_date", date_value{});
    w.column(ac.org_unit, "org_unit", required(ou));
    w.column(ac.topics, "topics", set_of(codes::topic()));
    w.column(ac.audiences, "audiences", set_of(codes::audience()));
    w.column(ac.sessions, "sessions", non_negative{});
    w.column(ac.participants, "participants", non_negative{});
    w.column(ac.child_participants, "child_participants", non_negative{});
    w.check(
        [&] {
          unsigned bad = 0;
          for (std::size_t i = 0; i < ac.participants.size(); ++i)
            bad |= ac.child_participants[i] > ac.participants[i];
          return bad == 0;
        },
        "child_participants");
    w.column(ac.quantity, "quantity", non_negative{});
    w.dictionary(ac.programmes, "programme");
    w.column(ac.programme, "programme", entry_of{ac.programmes});
  });

  auto& pl = d.plans;
  v.table(9, "plans.csv", pl.id, [&](auto& w) {
    w.strings(pl.id, "plan_id");
    w.column(pl.agency, "agency", required(ag));
    w.strings(pl.title, "title");
    w.column(pl.start_date, "start_date", date_value{});
    w.column(pl.end_date, "end_date", date_value{});
    w.column(pl.org_unit, "org_unit", required(ou));
    w.dictionary(pl.programmes, "programme");
    w.column(pl.programme, "programme", entry_of{pl.programmes});
  });

  auto& t = d.targets;
  v.table(10, "targets.csv", t.plan, [&](auto& w) {
    w.column(t.plan, "plan_id", required(pl));
    w.strings(t.indicator, "indicator");
    w.column(t.value, "value", any_value{});
    w.column(t.direction, "direction", required(codes::direction()));
    w.column(t.org_unit, "org_unit", required(ou));
    w.strings(t.period, "period");
    w.column(t.period_start, "period", date_value{});
    w.column(t.period_end, "period", date_value{});
  });

  auto& h = d.holidays;
  v.table(11, "holidays.csv", h.date, [&](auto& w) {
    w.column(h.date, "date", date_value{});
    w.strings(h.name, "name");
  });
}

template <class T>
constexpr void check_pod() {
  static_assert(std::is_trivially_copyable_v<T>, "columns are copied as raw bytes");
}

std::size_t rows_of(const string_column& c) { return c.size(); }
template <class T>
std::size_t rows_of(const std::vector<T>& c) {
  return c.size();
}

bool offsets_ok(const string_column& c) {
  const std::vector<std::uint64_t>& o = c.offsets();
  if (o.empty() || o.front() != 0 || o.back() != c.bytes().size()) return false;
  unsigned bad = 0;
  for (std::size_t i = 1; i < o.size(); ++i) bad |= o[i] < o[i - 1];
  return bad == 0;
}

// ---------------------------------------------------------------------------------------
// Writing.

// Writes `n` bytes at `offset`; false with errno set when it cannot.
bool write_fully(int fd, const void* data, std::size_t n, off_t offset) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, offset);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = EIO;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
    offset += w;
  }
  return true;
}

// Buffers writes to a file descriptor, hashing and counting every byte that goes through.
class hashing_file_buf : public std::streambuf {
 public:
  explicit hashing_file_buf(int fd) : fd_(fd), buffer_(std::size_t{1} << 20) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  /// Writes out what is buffered; false (errno set) on a write error.
  bool flush() {
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return n == 0 || emit(buffer_.data(), n);
  }
  std::uint64_t bytes() const noexcept { return bytes_; }
  std::uint64_t checksum() const noexcept { return sum_.value(); }
  bool failed() const noexcept { return failed_; }
  /// The errno of the failed write.
  int error_code() const noexcept { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!flush()) return traits_type::eof();
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
    return ch;
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const auto size = static_cast<std::size_t>(n);
    const auto room = static_cast<std::size_t>(epptr() - pptr());
    if (size <= room) {
      std::memcpy(pptr(), s, size);
      pbump(static_cast<int>(size));
      return n;
    }
    // A big column goes straight to the file, not through the buffer.
    if (!flush() || !emit(s, size)) return 0;
    return n;
  }

  int sync() override { return flush() ? 0 : -1; }

 private:
  bool emit(const char* p, std::size_t n) {
    if (failed_) return false;
    sum_.update(p, n);
    bytes_ += n;
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, std::min<std::size_t>(n, std::size_t{1} << 30));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error_ = w == 0 ? EIO : errno;
        failed_ = true;
        return false;
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

  int fd_;
  std::vector<char> buffer_;
  snapshot_checksum sum_;
  std::uint64_t bytes_ = 0;
  bool failed_ = false;
  int error_ = 0;
};

class writer {
 public:
  explicit writer(boost::archive::binary_oarchive& ar) : ar_(ar) {}

  template <class Column, class Columns>
  void table(std::uint64_t id, const char*, const Column& first, const Columns& columns) {
    const std::uint64_t rows = rows_of(first);
    ar_ << id;
    ar_ << rows;
    columns(*this);
  }

  template <class T, class Rule>
  void column(const std::vector<T>& v, const char*, const Rule&) {
    check_pod<T>();
    raw(v.data(), v.size() * sizeof(T));
  }

  void strings(const string_column& c, const char*) {
    raw(c.offsets().data(), c.offsets().size() * sizeof(std::uint64_t));
    bytes(c.bytes());
  }

  void dictionary(const safeguard::dictionary& d, const char*) {
    const std::uint64_t n = d.values.size();
    ar_ << n;
    for (const std::string& s : d.values) bytes(s);
  }

  template <class Check>
  void check(const Check&, const char*) {}

 private:
  void bytes(const std::string& s) {
    const std::uint64_t n = s.size();
    ar_ << n;
    raw(s.data(), s.size());
  }
  void raw(const void* p, std::size_t n) {
    if (n > 0) ar_ << boost::serialization::make_binary_object(p, n);
  }

  boost::archive::binary_oarchive& ar_;
};

// What load_snapshot would refuse is refused before anything is written: every column of a
// table as long as the table, text offsets well formed, values as a load makes them.
class save_checker {
 public:
  template <class Column, class Columns>
  void table(std::uint64_t, const char* file, const Column& first, const Columns& columns) {
    file_ = file;
    rows_ = rows_of(first);
    columns(*this);
  }
  template <class T, class Rule>
  void column(const std::vector<T>& v, const char* name, const Rule& rule) const {
    if (v.size() != rows_)
      throw error(fmt::format("save_snapshot: the columns of {} have different lengths ({} and {})",
                              file_, rows_, v.size()));
    if (!all_valid(all_of(v), rule)) fail(name);
  }
  void strings(const string_column& c, const char* name) const {
    if (!offsets_ok(c))
      throw error(
          fmt::format("save_snapshot: the text column {} of {} has bad offsets", name, file_));
    if (c.size() != rows_)
      throw error(fmt::format("save_snapshot: the columns of {} have different lengths ({} and {})",
                              file_, rows_, c.size()));
  }
  void dictionary(const safeguard::dictionary&, const char*) const {}
  template <class Check>
  void check(const Check& ok, const char* name) const {
    if (!ok()) fail(name);
  }

 private:
  [[noreturn]] void fail(const char* name) const {
    throw error(fmt::format("save_snapshot: {} holds an impossible value in {}", file_, name));
  }
  const char* file_ = "";
  std::size_t rows_ = 0;
};

// Removes the temporary file unless the save completed.
struct temp_file {
  std::string path;
  int fd = -1;
  bool keep = false;
  ~temp_file() {
    if (fd >= 0) ::close(fd);
    if (!keep) ::unlink(path.c_str());
  }
};

// ---------------------------------------------------------------------------------------
// Reading.

class corrupt : public std::exception {
 public:
  explicit corrupt(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

// Reads the payload from the file: small reads through a buffer, a column straight into its
// vector. Every byte is added to the checksum as it arrives, in chunks small enough to still
// be in the cache, so verifying the checksum costs no extra pass over memory.
class payload_source : public std::streambuf {
 public:
  payload_source(int fd, std::uint64_t size, const std::string& name)
      : fd_(fd), left_(size), name_(name), buffer_(buffer_size) {
    setg(buffer_.data(), buffer_.data(), buffer_.data());
  }

  /// Reads the next `count` values of the payload into `out`, in chunks that are hashed and
  /// passed to `check(values<T>)` while they are still in the cache. (The same bytes the
  /// archive would give: a binary object has no framing.)
  template <class T, class Check>
  void read_values(T* out, std::size_t count, const Check& check) {
    auto* bytes = reinterpret_cast<char*>(out);
    const std::size_t n = count * sizeof(T);
    if (n == 0) return;  // an empty vector's data() may be null: no memcpy from or to it
    std::size_t done = std::min(n, static_cast<std::size_t>(egptr() - gptr()));
    std::memcpy(bytes, gptr(), done);  // hashed when it was buffered
    setg(eback(), gptr() + done, egptr());
    std::size_t checked = 0;
    for (;;) {
      const std::size_t whole = done / sizeof(T);
      check(values<T>{out + checked, out + whole});
      checked = whole;
      if (done == n) return;
      const std::size_t want = std::min(n - done, chunk);
      if (fill(bytes + done, want) != want) throw corrupt("a column runs past the end of the file");
      done += want;
    }
  }

  /// Payload bytes not read yet.
  std::uint64_t remaining() const noexcept {
    return left_ + static_cast<std::uint64_t>(egptr() - gptr());
  }
  /// Reads (and hashes) what is left; true when the checksum of the whole payload is `sum`.
  bool checksum_matches(std::uint64_t sum) {
    setg(buffer_.data(), buffer_.data(), buffer_.data());
    while (left_ > 0) fill(buffer_.data(), buffer_.size());
    return sum_.value() == sum;
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const std::size_t n = fill(buffer_.data(), buffer_.size());
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return n == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
  }

  std::streamsize xsgetn(char* s, std::streamsize count) override {
    auto n = static_cast<std::size_t>(count);
    std::size_t done = 0;
    while (done < n) {
      const auto buffered = static_cast<std::size_t>(egptr() - gptr());
      if (buffered > 0) {
        const std::size_t take = std::min(buffered, n - done);
        std::memcpy(s + done, gptr(), take);
        setg(eback(), gptr() + take, egptr());
        done += take;
      } else if (n - done >= buffer_.size()) {
        const std::size_t got = fill(s + done, n - done);
        if (got == 0) break;
        done += got;
      } else if (underflow() == traits_type::eof()) {
        break;
      }
    }
    return static_cast<std::streamsize>(done);
  }

 private:
  static constexpr std::size_t buffer_size = std::size_t{1} << 16;
  static constexpr std::size_t chunk = std::size_t{1} << 18;  // hashed while in L2

  // Reads up to `n` bytes of the payload into `out`, hashing them; 0 at its end.
  std::size_t fill(char* out, std::size_t n) {
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, left_));
    std::size_t done = 0;
    while (done < n) {
      const std::size_t want = std::min(n - done, chunk);
      const ssize_t got = ::read(fd_, out + done, want);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw snapshot_error("cannot read snapshot " + name_ + ": " + system_reason());
      if (got == 0) throw snapshot_error(name_ + " is truncated: it got shorter while being read");
      sum_.update(out + done, static_cast<std::size_t>(got));
      done += static_cast<std::size_t>(got);
    }
    left_ -= n;
    return n;
  }

  int fd_;
  std::uint64_t left_;
  const std::string& name_;
  std::vector<char> buffer_;
  snapshot_checksum sum_;
};

// Sizes an empty column for `n` values. Much of a snapshot's load time is the kernel handing
// out and zeroing the columns' memory, one page fault per page; a column of more than a few
// pages asks for its pages in one call instead (MADV_POPULATE_WRITE, Linux 5.14). A hint: on a
// kernel without it the first touch faults the pages in as before. (Huge pages were not asked
// for: the advice would stay on the heap's memory after the column is freed.)
template <class Column>
void size_fresh(Column& v, std::size_t n) {
  v.reserve(n);
#if defined(__linux__)
  constexpr int populate_write = 23;  // MADV_POPULATE_WRITE, absent from older headers
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<std::uintptr_t>(v.data() + v.size());
  const auto end = reinterpret_cast<std::uintptr_t>(v.data()) + n * sizeof(*v.data());
  // Whole pages inside the capacity only: the kernel would round a partial page up.
  const auto first = (begin + page - 1) & ~(page - 1);
  const auto last = end & ~(page - 1);
  if (last > first + 16 * page)
    ::madvise(reinterpret_cast<void*>(first), last - first, populate_write);
#endif
  v.resize(n);
}

// Walks the payload's layout ahead of the reader, on a helper thread started with the load, and
// sizes the big tables' columns as it goes: allocating and first touching fresh memory (page
// faults) costs about as much as reading the file, and the two overlap from the first table
// on. The walk reads only the numbers that place things (row counts, text and dictionary
// lengths), from its own buffer, and skips the columns' bytes. It is a hint: the reader
// checks every column's size and sizes what the walk did not (small tables, or all of them
// once the walk stops on damage). The walk stops at the first column that the rest of the
// payload cannot hold, so what it sizes is at most the payload's bytes in all: a damaged
// count cannot turn into a huge allocation.
//
// Both walk visit_dataset's columns in the same order, whatever the data, so the k-th column
// is the same vector for both: the reader takes column k once `ready` passes k (or the walk
// has ended), and the walk never touches it again. Apart from the columns it sizes, the walk
// reads and writes nothing in the dataset (the rules it is handed read their tables' sizes
// only when values are checked).
class column_sizer {
 public:
  column_sizer(int fd, std::uint64_t payload_bytes) : fd_(fd), size_(payload_bytes) {}

  // The helper's side, as a visitor of the dataset.
  template <class Column, class Columns>
  void table(std::uint64_t id, const char*, const Column&, const Columns& columns) {
    if (ended_) return;
    std::uint64_t read_id = 0;
    if (!u64(read_id) || read_id != id || !u64(rows_) ||
        rows_ > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
      return end();
    columns(*this);
  }
  template <class T, class Rule>
  void column(std::vector<T>& v, const char*, const Rule&) {
    step(sizeof(T) * rows_, [&] { size_fresh(v, static_cast<std::size_t>(rows_)); });
  }
  void strings(string_column& c, const char*) {
    step(sizeof(std::uint64_t) * (rows_ + 1),
         [&] { size_fresh(c.mutable_offsets(), static_cast<std::size_t>(rows_ + 1)); });
    std::uint64_t text = 0;
    if (!ended_ && !(u64(text) && skip(text))) end();
  }
  void dictionary(safeguard::dictionary&, const char*) {
    std::uint64_t entries = 0, length = 0;
    if (ended_ || !u64(entries)) return end();
    for (std::uint64_t i = 0; i < entries; ++i)
      if (cancelled_.load(std::memory_order_relaxed) || !(u64(length) && skip(length)))
        return end();
  }
  template <class Check>
  void check(const Check&, const char*) {}

  // Runs the walk (on the helper thread); never throws.
  void run(dataset& data) {
    try {
      visit_dataset(*this, data);
    } catch (...) {  // out of memory: the reader sizes the rest, and says so if it cannot
    }
    end();
  }

  // The reader's side: blocks until the walk is past column `index`, or has ended.
  void wait(std::size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_changed_.wait(lock, [&] { return ready_ > index || done_; });
  }
  // Stops the walk at its next step (the reader is done, or gave up).
  void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }

 private:
  // Tables with fewer rows are sized by the reader: not worth a handover.
  static constexpr std::uint64_t parallel_rows = std::uint64_t{1} << 16;

  // Sizes the next column when its table is big, then hands it over; a column the rest of the
  // payload cannot hold ends the walk.
  template <class Resize>
  void step(std::uint64_t bytes, const Resize& resize) {
    if (ended_) return;
    if (cancelled_.load(std::memory_order_relaxed) || bytes > size_ - pos_) return end();
    if (rows_ >= parallel_rows) resize();
    pos_ += bytes;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      ++ready_;
    }
    ready_changed_.notify_one();
  }
  void end() {
    ended_ = true;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    ready_changed_.notify_one();
  }

  // The payload's number at the walk's position, through a small buffer of its own.
  bool u64(std::uint64_t& v) {
    if (size_ - pos_ < 8) return false;
    if (pos_ < buffer_at_ || pos_ + 8 > buffer_at_ + buffered_) {
      buffer_at_ = pos_;
      buffered_ = 0;
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buffer_, size_ - pos_));
      while (buffered_ < want) {
        const ssize_t n = ::pread(fd_, buffer_ + buffered_, want - buffered_,
                                  static_cast<off_t>(header_size + pos_ + buffered_));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buffered_ += static_cast<std::size_t>(n);
      }
    }
    std::memcpy(&v, buffer_ + (pos_ - buffer_at_), 8);
    pos_ += 8;
    return true;
  }
  bool skip(std::uint64_t bytes) {
    if (bytes > size_ - pos_) return false;
    pos_ += bytes;
    return true;
  }

  int fd_;
  std::uint64_t size_;     // payload bytes
  std::uint64_t pos_ = 0;  // the walk's position in the payload
  std::uint64_t rows_ = 0;
  bool ended_ = false;  // the walk's own copy of done_
  char buffer_[4096];
  std::uint64_t buffer_at_ = 0;
  std::size_t buffered_ = 0;
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::condition_variable ready_changed_;
  std::size_t ready_ = 0;  // columns the walk is past
  bool done_ = false;
};

class reader {
 public:
  reader(boost::archive::binary_iarchive& ar, payload_source& source, column_sizer* sizer)
      : ar_(ar), source_(source), sizer_(sizer) {}

  template <class Column, class Columns>
  void table(std::uint64_t id, const char* file, const Column&, const Columns& columns) {
    file_ = file;
    if (u64() != id) throw corrupt(fmt::format("the table {} is not where expected", file));
    rows_ = u64();
    if (rows_ > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
      throw corrupt(fmt::format("{} claims {} rows", file, rows_));
    columns(*this);
  }

  // Checked as it is read, chunk by chunk, while the values are in the cache.
  template <class T, class Rule>
  void column(std::vector<T>& v, const char* name, const Rule& rule) {
    check_pod<T>();
    size_column(v, rows_);
    bool ok = true;
    source_.read_values(v.data(), v.size(), [&](values<T> run) { ok &= all_valid(run, rule); });
    if (!ok) fail(name);
  }

  void strings(string_column& c, const char* name) {
    std::vector<std::uint64_t>& offsets = c.mutable_offsets();
    size_column(offsets, rows_ + 1);
    source_.read_values(offsets.data(), offsets.size(), [](values<std::uint64_t>) {});
    bytes(c.mutable_bytes());
    if (!offsets_ok(c))
      throw corrupt(fmt::format("the text column {} of {} has bad offsets", name, file_));
  }

  void dictionary(safeguard::dictionary& d, const char*) {
    // Each entry takes at least its 8-byte length.
    d.values.resize(fits(u64(), sizeof(std::uint64_t)));
    for (std::string& s : d.values) bytes(s);
  }

  template <class Check>
  void check(const Check& ok, const char* name) const {
    if (!ok()) fail(name);
  }

 private:
  [[noreturn]] void fail(const char* name) const {
    throw corrupt(fmt::format("{} holds an impossible value in {}", file_, name));
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    ar_ >> v;
    return v;
  }
  // `count` items of `size` bytes, after checking that the rest of the file holds them:
  // a damaged count must not turn into a huge allocation.
  std::size_t fits(std::uint64_t count, std::size_t size) const {
    if (count > source_.remaining() / size)
      throw corrupt(fmt::format("a column of {} runs past the end of the file", file_));
    return static_cast<std::size_t>(count);
  }
  // Sizes the table's next column for `count` values, unless the sizer has.
  template <class T>
  void size_column(std::vector<T>& v, std::uint64_t count) {
    if (sizer_) sizer_->wait(next_++);
    const std::size_t n = fits(count, sizeof(T));
    if (v.size() != n) size_fresh(v, n);
  }
  void bytes(std::string& s) {
    size_fresh(s, fits(u64(), 1));
    source_.read_values(s.data(), s.size(), [](values<char>) {});
  }

  boost::archive::binary_iarchive& ar_;
  payload_source& source_;
  column_sizer* sizer_;
  const char* file_ = "";
  std::uint64_t rows_ = 0;
  std::size_t next_ = 0;  // the columns taken from the sizer
};

// Payloads from which on the columns are sized on a helper thread (column_sizer).
constexpr std::uint64_t sizer_payload_bytes = std::uint64_t{1} << 20;

std::string quoted(const std::string& path) { return "'" + path + "'"; }

struct file_handle {
  int fd = -1;
  ~file_handle() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void save_snapshot(const dataset& data, const std::string& path) {
  save_checker checker;
  visit_dataset(checker, data);

  temp_file tmp;
  tmp.path = path + ".partial-" + std::to_string(::getpid());
  tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (tmp.fd < 0)
    throw snapshot_error("cannot write snapshot " + quoted(path) + ": " + system_reason());
  const auto fail = [&](int code) -> snapshot_error {
    return snapshot_error{"cannot write snapshot " + quoted(path) + ": " + std::strerror(code)};
  };

  unsigned char head[header_size];
  encode(header{}, head);  // a placeholder until the payload's size and checksum are known
  if (!write_fully(tmp.fd, head, header_size, 0) ||
      ::lseek(tmp.fd, static_cast<off_t>(header_size), SEEK_SET) < 0)
    throw fail(errno);

  hashing_file_buf buf(tmp.fd);
  try {
    boost::archive::binary_oarchive ar(buf, archive_flags);
    writer w(ar);
    visit_dataset(w, data);
  } catch (const boost::archive::archive_exception&) {
    // Thrown when the buffer could not write (disk full, file too large): say why.
    if (buf.failed()) throw fail(buf.error_code());
    throw;
  }
  if (!buf.flush() || buf.failed()) throw fail(buf.error_code());

  header h;
  h.payload_bytes = buf.bytes();
  h.checksum = buf.checksum();
  encode(h, head);
  if (!write_fully(tmp.fd, head, header_size, 0)) throw fail(errno);
  const int fd = tmp.fd;
  tmp.fd = -1;
  if (::close(fd) != 0) throw fail(errno);
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) throw fail(errno);
  tmp.keep = true;
}

dataset load_snapshot(const std::string& path) {
  const std::string name = quoted(path);
  file_handle file;
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0) throw snapshot_error("cannot open snapshot " + name + ": " + system_reason());
  struct stat st {};
  if (::fstat(file.fd, &st) != 0)
    throw snapshot_error("cannot read snapshot " + name + ": " + system_reason());
  if (!S_ISREG(st.st_mode))
    throw snapshot_error(name + " is not a snapshot file (it is a folder or a device)");
  const auto file_size = static_cast<std::uint64_t>(st.st_size);

  unsigned char head[header_size] = {};
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(file_size, header_size));
  std::size_t got = 0;
  while (got < want) {
    const ssize_t n = ::pread(file.fd, head + got, want - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw snapshot_error("cannot read snapshot " + name + ": " + system_reason());
    got += static_cast<std::size_t>(n);
  }
  if (got < sizeof magic || std::memcmp(head, magic, sizeof magic) != 0)
    throw snapshot_error(name + " is not a safeguard snapshot (it does not start with SGSNAP)");
  const auto recreate = "; re-create it from the dataset folder with 'safeguard snapshot'";
  if (got < header_size)
    throw snapshot_error(
        fmt::format("{} is truncated: it holds {} bytes, less than the {}-byte "
                    "header{}",
                    name, got, header_size, recreate));
  header h;
  h.version = static_cast<std::uint16_t>(get_le(head + 6, 2));
  h.byte_order = head[8];
  h.payload_bytes = get_le(head + 16, 8);
  h.checksum = get_le(head + 24, 8);
  if (h.version > snapshot_format_version)
    throw snapshot_error(fmt::format(
        "{} is a snapshot of format version {}, newer than this version of safeguard reads "
        "(up to {}); upgrade safeguard or load the dataset folder instead",
        name, h.version, snapshot_format_version));
  if (h.version == 0 || std::any_of(head + 9, head + 16, [](unsigned char b) { return b != 0; }))
    throw snapshot_error(name + " is corrupt: its header is damaged" + recreate);
  if (h.byte_order != native_order)
    throw snapshot_error(fmt::format(
        "{} was written on a {}-endian machine and cannot be read on this one; load the dataset "
        "folder instead",
        name,
        h.byte_order == big_endian      ? "big"
        : h.byte_order == little_endian ? "little"
                                        : "?"));
  const std::uint64_t payload_size = file_size - header_size;
  if (h.payload_bytes > payload_size)
    throw snapshot_error(fmt::format("{} is truncated: it holds {} bytes of the {} it should{}",
                                     name, file_size, h.payload_bytes + header_size, recreate));
  if (h.payload_bytes < payload_size)
    throw snapshot_error(fmt::format("{} is corrupt: it has {} bytes after the end of its data{}",
                                     name, payload_size - h.payload_bytes, recreate));

  if (::lseek(file.fd, static_cast<off_t>(header_size), SEEK_SET) < 0)
    throw snapshot_error("cannot read snapshot " + name + ": " + system_reason());
  payload_source source(file.fd, h.payload_bytes, name);
  dataset data;
  std::string problem;  // why the payload does not parse, if it does not
  {
    // A small payload is sized by the reader alone: a thread costs more than it would save.
    std::unique_ptr<column_sizer> sizer;
    std::thread helper;
    if (h.payload_bytes >= sizer_payload_bytes) {
      sizer = std::make_unique<column_sizer>(file.fd, h.payload_bytes);
      try {
        helper = std::thread([&] { sizer->run(data); });
      } catch (const std::system_error&) {
        sizer.reset();  // no thread to be had: the reader sizes everything
      }
    }
    // Whatever happens to the reader, the walk is stopped and joined before `data` and the
    // sizer go away.
    struct joiner {
      column_sizer* sizer;
      std::thread& helper;
      ~joiner() {
        if (!helper.joinable()) return;
        sizer->cancel();
        helper.join();
      }
    } join{sizer.get(), helper};
    try {
      boost::archive::binary_iarchive ar(source, archive_flags);
      reader r(ar, source, sizer.get());
      visit_dataset(r, data);
      if (source.remaining() != 0) problem = "it has data after its last table";
    } catch (const corrupt& e) {
      problem = e.what();
    } catch (const boost::archive::archive_exception& e) {
      problem = e.what();
    }
  }
  // Damage shows as a checksum mismatch, whatever it did to the parse; a payload that
  // matches its checksum and still does not parse was written wrong, or forged.
  if (!source.checksum_matches(h.checksum))
    throw snapshot_error(name + " is corrupt: its content does not match its checksum" + recreate);
  if (!problem.empty()) throw snapshot_error(name + " is corrupt: " + problem + recreate);
  return data;
}

}  // namespace safeguard::io
