// WeCom's send answers ({"errcode":…,"errmsg":…}) mapped to outbox verdicts, one table for the
// group robot and the AI bot's response_url (docs/adapters/wecom.md, "Error codes").
#pragma once

#include "adapters/adapter.hpp"

namespace gridbot::adapters::wecom {

/// How long a "too fast" answer makes the destination wait: the robot's window is one minute.
inline constexpr int64_t kThrottleWaitMs = 60'000;

/// Where the answer came from: the robot's errcode 93000 means the destination is gone for good
/// (disabled); on a one-shot response_url the same family only fails that message.
enum class SendTarget { robot_webhook, response_url };

/// Transport errors and 5xx → retry; 429 → throttled; errcode 0 → delivered; 45009/130101 →
/// throttled 60 s; 93000 → disabled (robot) or failed (response_url); -1 → retry; any other
/// errcode, a non-2xx 4xx, or a 2xx body that is not WeCom's JSON → failed/retry as documented.
SendOutcome interpret_send_answer(const TransportResult& result, SendTarget target);

}  // namespace gridbot::adapters::wecom
