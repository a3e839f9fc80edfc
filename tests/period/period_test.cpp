// Period ids: every type parses, prints back and covers the right days; every rejection says
// what was expected; relative periods expand as in DHIS2; lists keep order and drop repeats.
#include "safeguard/period/period.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <gtest/gtest.h>

namespace safeguard {
// Lets GoogleTest print a period in failure messages.
void PrintTo(const period& p, std::ostream* os) { *os << p.id(); }
}  // namespace safeguard

namespace sg = safeguard;

namespace {

sg::day_number day(int y, unsigned m, unsigned d) { return sg::to_day_number({y, m, d}); }

std::string ids(const std::vector<sg::period>& periods) {
  std::string s;
  for (const auto& p : periods) {
    if (!s.empty()) s += ',';
    s += p.id();
  }
  return s;
}

// The message of the period_error that `f` throws, or "(no error)".
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const sg::period_error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string parse_error(const std::string& id) {
  return error_of([&] { sg::period::parse(id); });
}

struct expected_period {
  const char* id;
  sg::period_type type;
  sg::day_number start;
  sg::day_number end;
};

void expect_round_trip(const expected_period& e) {
  SCOPED_TRACE(e.id);
  const sg::period p = sg::period::parse(e.id);
  EXPECT_EQ(p.id(), e.id);
  EXPECT_EQ(p.type(), e.type);
  EXPECT_EQ(p.start(), e.start) << sg::format_iso_date(p.start());
  EXPECT_EQ(p.end(), e.end) << sg::format_iso_date(p.end());
  EXPECT_EQ(p.days(), e.end - e.start + 1);
  EXPECT_EQ(sg::period::parse(p.id()), p);
  const auto again = sg::period::try_parse(e.id);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, p);
}

const sg::period_type fixed_types[] = {sg::period_type::day,
                                       sg::period_type::week,
                                       sg::period_type::month,
                                       sg::period_type::bi_month,
                                       sg::period_type::quarter,
                                       sg::period_type::half_year,
                                       sg::period_type::year,
                                       sg::period_type::financial_april,
                                       sg::period_type::financial_july,
                                       sg::period_type::financial_october,
                                       sg::period_type::financial_november};

}  // namespace

TEST(PeriodParse, YearsAndHalfYears) {
  using T = sg::period_type;
  for (const auto& e :
       {expected_period{"2024", T::year, day(2024, 1, 1), day(2024, 12, 31)},
        expected_period{"2023", T::year, day(2023, 1, 1), day(2023, 12, 31)},
        expected_period{"1900", T::year, day(1900, 1, 1), day(1900, 12, 31)},
        expected_period{"9999", T::year, day(9999, 1, 1), day(9999, 12, 31)},
        expected_period{"2024S1", T::half_year, day(2024, 1, 1), day(2024, 6, 30)},
        expected_period{"2024S2", T::half_year, day(2024, 7, 1), day(2024, 12, 31)}})
    expect_round_trip(e);
  EXPECT_EQ(sg::period::parse("2024").days(), 366);
  EXPECT_EQ(sg::period::parse("2023").days(), 365);
  EXPECT_EQ(sg::period::parse("1900").days(), 365);  // 1900 is not a leap year
  EXPECT_EQ(sg::period::parse("2000").days(), 366);
  EXPECT_EQ(sg::period::parse("2024S1").days(), 182);
  EXPECT_EQ(sg::period::parse("2023S1").days(), 181);
}

TEST(PeriodParse, QuartersMonthsAndBiMonths) {
  using T = sg::period_type;
  for (const auto& e :
       {expected_period{"2024Q1", T::quarter, day(2024, 1, 1), day(2024, 3, 31)},
        expected_period{"2024Q2", T::quarter, day(2024, 4, 1), day(2024, 6, 30)},
        expected_period{"2024Q3", T::quarter, day(2024, 7, 1), day(2024, 9, 30)},
        expected_period{"2024Q4", T::quarter, day(2024, 10, 1), day(2024, 12, 31)},
        expected_period{"202406", T::month, day(2024, 6, 1), day(2024, 6, 30)},
        expected_period{"202402", T::month, day(2024, 2, 1), day(2024, 2, 29)},
        expected_period{"202302", T::month, day(2023, 2, 1), day(2023, 2, 28)},
        expected_period{"190002", T::month, day(1900, 2, 1), day(1900, 2, 28)},
        expected_period{"200002", T::month, day(2000, 2, 1), day(2000, 2, 29)},
        expected_period{"202412", T::month, day(2024, 12, 1), day(2024, 12, 31)},
        expected_period{"202401B", T::bi_month, day(2024, 1, 1), day(2024, 2, 29)},
        expected_period{"202301B", T::bi_month, day(2023, 1, 1), day(2023, 2, 28)},
        expected_period{"202403B", T::bi_month, day(2024, 5, 1), day(2024, 6, 30)},
        expected_period{"202406B", T::bi_month, day(2024, 11, 1), day(2024, 12, 31)}})
    expect_round_trip(e);
  EXPECT_EQ(sg::period::parse("2024Q1").days(), 91);
  EXPECT_EQ(sg::period::parse("2023Q1").days(), 90);
  for (unsigned m = 1; m <= 12; ++m) {
    const sg::period p = sg::period::month(2024, m);
    EXPECT_EQ(sg::period::parse(p.id()), p);
    EXPECT_EQ(p.start(), day(2024, m, 1));
    EXPECT_EQ(p.days(), static_cast<int>(sg::days_in_month(2024, m)));
  }
}

