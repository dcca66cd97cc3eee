// One outgoing message: a row of the outbox, written in the same transaction as the change that
// caused it (DESIGN.md "Every outgoing message goes through the outbox").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridbot {

enum class DeliveryState { pending, delivered, failed, disabled };

const char* to_string(DeliveryState s);
bool parse_delivery_state(const std::string& s, DeliveryState& out);

/// Higher goes first. Urgent notices outrank routine replies.
namespace priority {
inline constexpr int kRoutine = 0;
inline constexpr int kNotice = 5;
inline constexpr int kUrgent = 10;
}  // namespace priority

struct OutboxItem {
  int64_t id = 0;
  std::string channel;
  std::string chat_id;
  std::string text;  // UTF-8, already split to the platform's size limit
  std::vector<std::string> mentions;
  std::string reply_token;  // from the InboundMessage this answers, when the platform needs it
  int priority = priority::kRoutine;
  std::string idempotency_key;  // unique; sent to platforms that dedupe, guards re-enqueue
  DeliveryState state = DeliveryState::pending;
  int attempts = 0;
  int64_t next_try_ms = 0;
  int64_t created_ms = 0;
  int64_t delivered_ms = 0;
  std::string last_error;
};

}  // namespace gridbot
