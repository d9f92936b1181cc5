// Tests for calendar dates and clocks (date.h).
#include "parcours/date.h"

#include <cctype>
#include <string>

#include <gtest/gtest.h>

namespace parcours {
namespace {

Date D(const char* iso) {
  auto d = Date::ParseIso(iso);
  EXPECT_TRUE(d.has_value()) << iso;
  return d.value_or(Date());
}

// "2026-11-21T09:14:03.120Z": digits where the pattern has 9, the rest as is.
bool IsRfc3339Millis(const std::string& ts) {
  const std::string pattern = "9999-99-99T99:99:99.999Z";
  if (ts.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(ts[i])) != 0;
    if (pattern[i] == '9' ? !digit : ts[i] != pattern[i]) return false;
  }
  return Date::ParseIso(ts.substr(0, 10)).has_value();
}

TEST(DateTest, ParseIsoAcceptsRealDays) {
  auto d = Date::ParseIso("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year(), 2024);
  EXPECT_EQ(d->month(), 2);
  EXPECT_EQ(d->day(), 29);
  EXPECT_EQ(d->iso(), "2024-02-29");

  EXPECT_TRUE(Date::ParseIso("2000-02-29"));  // divisible by 400: leap
  EXPECT_TRUE(Date::ParseIso("2026-12-31"));
  EXPECT_TRUE(Date::ParseIso("0001-01-01"));
  EXPECT_TRUE(Date::ParseIso("9999-12-31"));
  EXPECT_EQ(D("1970-01-01").days(), 0);
  EXPECT_EQ(D("1970-01-02").days(), 1);
  EXPECT_EQ(D("1969-12-31").days(), -1);
  EXPECT_EQ(D("2000-03-01").days(), 11017);
}

TEST(DateTest, ParseIsoRefusesEverythingElse) {
  for (const char* bad : {
           "2026-02-29",   // not a leap year
           "1900-02-29",   // divisible by 100, not 400: not leap
           "2026-04-31",   // April has 30 days
           "2026-13-01",   // no month 13
           "2026-00-10",   // no month 0
           "2026-01-00",   // no day 0
           "0000-01-01",   // no year 0
           "2026-1-5",     // not zero-padded
           "2026-01-5",
           "26-01-05",
           "2026/01/05",
           "2026-01-05 ",  // trailing space
           " 2026-01-05",
           "2026-01-05T00:00",
           "2026-0a-05",
           "+026-01-05",
           "-026-01-05",
           "garbage",
           "",
           "today",
       }) {
    EXPECT_FALSE(Date::ParseIso(bad)) << '"' << bad << '"';
  }
}

TEST(DateTest, FromYmdChecksTheCalendar) {
  EXPECT_TRUE(Date::FromYmd(2024, 2, 29));
  EXPECT_FALSE(Date::FromYmd(2023, 2, 29));
  EXPECT_FALSE(Date::FromYmd(2023, 6, 31));
  EXPECT_FALSE(Date::FromYmd(2023, 0, 1));
  EXPECT_FALSE(Date::FromYmd(10000, 1, 1));
  EXPECT_EQ(Date::FromYmd(2026, 3, 15)->iso(), "2026-03-15");
}

TEST(DateTest, IsoRoundTripsEveryDayOfTwoCenturies) {
  const Date first = D("1900-01-01");
  const Date last = D("2100-12-31");
  Date previous = first.plus_days(-1);
  std::string previous_iso = previous.iso();
  EXPECT_EQ(previous_iso, "1899-12-31");
  for (Date d = first; d <= last; d = d.plus_days(1)) {
    const std::string iso = d.iso();
    auto parsed = Date::ParseIso(iso);
    ASSERT_TRUE(parsed) << iso;
    ASSERT_EQ(*parsed, d) << iso;
    ASSERT_EQ(parsed->days(), previous.days() + 1) << iso;
    ASSERT_LT(previous_iso, iso);  // ISO strings sort like dates
    ASSERT_EQ(Date::FromYmd(d.year(), d.month(), d.day()), d) << iso;
    previous = d;
    previous_iso = iso;
  }
  EXPECT_EQ(first.days_until(last), 73413);
}

TEST(DateTest, IsoRoundTripsAcrossTheWholeRange) {
  const Date first = D("0001-01-01");
  const Date last = D("9999-12-31");
  for (Date d = first; d <= last; d = d.plus_days(97)) {
    auto parsed = Date::ParseIso(d.iso());
    ASSERT_TRUE(parsed) << d.iso();
    ASSERT_EQ(*parsed, d);
  }
  EXPECT_EQ(last.iso(), "9999-12-31");
  EXPECT_EQ(first.iso(), "0001-01-01");
}

TEST(DateTest, MonthAndYearEdges) {
  EXPECT_EQ(D("2024-02-28").plus_days(1).iso(), "2024-02-29");
  EXPECT_EQ(D("2024-02-29").plus_days(1).iso(), "2024-03-01");
  EXPECT_EQ(D("2026-02-28").plus_days(1).iso(), "2026-03-01");
  EXPECT_EQ(D("2025-12-31").plus_days(1).iso(), "2026-01-01");
  EXPECT_EQ(D("2026-01-01").plus_days(-1).iso(), "2025-12-31");
  EXPECT_EQ(D("2026-03-01").plus_days(-365).iso(), "2025-03-01");
}

TEST(DateTest, DaysUntilIsSigned) {
  EXPECT_EQ(D("2026-01-01").days_until(D("2026-03-01")), 59);
  EXPECT_EQ(D("2026-03-01").days_until(D("2026-01-01")), -59);
  EXPECT_EQ(D("2024-01-01").days_until(D("2025-01-01")), 366);
  EXPECT_EQ(D("2025-01-01").days_until(D("2026-01-01")), 365);
  EXPECT_EQ(D("2026-05-05").days_until(D("2026-05-05")), 0);
}

TEST(DateTest, Comparisons) {
  EXPECT_LT(D("2026-01-01"), D("2026-01-02"));
  EXPECT_GT(D("2026-01-01"), D("2025-12-31"));
  EXPECT_EQ(D("2026-01-01"), Date::FromDays(D("2026-01-01").days()));
  EXPECT_NE(D("2026-01-01"), D("2026-01-02"));
}

TEST(DateTest, AgeAroundBirthdays) {
  const Date birth = D("2000-05-10");
  EXPECT_EQ(age_on(birth, D("2026-05-09")), 25);
  EXPECT_EQ(age_on(birth, D("2026-05-10")), 26);
  EXPECT_EQ(age_on(birth, D("2026-05-11")), 26);
  EXPECT_EQ(age_on(birth, D("2026-04-30")), 25);
  EXPECT_EQ(age_on(birth, D("2026-06-01")), 26);
  EXPECT_EQ(age_on(birth, D("2000-05-10")), 0);
  EXPECT_EQ(age_on(birth, D("2001-05-09")), 0);
  EXPECT_EQ(age_on(birth, D("2001-05-10")), 1);
  EXPECT_EQ(age_on(D("1990-12-31"), D("2026-01-01")), 35);
  EXPECT_EQ(age_on(D("1991-01-01"), D("2025-12-31")), 34);
}

TEST(DateTest, AgeOfSomeoneBornOnFebruary29) {
  const Date birth = D("2004-02-29");
  // In a common year the birthday has not been reached on Feb 28; it has on Mar 1.
  EXPECT_EQ(age_on(birth, D("2022-02-28")), 17);
  EXPECT_EQ(age_on(birth, D("2022-03-01")), 18);
  // In a leap year, on the day itself.
  EXPECT_EQ(age_on(birth, D("2024-02-28")), 19);
  EXPECT_EQ(age_on(birth, D("2024-02-29")), 20);
  EXPECT_EQ(age_on(birth, D("2024-03-01")), 20);
}

TEST(DateTest, ParseUserDateUnderstandsTodayAndYesterday) {
  FixedDateClock clock(D("2026-03-15"));
  EXPECT_EQ(ParseUserDate("today", clock), D("2026-03-15"));
  EXPECT_EQ(ParseUserDate("yesterday", clock), D("2026-03-14"));
  EXPECT_EQ(ParseUserDate("2026-01-02", clock), D("2026-01-02"));
  // Dates after today still parse: refusing the future is the engine's business.
  EXPECT_EQ(ParseUserDate("2027-01-02", clock), D("2027-01-02"));
  EXPECT_FALSE(ParseUserDate("", clock));
  EXPECT_FALSE(ParseUserDate("tomorrow", clock));
  EXPECT_FALSE(ParseUserDate("2026-1-2", clock));
  EXPECT_FALSE(ParseUserDate("2026-02-30", clock));
  EXPECT_FALSE(ParseUserDate("today ", clock));
}

TEST(DateTest, YesterdayCrossesMonthAndYearBoundaries) {
  EXPECT_EQ(ParseUserDate("yesterday", FixedDateClock(D("2026-01-01")))->iso(), "2025-12-31");
  EXPECT_EQ(ParseUserDate("yesterday", FixedDateClock(D("2024-03-01")))->iso(), "2024-02-29");
  EXPECT_EQ(ParseUserDate("yesterday", FixedDateClock(D("2026-03-01")))->iso(), "2026-02-28");
}

TEST(DateTest, FixedClockKeepsItsDayAndGivesRealTimestamps) {
  FixedDateClock clock(D("2031-07-04"));
  EXPECT_EQ(clock.today().iso(), "2031-07-04");
  EXPECT_EQ(clock.today().iso(), "2031-07-04");
  EXPECT_TRUE(IsRfc3339Millis(clock.now_timestamp())) << clock.now_timestamp();
  EXPECT_TRUE(IsRfc3339Millis(SystemClock().now_timestamp())) << SystemClock().now_timestamp();
  EXPECT_FALSE(IsRfc3339Millis("2026-11-21T09:14:03Z"));
}

TEST(DateTest, SystemClockTodayIsAPlausibleDay) {
  const Date today = SystemClock().today();
  EXPECT_GE(today, D("2024-01-01"));
  EXPECT_LE(today, D("2200-01-01"));
}

TEST(RecordedClockTest, ParsesTheTimestampsParcoursWritesAndNothingElse) {
  auto c = RecordedClock::Parse("2026-03-04T23:59:58.120Z");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->now_timestamp(), "2026-03-04T23:59:58.120Z");
  // The latest calendar day that instant may have been anywhere.
  EXPECT_EQ(c->today(), *Date::FromYmd(2026, 3, 5));
  auto no_millis = RecordedClock::Parse("2026-03-04T09:00:00Z");
  ASSERT_TRUE(no_millis.has_value());
  EXPECT_EQ(no_millis->now_timestamp(), "2026-03-04T09:00:00.000Z");
  for (const char* bad : {"", "2026-03-04", "2026-03-04 09:00:00Z", "2026-02-30T09:00:00Z", "2026-03-04T24:00:00Z",
                          "2026-03-04T09:60:00Z", "2026-03-04T09:00:00.12Z", "2026-03-04T09:00:00+01:00",
                          "2026-03-04T09:00:00.123", "2026-03-04T0a:00:00Z", "2026-03-04T09:00:00.1234Z"}) {
    EXPECT_FALSE(RecordedClock::Parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace parcours
