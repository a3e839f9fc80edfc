// Fixed-format ISO date parsing and formatting. The parsers run once per date cell of
// national data (tens of millions of calls), so they check bytes at fixed positions and
// never allocate.
#include "safeguard/model/calendar.hpp"

#include <cstring>

namespace safeguard {

namespace {

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr bool is_little_endian = false;
#else
constexpr bool is_little_endian = true;
#endif

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr unsigned digit(char c) noexcept { return static_cast<unsigned>(c - '0'); }

// Two digits at p[0], p[1]; the caller has checked they are digits.
constexpr unsigned two(const char* p) noexcept { return digit(p[0]) * 10 + digit(p[1]); }

// The day number of 1 January of every four-digit year (and of 10000), so that a parsed date
// costs two table reads and no division (the era arithmetic of to_day_number kept hardware
// divisions on the hottest path of a load). 40 KB, of which the years in use stay in cache.
struct year_table {
  day_number first_day[10001];
};
constexpr year_table make_year_table() {
  year_table t{};
  for (int y = 0; y <= 10000; ++y) t.first_day[y] = to_day_number(civil_date{y, 1, 1});
  return t;
}
constexpr year_table years = make_year_table();

constexpr unsigned short days_before_month[] = {0,   31,  59,  90,  120, 151,
                                                181, 212, 243, 273, 304, 334};
constexpr unsigned char month_lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Parses the first 10 bytes of `p` as YYYY-MM-DD; the caller guarantees 10 readable bytes.
// The first eight bytes are checked as one word: digits are the bytes 0x30..0x39, i.e. high
// nibble 3 both before and after adding 6 (which carries 0x3A..0x3F into nibble 4); the
// additions never carry across bytes.
std::optional<day_number> parse_date_prefix(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (!is_little_endian) w = __builtin_bswap64(w);
  constexpr std::uint64_t digits = 0x00FFFF00FFFFFFFFULL;  // bytes 0-3, 5, 6 (byte 0 lowest)
  constexpr std::uint64_t nibbles = 0xF0F0F0F0F0F0F0F0ULL & digits;
  constexpr std::uint64_t threes = 0x3030303030303030ULL & digits;
  constexpr std::uint64_t sixes = 0x0606060606060606ULL & digits;
  constexpr std::uint64_t dashes = 0x2D00002D00000000ULL;  // bytes 4 and 7
  constexpr std::uint64_t dash_mask = 0xFF0000FF00000000ULL;
  if ((w & nibbles) != threes || ((w + sixes) & nibbles) != threes || (w & dash_mask) != dashes ||
      !is_digit(p[8]) || !is_digit(p[9]))
    return std::nullopt;
  const unsigned year = two(p) * 100 + two(p + 2);
  const unsigned month = two(p + 5);
  const unsigned day = two(p + 8);
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  const day_number first = years.first_day[year];
  const bool leap = years.first_day[year + 1] - first == 366;
  if (day > month_lengths[month - 1] + (month == 2 && leap ? 1u : 0u)) return std::nullopt;
  return first + static_cast<day_number>(days_before_month[month - 1] + day - 1 +
                                         (month > 2 && leap ? 1u : 0u));
}

void append_padded(std::string& out, long long v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  char buffer[24];
  int n = 0;
  do {
    buffer[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buffer[--n];
}

}  // namespace

std::optional<day_number> parse_iso_date(std::string_view text) noexcept {
  if (text.size() != 10) return std::nullopt;
  return parse_date_prefix(text.data());
}

std::optional<date_time> parse_iso_date_time(std::string_view text) noexcept {
  if (text.size() == 10) {
    const auto d = parse_date_prefix(text.data());
    if (!d) return std::nullopt;
    return date_time{*d, no_minute};
  }
  if (text.size() != 16) return std::nullopt;
  const char* p = text.data();
  if (p[10] != 'T' || !is_digit(p[11]) || !is_digit(p[12]) || p[13] != ':' || !is_digit(p[14]) ||
      !is_digit(p[15]))
    return std::nullopt;
  const unsigned hour = two(p + 11);
  const unsigned minute = two(p + 14);
  if (hour > 23 || minute > 59) return std::nullopt;
  const auto d = parse_date_prefix(p);
  if (!d) return std::nullopt;
  return date_time{*d, static_cast<minute_of_day>(hour * 60 + minute)};
}

std::string format_iso_date(day_number d) {
  if (d == no_day) return std::string();
  const civil_date c = to_civil(d);
  std::string out;
  out.reserve(10);
  append_padded(out, c.year, 4);
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
  return out;
}

std::string format_iso_date_time(date_time t) {
  std::string out = format_iso_date(t.day);
  if (t.day == no_day || t.minute < 0 || t.minute >= 24 * 60) return out;
  out += 'T';
  append_padded(out, t.minute / 60, 2);
  out += ':';
  append_padded(out, t.minute % 60, 2);
  return out;
}

}  // namespace safeguard