TEST(PeriodParse, IsoWeeksIncludingWeekOneInDecemberAndWeek53) {
  using T = sg::period_type;
  for (const auto& e : {expected_period{"2024W1", T::week, day(2024, 1, 1), day(2024, 1, 7)},
                        expected_period{"2024W25", T::week, day(2024, 6, 17), day(2024, 6, 23)},
                        expected_period{"2024W52", T::week, day(2024, 12, 23), day(2024, 12, 29)},
                        expected_period{"2025W1", T::week, day(2024, 12, 30), day(2025, 1, 5)},
                        expected_period{"2020W1", T::week, day(2019, 12, 30), day(2020, 1, 5)},
                        expected_period{"2020W53", T::week, day(2020, 12, 28), day(2021, 1, 3)},
                        expected_period{"2021W1", T::week, day(2021, 1, 4), day(2021, 1, 10)},
                        // DHIS2 also reads a two-digit week; the id keeps the text.
                        expected_period{"2021W01", T::week, day(2021, 1, 4), day(2021, 1, 10)},
                        expected_period{"2026W53", T::week, day(2026, 12, 28), day(2027, 1, 3)},
                        expected_period{"2015W53", T::week, day(2015, 12, 28), day(2016, 1, 3)},
                        expected_period{"2016W1", T::week, day(2016, 1, 4), day(2016, 1, 10)},
                        expected_period{"1900W1", T::week, day(1900, 1, 1), day(1900, 1, 7)}})
    expect_round_trip(e);
  EXPECT_EQ(sg::iso_weeks_in_year(2015), 53);
  EXPECT_EQ(sg::iso_weeks_in_year(2020), 53);  // leap year starting on a Wednesday
  EXPECT_EQ(sg::iso_weeks_in_year(2026), 53);  // starts on a Thursday
  EXPECT_EQ(sg::iso_weeks_in_year(2021), 52);
  EXPECT_EQ(sg::iso_weeks_in_year(2024), 52);
  EXPECT_EQ(sg::iso_weeks_in_year(2025), 52);
}

TEST(PeriodParse, IsoWeeksAgreeWithBoostDateTime) {
  // Boost.Date_Time computes ISO 8601 week numbers independently of safeguard's arithmetic.
  for (int y = 1900; y <= 2100; ++y) {
    const boost::gregorian::date december_28(static_cast<unsigned short>(y), 12, 28);
    ASSERT_EQ(sg::iso_weeks_in_year(y), december_28.week_number()) << y;
  }
  for (sg::day_number d = day(1990, 1, 1); d <= day(2040, 12, 31); ++d) {
    const sg::civil_date c = sg::to_civil(d);
    const boost::gregorian::date b(static_cast<unsigned short>(c.year),
                                   static_cast<unsigned short>(c.month),
                                   static_cast<unsigned short>(c.day));
    const int number = b.week_number();
    int iso_year = c.year;
    if (number >= 52 && c.month == 1) --iso_year;
    if (number == 1 && c.month == 12) ++iso_year;
    const sg::period w = sg::period::containing(sg::period_type::week, d);
    ASSERT_EQ(w.id(), std::to_string(iso_year) + "W" + std::to_string(number))
        << sg::format_iso_date(d);
    ASSERT_EQ(w, sg::period::week(iso_year, static_cast<unsigned>(number)));
    ASSERT_EQ(sg::iso_weekday(w.start()), 1u);
  }
}

TEST(PeriodParse, DaysFinancialYearsAndSpans) {
  using T = sg::period_type;
  for (const auto& e :
       {expected_period{"20240615", T::day, day(2024, 6, 15), day(2024, 6, 15)},
        expected_period{"20240229", T::day, day(2024, 2, 29), day(2024, 2, 29)},
        expected_period{"19000101", T::day, day(1900, 1, 1), day(1900, 1, 1)},
        expected_period{"99991231", T::day, day(9999, 12, 31), day(9999, 12, 31)},
        expected_period{"2024April", T::financial_april, day(2024, 4, 1), day(2025, 3, 31)},
        expected_period{"2024July", T::financial_july, day(2024, 7, 1), day(2025, 6, 30)},
        expected_period{"2024Oct", T::financial_october, day(2024, 10, 1), day(2025, 9, 30)},
        expected_period{"2024Nov", T::financial_november, day(2024, 11, 1), day(2025, 10, 31)},
        expected_period{"2024-01-01..2024-06-30", T::span, day(2024, 1, 1), day(2024, 6, 30)},
        expected_period{"2024-06-15..2024-06-15", T::span, day(2024, 6, 15), day(2024, 6, 15)},
        expected_period{"2023-12-30..2025-01-02", T::span, day(2023, 12, 30), day(2025, 1, 2)}})
    expect_round_trip(e);
  EXPECT_EQ(sg::period::parse("2024April").days(), 365);
  EXPECT_EQ(sg::period::parse("2023April").days(), 366);  // holds 29 February 2024
  EXPECT_EQ(sg::period::parse("2024-01-01..2024-06-30").days(), 182);
}

TEST(PeriodFactories, MatchTheParsedIds) {
  EXPECT_EQ(sg::period::day(day(2024, 6, 15)).id(), "20240615");
  EXPECT_EQ(sg::period::week(2025, 1).id(), "2025W1");
  EXPECT_EQ(sg::period::week(2020, 53), sg::period::parse("2020W53"));
  EXPECT_EQ(sg::period::month(2024, 6).id(), "202406");
  EXPECT_EQ(sg::period::bi_month(2024, 6).id(), "202406B");
  EXPECT_EQ(sg::period::quarter(2024, 3).id(), "2024Q3");
  EXPECT_EQ(sg::period::half_year(2024, 2).id(), "2024S2");
  EXPECT_EQ(sg::period::year(2024).id(), "2024");
  EXPECT_EQ(sg::period::financial_april(2024).id(), "2024April");
  EXPECT_EQ(sg::period::financial_july(2024).id(), "2024July");
  EXPECT_EQ(sg::period::financial_october(2024).id(), "2024Oct");
  EXPECT_EQ(sg::period::financial_november(2024).id(), "2024Nov");
  EXPECT_EQ(sg::period::span(day(2024, 1, 1), day(2024, 6, 30)).id(), "2024-01-01..2024-06-30");
  EXPECT_EQ(sg::period::financial_july(2024), sg::period::parse("2024July"));
  EXPECT_EQ(sg::period::span(day(2024, 1, 1), day(2024, 1, 1)).type(), sg::period_type::span);
}

