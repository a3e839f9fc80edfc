// The fixed-format ISO date parsers, inline: the loader calls them for every date cell of
// national data (tens of millions of calls). They return a plain day number, `no_day` when
// the text is not a date: returning std::optional<day_number> made GCC assemble the result
// on the stack from a 4-byte and a 1-byte store and read it back as 8 bytes, a failed store
// forwarding that cost more than the parse itself. The public parse_iso_date() and
// parse_iso_date_time() (calendar.hpp) wrap these.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "safeguard/model/calendar.hpp"

namespace safeguard::detail {

// The day number of 1 January of every four-digit year (and of 10000), so that a parsed date
// costs two table reads and no division. 40 KB, of which the years in use stay in cache.
struct iso_year_table {
  day_number first_day[10001];
};
constexpr iso_year_table make_iso_year_table() {
  iso_year_table t{};
  for (int y = 0; y <= 10000; ++y) t.first_day[y] = to_day_number(civil_date{y, 1, 1});
  return t;
}
inline constexpr iso_year_table iso_years = make_iso_year_table();

inline constexpr unsigned short iso_days_before_month[] = {0,   31,  59,  90,  120, 151,
                                                           181, 212, 243, 273, 304, 334};
inline constexpr unsigned char iso_month_lengths[] = {31, 28, 31, 30, 31, 30,
                                                      31, 31, 30, 31, 30, 31};

constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
// Two digits at p[0], p[1]; the caller has checked they are digits.
constexpr unsigned two_digits(const char* p) noexcept {
  return static_cast<unsigned>(p[0] - '0') * 10 + static_cast<unsigned>(p[1] - '0');
}

/// Parses the first 10 bytes of `p` as YYYY-MM-DD (a real date); the caller guarantees 10
/// readable bytes. The first eight bytes are checked as one word: digits are the bytes
/// 0x30..0x39, i.e. high nibble 3 both before and after adding 6 (which carries 0x3A..0x3F
/// into nibble 4); the additions never carry across bytes.
inline day_number parse_date10(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  constexpr std::uint64_t digits = 0x00FFFF00FFFFFFFFULL;  // bytes 0-3, 5, 6 (byte 0 lowest)
  constexpr std::uint64_t nibbles = 0xF0F0F0F0F0F0F0F0ULL & digits;
  constexpr std::uint64_t threes = 0x3030303030303030ULL & digits;
  constexpr std::uint64_t sixes = 0x0606060606060606ULL & digits;
  constexpr std::uint64_t dashes = 0x2D00002D00000000ULL;  // bytes 4 and 7
  constexpr std::uint64_t dash_mask = 0xFF0000FF00000000ULL;
  if ((w & nibbles) != threes || ((w + sixes) & nibbles) != threes || (w & dash_mask) != dashes ||
      !is_ascii_digit(p[8]) || !is_ascii_digit(p[9]))
    return no_day;
  const unsigned year = two_digits(p) * 100 + two_digits(p + 2);
  const unsigned month = two_digits(p + 5);
  const unsigned day = two_digits(p + 8);
  if (month < 1 || month > 12 || day < 1) return no_day;
  const day_number first = iso_years.first_day[year];
  const bool leap = iso_years.first_day[year + 1] - first == 366;
  if (day > iso_month_lengths[month - 1] + (month == 2 && leap ? 1u : 0u)) return no_day;
  return first + static_cast<day_number>(iso_days_before_month[month - 1] + day - 1 +
                                         (month > 2 && leap ? 1u : 0u));
}

/// `YYYY-MM-DD` exactly, or `no_day`.
inline day_number parse_iso_day(std::string_view text) noexcept {
  return text.size() == 10 ? parse_date10(text.data()) : no_day;
}

/// `YYYY-MM-DD` (minute `no_minute`) or `YYYY-MM-DDTHH:MM`; day `no_day` when neither.
inline date_time parse_iso_day_time(std::string_view text) noexcept {
  if (text.size() == 10) return date_time{parse_date10(text.data()), no_minute};
  const char* p = text.data();
  if (text.size() != 16 || p[10] != 'T' || !is_ascii_digit(p[11]) || !is_ascii_digit(p[12]) ||
      p[13] != ':' || !is_ascii_digit(p[14]) || !is_ascii_digit(p[15]))
    return date_time{};
  const unsigned hour = two_digits(p + 11);
  const unsigned minute = two_digits(p + 14);
  if (hour > 23 || minute > 59) return date_time{};
  const day_number d = parse_date10(p);
  if (d == no_day) return date_time{};
  return date_time{d, static_cast<minute_of_day>(hour * 60 + minute)};
}

}  // namespace safeguard::detail
