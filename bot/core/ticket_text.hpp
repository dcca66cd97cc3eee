// Small text helpers for ticket messages: phone masking, location wording, mention lists.
#pragma once

#include "bot/model/ticket.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gridbot::core {

/// Masks mainland mobile numbers (11 digits starting with 1, optionally written 3-4-4 with spaces
/// or dashes, or +86) as 138****5678, for every group above the reporter's own.
std::string mask_phones(std::string_view text);

/// "5栋2单元501室" from a ticket's location parts ("" when none).
std::string location_text(const Ticket& t);

/// "@name @name" for the given display names (names empty → ids).
std::string mention_text(const std::vector<std::pair<std::string, std::string>>& id_name);

}  // namespace gridbot::core