TEST(PeriodFactories, RejectArgumentsThatNameNoPeriod) {
  EXPECT_EQ(error_of([] { sg::period::month(2024, 13); }),
            "bad period '202413'; expected a month 01..12 (YYYYMM)");
  EXPECT_EQ(error_of([] { sg::period::month(2024, 0); }),
            "bad period '202400'; expected a month 01..12 (YYYYMM)");
  EXPECT_EQ(error_of([] { sg::period::week(2021, 53); }),
            "bad period '2021W53'; expected a week 1..52 (2021 has 52 ISO weeks)");
  EXPECT_EQ(error_of([] { sg::period::week(2024, 0); }),
            "bad period '2024W0'; expected a week 1..52 (2024 has 52 ISO weeks)");
  EXPECT_EQ(error_of([] { sg::period::week(1899, 1); }),
            "bad period '1899W1'; expected a year 1900..9999");
  EXPECT_EQ(error_of([] { sg::period::quarter(2024, 5); }),
            "bad period '2024Q5'; expected a quarter Q1..Q4");
  EXPECT_EQ(error_of([] { sg::period::half_year(2024, 3); }),
            "bad period '2024S3'; expected a half-year S1 or S2");
  EXPECT_EQ(error_of([] { sg::period::bi_month(2024, 7); }),
            "bad period '202407B'; expected a bi-month 01B..06B (YYYYMMB; 01B is "
            "January-February, 06B November-December)");
  EXPECT_EQ(error_of([] { sg::period::year(1899); }),
            "bad period '1899'; expected a year 1900..9999");
  EXPECT_EQ(error_of([] { sg::period::year(10000); }),
            "bad period '10000'; expected a year 1900..9999");
  EXPECT_EQ(error_of([] { sg::period::financial_july(1899); }),
            "bad period '1899July'; expected a year 1900..9999");
  EXPECT_EQ(error_of([] { sg::period::day(day(1899, 12, 31)); }),
            "bad period '1899-12-31'; expected a day within years 1900..9999");
  EXPECT_EQ(error_of([] { sg::period::span(day(2024, 6, 30), day(2024, 1, 1)); }),
            "bad period '2024-06-30..2024-01-01'; expected a span whose last day (2024-01-01) is "
            "not before its first day (2024-06-30)");
  EXPECT_EQ(error_of([] { sg::period::span(day(1899, 12, 31), day(1900, 1, 1)); }),
            "bad period '1899-12-31..1900-01-01'; expected a span within years 1900..9999");
}

TEST(PeriodParse, RejectsEveryMalformedIdSayingWhatWasExpected) {
  const std::string forms =
      "one of YYYY, YYYYSn, YYYYQn, YYYYMM, YYYYMMB, YYYYWn, YYYYMMDD, YYYYApril, YYYYJuly, "
      "YYYYOct, YYYYNov or YYYY-MM-DD..YYYY-MM-DD (e.g. 2024, 2024S1, 2024Q2, 202406, 202401B, "
      "2024W25, 20240615, 2024July, 2024-01-01..2024-06-30)";
  const std::pair<std::string, std::string> cases[] = {
      {"", "a period id, " + forms},
      {" 2024", "a period id without leading or trailing spaces"},
      {"2024 ", "a period id without leading or trailing spaces"},
      {"2024Q1\n", "a period id without leading or trailing spaces"},
      {"THIS_YEAR",
       "a fixed period id (THIS_YEAR is a relative period: it is resolved against a reference "
       "date, in a period list or by resolve_relative)"},
      {"Q1 2024", "a period id starting with a four-digit year, " + forms},
      {"24Q1", "a period id starting with a four-digit year, " + forms},
      {"202", "a period id starting with a four-digit year, " + forms},
      {"1899", "a year 1900..9999"},
      {"0000Q1", "a year 1900..9999"},
      {"2024W0", "a week 1..52 (2024 has 52 ISO weeks)"},
      {"2021W53", "a week 1..52 (2021 has 52 ISO weeks)"},
      {"2020W54", "a week 1..53 (2020 has 53 ISO weeks)"},
      {"2024W", "a week 1..52 (2024 has 52 ISO weeks)"},
      {"2024W100", "a week 1..52 (2024 has 52 ISO weeks)"},
      {"2024W00", "a week 1..52 (2024 has 52 ISO weeks)"},
      {"2024W052", "a week 1..52 (2024 has 52 ISO weeks)"},
      {"2024W1x", "a week 1..52 (2024 has 52 ISO weeks)"},
      {"202413", "a month 01..12 (YYYYMM)"},
      {"202400", "a month 01..12 (YYYYMM)"},
      {"2024Q5", "a quarter Q1..Q4"},
      {"2024Q0", "a quarter Q1..Q4"},
      {"2024Q", "a quarter Q1..Q4"},
      {"2024Q01", "a quarter Q1..Q4"},
      {"2024S3", "a half-year S1 or S2"},
      {"2024S", "a half-year S1 or S2"},
      {"202407B", "a bi-month 01B..06B (YYYYMMB; 01B is January-February, 06B November-December)"},
      {"202400B", "a bi-month 01B..06B (YYYYMMB; 01B is January-February, 06B November-December)"},
      {"20240230", "a day YYYYMMDD with a day of the month 01..29 (February 2024 has 29 days)"},
      {"20230229", "a day YYYYMMDD with a day of the month 01..28 (February 2023 has 28 days)"},
      {"20240431", "a day YYYYMMDD with a day of the month 01..30 (April 2024 has 30 days)"},
      {"20240100", "a day YYYYMMDD with a day of the month 01..31 (January 2024 has 31 days)"},
      {"20241301", "a day YYYYMMDD with a month 01..12"},
      {"2024q1", "2024Q1 (period ids are case-sensitive)"},
      {"2024s2", "2024S2 (period ids are case-sensitive)"},
      {"2024w25", "2024W25 (period ids are case-sensitive)"},
      {"202401b", "202401B (period ids are case-sensitive)"},
      {"2024april", "2024April (period ids are case-sensitive)"},
      {"2024JULY", "2024July (period ids are case-sensitive)"},
      {"2024oct", "2024Oct (period ids are case-sensitive)"},
      {"2024BiW1", forms + "; DHIS2's bi-weekly periods are not supported"},
      {"2015WedW5", forms + "; DHIS2's weeks starting on Wednesday are not supported"},
      {"2015SunW5", forms + "; DHIS2's weeks starting on Sunday are not supported"},
      {"2024AprilS1", forms + "; DHIS2's six-monthly periods starting in April are not supported"},
      {"2024NovQ1", forms + "; DHIS2's quarters starting in November are not supported"},
      {"2024Sep", forms + "; DHIS2's financial years starting in September are not supported"},
      {"2024X", forms},
      {"2024Julyy", forms},
      {"20245", "a month YYYYMM, a bi-month YYYYMMB or a day YYYYMMDD (" + forms + ")"},
      {"2024061", "a month YYYYMM, a bi-month YYYYMMB or a day YYYYMMDD (" + forms + ")"},
      {"2024-06-15",
       "a span YYYY-MM-DD..YYYY-MM-DD (the single day 2024-06-15 is written 20240615)"},
      {"2024-", "a span YYYY-MM-DD..YYYY-MM-DD"},
      {"2024-01-01..2024-6-30", "a span YYYY-MM-DD..YYYY-MM-DD"},
      {"2024-01-01...2024-06-30", "a span YYYY-MM-DD..YYYY-MM-DD"},
      {"2024-01-01/2024-06-30", "a span YYYY-MM-DD..YYYY-MM-DD"},
      {"2024-02-30..2024-06-30",
       "a span of two real dates (2024-02-30 is not a date: February 2024 has 29 days)"},
      {"2024-01-01..2024-13-01", "a span of two real dates (2024-13-01 has no month 13)"},
      {"2024-06-30..2024-01-01",
       "a span whose last day (2024-01-01) is not before its first day (2024-06-30)"},
      {"1899-12-31..1900-01-05", "a span within years 1900..9999"},
  };
  for (const auto& [id, expected] : cases) {
    SCOPED_TRACE(id);
    EXPECT_EQ(parse_error(id), "bad period '" + id + "'; expected " + expected);
    std::string why = "unchanged";
    EXPECT_FALSE(sg::period::try_parse(id, &why).has_value());
    EXPECT_EQ(why, expected);
    try {
      sg::period::parse(id);
      ADD_FAILURE() << "no error";
    } catch (const sg::period_error& e) {
      EXPECT_EQ(e.id(), id);
      EXPECT_EQ(e.expected(), expected);
    }
  }
  EXPECT_FALSE(sg::period::try_parse("2024Q5").has_value());  // `why` may be null
}

