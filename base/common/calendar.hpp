// Local calendar arithmetic at the deployment's fixed UTC offset (China has no daylight saving):
// the start of the day, week (Monday) and month holding a time, a civil date as ms, and the short
// "MM-DD HH:MM" residents read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridbot {

inline constexpr int64_t kDayMs = 86'400'000;

int64_t local_day_start(int64_t t_ms, int64_t utc_offset_ms);
int64_t local_week_start(int64_t t_ms, int64_t utc_offset_ms);
int64_t local_month_start(int64_t t_ms, int64_t utc_offset_ms);
/// "11-24 14:00" in local time.
std::string local_time_text(int64_t t_ms, int64_t utc_offset_ms);
/// "2026-11-24" in local time.
std::string local_date_text(int64_t t_ms, int64_t utc_offset_ms);
/// "HH:MM" (24-hour, two digits each) → minutes after midnight; nullopt for anything else.
std::optional<int> parse_hh_mm(std::string_view s);
/// "2026-11-01" → that local midnight in ms; nullopt for anything else.
std::optional<int64_t> parse_local_date(std::string_view s, int64_t utc_offset_ms);

}  // namespace gridbot
