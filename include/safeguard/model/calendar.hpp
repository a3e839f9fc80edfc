// Day numbers: every date inside safeguard is a count of days since 1970-01-01, so that
// comparing, subtracting and bucketing dates is integer arithmetic on dense columns.
// Conversions use Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace safeguard {

/// Days since 1970-01-01.
using day_number = std::int32_t;
/// The missing date in a date column.
inline constexpr day_number no_day = std::numeric_limits<day_number>::min();
/// Minute of the day, 0..1439; `no_minute` when a date-time has no time of day.
using minute_of_day = std::int16_t;
inline constexpr minute_of_day no_minute = -1;

/// A calendar date split into its fields.
struct civil_date {
  int year = 1970;
  unsigned month = 1;  ///< 1..12
  unsigned day = 1;    ///< 1..31
  friend bool operator==(const civil_date& a, const civil_date& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
};

/// The day number of a (valid) civil date.
constexpr day_number to_day_number(civil_date d) noexcept {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = d.month > 2 ? d.month - 3 : d.month + 9;
  const unsigned doy = (153 * mp + 2) / 5 + d.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<day_number>(era * 146097 + static_cast<int>(doe) - 719468);
}

/// The civil date of a day number.
constexpr civil_date to_civil(day_number z) noexcept {
  const std::int64_t zz = static_cast<std::int64_t>(z) + 719468;
  const std::int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(zz - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return civil_date{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

constexpr bool is_leap_year(int y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(int y, unsigned m) noexcept {
  constexpr unsigned char lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29u : lengths[m - 1];
}

/// ISO weekday: 1 = Monday ... 7 = Sunday.
constexpr unsigned iso_weekday(day_number d) noexcept {
  // 1970-01-01 was a Thursday (4).
  const std::int64_t w = (static_cast<std::int64_t>(d) + 3) % 7;
  return static_cast<unsigned>(w < 0 ? w + 7 : w) + 1;
}

/// Age in completed years on day `at` of someone born on `birth`. A child born on
/// 29 February has a birthday on 1 March in a common year. Negative when `at < birth`.
constexpr int age_in_years(day_number birth, day_number at) noexcept {
  const civil_date b = to_civil(birth);
  const civil_date a = to_civil(at);
  int years = a.year - b.year;
  if (a.month < b.month || (a.month == b.month && a.day < b.day)) --years;
  return years;
}

/// Completed months from `a` to `b` as PostgreSQL's age(b, a): years × 12 + months.
/// Negative when `b < a`.
constexpr int months_between(day_number a, day_number b) noexcept {
  if (b < a) return -months_between(b, a);
  const civil_date x = to_civil(a);
  const civil_date y = to_civil(b);
  int months = (y.year - x.year) * 12 + static_cast<int>(y.month) - static_cast<int>(x.month);
  if (y.day < x.day) --months;
  return months;
}

/// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day, a real date).
std::optional<day_number> parse_iso_date(std::string_view text) noexcept;

/// A date with an optional time of day (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`).
struct date_time {
  day_number day = no_day;
  minute_of_day minute = no_minute;
};

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (local time, no zone).
std::optional<date_time> parse_iso_date_time(std::string_view text) noexcept;

/// `YYYY-MM-DD`.
std::string format_iso_date(day_number d);

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
std::string format_iso_date_time(date_time t);

}  // namespace safeguard
