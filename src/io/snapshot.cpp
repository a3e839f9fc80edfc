// Binary snapshots. The file is a 32-byte header written here (magic, format version, byte
// order, payload size, payload checksum) followed by the payload: a Boost.Serialization
// binary archive (without Boost's own header) in which every column is one length and one block of raw bytes
// (make_binary_object), so that loading is a checksum pass and a memcpy per column.
// Saving streams through a buffer that hashes and counts as it writes, so memory does not
// double; loading reads each column straight into its vector and hashes it on the way.
//
// The list of columns is written once, in visit_dataset(), and walked by both the writer
// and the reader: a column added to the dataset is added there (and the format version
// raised).
#include "safeguard/io/snapshot.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/binary_object.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <streambuf>
#include <type_traits>
#include <vector>

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
// The columns, in file order. `v` is a writer or a reader; `D` is `const dataset` or
// `dataset`.

template <class V, class D>
void visit_dataset(V& v, D& d) {
  v.table(1, "org_units.csv", d.org_units.code);
  v.strings(d.org_units.code);
  v.strings(d.org_units.name);
  v.column(d.org_units.parent);
  v.column(d.org_units.kind);

  v.table(2, "population.csv", d.population.org_unit);
  v.column(d.population.org_unit);
  v.column(d.population.year);
  v.column(d.population.sex);
  v.column(d.population.age);
  v.column(d.population.count);

  v.table(3, "agencies.csv", d.agencies.code);
  v.strings(d.agencies.code);
  v.strings(d.agencies.name);
  v.column(d.agencies.kind);
  v.column(d.agencies.org_unit);

  v.table(4, "children.csv", d.children.id);
  v.strings(d.children.id);
  v.column(d.children.birth_date);
  v.column(d.children.sex);
  v.column(d.children.org_unit);
  v.column(d.children.ethnicity);
  v.dictionary(d.children.ethnicities);
  v.column(d.children.disability);
  v.column(d.children.registered_date);
  v.column(d.children.exit_date);
  v.column(d.children.exit_reason);

  v.table(5, "circumstances.csv", d.circumstances.child);
  v.column(d.circumstances.child);
  v.column(d.circumstances.circumstance);
  v.column(d.circumstances.start_date);
  v.column(d.circumstances.end_date);

  v.table(6, "cases.csv", d.cases.id);
  auto& c = d.cases;
  v.strings(c.id);
  v.column(c.child);
  v.column(c.reported_date);
  v.column(c.reported_minute);
  v.column(c.concerns);
  v.column(c.org_unit);
  v.column(c.lead_agency);
  v.column(c.source);
  v.column(c.setting);
  v.column(c.perpetrator);
  v.column(c.level);
  v.column(c.risk);
  v.column(c.outcome);
  v.column(c.incident_date);
  v.column(c.emergency_date);
  v.column(c.emergency_minute);
  v.column(c.assessed_date);
  v.column(c.plan_date);
  v.column(c.closed_date);
  v.column(c.closure_reason);
  v.column(c.consent_reporting);

  v.table(7, "services.csv", d.services.case_);
  v.column(d.services.case_);
  v.column(d.services.date);
  v.column(d.services.service);
  v.column(d.services.agency);
  v.column(d.services.referred);

  v.table(8, "activities.csv", d.activities.id);
  auto& a = d.activities;
  v.strings(a.id);
  v.column(a.agency);
  v.column(a.kind);
  v.column(a.start_date);
  v.column(a.end_date);
  v.column(a.org_unit);
  v.column(a.topics);
  v.column(a.audiences);
  v.column(a.sessions);
  v.column(a.participants);
  v.column(a.child_participants);
  v.column(a.quantity);
  v.column(a.programme);
  v.dictionary(a.programmes);

  v.table(9, "plans.csv", d.plans.id);
  v.strings(d.plans.id);
  v.column(d.plans.agency);
  v.strings(d.plans.title);
  v.column(d.plans.start_date);
  v.column(d.plans.end_date);
  v.column(d.plans.org_unit);
  v.column(d.plans.programme);
  v.dictionary(d.plans.programmes);

  v.table(10, "targets.csv", d.targets.plan);
  auto& t = d.targets;
  v.column(t.plan);
  v.strings(t.indicator);
  v.column(t.value);
  v.column(t.direction);
  v.column(t.org_unit);
  v.strings(t.period);
  v.column(t.period_start);
  v.column(t.period_end);

  v.table(11, "holidays.csv", d.holidays.date);
  v.column(d.holidays.date);
  v.strings(d.holidays.name);
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

// ---------------------------------------------------------------------------------------
// Writing.

// Buffers writes to a file descriptor, hashing and counting every byte that goes through.
class hashing_file_buf : public std::streambuf {
 public:
  explicit hashing_file_buf(int fd) : fd_(fd), buffer_(std::size_t{1} << 20) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  /// Writes out what is buffered; false (errno set) on a write error.
  bool flush() {
    const std::size_t n = static_cast<std::size_t>(pptr() - pbase());
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return n == 0 || emit(buffer_.data(), n);
  }
  std::uint64_t bytes() const noexcept { return bytes_; }
  std::uint64_t checksum() const noexcept { return sum_.value(); }
  bool failed() const noexcept { return failed_; }

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
        if (w == 0) errno = EIO;
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
};

class writer {
 public:
  explicit writer(boost::archive::binary_oarchive& ar) : ar_(ar) {}

  template <class Column>
  void table(std::uint64_t id, const char*, const Column& first) {
    const std::uint64_t rows = rows_of(first);
    ar_ << id;
    ar_ << rows;
  }

  template <class T>
  void column(const std::vector<T>& v) {
    check_pod<T>();
    raw(v.data(), v.size() * sizeof(T));
  }

  void strings(const string_column& c) {
    raw(c.offsets().data(), c.offsets().size() * sizeof(std::uint64_t));
    bytes(c.bytes());
  }

  void dictionary(const safeguard::dictionary& d) {
    const std::uint64_t n = d.values.size();
    ar_ << n;
    for (const std::string& s : d.values) bytes(s);
  }

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

// Before anything else reads a dataset's columns by row: every column of a table as long as
// the table (a string column's offsets well formed), which a hand-built dataset may break.
class length_checker {
 public:
  template <class Column>
  void table(std::uint64_t, const char* file, const Column& first) {
    file_ = file;
    rows_ = rows_of(first);
  }
  template <class T>
  void column(const std::vector<T>& v) const {
    check(v.size());
  }
  void strings(const string_column& c) const {
    const auto& o = c.offsets();
    if (o.empty() || o.front() != 0 || o.back() != c.bytes().size() ||
        !std::is_sorted(o.begin(), o.end()))
      throw error(fmt::format("save_snapshot: a text column of {} has bad offsets", file_));
    check(c.size());
  }
  void dictionary(const safeguard::dictionary&) const {}

 private:
  void check(std::size_t n) const {
    if (n != rows_)
      throw error(fmt::format("save_snapshot: the columns of {} have different lengths ({} and {})",
                              file_, rows_, n));
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

class reader {
 public:
  reader(boost::archive::binary_iarchive& ar, const payload_source& source)
      : ar_(ar), source_(source) {}

  template <class Column>
  void table(std::uint64_t id, const char* file, const Column&) {
    file_ = file;
    if (u64() != id) throw corrupt(fmt::format("the table {} is not where expected", file));
    rows_ = u64();
    if (rows_ > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
      throw corrupt(fmt::format("{} claims {} rows", file, rows_));
  }

  template <class T>
  void column(std::vector<T>& v) {
    check_pod<T>();
    v.resize(fits(rows_, sizeof(T)));
    raw(v.data(), v.size() * sizeof(T));
  }

  void strings(string_column& c) {
    std::vector<std::uint64_t>& offsets = c.mutable_offsets();
    offsets.resize(fits(rows_ + 1, sizeof(std::uint64_t)));
    raw(offsets.data(), offsets.size() * sizeof(std::uint64_t));
    bytes(c.mutable_bytes());
    const std::uint64_t* o = offsets.data();
    if (o[0] != 0 || o[rows_] != c.bytes().size())
      throw corrupt(fmt::format("a text column of {} has bad offsets", file_));
    for (std::uint64_t i = 0; i < rows_; ++i)
      if (o[i + 1] < o[i]) throw corrupt(fmt::format("a text column of {} has bad offsets", file_));
  }

  void dictionary(safeguard::dictionary& d) {
    // Each entry takes at least its 8-byte length.
    d.values.resize(fits(u64(), sizeof(std::uint64_t)));
    for (std::string& s : d.values) bytes(s);
  }

 private:
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
  void bytes(std::string& s) {
    s.resize(fits(u64(), 1));
    raw(s.data(), s.size());
  }
  void raw(void* p, std::size_t n) {
    if (n > 0) ar_ >> boost::serialization::make_binary_object(p, n);
  }

  boost::archive::binary_iarchive& ar_;
  const payload_source& source_;
  const char* file_ = "";
  std::uint64_t rows_ = 0;
};

// The checks a CSV load makes on the shape of the data, for what a damaged (or forged) file
// could break: references, codes and dictionary positions in range, so that nothing that
// reads the dataset indexes out of bounds.
class shape_checker {
 public:
  explicit shape_checker(const dataset& d) : d_(d) {}

  void run() {
    const auto& u = d_.org_units;
    const std::size_t units = u.size(), agencies = d_.agencies.size();
    references(u.parent, units, "org_units.csv", "parent");
    code_column(u.kind, codes::org_unit_kind(), "org_units.csv", "kind");
    try {
      const hierarchy tree(u);
      (void)tree;
    } catch (const error&) {
      throw corrupt("org_units.csv: the parent column is not a tree");
    }

    const auto& p = d_.population;
    references(p.org_unit, units, "population.csv", "org_unit", true);
    // Population has f and m only, ages 0 to 17.
    const code u_sex = *codes::sex().find("u");
    const auto sexes = static_cast<unsigned>(codes::sex().size());
    unsigned bad = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
      bad |= (p.sex[i] >= sexes) | (p.sex[i] == u_sex) | (p.age[i] > 17) | (p.count[i] < 0);
    check(bad == 0, "population.csv", "sex, age or count");

    const auto& a = d_.agencies;
    code_column(a.kind, codes::agency_kind(), "agencies.csv", "kind", true);
    references(a.org_unit, units, "agencies.csv", "org_unit", true);

    const auto& ch = d_.children;
    dates(ch.birth_date, "children.csv", "birth_date");
    code_column(ch.sex, codes::sex(), "children.csv", "sex", true);
    references(ch.org_unit, units, "children.csv", "org_unit", true);
    entries(ch.ethnicity, ch.ethnicities, "children.csv", "ethnicity");
    flags(ch.disability, "children.csv", "disability");
    dates(ch.registered_date, "children.csv", "registered_date");
    dates(ch.exit_date, "children.csv", "exit_date");
    code_column(ch.exit_reason, codes::exit_reason(), "children.csv", "exit_reason");

    const auto& ci = d_.circumstances;
    references(ci.child, ch.size(), "circumstances.csv", "child_id", true);
    code_column(ci.circumstance, codes::circumstance(), "circumstances.csv", "circumstance", true);
    dates(ci.start_date, "circumstances.csv", "start_date");
    dates(ci.end_date, "circumstances.csv", "end_date");

    const auto& c = d_.cases;
    const char* cf = "cases.csv";
    references(c.child, ch.size(), cf, "child_id", true);
    dates(c.reported_date, cf, "reported_date");
    minutes(c.reported_minute, cf, "reported_date");
    set_column(c.concerns, codes::concern(), cf, "concerns");
    references(c.org_unit, units, cf, "org_unit", true);
    references(c.lead_agency, agencies, cf, "lead_agency");
    code_column(c.source, codes::source(), cf, "source");
    code_column(c.setting, codes::setting(), cf, "setting");
    code_column(c.perpetrator, codes::perpetrator(), cf, "perpetrator");
    code_column(c.level, codes::protection_level(), cf, "level");
    code_column(c.risk, codes::risk(), cf, "risk");
    code_column(c.outcome, codes::outcome(), cf, "outcome");
    for (const auto* col : {&c.incident_date, &c.emergency_date, &c.assessed_date, &c.plan_date,
                            &c.closed_date})
      dates(*col, cf, "a date column");
    minutes(c.emergency_minute, cf, "emergency_date");
    code_column(c.closure_reason, codes::closure_reason(), cf, "closure_reason");
    flags(c.consent_reporting, cf, "consent_reporting");

    const auto& s = d_.services;
    references(s.case_, c.size(), "services.csv", "case_id", true);
    dates(s.date, "services.csv", "date");
    code_column(s.service, codes::service(), "services.csv", "service", true);
    references(s.agency, agencies, "services.csv", "agency");
    flags(s.referred, "services.csv", "referred");

    const auto& ac = d_.activities;
    const char* af = "activities.csv";
    references(ac.agency, agencies, af, "agency", true);
    code_column(ac.kind, codes::activity_kind(), af, "kind", true);
    dates(ac.start_date, af, "start_date");
    dates(ac.end_date, af, "end_date");
    references(ac.org_unit, units, af, "org_unit", true);
    set_column(ac.topics, codes::topic(), af, "topics");
    set_column(ac.audiences, codes::audience(), af, "audiences");
    bad = 0;
    for (std::size_t i = 0; i < ac.size(); ++i)
      bad |= (ac.sessions[i] < 0) | (ac.participants[i] < 0) | (ac.child_participants[i] < 0) |
             (ac.child_participants[i] > ac.participants[i]) | (ac.quantity[i] < 0);
    check(bad == 0, af, "sessions, participants or quantity");
    entries(ac.programme, ac.programmes, af, "programme");

    const auto& pl = d_.plans;
    references(pl.agency, agencies, "plans.csv", "agency", true);
    dates(pl.start_date, "plans.csv", "start_date");
    dates(pl.end_date, "plans.csv", "end_date");
    references(pl.org_unit, units, "plans.csv", "org_unit", true);
    entries(pl.programme, pl.programmes, "plans.csv", "programme");

    const auto& t = d_.targets;
    references(t.plan, pl.size(), "targets.csv", "plan_id", true);
    code_column(t.direction, codes::direction(), "targets.csv", "direction", true);
    references(t.org_unit, units, "targets.csv", "org_unit", true);
    dates(t.period_start, "targets.csv", "period");
    dates(t.period_end, "targets.csv", "period");

    dates(d_.holidays.date, "holidays.csv", "date");
  }

 private:
  // Every check below folds its whole column into one flag without a branch, so that the
  // compiler vectorizes it: these passes run on every load of a national snapshot.
  static void check(bool ok, const char* file, const char* column) {
    if (!ok) throw corrupt(fmt::format("{} holds an impossible value in {}", file, column));
  }

  // A row index below `size`, or also -1 (missing) unless required.
  template <class Index>
  static void references(const std::vector<Index>& col, std::size_t size, const char* file,
                         const char* column, bool required = false) {
    const std::uint32_t shift = required ? 0 : 1;
    const auto limit = static_cast<std::uint32_t>(std::min<std::size_t>(size, 0x7FFFFFFF)) + shift;
    unsigned bad = 0;
    for (const Index i : col) bad |= static_cast<std::uint32_t>(i.value) + shift >= limit;
    check(bad == 0, file, column);
  }

  // A position in `list`, or also no_code (0xFF) unless required.
  static void code_column(const std::vector<code>& col, const code_list& list, const char* file,
                          const char* column, bool required = false) {
    const auto size = static_cast<unsigned>(list.size());
    unsigned bad = 0;
    if (required) {
      for (const code c : col) bad |= c >= size;
    } else {
      for (const code c : col) bad |= static_cast<code>(c + 1) > size;  // no_code wraps to 0
    }
    check(bad == 0, file, column);
  }

  static void set_column(const std::vector<code_set>& col, const code_list& list,
                         const char* file, const char* column) {
    const code_set allowed =
        list.size() >= 32 ? ~code_set{0} : static_cast<code_set>((code_set{1} << list.size()) - 1);
    code_set all = 0;
    for (const code_set x : col) all |= x;
    check((all & ~allowed) == 0, file, column);
  }

  static void entries(const std::vector<std::int32_t>& col, const safeguard::dictionary& dict,
                      const char* file, const char* column) {
    const auto limit =
        static_cast<std::uint32_t>(std::min<std::size_t>(dict.values.size(), 0x7FFFFFFF));
    unsigned bad = 0;
    for (const std::int32_t e : col) bad |= static_cast<std::uint32_t>(e) + 1 > limit;
    check(bad == 0, file, column);
  }

  static void flags(const std::vector<flag>& col, const char* file, const char* column) {
    unsigned bad = 0;
    for (const flag f : col) bad |= static_cast<std::uint8_t>(f + 1) > 2;  // -1, 0 or 1
    check(bad == 0, file, column);
  }

  static void minutes(const std::vector<minute_of_day>& col, const char* file,
                      const char* column) {
    unsigned bad = 0;
    for (const minute_of_day m : col) bad |= static_cast<std::uint16_t>(m + 1) > 24 * 60;
    check(bad == 0, file, column);
  }

  // no_day, or a day of the years 0 to 9999, as YYYY-MM-DD can write them.
  static void dates(const std::vector<day_number>& col, const char* file, const char* column) {
    constexpr auto first = static_cast<std::uint32_t>(to_day_number({0, 1, 1}));
    constexpr std::uint32_t span =
        static_cast<std::uint32_t>(to_day_number({9999, 12, 31})) - first;
    unsigned bad = 0;
    for (const day_number d : col)
      bad |= (d != no_day) & (static_cast<std::uint32_t>(d) - first > span);
    check(bad == 0, file, column);
  }

  const dataset& d_;
};

std::string quoted(const std::string& path) { return "'" + path + "'"; }

struct file_handle {
  int fd = -1;
  ~file_handle() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void save_snapshot(const dataset& data, const std::string& path) {
  // What load_snapshot would refuse is refused here, before a file is written.
  length_checker lengths;
  visit_dataset(lengths, data);
  try {
    shape_checker(data).run();
  } catch (const corrupt& e) {
    throw error(std::string("save_snapshot: ") + e.what());
  }

  temp_file tmp;
  tmp.path = path + ".partial-" + std::to_string(::getpid());
  tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (tmp.fd < 0)
    throw snapshot_error("cannot write snapshot " + quoted(path) + ": " + system_reason());
  const auto fail = [&]() -> snapshot_error {
    return snapshot_error("cannot write snapshot " + quoted(path) + ": " + system_reason());
  };

  unsigned char head[header_size];
  encode(header{}, head);  // a placeholder until the payload's size and checksum are known
  if (::write(tmp.fd, head, header_size) != static_cast<ssize_t>(header_size)) throw fail();

  hashing_file_buf buf(tmp.fd);
  {
    boost::archive::binary_oarchive ar(buf, archive_flags);
    writer w(ar);
    visit_dataset(w, data);
  }
  if (!buf.flush() || buf.failed()) throw fail();

  header h;
  h.payload_bytes = buf.bytes();
  h.checksum = buf.checksum();
  encode(h, head);
  if (::pwrite(tmp.fd, head, header_size, 0) != static_cast<ssize_t>(header_size)) throw fail();
  const int fd = tmp.fd;
  tmp.fd = -1;
  if (::close(fd) != 0) throw fail();
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) throw fail();
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
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(file_size, header_size));
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
    throw snapshot_error(fmt::format("{} is truncated: it holds {} bytes, less than the {}-byte "
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
        name, h.byte_order == big_endian ? "big" : h.byte_order == little_endian ? "little" : "?"));
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
  try {
    boost::archive::binary_iarchive ar(source, archive_flags);
    reader r(ar, source);
    visit_dataset(r, data);
    if (source.remaining() != 0) problem = "it has data after its last table";
  } catch (const corrupt& e) {
    problem = e.what();
  } catch (const boost::archive::archive_exception& e) {
    problem = e.what();
  }
  // Damage shows as a checksum mismatch, whatever it did to the parse; a payload that
  // matches its checksum and still does not parse was written wrong, or forged.
  if (!source.checksum_matches(h.checksum))
    throw snapshot_error(name + " is corrupt: its content does not match its checksum" +
                         recreate);
  if (!problem.empty()) throw snapshot_error(name + " is corrupt: " + problem + recreate);
  try {
    shape_checker(data).run();
  } catch (const corrupt& e) {
    throw snapshot_error(name + " is corrupt: " + e.what() + recreate);
  }
  return data;
}

}  // namespace safeguard::io
