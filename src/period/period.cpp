// Period ids: strict parsing with messages that say what was expected, canonical printing,
// enumeration and DHIS2 relative periods. Every type but span is handled through a *key*: the
// first day (day, week) or the first month counted from January of year 0 (month-based types),
// so that "the period containing d" and "n periods later" are integer arithmetic and one
// function (`make_from_key`) builds a period's days and id.
#include "safeguard/period/period.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <set>
#include <tuple>

namespace safeguard {

namespace detail {

struct period_access {
  static period make(period_type t, day_number start, day_number end, std::string id) {
    return {t, start, end, std::move(id)};
  }
};

}  // namespace detail

namespace {

constexpr day_number min_day = to_day_number(civil_date{min_period_year, 1, 1});
constexpr day_number max_day = to_day_number(civil_date{max_period_year, 12, 31});

constexpr const char* year_range_expected = "a year 1900..9999";

constexpr std::string_view supported_forms =
    "one of YYYY, YYYYSn, YYYYQn, YYYYMM, YYYYMMB, YYYYWn, YYYYMMDD, YYYYApril, YYYYJuly, "
    "YYYYOct, YYYYNov or YYYY-MM-DD..YYYY-MM-DD (e.g. 2024, 2024S1, 2024Q2, 202406, 202401B, "
    "2024W25, 20240615, 2024July, 2024-01-01..2024-06-30)";

constexpr const char* month_names[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c); });
}

