// Small text helpers for ticket messages: phone masking, quoting up the chain, location wording.
#pragma once

#include "base/model/ticket.hpp"
#include "bot/knowledge/templates.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gridbot::tickets {

/// Masks mainland mobile numbers (11 digits starting with 1, optionally written 3-4-4 with spaces
/// or dashes, or +86) as 138****5678, for every group above the reporter's own.
std::string mask_phones(std::string_view text);

/// A resident's words as quoted in groups above the building: phones masked, and cut to
/// max_chars characters (never inside one) with "…" — the full text stays on the ticket, so a
/// pasted article does not flood the chain with pieces.
std::string quote_up(std::string_view text, size_t max_chars = 200);

/// "5栋2单元501室" from a ticket's location parts, in the words of templates location.* ("" when
/// none).
std::string location_text(const knowledge::Templates& tpl, const Ticket& t);

}  // namespace gridbot::tickets
