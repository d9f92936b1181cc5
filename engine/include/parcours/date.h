// Calendar dates and the clock the engine reads them from.
//
// A Date is a day in the proleptic Gregorian calendar, stored as days since
// 1970-01-01. Dates are ISO 8601 (YYYY-MM-DD) in and out. The clock is injected
// so tests and reproducible runs can fix "today".
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace parcours {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Returns nullopt when y-m-d is not a real calendar day.
  static std::optional<Date> FromYmd(int year, int month, int day);
  // Parses exactly YYYY-MM-DD; nullopt on anything else (no "2026-1-5").
  static std::optional<Date> ParseIso(std::string_view text);

  int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  std::string iso() const;

  Date plus_days(int32_t n) const { return Date(days_ + n); }
  // The same day of the month `n` months later (n >= 0). When that month is
  // too short, the first day of the month after it: the first day on which
  // months_between(this, day) >= n (2026-08-31 + 6 months = 2027-03-01).
  Date plus_months(int n) const;
  // Signed number of days from this date to `later`.
  int32_t days_until(Date later) const { return later.days_ - days_; }

  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  constexpr explicit Date(int32_t d) : days_(d) {}
  int32_t days_ = 0;
};

// Age in completed years on `on` for someone born on `birth`.
int age_on(Date birth, Date on);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Date today() const = 0;
  // The instant, as an RFC 3339 UTC timestamp with milliseconds ("2026-11-21T09:14:03.120Z").
  virtual std::string now_timestamp() const = 0;
};

// The machine's clock (local calendar day, UTC timestamps).
class SystemClock : public Clock {
 public:
  Date today() const override;
  std::string now_timestamp() const override;
};

// A clock whose calendar day is fixed; timestamps still come from the system.
// Used by tests and by PARCOURS_TODAY for reproducible demos.
class FixedDateClock : public Clock {
 public:
  explicit FixedDateClock(Date today) : today_(today) {}
  Date today() const override { return today_; }
  std::string now_timestamp() const override { return SystemClock().now_timestamp(); }

 private:
  Date today_;
};

// The clock of a command recorded at a past instant (an imported row): its
// timestamp is that instant, and its today a given day.
class RecordedClock : public Clock {
 public:
  RecordedClock(Date today, std::string stamp) : today_(today), stamp_(std::move(stamp)) {}
  // Parses an RFC 3339 UTC timestamp as Parcours writes them,
  // YYYY-MM-DDTHH:MM:SS.mmmZ (the milliseconds may be left out: then .000);
  // nullopt on anything else. Today is the latest calendar day that instant
  // may have been anywhere (its UTC day plus one), so that a row dated on its
  // local day is never taken for the future.
  static std::optional<RecordedClock> Parse(std::string_view stamp);
  Date today() const override { return today_; }
  std::string now_timestamp() const override { return stamp_; }

 private:
  Date today_;
  std::string stamp_;
};

// Parses a date as typed by a person: YYYY-MM-DD, "today" or "yesterday".
// On error the message names the text and the accepted forms.
std::optional<Date> ParseUserDate(std::string_view text, const Clock& clock);

}  // namespace parcours