unsigned number_of(std::string_view digits) noexcept {
  unsigned v = 0;
  for (char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

// Appends `v` zero-padded to `width` digits (a minus sign first when negative).
void append_number(std::string& out, std::int64_t v, int width) {
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

std::string number_text(std::int64_t v, int width = 1) {
  std::string s;
  append_number(s, v, width);
  return s;
}

void append_iso_date(std::string& out, day_number d) {
  const civil_date c = to_civil(d);
  append_number(out, c.year, 4);
  out += '-';
  append_number(out, c.month, 2);
  out += '-';
  append_number(out, c.day, 2);
}

std::string iso_date_text(day_number d) {
  std::string s;
  append_iso_date(s, d);
  return s;
}

bool year_in_range(std::int64_t y) noexcept { return y >= min_period_year && y <= max_period_year; }

// Months a month-based type spans; 0 for day, week and span.
constexpr std::int64_t months_of(period_type t) noexcept {
  switch (t) {
    case period_type::month:
      return 1;
    case period_type::bi_month:
      return 2;
    case period_type::quarter:
      return 3;
    case period_type::half_year:
      return 6;
    case period_type::year:
    case period_type::financial_april:
    case period_type::financial_july:
    case period_type::financial_october:
    case period_type::financial_november:
      return 12;
    default:
      return 0;
  }
}

// The month (1..12) a month-based type's periods start in, modulo its length.
constexpr unsigned anchor_month_of(period_type t) noexcept {
  switch (t) {
    case period_type::financial_april:
      return 4;
    case period_type::financial_july:
      return 7;
    case period_type::financial_october:
      return 10;
    case period_type::financial_november:
      return 11;
    default:
      return 1;
  }
}

constexpr std::string_view financial_suffix(period_type t) noexcept {
  switch (t) {
    case period_type::financial_april:
      return "April";
    case period_type::financial_july:
      return "July";
    case period_type::financial_october:
      return "Oct";
    case period_type::financial_november:
      return "Nov";
    default:
      return {};
  }
}

// How far one step moves a key: one day, seven days, or the type's months.
constexpr std::int64_t key_step(period_type t) noexcept {
  if (t == period_type::day) return 1;
  if (t == period_type::week) return 7;
  return months_of(t);
}

std::int64_t floor_mod(std::int64_t a, std::int64_t m) noexcept {
  const std::int64_t r = a % m;
  return r < 0 ? r + m : r;
}

std::int64_t floor_div(std::int64_t a, std::int64_t m) noexcept {
  return (a - floor_mod(a, m)) / m;
}

day_number monday_of(day_number d) noexcept {
  return d - static_cast<day_number>(iso_weekday(d) - 1);
}

// The Monday of ISO week 1: the week that holds 4 January (and so the year's first Thursday).
day_number week_one_monday(int iso_year) noexcept {
  return monday_of(to_day_number(civil_date{iso_year, 1, 4}));
}

// The key of the period of type `t` (not span) containing `d`.
std::int64_t key_containing(period_type t, day_number d) noexcept {
  if (t == period_type::day) return d;
  if (t == period_type::week) return monday_of(d);
  const civil_date c = to_civil(d);
  const std::int64_t month = static_cast<std::int64_t>(c.year) * 12 + (c.month - 1);
  const std::int64_t anchor = anchor_month_of(t) - 1;
  return month - floor_mod(month - anchor, months_of(t));
}

// The period of type `t` (not span) with key `key`, or nullopt when it lies outside years
// min_period_year..max_period_year. The key must be aligned (a Monday for weeks, an anchor
// month for month-based types).
std::optional<period> make_from_key(period_type t, std::int64_t key) {
  std::string id;
  if (t == period_type::day) {
    if (key < min_day || key > max_day) return std::nullopt;
    const auto d = static_cast<day_number>(key);
    const civil_date c = to_civil(d);
    id.reserve(8);
    append_number(id, c.year, 4);
    append_number(id, c.month, 2);
    append_number(id, c.day, 2);
    return detail::period_access::make(t, d, d, std::move(id));
  }
  if (t == period_type::week) {
    if (key < min_day - 7 || key > max_day + 7) return std::nullopt;
    const auto monday = static_cast<day_number>(key);
    // A week belongs to the ISO week-year that holds its Thursday.
    const int iso_year = to_civil(monday + 3).year;
    if (!year_in_range(iso_year)) return std::nullopt;
    const int number = (monday - week_one_monday(iso_year)) / 7 + 1;
    append_number(id, iso_year, 4);
    id += 'W';
    append_number(id, number, 1);
    return detail::period_access::make(t, monday, monday + 6, std::move(id));
  }
  const std::int64_t length = months_of(t);
  const std::int64_t year = floor_div(key, 12);
  if (!year_in_range(year)) return std::nullopt;
  const unsigned month = static_cast<unsigned>(key - year * 12) + 1;
  const std::int64_t last = key + length - 1;
  const std::int64_t last_year = floor_div(last, 12);
  const unsigned last_month = static_cast<unsigned>(last - last_year * 12) + 1;
  const int y = static_cast<int>(year);
  const int ly = static_cast<int>(last_year);
  const day_number start = to_day_number(civil_date{y, month, 1});
  const day_number end = to_day_number(civil_date{ly, last_month, days_in_month(ly, last_month)});
  append_number(id, year, 4);
  switch (t) {
    case period_type::month:
      append_number(id, month, 2);
      break;
    case period_type::bi_month:
      append_number(id, (month - 1) / 2 + 1, 2);
      id += 'B';
      break;
    case period_type::quarter:
      id += 'Q';
      append_number(id, (month - 1) / 3 + 1, 1);
      break;
    case period_type::half_year:
      id += 'S';
      append_number(id, (month - 1) / 6 + 1, 1);
      break;
    case period_type::year:
      break;
    default:
      id += financial_suffix(t);
      break;
  }
  return detail::period_access::make(t, start, end, std::move(id));
}

// A span, or nullopt with `why` set.
std::optional<period> make_span(day_number first, day_number last, std::string& why) {
  if (first < min_day || first > max_day || last < min_day || last > max_day) {
    why = "a span within years 1900..9999";
    return std::nullopt;
  }
  if (last < first) {
    why = "a span whose last day (" + iso_date_text(last) + ") is not before its first day (" +
          iso_date_text(first) + ")";
    return std::nullopt;
  }
  std::string id;
  id.reserve(22);
  append_iso_date(id, first);
  id += "..";
  append_iso_date(id, last);
  return detail::period_access::make(period_type::span, first, last, std::move(id));
}

// Parses the 10 bytes at `p` as YYYY-MM-DD. When they have the shape but are no date, sets
// `why` to a reason ("2024-02-30 is not a date: February 2024 has 29 days").
std::optional<day_number> parse_date10(std::string_view p, bool& shaped, std::string& why) {
  shaped = p.size() == 10 && all_digits(p.substr(0, 4)) && p[4] == '-' &&
           all_digits(p.substr(5, 2)) && p[7] == '-' && all_digits(p.substr(8, 2));
  if (!shaped) return std::nullopt;
  const int year = static_cast<int>(number_of(p.substr(0, 4)));
  const unsigned month = number_of(p.substr(5, 2));
  const unsigned day = number_of(p.substr(8, 2));
  if (month < 1 || month > 12) {
    why = std::string(p) + " has no month " + number_text(month, 2);
    return std::nullopt;
  }
  const unsigned last = days_in_month(year, month);
  if (day < 1 || day > last) {
    why = std::string(p) + " is not a date: " + month_names[month - 1] + ' ' +
          number_text(year, 4) + " has " + number_text(last) + " days";
    return std::nullopt;
  }
  return to_day_number(civil_date{year, month, day});
}

std::optional<period> parse_span(std::string_view s, std::string& why) {
  bool first_shaped = false;
  bool last_shaped = false;
  std::string first_why;
  std::string last_why;
  const auto first = parse_date10(s.substr(0, 10), first_shaped, first_why);
  if (s.size() == 10 && first && year_in_range(to_civil(*first).year)) {
    std::string day_id;
    append_number(day_id, to_civil(*first).year, 4);
    day_id.append(s.substr(5, 2)).append(s.substr(8, 2));
    why = "a span YYYY-MM-DD..YYYY-MM-DD (the single day " + std::string(s) + " is written " +
          day_id + ")";
    return std::nullopt;
  }
  const auto last = s.size() == 22 && s.substr(10, 2) == ".."
                        ? parse_date10(s.substr(12), last_shaped, last_why)
                        : std::nullopt;
  if (!first_shaped || !last_shaped) {
    why = "a span YYYY-MM-DD..YYYY-MM-DD";
    return std::nullopt;
  }
  if (!first || !last) {
    why = "a span of two real dates (" + (first ? last_why : first_why) + ")";
    return std::nullopt;
  }
  return make_span(*first, *last, why);
}

// A single digit in 1..max after the type letter ("2024Q3"), or 0.
unsigned small_number(std::string_view digits, unsigned max) noexcept {
  if (digits.size() != 1 || !is_digit(digits[0])) return 0;
  const unsigned v = number_of(digits);
  return v >= 1 && v <= max ? v : 0;
}

std::string weeks_expected(int year) {
  const int weeks = iso_weeks_in_year(year);
  return "a week 1.." + number_text(weeks) + " (" + number_text(year, 4) + " has " +
         number_text(weeks) + " ISO weeks)";
}

std::optional<period> parse_fixed(std::string_view s, std::string& why);

// DHIS2 period types that safeguard does not support, by what follows the year.
struct unsupported_type {
  std::string_view prefix;
  bool exact;
  std::string_view what;
};
constexpr unsupported_type unsupported_types[] = {
    {"BiW", false, "bi-weekly periods"},
    {"WedW", false, "weeks starting on Wednesday"},
    {"ThuW", false, "weeks starting on Thursday"},
    {"FriW", false, "weeks starting on Friday"},
    {"SatW", false, "weeks starting on Saturday"},
    {"SunW", false, "weeks starting on Sunday"},
    {"AprilS", false, "six-monthly periods starting in April"},
    {"NovS", false, "six-monthly periods starting in November"},
    {"NovQ", false, "quarters starting in November"},
    {"Feb", true, "financial years starting in February"},
    {"Aug", true, "financial years starting in August"},
    {"Sep", true, "financial years starting in September"},
};

// The message for a DHIS2 period type safeguard does not support, or empty.
std::string unsupported_message(std::string_view rest) {
  for (const auto& u : unsupported_types) {
    if (u.exact ? rest == u.prefix : rest.substr(0, u.prefix.size()) == u.prefix)
      return std::string(supported_forms) + "; DHIS2's " + std::string(u.what) +
             " are not supported";
  }
  return {};
}

// The text after a valid year matched no form: explain as precisely as we can.
void explain_unknown_suffix(std::string_view s, std::string_view rest, std::string& why) {
  // A case slip ("2024q1", "2024april"): suggest the id if the canonical spelling is valid.
  std::string upper(rest);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  static constexpr std::array<std::string_view, 4> financial = {"April", "July", "Oct", "Nov"};
  for (std::string_view f : financial) {
    std::string fu(f);
    for (char& c : fu) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (upper == fu) upper = std::string(f);
  }
  if (upper != rest) {
    std::string candidate(s.substr(0, 4));
    candidate += upper;
    std::string ignored;
    if (parse_fixed(candidate, ignored)) {
      why = candidate + " (period ids are case-sensitive)";
      return;
    }
  }
  if (all_digits(rest)) {
    why = "a month YYYYMM, a bi-month YYYYMMB or a day YYYYMMDD (" + std::string(supported_forms) +
          ")";
    return;
  }
  why = std::string(supported_forms);
}

std::optional<period> parse_fixed(std::string_view s, std::string& why) {
  if (s.empty()) {
    why = "a period id, " + std::string(supported_forms);
    return std::nullopt;
  }
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  if (is_space(s.front()) || is_space(s.back())) {
    why = "a period id without leading or trailing spaces";
    return std::nullopt;
  }
  if (is_relative_period(s)) {
    why = "a fixed period id (" + std::string(s) +
          " is a relative period: it is resolved against a reference date, in a period list or "
          "by resolve_relative)";
    return std::nullopt;
  }
  if (s.size() < 4 || !all_digits(s.substr(0, 4))) {
    why = "a period id starting with a four-digit year, " + std::string(supported_forms);
    return std::nullopt;
  }
  const std::string_view rest = s.substr(4);
  if (!rest.empty() && rest[0] == '-') return parse_span(s, why);

  const int year = static_cast<int>(number_of(s.substr(0, 4)));
  if (!year_in_range(year)) {
    why = year_range_expected;
    return std::nullopt;
  }
  const std::int64_t january = static_cast<std::int64_t>(year) * 12;
  if (rest.empty()) return make_from_key(period_type::year, january);

  why = unsupported_message(rest);
  if (!why.empty()) return std::nullopt;
  if (rest[0] == 'S') {
    const unsigned half = small_number(rest.substr(1), 2);
    if (half == 0) {
      why = "a half-year S1 or S2";
      return std::nullopt;
    }
    return make_from_key(period_type::half_year, january + std::int64_t{half - 1} * 6);
  }
  if (rest[0] == 'Q') {
    const unsigned quarter = small_number(rest.substr(1), 4);
    if (quarter == 0) {
      why = "a quarter Q1..Q4";
      return std::nullopt;
    }
    return make_from_key(period_type::quarter, january + std::int64_t{quarter - 1} * 3);
  }
  if (rest[0] == 'W') {
    const std::string_view digits = rest.substr(1);
    const int weeks = iso_weeks_in_year(year);
    // DHIS2 reads week numbers with one or two digits, so `2021W01` is week 1; the id keeps
    // the text as written so that the output shows the period the user asked for.
    const bool padded = digits.size() == 2 && digits[0] == '0' && digits[1] != '0';
    const bool plain = digits.size() >= 1 && digits.size() <= 2 && digits[0] != '0' &&
                       all_digits(digits);
    const int week = plain ? static_cast<int>(number_of(digits))
                           : padded && all_digits(digits) ? static_cast<int>(number_of(digits)) : 0;
    if (week < 1 || week > weeks) {
      why = weeks_expected(year);
      return std::nullopt;
    }
    if (padded) {
      auto p = make_from_key(period_type::week, week_one_monday(year) + 7 * (week - 1));
      if (!p) return p;
      return detail::period_access::make(period_type::week, p->start(), p->end(), std::string(s));
    }
    return make_from_key(period_type::week, week_one_monday(year) + 7 * (week - 1));
  }
  if (rest.size() == 2 && all_digits(rest)) {
    const unsigned month = number_of(rest);
    if (month < 1 || month > 12) {
      why = "a month 01..12 (YYYYMM)";
      return std::nullopt;
    }
    return make_from_key(period_type::month, january + month - 1);
  }
  if (rest.size() == 3 && all_digits(rest.substr(0, 2)) && rest[2] == 'B') {
    const unsigned bi = number_of(rest.substr(0, 2));
    if (bi < 1 || bi > 6) {
      why = "a bi-month 01B..06B (YYYYMMB; 01B is January-February, 06B November-December)";
      return std::nullopt;
    }
    return make_from_key(period_type::bi_month, january + std::int64_t{bi - 1} * 2);
  }
  if (rest.size() == 4 && all_digits(rest)) {
    const unsigned month = number_of(rest.substr(0, 2));
    const unsigned day = number_of(rest.substr(2, 2));
    if (month < 1 || month > 12) {
      why = "a day YYYYMMDD with a month 01..12";
      return std::nullopt;
    }
    const unsigned last = days_in_month(year, month);
    if (day < 1 || day > last) {
      why = "a day YYYYMMDD with a day of the month 01.." + number_text(last, 2) + " (" +
            month_names[month - 1] + ' ' + number_text(year, 4) + " has " + number_text(last) +
            " days)";
      return std::nullopt;
    }
    return make_from_key(period_type::day, to_day_number(civil_date{year, month, day}));
  }
  for (period_type t : {period_type::financial_april, period_type::financial_july,
                        period_type::financial_october, period_type::financial_november}) {
    if (rest == financial_suffix(t)) return make_from_key(t, january + anchor_month_of(t) - 1);
  }
  explain_unknown_suffix(s, rest, why);
  return std::nullopt;
}

std::string shorten(std::string_view text) {
  constexpr std::size_t limit = 80;
  if (text.size() <= limit) return std::string(text);
  std::size_t cut = limit - 3;
  // Never cut a UTF-8 sequence in half.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string period_message(std::string_view id, const std::string& expected) {
  return "bad period '" + shorten(id) + "'; expected " + expected;
}

// Builds a non-span period from a factory's arguments, or throws with the id they would name.
period from_key_or_throw(period_type t, std::int64_t key, const std::string& id,
                         const char* expected) {
  auto p = make_from_key(t, key);
  if (!p) throw period_error(id, expected);
  return std::move(*p);
}

std::string factory_id(int year, std::string_view middle, unsigned number, int width,
                       std::string_view tail = {}) {
  std::string id = number_text(year, 4);
  id += middle;
  append_number(id, number, width);
  id += tail;
  return id;
}

period checked_month_based(period_type t, int year, unsigned index, unsigned count,
                           const std::string& id, const char* expected_index) {
  if (index < 1 || index > count) throw period_error(id, expected_index);
  const std::int64_t key = static_cast<std::int64_t>(year) * 12 + anchor_month_of(t) - 1 +
                           static_cast<std::int64_t>(index - 1) * months_of(t);
  return from_key_or_throw(t, key, id, year_range_expected);
}

// A year or financial year, named by the year it starts in.
period whole_year(period_type t, int start_year) {
  std::string id = number_text(start_year, 4);
  id += financial_suffix(t);
  const std::int64_t key = static_cast<std::int64_t>(start_year) * 12 + anchor_month_of(t) - 1;
  return from_key_or_throw(t, key, id, year_range_expected);
}

enum class relative_kind : std::uint8_t {
  current,       // THIS_X: the period containing R
  last,          // LAST_X, LAST_N_XS: the `count` periods before it, oldest first
  in_this_year,  // XS_THIS_YEAR
  in_last_year   // XS_LAST_YEAR
};

struct relative_definition {
  std::string_view name;
  period_type type;
  relative_kind kind;
  int count;
};

constexpr relative_definition relative_definitions[] = {
    {"TODAY", period_type::day, relative_kind::current, 1},
    {"YESTERDAY", period_type::day, relative_kind::last, 1},
    {"LAST_3_DAYS", period_type::day, relative_kind::last, 3},
    {"LAST_7_DAYS", period_type::day, relative_kind::last, 7},
    {"LAST_14_DAYS", period_type::day, relative_kind::last, 14},
    {"LAST_30_DAYS", period_type::day, relative_kind::last, 30},
    {"LAST_60_DAYS", period_type::day, relative_kind::last, 60},
    {"LAST_90_DAYS", period_type::day, relative_kind::last, 90},
    {"LAST_180_DAYS", period_type::day, relative_kind::last, 180},
    {"THIS_WEEK", period_type::week, relative_kind::current, 1},
    {"LAST_WEEK", period_type::week, relative_kind::last, 1},
    {"LAST_4_WEEKS", period_type::week, relative_kind::last, 4},
    {"LAST_12_WEEKS", period_type::week, relative_kind::last, 12},
    {"LAST_52_WEEKS", period_type::week, relative_kind::last, 52},
    {"WEEKS_THIS_YEAR", period_type::week, relative_kind::in_this_year, 0},
    {"THIS_MONTH", period_type::month, relative_kind::current, 1},
    {"LAST_MONTH", period_type::month, relative_kind::last, 1},
    {"LAST_3_MONTHS", period_type::month, relative_kind::last, 3},
    {"LAST_6_MONTHS", period_type::month, relative_kind::last, 6},
    {"LAST_12_MONTHS", period_type::month, relative_kind::last, 12},
    {"MONTHS_THIS_YEAR", period_type::month, relative_kind::in_this_year, 0},
    {"MONTHS_LAST_YEAR", period_type::month, relative_kind::in_last_year, 0},
    {"THIS_BIMONTH", period_type::bi_month, relative_kind::current, 1},
    {"LAST_BIMONTH", period_type::bi_month, relative_kind::last, 1},
    {"LAST_6_BIMONTHS", period_type::bi_month, relative_kind::last, 6},
    {"BIMONTHS_THIS_YEAR", period_type::bi_month, relative_kind::in_this_year, 0},
    {"THIS_QUARTER", period_type::quarter, relative_kind::current, 1},
    {"LAST_QUARTER", period_type::quarter, relative_kind::last, 1},
    {"LAST_4_QUARTERS", period_type::quarter, relative_kind::last, 4},
    {"QUARTERS_THIS_YEAR", period_type::quarter, relative_kind::in_this_year, 0},
    {"QUARTERS_LAST_YEAR", period_type::quarter, relative_kind::in_last_year, 0},
    {"THIS_SIX_MONTH", period_type::half_year, relative_kind::current, 1},
    {"LAST_SIX_MONTH", period_type::half_year, relative_kind::last, 1},
    {"LAST_2_SIXMONTHS", period_type::half_year, relative_kind::last, 2},
    {"THIS_YEAR", period_type::year, relative_kind::current, 1},
    {"LAST_YEAR", period_type::year, relative_kind::last, 1},
    {"LAST_5_YEARS", period_type::year, relative_kind::last, 5},
    {"LAST_10_YEARS", period_type::year, relative_kind::last, 10},
    {"THIS_FINANCIAL_YEAR", period_type::financial_july, relative_kind::current, 1},
    {"LAST_FINANCIAL_YEAR", period_type::financial_july, relative_kind::last, 1},
    {"LAST_5_FINANCIAL_YEARS", period_type::financial_july, relative_kind::last, 5},
    {"LAST_10_FINANCIAL_YEARS", period_type::financial_july, relative_kind::last, 10},
};

const relative_definition* find_relative(std::string_view name) noexcept {
  for (const auto& d : relative_definitions) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// Every period of type `t` (not span) of `year`: a week belongs to its ISO week-year, the
// other types to the calendar year they start in.
std::vector<period> periods_in_year(period_type t, int year) {
  std::vector<period> out;
  if (t == period_type::week) {
    const int weeks = iso_weeks_in_year(year);
    out.reserve(static_cast<std::size_t>(weeks));
    for (int w = 1; w <= weeks; ++w) out.push_back(period::week(year, static_cast<unsigned>(w)));
    return out;
  }
  return periods_of_type_within(t, to_day_number(civil_date{year, 1, 1}),
                                to_day_number(civil_date{year, 12, 31}));
}

// An item a user meant as a relative period name: a word of letters, digits and underscores.
bool looks_like_relative_name(std::string_view s) noexcept {
  const auto is_letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (s.size() < 5 || !is_letter(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return is_letter(c) || is_digit(c) || c == '_'; });
}

}  // namespace

std::string_view period_type_name(period_type t) noexcept {
  switch (t) {
    case period_type::day:
      return "day";
    case period_type::week:
      return "week";
    case period_type::month:
      return "month";
    case period_type::bi_month:
      return "bi_month";
    case period_type::quarter:
      return "quarter";
    case period_type::half_year:
      return "half_year";
    case period_type::year:
      return "year";
    case period_type::financial_april:
      return "financial_april";
    case period_type::financial_july:
      return "financial_july";
    case period_type::financial_october:
      return "financial_october";
    case period_type::financial_november:
      return "financial_november";
    case period_type::span:
      return "span";
  }
  return "unknown";
}

period_error::period_error(std::string_view id, std::string expected)
    : error(period_message(id, expected)), id_(shorten(id)), expected_(std::move(expected)) {}

period period::parse(std::string_view id) {
  std::string why;
  if (auto p = parse_fixed(id, why)) return std::move(*p);
  throw period_error(id, std::move(why));
}

std::optional<period> period::try_parse(std::string_view id, std::string* why) noexcept {
  std::string reason;
  auto p = parse_fixed(id, reason);
  if (!p && why != nullptr) *why = std::move(reason);
  return p;
}

period period::day(day_number d) {
  auto p = make_from_key(period_type::day, d);
  if (!p) throw period_error(iso_date_text(d), "a day within years 1900..9999");
  return std::move(*p);
}

period period::week(int iso_year, unsigned week) {
  const std::string id = factory_id(iso_year, "W", week, 1);
  if (!year_in_range(iso_year)) throw period_error(id, year_range_expected);
  if (week < 1 || static_cast<int>(week) > iso_weeks_in_year(iso_year))
    throw period_error(id, weeks_expected(iso_year));
  return from_key_or_throw(period_type::week,
                           week_one_monday(iso_year) + 7 * (static_cast<std::int64_t>(week) - 1),
                           id, year_range_expected);
}

period period::month(int year, unsigned month) {
  return checked_month_based(period_type::month, year, month, 12, factory_id(year, "", month, 2),
                             "a month 01..12 (YYYYMM)");
}

period period::bi_month(int year, unsigned bi_month) {
  return checked_month_based(period_type::bi_month, year, bi_month, 6,
                             factory_id(year, "", bi_month, 2, "B"),
                             "a bi-month 01B..06B (YYYYMMB; 01B is January-February, 06B "
                             "November-December)");
}

period period::quarter(int year, unsigned quarter) {
  return checked_month_based(period_type::quarter, year, quarter, 4,
                             factory_id(year, "Q", quarter, 1), "a quarter Q1..Q4");
}

period period::half_year(int year, unsigned half) {
  return checked_month_based(period_type::half_year, year, half, 2, factory_id(year, "S", half, 1),
                             "a half-year S1 or S2");
}

period period::year(int year) { return whole_year(period_type::year, year); }

period period::financial_april(int start_year) {
  return whole_year(period_type::financial_april, start_year);
}

period period::financial_july(int start_year) {
  return whole_year(period_type::financial_july, start_year);
}

period period::financial_october(int start_year) {
  return whole_year(period_type::financial_october, start_year);
}

period period::financial_november(int start_year) {
  return whole_year(period_type::financial_november, start_year);
}

period period::span(day_number first, day_number last) {
  std::string why;
  auto p = make_span(first, last, why);
  if (!p) throw period_error(iso_date_text(first) + ".." + iso_date_text(last), std::move(why));
  return std::move(*p);
}

period period::containing(period_type t, day_number d) {
  if (t == period_type::span)
    throw error("period::containing: a day lies in many spans; give a fixed period type");
  auto p = make_from_key(t, key_containing(t, d));
  if (!p)
    throw period_error(iso_date_text(d), "a day whose " + std::string(period_type_name(t)) +
                                             " lies within years 1900..9999");
  return std::move(*p);
}

period period::shifted(int n) const {
  if (n == 0) return *this;
  const std::string expected =
      "a shift by " + number_text(n) + " " + std::string(period_type_name(type_)) +
      (n == 1 || n == -1 ? "" : "s") + " that stays within years 1900..9999";
  if (type_ == period_type::span) {
    const std::int64_t by = static_cast<std::int64_t>(n) * days();
    const std::int64_t first = start_ + by;
    const std::int64_t last = end_ + by;
    if (first < min_day || last > max_day) throw period_error(id_, expected);
    std::string why;
    return std::move(
        *make_span(static_cast<day_number>(first), static_cast<day_number>(last), why));
  }
  const std::int64_t key =
      key_containing(type_, start_) + static_cast<std::int64_t>(n) * key_step(type_);
  auto p = make_from_key(type_, key);
  if (!p) throw period_error(id_, expected);
  return std::move(*p);
}

int iso_weeks_in_year(int iso_year) noexcept {
  return (week_one_monday(iso_year + 1) - week_one_monday(iso_year)) / 7;
}

std::vector<period> periods_of_type_within(period_type t, day_number first, day_number last) {
  if (t == period_type::span)
    throw error("periods_of_type_within: spans have no fixed length; give a fixed period type");
  std::vector<period> out;
  // No supported period starts before min_day, so an earlier `first` changes nothing.
  const day_number from = std::max(first, min_day);
  if (last < from) return out;
  const std::int64_t step = key_step(t);
  std::int64_t key = key_containing(t, from);
  const auto p = make_from_key(t, key);
  if (!p || p->start() < from) key += step;
  while (auto q = make_from_key(t, key)) {
    if (q->end() > last) break;
    out.push_back(std::move(*q));
    key += step;
  }
  return out;
}

bool is_relative_period(std::string_view name) noexcept { return find_relative(name) != nullptr; }

std::vector<std::string_view> relative_period_names() {
  std::vector<std::string_view> names;
  names.reserve(std::size(relative_definitions));
  for (const auto& d : relative_definitions) names.push_back(d.name);
  return names;
}

std::vector<period> resolve_relative(std::string_view name, day_number reference) {
  const relative_definition* def = find_relative(name);
  if (def == nullptr)
    throw period_error(name,
                       "a relative period such as THIS_YEAR, LAST_12_MONTHS or "
                       "MONTHS_THIS_YEAR (docs/periods.md lists them)");
  try {
    switch (def->kind) {
      case relative_kind::current:
        return {period::containing(def->type, reference)};
      case relative_kind::last: {
        const period current = period::containing(def->type, reference);
        std::vector<period> out;
        out.reserve(static_cast<std::size_t>(def->count));
        for (int i = def->count; i >= 1; --i) out.push_back(current.shifted(-i));
        return out;
      }
      case relative_kind::in_this_year:
        return periods_in_year(def->type, to_civil(reference).year);
      case relative_kind::in_last_year:
        return periods_in_year(def->type, to_civil(reference).year - 1);
    }
  } catch (const period_error&) {
    // Name the relative period, not the out-of-range piece it ran into.
  }
  throw period_error(name, "a reference date (" + iso_date_text(reference) + " given) for which " +
                               std::string(name) + " lies within years 1900..9999");
}

std::vector<period> parse_period_list(std::string_view comma_separated, day_number reference) {
  std::vector<period> out;
  std::set<std::tuple<day_number, day_number, period_type>> seen;
  const auto add = [&](period p) {
    if (seen.emplace(p.start(), p.end(), p.type()).second) out.push_back(std::move(p));
  };
  const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  std::size_t pos = 0;
  std::size_t item_number = 0;
  while (true) {
    const std::size_t comma = comma_separated.find(',', pos);
    std::string_view item = comma_separated.substr(
        pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    ++item_number;
    while (!item.empty() && is_blank(item.front())) item.remove_prefix(1);
    while (!item.empty() && is_blank(item.back())) item.remove_suffix(1);
    if (item.empty()) {
      if (comma == std::string_view::npos && item_number == 1)
        throw period_error(comma_separated,
                           "a comma-separated list of period ids or relative periods");
      throw period_error(comma_separated, "no empty item in a period list (item " +
                                              number_text(static_cast<std::int64_t>(item_number)) +
                                              " is empty)");
    }
    if (is_relative_period(item)) {
      for (period& p : resolve_relative(item, reference)) add(std::move(p));
    } else {
      std::string why;
      auto p = period::try_parse(item, &why);
      if (!p) {
        if (looks_like_relative_name(item))
          why =
              "a period id or a relative period such as THIS_YEAR or LAST_12_MONTHS "
              "(docs/periods.md lists them)";
        throw period_error(item, std::move(why));
      }
      add(std::move(*p));
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace safeguard