TEST(PeriodParse, ShortensALongIdInTheMessage) {
  const std::string long_id = "2024" + std::string(200, 'x');
  try {
    sg::period::parse(long_id);
    FAIL() << "no error";
  } catch (const sg::period_error& e) {
    EXPECT_EQ(e.id(), long_id.substr(0, 77) + "...");
    EXPECT_EQ(
        std::string(e.what()).rfind("bad period '" + long_id.substr(0, 77) + "...'; expected", 0),
        0u);
  }
  // A multi-byte character at the cut is dropped whole, never split.
  const std::string accented = std::string(76, '1') + "\xc3\xa9" + std::string(10, '1');
  try {
    sg::period::parse(accented);
    FAIL() << "no error";
  } catch (const sg::period_error& e) {
    EXPECT_EQ(e.id(), std::string(76, '1') + "...");
  }
}

TEST(Period, IsCaughtAsASafeguardError) {
  EXPECT_THROW(sg::period::parse("2024Q5"), sg::error);
  EXPECT_THROW(sg::period::parse("2024Q5"), std::runtime_error);
}

TEST(Period, ContainsAndCountsItsDays) {
  const sg::period q = sg::period::parse("2024Q1");
  EXPECT_FALSE(q.contains(day(2023, 12, 31)));
  EXPECT_TRUE(q.contains(day(2024, 1, 1)));
  EXPECT_TRUE(q.contains(day(2024, 2, 29)));
  EXPECT_TRUE(q.contains(day(2024, 3, 31)));
  EXPECT_FALSE(q.contains(day(2024, 4, 1)));
  EXPECT_FALSE(q.contains(sg::no_day));
  EXPECT_EQ(sg::period::parse("20240615").days(), 1);
  EXPECT_EQ(sg::period::parse("2020W53").days(), 7);
}

TEST(Period, OrdersByStartThenEndThenType) {
  std::vector<sg::period> v;
  for (const char* id : {"2024", "2024Q1", "2024-01-01..2024-01-31", "202401", "2023July", "2024S1",
                         "20240101", "2024W1", "2023Nov"})
    v.push_back(sg::period::parse(id));
  std::sort(v.begin(), v.end());
  EXPECT_EQ(ids(v),
            "2023July,2023Nov,20240101,2024W1,202401,2024-01-01..2024-01-31,2024Q1,2024S1,2024");
  const sg::period month = sg::period::parse("202401");
  const sg::period span = sg::period::parse("2024-01-01..2024-01-31");
  EXPECT_EQ(month.start(), span.start());
  EXPECT_EQ(month.end(), span.end());
  EXPECT_NE(month, span);  // same days, different type
  EXPECT_TRUE(month < span);
  EXPECT_FALSE(span < month);
  EXPECT_EQ(month, sg::period::month(2024, 1));
  EXPECT_FALSE(month != sg::period::month(2024, 1));
  EXPECT_FALSE(month < month);
}

TEST(Period, ContainingFindsThePeriodOfEachTypeHoldingADay) {
  const sg::day_number r = day(2024, 6, 20);
  const std::pair<sg::period_type, const char*> cases[] = {
      {sg::period_type::day, "20240620"},
      {sg::period_type::week, "2024W25"},
      {sg::period_type::month, "202406"},
      {sg::period_type::bi_month, "202403B"},
      {sg::period_type::quarter, "2024Q2"},
      {sg::period_type::half_year, "2024S1"},
      {sg::period_type::year, "2024"},
      {sg::period_type::financial_april, "2024April"},
      {sg::period_type::financial_july, "2023July"},
      {sg::period_type::financial_october, "2023Oct"},
      {sg::period_type::financial_november, "2023Nov"}};
  for (const auto& [type, id] : cases) EXPECT_EQ(sg::period::containing(type, r).id(), id);
  EXPECT_EQ(sg::period::containing(sg::period_type::week, day(2024, 12, 31)).id(), "2025W1");
  EXPECT_EQ(sg::period::containing(sg::period_type::week, day(2021, 1, 3)).id(), "2020W53");
  EXPECT_EQ(sg::period::containing(sg::period_type::financial_july, day(2024, 7, 1)).id(),
            "2024July");
  EXPECT_EQ(sg::period::containing(sg::period_type::financial_november, day(2024, 11, 1)).id(),
            "2024Nov");
  EXPECT_THROW(sg::period::containing(sg::period_type::span, r), sg::error);
  EXPECT_EQ(
      error_of([] { sg::period::containing(sg::period_type::financial_july, day(1900, 3, 1)); }),
      "bad period '1900-03-01'; expected a day whose financial_july lies within years "
      "1900..9999");
}

