// The ticket workflow's settings (docs/configuration.md "tickets"), in ms.
#pragma once

#include <cstdint>

namespace gridbot::tickets {

struct TicketConfig {
  int64_t merge_window_ms = 72 * 3600 * 1000LL;  // same category, same building/unit → one ticket
  int64_t repeat_reply_ms = 3600 * 1000LL;  // a reporter repeating a report: one answer per window
  int64_t accept_ms = 2 * 3600 * 1000LL;
  int64_t update_ms = 24 * 3600 * 1000LL;
  int64_t resolve_urgent_ms = 2 * 3600 * 1000LL;
  int64_t resolve_utility_ms = 24 * 3600 * 1000LL;
  int64_t resolve_general_ms = 7 * 24 * 3600 * 1000LL;
  int64_t resolve_complex_ms = 15 * 24 * 3600 * 1000LL;
  double warn_at = 0.75;
  int64_t satisfaction_ms = 72 * 3600 * 1000LL;
  int digest_minute = 20 * 60;  // local minute of day of the daily digest
  int64_t utc_offset_ms = 8 * 3600 * 1000LL;
};

}  // namespace gridbot::tickets
