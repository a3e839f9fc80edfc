// Periods: the spans of days an indicator is computed for, named by DHIS2 period ids (`2024`,
// `2024S1`, `2024Q2`, `202406`, `202401B`, `2024W25`, `20240615`, `2024July`) or written as a
// span `2024-01-01..2024-06-30`, and DHIS2's relative periods (`THIS_YEAR`, `LAST_12_MONTHS`,
// ...) expanded against a reference date. A `period` exists only by parsing a valid id or
// through a checked factory, so every period the engine sees has a canonical id and inclusive
// first and last days. Years 1900..9999 are supported; docs/periods.md lists every form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "safeguard/error.hpp"
#include "safeguard/model/calendar.hpp"

namespace safeguard {

namespace detail {
struct period_access;
}  // namespace detail

/// The kinds of period. Financial years are named after the month they start in. The order of
/// the enumerators breaks ties when two periods have the same days (see `operator<`).
enum class period_type : std::uint8_t {
  day,                 ///< `20240615`
  week,                ///< `2024W25`: ISO 8601 week, Monday to Sunday
  month,               ///< `202406`
  bi_month,            ///< `202401B`..`202406B`: January–February .. November–December
  quarter,             ///< `2024Q1`..`2024Q4`
  half_year,           ///< `2024S1` (January–June), `2024S2` (July–December)
  year,                ///< `2024`
  financial_april,     ///< `2024April`: 1 April 2024 – 31 March 2025
  financial_july,      ///< `2024July`: 1 July 2024 – 30 June 2025
  financial_october,   ///< `2024Oct`: 1 October 2024 – 30 September 2025
  financial_november,  ///< `2024Nov`: 1 November 2024 – 31 October 2025
  span                 ///< `2024-01-01..2024-06-30`: any run of whole days
};

/// The lower-case name of a period type ("day", "week", "bi_month", "financial_july", "span",
/// ...), as used in messages and docs.
std::string_view period_type_name(period_type t) noexcept;

/// The first and last year a period id may name (the year of a financial year is the year it
/// starts in, the year of a week its ISO week-year).
inline constexpr int min_period_year = 1900;
inline constexpr int max_period_year = 9999;

/// Thrown for a text that is not a period id or relative period, and by the factories for
/// arguments that name no period. `what()` reads `bad period '2024Q5'; expected a quarter
/// Q1..Q4`.
class period_error : public error {
 public:
  /// `id` is the offending text (kept to at most 80 bytes); `expected` says what a valid one
  /// looks like.
  period_error(std::string_view id, std::string expected);
  /// The offending text, shortened to at most 80 bytes.
  const std::string& id() const noexcept { return id_; }
  /// What was expected, e.g. "a quarter Q1..Q4"; suitable for `diagnostic::expected`.
  const std::string& expected() const noexcept { return expected_; }

 private:
  std::string id_;
  std::string expected_;
};

/// A period: a type, its first and last day (both included) and its canonical id. There is no
/// default constructor: a period comes from `parse`, `try_parse` or a factory.
class period {
 public:
  /// Parses a DHIS2 period id or a span, exactly as written (case-sensitive, no surrounding
  /// spaces, no leading zeros in week numbers), so that `parse(p.id()) == p` and the id of a
  /// parsed period is the text it came from. Throws period_error saying what was expected,
  /// also for an empty text and for a relative period name (see `resolve_relative`).
  static period parse(std::string_view id);
  /// As `parse`, but returns nullopt instead of throwing; when `why` is not null it receives
  /// what was expected (the text `period_error::expected()` would carry).
  static std::optional<period> try_parse(std::string_view id, std::string* why = nullptr) noexcept;