TEST(Period, ShiftedMovesByWholePeriods) {
  EXPECT_EQ(sg::period::parse("2024W52").shifted(1).id(), "2025W1");
  EXPECT_EQ(sg::period::parse("2020W52").shifted(1).id(), "2020W53");
  EXPECT_EQ(sg::period::parse("2021W1").shifted(-1).id(), "2020W53");
  EXPECT_EQ(sg::period::parse("202412").shifted(1).id(), "202501");
  EXPECT_EQ(sg::period::parse("202401").shifted(-13).id(), "202212");
  EXPECT_EQ(sg::period::parse("202401B").shifted(-1).id(), "202306B");
  EXPECT_EQ(sg::period::parse("2024Q1").shifted(-1).id(), "2023Q4");
  EXPECT_EQ(sg::period::parse("2024S2").shifted(1).id(), "2025S1");
  EXPECT_EQ(sg::period::parse("2024").shifted(-10).id(), "2014");
  EXPECT_EQ(sg::period::parse("2024July").shifted(2).id(), "2026July");
  EXPECT_EQ(sg::period::parse("20240301").shifted(-1).id(), "20240229");
  EXPECT_EQ(sg::period::parse("2024-01-01..2024-01-10").shifted(2).id(), "2024-01-21..2024-01-30");
  EXPECT_EQ(sg::period::parse("2024Q3").shifted(0).id(), "2024Q3");
  EXPECT_EQ(error_of([] { sg::period::parse("1900").shifted(-1); }),
            "bad period '1900'; expected a shift by -1 year that stays within years 1900..9999");
  EXPECT_EQ(error_of([] { sg::period::parse("9999Q4").shifted(3); }),
            "bad period '9999Q4'; expected a shift by 3 quarters that stays within years "
            "1900..9999");
  EXPECT_EQ(error_of([] {
              sg::period::parse("2024-01-01..2024-12-31").shifted(std::numeric_limits<int>::max());
            }),
            "bad period '2024-01-01..2024-12-31'; expected a shift by 2147483647 spans that stays "
            "within years 1900..9999");
}

TEST(Period, EveryTypeRoundTripsAcrossTheSupportedYears) {
  std::vector<sg::day_number> days;
  for (sg::day_number d = day(1996, 1, 1); d <= day(2030, 12, 31); ++d) days.push_back(d);
  for (sg::day_number d = day(1900, 1, 1); d <= day(9998, 12, 31); d += 97) days.push_back(d);
  for (sg::period_type t : fixed_types) {
    SCOPED_TRACE(std::string(sg::period_type_name(t)));
    for (sg::day_number d : days) {
      // Financial years containing days of 1900 may start in 1899, outside the supported years.
      if (t >= sg::period_type::financial_april && d < day(1901, 1, 1)) continue;
      const sg::period p = sg::period::containing(t, d);
      ASSERT_TRUE(p.contains(d)) << p.id();
      ASSERT_EQ(p.type(), t);
      const auto back = sg::period::try_parse(p.id());
      ASSERT_TRUE(back.has_value()) << p.id();
      ASSERT_EQ(*back, p);
      ASSERT_EQ(back->id(), p.id());
      const sg::period next = p.shifted(1);
      ASSERT_EQ(next.start(), p.end() + 1) << p.id();
      ASSERT_EQ(next.shifted(-1), p);
    }
  }
}

TEST(PeriodsOfTypeWithin, ListsWholePeriodsInOrder) {
  EXPECT_EQ(
      ids(sg::periods_of_type_within(sg::period_type::month, day(2024, 1, 15), day(2024, 5, 31))),
      "202402,202403,202404,202405");
  EXPECT_EQ(
      ids(sg::periods_of_type_within(sg::period_type::week, day(2024, 1, 1), day(2024, 1, 31))),
      "2024W1,2024W2,2024W3,2024W4");
  EXPECT_EQ(
      ids(sg::periods_of_type_within(sg::period_type::week, day(2020, 12, 20), day(2021, 1, 10))),
      "2020W52,2020W53,2021W1");
  EXPECT_EQ(
      ids(sg::periods_of_type_within(sg::period_type::quarter, day(2024, 1, 1), day(2024, 12, 31))),
      "2024Q1,2024Q2,2024Q3,2024Q4");
  EXPECT_EQ(ids(sg::periods_of_type_within(sg::period_type::bi_month, day(2024, 2, 1),
                                           day(2024, 12, 31))),
            "202402B,202403B,202404B,202405B,202406B");
  EXPECT_EQ(ids(sg::periods_of_type_within(sg::period_type::half_year, day(2023, 7, 1),
                                           day(2024, 6, 30))),
            "2023S2,2024S1");
  EXPECT_EQ(ids(sg::periods_of_type_within(sg::period_type::financial_july, day(2023, 7, 1),
                                           day(2025, 6, 30))),
            "2023July,2024July");
  EXPECT_EQ(ids(sg::periods_of_type_within(sg::period_type::financial_april, day(2023, 7, 1),
                                           day(2025, 6, 30))),
            "2024April");
  EXPECT_EQ(
      ids(sg::periods_of_type_within(sg::period_type::day, day(2024, 2, 28), day(2024, 3, 1))),
      "20240228,20240229,20240301");
  EXPECT_EQ(
      sg::periods_of_type_within(sg::period_type::day, day(2024, 1, 1), day(2024, 12, 31)).size(),
      366u);
}

TEST(PeriodsOfTypeWithin, IsEmptyForShortOrReversedRangesAndStopsAtTheSupportedYears) {
  EXPECT_TRUE(sg::periods_of_type_within(sg::period_type::month, day(2024, 1, 2), day(2024, 1, 31))
                  .empty());
  EXPECT_TRUE(
      sg::periods_of_type_within(sg::period_type::day, day(2024, 2, 1), day(2024, 1, 31)).empty());
  EXPECT_TRUE(sg::periods_of_type_within(sg::period_type::year, day(2024, 1, 1), day(2024, 12, 30))
                  .empty());
  EXPECT_EQ(
      ids(sg::periods_of_type_within(sg::period_type::year, day(1800, 1, 1), day(1901, 12, 31))),
      "1900,1901");
  EXPECT_EQ(
      ids(sg::periods_of_type_within(
          sg::period_type::year, std::numeric_limits<sg::day_number>::min(), day(1900, 12, 31))),
      "1900");
  EXPECT_EQ(ids(sg::periods_of_type_within(sg::period_type::financial_july, day(1900, 1, 1),
                                           day(1901, 6, 30))),
            "1900July");
  EXPECT_EQ(
      ids(sg::periods_of_type_within(sg::period_type::year, day(9998, 1, 1), day(10005, 12, 31))),
      "9998,9999");
  EXPECT_EQ(ids(sg::periods_of_type_within(sg::period_type::financial_july, day(9999, 1, 1),
                                           std::numeric_limits<sg::day_number>::max())),
            "9999July");
  EXPECT_TRUE(
      sg::periods_of_type_within(sg::period_type::day, day(10001, 1, 1), day(10002, 1, 1)).empty());
  EXPECT_THROW(sg::periods_of_type_within(sg::period_type::span, day(2024, 1, 1), day(2024, 1, 31)),
               sg::error);
}

