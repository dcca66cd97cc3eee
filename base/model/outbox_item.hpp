// One outgoing message: a row of the outbox, written in the same transaction as the change that
// caused it (docs/design.md "Every outgoing message goes through the outbox").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridbot {

/// superseded: a later notice for the same (destination, supersede key) replaced it unsent.
/// awaiting: the platform holds it as a task a person must confirm (a WeCom customer-group
/// send, confirmed by the group's owner); last_error names the task.
enum class DeliveryState { pending, delivered, failed, disabled, superseded, awaiting };

const char* to_string(DeliveryState s);
bool parse_delivery_state(const std::string& s, DeliveryState& out);

/// Higher goes first. Urgent notices outrank routine replies.
namespace priority {
/// A 补充 to a relay: behind everything else in its group, so that, held back for later
/// follow-ups, it never holds up another message.
inline constexpr int kFollowUp = -1;
inline constexpr int kRoutine = 0;
inline constexpr int kNotice = 5;
inline constexpr int kOutage = 8;  // outage and emergency notices: before routine and notices
inline constexpr int kUrgent = 10;
}  // namespace priority

/// The key of the message a row is a piece of: "k" for "k", "k#2", "k#3" (queue_message splits a
/// long text into pieces keyed so).
inline std::string idempotency_base(const std::string& key) {
  const auto hash = key.rfind('#');
  if (hash == std::string::npos || hash + 1 == key.size()) return key;
  for (size_t i = hash + 1; i < key.size(); ++i)
    if (key[i] < '0' || key[i] > '9') return key;
  return key.substr(0, hash);
}

struct OutboxItem {
  int64_t id = 0;
  std::string channel;
  std::string chat_id;
  std::string text;                        // UTF-8, already split to the platform's size limit
  std::vector<std::string> mentions;       // platform ids @-mentioned
  std::vector<std::string> mention_names;  // the name each is shown by in `text` ("" = the id)
  std::string reply_token;  // from the InboundMessage this answers, when the platform needs it
  int priority = priority::kRoutine;
  std::string idempotency_key;  // unique; sent to platforms that dedupe, guards re-enqueue
  /// Non-empty: a newer row with the same (channel, chat, supersede_key) replaces this one while
  /// it is still pending (a later incident update supersedes a queued one).
  std::string supersede_key;
  DeliveryState state = DeliveryState::pending;
  int attempts = 0;
  int64_t next_try_ms = 0;
  int64_t created_ms = 0;
  int64_t delivered_ms = 0;
  std::string last_error;
  /// The request that caused the row (an inbound request, an API call, a timer run), so that the
  /// dispatcher's log lines name it (docs/deploy.md "Logs").
  std::string request_id;
  /// Non-zero: the row sends this medium (a `media` row's id) as an image, on platforms that
  /// show one (docs/media.md "Media out"); its text is empty.
  int64_t media_id = 0;
};

}  // namespace gridbot
