// Names of delivery states, as the API and the store spell them.
#include "base/model/outbox_item.hpp"

namespace gridbot {

const char* to_string(DeliveryState s) {
  switch (s) {
    case DeliveryState::pending:
      return "pending";
    case DeliveryState::delivered:
      return "delivered";
    case DeliveryState::failed:
      return "failed";
    case DeliveryState::disabled:
      return "disabled";
    case DeliveryState::superseded:
      return "superseded";
    case DeliveryState::awaiting:
      return "awaiting_confirmation";
  }
  return "pending";
}

bool parse_delivery_state(const std::string& s, DeliveryState& out) {
  for (auto st : {DeliveryState::pending, DeliveryState::delivered, DeliveryState::failed,
                  DeliveryState::disabled, DeliveryState::superseded, DeliveryState::awaiting}) {
    if (s == to_string(st)) {
      out = st;
      return true;
    }
  }
  return false;
}

}  // namespace gridbot
