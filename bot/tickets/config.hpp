// The ticket workflow's settings (docs/configuration.md "tickets"), in ms.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

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
  /// A sender's messages within this of their report complete it (docs/media.md "Follow-ups");
  /// 0 turns follow-ups off.
  int64_t follow_up_ms = 5 * 60 * 1000LL;
  int64_t follow_up_delay_ms = 60 * 1000LL;  // a 补充 waits this long for later follow-ups
  /// The signed link to medium `id` that relays show (docs/media.md "Links"), "" for none; unset
  /// when media links are off.
  std::function<std::string(int64_t media_id)> media_link;
};

}  // namespace gridbot::tickets