TEST(RelativePeriods, ExpandAgainstMidYearAndNewYearReferences) {
  const sg::day_number june = day(2024, 6, 20);     // a Thursday in ISO week 25
  const sg::day_number new_year = day(2024, 1, 1);  // a Monday, ISO week 1
  struct relative_case {
    const char* name;
    sg::day_number reference;
    const char* expected;
  };
  const relative_case cases[] = {
      {"TODAY", june, "20240620"},
      {"TODAY", new_year, "20240101"},
      {"YESTERDAY", june, "20240619"},
      {"YESTERDAY", new_year, "20231231"},
      {"LAST_3_DAYS", june, "20240617,20240618,20240619"},
      {"LAST_3_DAYS", new_year, "20231229,20231230,20231231"},
      {"LAST_7_DAYS", june, "20240613,20240614,20240615,20240616,20240617,20240618,20240619"},
      {"LAST_7_DAYS", day(2024, 3, 2),
       "20240224,20240225,20240226,20240227,20240228,20240229,20240301"},
      {"THIS_WEEK", june, "2024W25"},
      {"THIS_WEEK", new_year, "2024W1"},
      {"THIS_WEEK", day(2021, 1, 2), "2020W53"},
      {"LAST_WEEK", june, "2024W24"},
      {"LAST_WEEK", new_year, "2023W52"},
      {"LAST_WEEK", day(2021, 1, 4), "2020W53"},
      {"LAST_4_WEEKS", june, "2024W21,2024W22,2024W23,2024W24"},
      {"LAST_4_WEEKS", new_year, "2023W49,2023W50,2023W51,2023W52"},
      {"THIS_MONTH", june, "202406"},
      {"THIS_MONTH", new_year, "202401"},
      {"LAST_MONTH", june, "202405"},
      {"LAST_MONTH", new_year, "202312"},
      {"LAST_3_MONTHS", june, "202403,202404,202405"},
      {"LAST_3_MONTHS", new_year, "202310,202311,202312"},
      {"LAST_6_MONTHS", june, "202312,202401,202402,202403,202404,202405"},
      {"LAST_6_MONTHS", new_year, "202307,202308,202309,202310,202311,202312"},
      {"LAST_12_MONTHS", june,
       "202306,202307,202308,202309,202310,202311,202312,202401,202402,202403,202404,202405"},
      {"LAST_12_MONTHS", new_year,
       "202301,202302,202303,202304,202305,202306,202307,202308,202309,202310,202311,202312"},
      {"MONTHS_THIS_YEAR", june,
       "202401,202402,202403,202404,202405,202406,202407,202408,202409,202410,202411,202412"},
      {"MONTHS_THIS_YEAR", new_year,
       "202401,202402,202403,202404,202405,202406,202407,202408,202409,202410,202411,202412"},
      {"MONTHS_LAST_YEAR", june,
       "202301,202302,202303,202304,202305,202306,202307,202308,202309,202310,202311,202312"},
      {"MONTHS_LAST_YEAR", new_year,
       "202301,202302,202303,202304,202305,202306,202307,202308,202309,202310,202311,202312"},
      {"THIS_BIMONTH", june, "202403B"},
      {"THIS_BIMONTH", new_year, "202401B"},
      {"LAST_BIMONTH", june, "202402B"},
      {"LAST_BIMONTH", new_year, "202306B"},
      {"LAST_6_BIMONTHS", june, "202303B,202304B,202305B,202306B,202401B,202402B"},
      {"BIMONTHS_THIS_YEAR", june, "202401B,202402B,202403B,202404B,202405B,202406B"},
      {"THIS_QUARTER", june, "2024Q2"},
      {"THIS_QUARTER", new_year, "2024Q1"},
      {"LAST_QUARTER", june, "2024Q1"},
      {"LAST_QUARTER", new_year, "2023Q4"},
      {"LAST_4_QUARTERS", june, "2023Q2,2023Q3,2023Q4,2024Q1"},
      {"LAST_4_QUARTERS", new_year, "2023Q1,2023Q2,2023Q3,2023Q4"},
      {"QUARTERS_THIS_YEAR", june, "2024Q1,2024Q2,2024Q3,2024Q4"},
      {"QUARTERS_THIS_YEAR", new_year, "2024Q1,2024Q2,2024Q3,2024Q4"},
      {"QUARTERS_LAST_YEAR", june, "2023Q1,2023Q2,2023Q3,2023Q4"},
      {"QUARTERS_LAST_YEAR", new_year, "2023Q1,2023Q2,2023Q3,2023Q4"},
      {"THIS_SIX_MONTH", june, "2024S1"},
      {"THIS_SIX_MONTH", day(2024, 7, 1), "2024S2"},
      {"LAST_SIX_MONTH", june, "2023S2"},
      {"LAST_SIX_MONTH", day(2024, 7, 1), "2024S1"},
      {"LAST_2_SIXMONTHS", june, "2023S1,2023S2"},
      {"LAST_2_SIXMONTHS", day(2024, 12, 31), "2023S2,2024S1"},
      {"THIS_YEAR", june, "2024"},
      {"THIS_YEAR", new_year, "2024"},
      {"LAST_YEAR", june, "2023"},
      {"LAST_YEAR", new_year, "2023"},
      {"LAST_5_YEARS", june, "2019,2020,2021,2022,2023"},
      {"LAST_5_YEARS", new_year, "2019,2020,2021,2022,2023"},
      {"LAST_10_YEARS", june, "2014,2015,2016,2017,2018,2019,2020,2021,2022,2023"},
      {"THIS_FINANCIAL_YEAR", june, "2023July"},
      {"THIS_FINANCIAL_YEAR", new_year, "2023July"},
      {"THIS_FINANCIAL_YEAR", day(2024, 7, 1), "2024July"},
      {"LAST_FINANCIAL_YEAR", june, "2022July"},
      {"LAST_FINANCIAL_YEAR", day(2024, 7, 1), "2023July"},
      {"LAST_5_FINANCIAL_YEARS", june, "2018July,2019July,2020July,2021July,2022July"},
      {"LAST_5_FINANCIAL_YEARS", day(2024, 7, 1), "2019July,2020July,2021July,2022July,2023July"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name) + " at " + sg::format_iso_date(c.reference));
    EXPECT_EQ(ids(sg::resolve_relative(c.name, c.reference)), c.expected);
  }
}

