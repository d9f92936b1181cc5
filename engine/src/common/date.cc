#include "parcours/date.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace parcours {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian y-m-d (era-based arithmetic,
// valid for every year representable here).
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;                                 // [0, 399]
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365]
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Ymd {
  int y, m, d;
};

Ymd CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<Date> Date::FromYmd(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  return Date(DaysFromCivil(year, month, day));
}

std::optional<Date> Date::ParseIso(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t pos, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  return FromYmd(y, m, d);
}

int Date::year() const { return CivilFromDays(days_).y; }
int Date::month() const { return CivilFromDays(days_).m; }
int Date::day() const { return CivilFromDays(days_).d; }

std::string Date::iso() const {
  const Ymd c = CivilFromDays(days_);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y, c.m, c.d);
  return buf;
}

Date Date::plus_months(int n) const {
  const Ymd c = CivilFromDays(days_);
  const int months = c.y * 12 + (c.m - 1) + n;
  const int y = months / 12, m = months % 12 + 1;
  if (c.d <= DaysInMonth(y, m)) return Date(DaysFromCivil(y, m, c.d));
  return Date(DaysFromCivil(y, m, DaysInMonth(y, m))).plus_days(1);
}

int age_on(Date birth, Date on) {
  const Ymd b = CivilFromDays(birth.days());
  const Ymd o = CivilFromDays(on.days());
  int age = o.y - b.y;
  if (o.m < b.m || (o.m == b.m && o.d < b.d)) --age;
  return age;
}

Date SystemClock::today() const {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return *Date::FromYmd(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

std::string SystemClock::now_timestamp() const {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buf;
}

std::optional<RecordedClock> RecordedClock::Parse(std::string_view stamp) {
  // YYYY-MM-DDTHH:MM:SS[.mmm]Z
  if (stamp.size() != 20 && stamp.size() != 24) return std::nullopt;
  const auto day = Date::ParseIso(stamp.substr(0, 10));
  if (!day || stamp[10] != 'T' || stamp[13] != ':' || stamp[16] != ':' || stamp.back() != 'Z') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t n, int max) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (stamp[i] < '0' || stamp[i] > '9') return -1;
      v = v * 10 + (stamp[i] - '0');
    }
    return v <= max ? v : -1;
  };
  if (number(11, 2, 23) < 0 || number(14, 2, 59) < 0 || number(17, 2, 60) < 0) return std::nullopt;
  if (stamp.size() == 24 && (stamp[19] != '.' || number(20, 3, 999) < 0)) return std::nullopt;
  // Kept with milliseconds, as Parcours writes every timestamp.
  std::string kept(stamp);
  if (kept.size() == 20) kept.replace(19, 1, ".000Z");
  return RecordedClock(day->plus_days(1), std::move(kept));
}

std::optional<Date> ParseUserDate(std::string_view text, const Clock& clock) {
  if (text == "today") return clock.today();
  if (text == "yesterday") return clock.today().plus_days(-1);
  return Date::ParseIso(text);
}

}  // namespace parcours