  /// The day `d`. Throws period_error outside years 1900..9999.
  static period day(day_number d);
  /// ISO week `week` (1..52 or 1..53, see `iso_weeks_in_year`) of ISO week-year `iso_year`.
  /// Throws period_error for a week the year does not have or a year outside 1900..9999.
  static period week(int iso_year, unsigned week);
  /// Month `month` (1..12) of `year`. Throws period_error for a bad month or year.
  static period month(int year, unsigned month);
  /// Bi-month `bi_month` (1..6; 1 = January–February) of `year`. Throws period_error.
  static period bi_month(int year, unsigned bi_month);
  /// Quarter `quarter` (1..4) of `year`. Throws period_error.
  static period quarter(int year, unsigned quarter);
  /// Half-year `half` (1 = January–June, 2 = July–December) of `year`. Throws period_error.
  static period half_year(int year, unsigned half);
  /// The calendar year `year`. Throws period_error outside 1900..9999.
  static period year(int year);
  /// The financial year starting on 1 April of `start_year`. Throws period_error.
  static period financial_april(int start_year);
  /// The financial year starting on 1 July of `start_year`. Throws period_error.
  static period financial_july(int start_year);
  /// The financial year starting on 1 October of `start_year`. Throws period_error.
  static period financial_october(int start_year);
  /// The financial year starting on 1 November of `start_year`. Throws period_error.
  static period financial_november(int start_year);
  /// The days `first`..`last`, both included. Throws period_error when `last < first` or a
  /// day lies outside years 1900..9999.
  static period span(day_number first, day_number last);
  /// The period of type `t` that contains day `d`. Throws safeguard::error for
  /// `period_type::span` (a day lies in infinitely many spans) and period_error when that
  /// period lies outside years 1900..9999.
  static period containing(period_type t, day_number d);

  /// The period `n` periods of the same type later (earlier when `n < 0`); a span moves by
  /// `n × days()`. `shifted(0)` is the period itself. Throws period_error when the result lies
  /// outside years 1900..9999.
  period shifted(int n) const;

  period_type type() const noexcept { return type_; }
  /// The first day.
  day_number start() const noexcept { return start_; }
  /// The last day (included).
  day_number end() const noexcept { return end_; }
  /// The canonical id: the DHIS2 id, or `YYYY-MM-DD..YYYY-MM-DD` for a span.
  const std::string& id() const noexcept { return id_; }
  /// The number of days, `end() - start() + 1`.
  int days() const noexcept { return end_ - start_ + 1; }
  /// True when `start() <= d <= end()`.
  bool contains(day_number d) const noexcept { return start_ <= d && d <= end_; }

  /// Periods are equal when they have the same type and days (and hence the same id).
  friend bool operator==(const period& a, const period& b) noexcept {
    return a.start_ == b.start_ && a.end_ == b.end_ && a.type_ == b.type_;
  }
  friend bool operator!=(const period& a, const period& b) noexcept { return !(a == b); }
  /// Orders by start, then end, then type (in `period_type` order).
  friend bool operator<(const period& a, const period& b) noexcept {
    if (a.start_ != b.start_) return a.start_ < b.start_;
    if (a.end_ != b.end_) return a.end_ < b.end_;
    return a.type_ < b.type_;
  }

 private:
  period(period_type type, day_number start, day_number end, std::string id)
      : start_(start), end_(end), type_(type), id_(std::move(id)) {}
  friend struct detail::period_access;

  day_number start_;
  day_number end_;
  period_type type_;
  std::string id_;
};

/// The number of ISO 8601 weeks (52 or 53) of ISO week-year `iso_year`: 53 when the year
/// starts on a Thursday, or is a leap year starting on a Wednesday.
int iso_weeks_in_year(int iso_year) noexcept;

/// The periods of type `t` lying wholly inside `first`..`last` (both included), in order.
/// Empty when `last < first` or no such period exists within years 1900..9999. Throws
/// safeguard::error for `period_type::span`, which has no fixed length.
std::vector<period> periods_of_type_within(period_type t, day_number first, day_number last);

/// True when `name` is one of the relative period names `resolve_relative` knows (exact,
/// upper-case spelling).
bool is_relative_period(std::string_view name) noexcept;

/// Every relative period name, in the order docs/periods.md lists them.
std::vector<std::string_view> relative_period_names();

/// Expands a DHIS2 relative period against the reference day `reference` (R): `THIS_X` is the
/// period of type X containing R; `LAST_X` and `LAST_N_XS` the 1 or N complete periods before
/// it, oldest first (so `LAST_7_DAYS` excludes R itself); `XS_THIS_YEAR` / `XS_LAST_YEAR` every
/// period of type X in R's calendar year or the year before (weeks: those of that ISO
/// week-year). Financial years start in July. Throws period_error for an unknown name, or when
/// a resulting period would lie outside years 1900..9999.
std::vector<period> resolve_relative(std::string_view name, day_number reference);

/// Parses a comma-separated list whose items are period ids or relative period names
/// (expanded against `reference`), e.g. `2024Q1,LAST_12_MONTHS,2024-01-01..2024-03-31`.
/// Spaces around an item are ignored. Keeps the given order and drops exact duplicates (the
/// first occurrence stays). Throws period_error naming the bad item, for an empty item, and
/// for a list without items.
std::vector<period> parse_period_list(std::string_view comma_separated, day_number reference);

}  // namespace safeguard