TEST(RelativePeriods, LongListsAreContiguousAndEndBeforeTheCurrentPeriod) {
  const sg::day_number june = day(2024, 6, 20);
  const sg::day_number new_year = day(2024, 1, 1);
  struct long_case {
    const char* name;
    sg::day_number reference;
    std::size_t size;
    const char* first;
    const char* last;
  };
  const long_case cases[] = {
      {"LAST_14_DAYS", june, 14, "20240606", "20240619"},
      {"LAST_14_DAYS", new_year, 14, "20231218", "20231231"},
      {"LAST_30_DAYS", june, 30, "20240521", "20240619"},
      {"LAST_180_DAYS", june, 180, "20231223", "20240619"},
      {"LAST_12_WEEKS", june, 12, "2024W13", "2024W24"},
      {"LAST_12_WEEKS", new_year, 12, "2023W41", "2023W52"},
      {"LAST_52_WEEKS", june, 52, "2023W25", "2024W24"},
      {"LAST_52_WEEKS", new_year, 52, "2023W1", "2023W52"},
      {"LAST_52_WEEKS", day(2021, 6, 1), 52, "2020W23", "2021W21"},  // runs through 2020W53
      {"WEEKS_THIS_YEAR", june, 52, "2024W1", "2024W52"},
      {"WEEKS_THIS_YEAR", new_year, 52, "2024W1", "2024W52"},
      {"WEEKS_THIS_YEAR", day(2020, 3, 1), 53, "2020W1", "2020W53"},
      // R's calendar year decides, even when R lies in the previous ISO week-year's last week.
      {"WEEKS_THIS_YEAR", day(2021, 1, 2), 52, "2021W1", "2021W52"},
      {"LAST_10_FINANCIAL_YEARS", june, 10, "2013July", "2022July"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name) + " at " + sg::format_iso_date(c.reference));
    const auto periods = sg::resolve_relative(c.name, c.reference);
    ASSERT_EQ(periods.size(), c.size);
    EXPECT_EQ(periods.front().id(), c.first);
    EXPECT_EQ(periods.back().id(), c.last);
    for (std::size_t i = 1; i < periods.size(); ++i)
      EXPECT_EQ(periods[i].start(), periods[i - 1].end() + 1) << periods[i].id();
  }
  // LAST_* never include the reference date; THIS_* always do.
  for (std::string_view name : sg::relative_period_names()) {
    SCOPED_TRACE(std::string(name));
    for (sg::day_number r : {june, new_year, day(2020, 12, 31), day(2021, 1, 3)}) {
      const auto periods = sg::resolve_relative(name, r);
      ASSERT_FALSE(periods.empty());
      const bool holds_r = std::any_of(periods.begin(), periods.end(),
                                       [&](const sg::period& p) { return p.contains(r); });
      if (name.substr(0, 5) == "LAST_" || name == "YESTERDAY") {
        EXPECT_FALSE(holds_r);
        EXPECT_EQ(periods.back().end() + 1,
                  sg::period::containing(periods.back().type(), r).start());
      }
      if (name.substr(0, 5) == "THIS_" || name == "TODAY") {
        ASSERT_EQ(periods.size(), 1u);
        EXPECT_TRUE(holds_r);
      }
    }
  }
}

TEST(RelativePeriods, KnowsExactlyTheDhis2Names) {
  const char* names[] = {"TODAY",
                         "YESTERDAY",
                         "LAST_3_DAYS",
                         "LAST_7_DAYS",
                         "LAST_14_DAYS",
                         "LAST_30_DAYS",
                         "LAST_60_DAYS",
                         "LAST_90_DAYS",
                         "LAST_180_DAYS",
                         "THIS_WEEK",
                         "LAST_WEEK",
                         "LAST_4_WEEKS",
                         "LAST_12_WEEKS",
                         "LAST_52_WEEKS",
                         "WEEKS_THIS_YEAR",
                         "THIS_MONTH",
                         "LAST_MONTH",
                         "LAST_3_MONTHS",
                         "LAST_6_MONTHS",
                         "LAST_12_MONTHS",
                         "MONTHS_THIS_YEAR",
                         "MONTHS_LAST_YEAR",
                         "THIS_BIMONTH",
                         "LAST_BIMONTH",
                         "LAST_6_BIMONTHS",
                         "BIMONTHS_THIS_YEAR",
                         "THIS_QUARTER",
                         "LAST_QUARTER",
                         "LAST_4_QUARTERS",
                         "QUARTERS_THIS_YEAR",
                         "QUARTERS_LAST_YEAR",
                         "THIS_SIX_MONTH",
                         "LAST_SIX_MONTH",
                         "LAST_2_SIXMONTHS",
                         "THIS_YEAR",
                         "LAST_YEAR",
                         "LAST_5_YEARS",
                         "LAST_10_YEARS",
                         "THIS_FINANCIAL_YEAR",
                         "LAST_FINANCIAL_YEAR",
                         "LAST_5_FINANCIAL_YEARS",
                         "LAST_10_FINANCIAL_YEARS"};
  const auto listed = sg::relative_period_names();
  ASSERT_EQ(listed.size(), std::size(names));
  for (std::size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(listed[i], names[i]);
    EXPECT_TRUE(sg::is_relative_period(names[i]));
  }
  EXPECT_FALSE(sg::is_relative_period("this_year"));
  EXPECT_FALSE(sg::is_relative_period("THIS_YEAR "));
  EXPECT_FALSE(sg::is_relative_period("THIS_BIWEEK"));  // bi-weeks are not supported
  EXPECT_FALSE(sg::is_relative_period("2024"));
  EXPECT_FALSE(sg::is_relative_period(""));
}

