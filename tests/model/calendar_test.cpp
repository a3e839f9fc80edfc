// Day numbers, ISO date parsing and formatting, ages.
#include "safeguard/model/calendar.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace safeguard {
namespace {

day_number d(int y, unsigned m, unsigned dd) { return to_day_number(civil_date{y, m, dd}); }

TEST(Calendar, EpochIsDayZero) {
  EXPECT_EQ(d(1970, 1, 1), 0);
  EXPECT_EQ(d(1969, 12, 31), -1);
  EXPECT_EQ(d(2000, 3, 1), 11017);
  EXPECT_EQ(to_civil(0), (civil_date{1970, 1, 1}));
}

TEST(Calendar, CivilRoundTripsOverFourCenturies) {
  for (day_number z = d(1900, 1, 1); z <= d(2300, 12, 31); z += 1) {
    const civil_date c = to_civil(z);
    ASSERT_EQ(to_day_number(c), z);
    ASSERT_GE(c.day, 1u);
    ASSERT_LE(c.day, days_in_month(c.year, c.month));
  }
}

TEST(Calendar, LeapYears) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2023));
  EXPECT_EQ(days_in_month(2024, 2), 29u);
  EXPECT_EQ(days_in_month(2023, 2), 28u);
  EXPECT_EQ(days_in_month(2100, 2), 28u);
}

TEST(Calendar, IsoWeekday) {
  EXPECT_EQ(iso_weekday(d(1970, 1, 1)), 4u);   // Thursday
  EXPECT_EQ(iso_weekday(d(2024, 6, 20)), 4u);  // the seed report's date, a Thursday
  EXPECT_EQ(iso_weekday(d(2024, 6, 23)), 7u);  // Sunday
  EXPECT_EQ(iso_weekday(d(1969, 12, 29)), 1u); // Monday before the epoch
}

TEST(CalendarParse, AcceptsValidDates) {
  EXPECT_EQ(parse_iso_date("2024-06-20"), d(2024, 6, 20));
  EXPECT_EQ(parse_iso_date("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_date("2024-02-29"), d(2024, 2, 29));
  EXPECT_EQ(parse_iso_date("2000-02-29"), d(2000, 2, 29));
  EXPECT_EQ(parse_iso_date("9999-12-31"), d(9999, 12, 31));
}

TEST(CalendarParse, AgreesWithCivilArithmeticOverEveryFourDigitYear) {
  for (day_number z = d(0, 1, 1); z <= d(9999, 12, 31); z += 13) {
    const std::string text = format_iso_date(z);
    ASSERT_EQ(parse_iso_date(text), z) << text;
  }
  for (int y = 0; y <= 9999; ++y) {
    char year[8];
    std::snprintf(year, sizeof year, "%04d", y);
    const std::string feb29 = std::string(year) + "-02-29";
    ASSERT_EQ(parse_iso_date(feb29).has_value(), is_leap_year(y)) << feb29;
    if (is_leap_year(y)) {
      ASSERT_EQ(parse_iso_date(feb29), d(y, 2, 29));
    }
    ASSERT_EQ(parse_iso_date(std::string(year) + "-12-31"), d(y, 12, 31));
  }
}

TEST(CalendarParse, RefusesImpossibleAndMalformedDates) {
  for (const char* bad : {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10",
                          "2024-01-00", "2024-1-01", "24-01-01", "2024/01/01", "2024-01-01 ",
                          " 2024-01-01", "2024-01-01T10:00", "", "20240101", "2024-0a-01",
                          "+024-01-01", "2024-01-32"})
    EXPECT_FALSE(parse_iso_date(bad).has_value()) << bad;
}

TEST(CalendarParse, DateTimes) {
  const auto a = parse_iso_date_time("2024-06-20T08:30");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->day, d(2024, 6, 20));
  EXPECT_EQ(a->minute, 8 * 60 + 30);
  const auto b = parse_iso_date_time("2024-06-20");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->minute, no_minute);
  const auto c = parse_iso_date_time("2024-02-29T23:59");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->minute, 1439);
  for (const char* bad : {"2024-06-20T24:00", "2024-06-20T12:60", "2024-06-20 08:30",
                          "2024-06-20T8:30", "2024-06-20T08:30:00", "2024-06-20T08:30Z",
                          "2023-02-29T10:00", "2024-06-20T"})
    EXPECT_FALSE(parse_iso_date_time(bad).has_value()) << bad;
}

TEST(CalendarFormat, RoundTrips) {
  EXPECT_EQ(format_iso_date(d(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(format_iso_date(d(1, 1, 1)), "0001-01-01");
  EXPECT_EQ(format_iso_date(no_day), "");
  EXPECT_EQ(format_iso_date_time({d(2024, 6, 20), 8 * 60 + 5}), "2024-06-20T08:05");
  EXPECT_EQ(format_iso_date_time({d(2024, 6, 20), no_minute}), "2024-06-20");
  for (day_number z = d(1999, 12, 1); z < d(2001, 3, 1); ++z) {
    ASSERT_EQ(parse_iso_date(format_iso_date(z)), z);
    const date_time t{z, static_cast<minute_of_day>(z % 1440 < 0 ? 0 : z % 1440)};
    const auto back = parse_iso_date_time(format_iso_date_time(t));
    ASSERT_TRUE(back.has_value());
    ASSERT_EQ(back->day, t.day);
    ASSERT_EQ(back->minute, t.minute);
  }
}

TEST(CalendarAge, DayBeforeABirthdayIsTheYoungerAge) {
  const day_number birth = d(2010, 6, 15);
  EXPECT_EQ(age_in_years(birth, d(2026, 6, 14)), 15);
  EXPECT_EQ(age_in_years(birth, d(2026, 6, 15)), 16);
  EXPECT_EQ(age_in_years(birth, birth), 0);
  EXPECT_EQ(age_in_years(birth, d(2010, 6, 14)), -1);
}

TEST(CalendarAge, TwentyNinthOfFebruaryBirthdayFallsOnFirstOfMarch) {
  const day_number birth = d(2012, 2, 29);
  EXPECT_EQ(age_in_years(birth, d(2013, 2, 28)), 0);
  EXPECT_EQ(age_in_years(birth, d(2013, 3, 1)), 1);
  EXPECT_EQ(age_in_years(birth, d(2016, 2, 28)), 3);
  EXPECT_EQ(age_in_years(birth, d(2016, 2, 29)), 4);
  EXPECT_EQ(age_in_years(birth, d(2028, 2, 28)), 15);
  EXPECT_EQ(age_in_years(birth, d(2028, 2, 29)), 16);
  EXPECT_EQ(age_in_years(birth, d(2027, 3, 1)), 15);
}

TEST(CalendarAge, MonthsBetween) {
  EXPECT_EQ(months_between(d(2024, 1, 31), d(2024, 2, 29)), 0);
  EXPECT_EQ(months_between(d(2024, 1, 31), d(2024, 3, 31)), 2);
  EXPECT_EQ(months_between(d(2024, 1, 15), d(2025, 1, 15)), 12);
  EXPECT_EQ(months_between(d(2025, 1, 15), d(2024, 1, 15)), -12);
}

}  // namespace
}  // namespace safeguard
