#include "base/common/calendar.hpp"

#include "base/common/strict_int.hpp"

#include <cstdio>
#include <ctime>

namespace gridbot {
namespace {

std::tm local_tm(int64_t t_ms, int64_t off) {
  const std::time_t secs = static_cast<std::time_t>((t_ms + off) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

}  // namespace

int64_t local_day_start(int64_t t, int64_t off) {
  const int64_t local = t + off;
  return local - ((local % kDayMs) + kDayMs) % kDayMs - off;
}

int64_t local_week_start(int64_t t, int64_t off) {
  const std::tm tm = local_tm(t, off);
  const int since_monday = (tm.tm_wday + 6) % 7;
  return local_day_start(t, off) - since_monday * kDayMs;
}

int64_t local_month_start(int64_t t, int64_t off) {
  const std::tm tm = local_tm(t, off);
  return local_day_start(t, off) - (tm.tm_mday - 1) * kDayMs;
}

std::string local_time_text(int64_t t, int64_t off) {
  const std::tm tm = local_tm(t, off);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min);
  return buf;
}

std::string local_date_text(int64_t t, int64_t off) {
  const std::tm tm = local_tm(t, off);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::optional<int> parse_hh_mm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  const auto h = parse_int<int>(s.substr(0, 2), 0, 23);
  const auto m = parse_int<int>(s.substr(3, 2), 0, 59);
  if (!h || !m) return std::nullopt;
  return *h * 60 + *m;
}

std::optional<int64_t> parse_local_date(std::string_view s, int64_t utc_offset_ms) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y0 = parse_int<int>(s.substr(0, 4), 1970, 9999);
  auto m = parse_int<int>(s.substr(5, 2), 1, 12);
  auto d = parse_int<int>(s.substr(8, 2), 1, 31);
  if (!y0 || !m || !d) return std::nullopt;
  // Days from the civil date (Howard Hinnant's algorithm).
  const int y = *y0 - (*m <= 2);
  const int era = y / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (*m + (*m > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return days * kDayMs - utc_offset_ms;
}

}  // namespace gridbot