TEST(RelativePeriods, RejectUnknownNamesAndResultsOutsideTheSupportedYears) {
  const sg::day_number r = day(2024, 6, 20);
  EXPECT_EQ(error_of([&] { sg::resolve_relative("THIS_DECADE", r); }),
            "bad period 'THIS_DECADE'; expected a relative period such as THIS_YEAR, "
            "LAST_12_MONTHS or MONTHS_THIS_YEAR (docs/periods.md lists them)");
  EXPECT_EQ(error_of([&] { sg::resolve_relative("this_year", r); }),
            "bad period 'this_year'; expected a relative period such as THIS_YEAR, "
            "LAST_12_MONTHS or MONTHS_THIS_YEAR (docs/periods.md lists them)");
  EXPECT_EQ(error_of([&] { sg::resolve_relative("2024", r); }),
            "bad period '2024'; expected a relative period such as THIS_YEAR, LAST_12_MONTHS or "
            "MONTHS_THIS_YEAR (docs/periods.md lists them)");
  EXPECT_EQ(error_of([] { sg::resolve_relative("LAST_YEAR", day(1900, 6, 1)); }),
            "bad period 'LAST_YEAR'; expected a reference date (1900-06-01 given) for which "
            "LAST_YEAR lies within years 1900..9999");
  EXPECT_EQ(error_of([] { sg::resolve_relative("THIS_FINANCIAL_YEAR", day(1900, 3, 1)); }),
            "bad period 'THIS_FINANCIAL_YEAR'; expected a reference date (1900-03-01 given) for "
            "which THIS_FINANCIAL_YEAR lies within years 1900..9999");
  EXPECT_EQ(ids(sg::resolve_relative("THIS_YEAR", day(1900, 6, 1))), "1900");
}

TEST(PeriodList, MixesIdsAndRelativePeriodsInTheGivenOrder) {
  const sg::day_number r = day(2024, 6, 20);
  EXPECT_EQ(ids(sg::parse_period_list("2024Q1,LAST_3_MONTHS,2024-01-01..2024-03-31", r)),
            "2024Q1,202403,202404,202405,2024-01-01..2024-03-31");
  EXPECT_EQ(ids(sg::parse_period_list("2024", r)), "2024");
  EXPECT_EQ(ids(sg::parse_period_list("THIS_YEAR,2023", r)), "2024,2023");
  EXPECT_EQ(ids(sg::parse_period_list("2024Q1, 2024Q2 ,\t2024Q3", r)), "2024Q1,2024Q2,2024Q3");
}

TEST(PeriodList, DropsExactDuplicatesKeepingTheFirst) {
  const sg::day_number r = day(2024, 6, 20);
  EXPECT_EQ(ids(sg::parse_period_list("202405,LAST_3_MONTHS,202405", r)), "202405,202403,202404");
  EXPECT_EQ(ids(sg::parse_period_list("THIS_MONTH,LAST_3_MONTHS,THIS_MONTH,202406", r)),
            "202406,202403,202404,202405");
  // Same days but different types are different periods.
  EXPECT_EQ(ids(sg::parse_period_list("202401,2024-01-01..2024-01-31,202401", r)),
            "202401,2024-01-01..2024-01-31");
}

TEST(PeriodList, NamesTheBadItem) {
  const sg::day_number r = day(2024, 6, 20);
  EXPECT_EQ(error_of([&] { sg::parse_period_list("2024Q1,2024Q5", r); }),
            "bad period '2024Q5'; expected a quarter Q1..Q4");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("2024Q1, 2024q2", r); }),
            "bad period '2024q2'; expected 2024Q2 (period ids are case-sensitive)");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("THIS_YEARS", r); }),
            "bad period 'THIS_YEARS'; expected a period id or a relative period such as THIS_YEAR "
            "or LAST_12_MONTHS (docs/periods.md lists them)");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("2024,this_year", r); }),
            "bad period 'this_year'; expected a period id or a relative period such as THIS_YEAR "
            "or LAST_12_MONTHS (docs/periods.md lists them)");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("2024Q1,,2024Q2", r); }),
            "bad period '2024Q1,,2024Q2'; expected no empty item in a period list (item 2 is "
            "empty)");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("2024Q1,", r); }),
            "bad period '2024Q1,'; expected no empty item in a period list (item 2 is empty)");
  EXPECT_EQ(error_of([&] { sg::parse_period_list(" , 2024", r); }),
            "bad period ' , 2024'; expected no empty item in a period list (item 1 is empty)");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("", r); }),
            "bad period ''; expected a comma-separated list of period ids or relative periods");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("  ", r); }),
            "bad period '  '; expected a comma-separated list of period ids or relative periods");
  EXPECT_EQ(error_of([&] { sg::parse_period_list("2024,LAST_YEAR", day(1900, 5, 5)); }),
            "bad period 'LAST_YEAR'; expected a reference date (1900-05-05 given) for which "
            "LAST_YEAR lies within years 1900..9999");
}

TEST(PeriodType, HasReadableNames) {
  EXPECT_EQ(sg::period_type_name(sg::period_type::day), "day");
  EXPECT_EQ(sg::period_type_name(sg::period_type::week), "week");
  EXPECT_EQ(sg::period_type_name(sg::period_type::month), "month");
  EXPECT_EQ(sg::period_type_name(sg::period_type::bi_month), "bi_month");
  EXPECT_EQ(sg::period_type_name(sg::period_type::quarter), "quarter");
  EXPECT_EQ(sg::period_type_name(sg::period_type::half_year), "half_year");
  EXPECT_EQ(sg::period_type_name(sg::period_type::year), "year");
  EXPECT_EQ(sg::period_type_name(sg::period_type::financial_april), "financial_april");
  EXPECT_EQ(sg::period_type_name(sg::period_type::financial_july), "financial_july");
  EXPECT_EQ(sg::period_type_name(sg::period_type::financial_october), "financial_october");
  EXPECT_EQ(sg::period_type_name(sg::period_type::financial_november), "financial_november");
  EXPECT_EQ(sg::period_type_name(sg::period_type::span), "span");
}
