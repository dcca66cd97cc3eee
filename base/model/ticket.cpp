// Ticket status names, as the store and the API spell them.
#include "base/model/ticket.hpp"

#include "base/model/deadline.hpp"

#include <array>

namespace gridbot {
namespace {
constexpr std::array<std::pair<TicketStatus, const char*>, 9> kNames{{
    {TicketStatus::new_, "new"},
    {TicketStatus::accepted, "accepted"},
    {TicketStatus::transferred, "transferred"},
    {TicketStatus::escalated, "escalated"},
    {TicketStatus::returned, "returned"},
    {TicketStatus::resolved, "resolved"},
    {TicketStatus::confirmed, "confirmed"},
    {TicketStatus::reopened, "reopened"},
    {TicketStatus::closed, "closed"},
}};
}  // namespace

const char* to_string(TicketStatus s) {
  for (const auto& [st, name] : kNames)
    if (st == s) return name;
  return "new";
}

std::optional<TicketStatus> parse_ticket_status(std::string_view s) {
  for (const auto& [st, name] : kNames)
    if (s == name) return st;
  return std::nullopt;
}

const char* to_string(DeadlineState s) {
  switch (s) {
    case DeadlineState::pending:
      return "pending";
    case DeadlineState::warned:
      return "warned";
    case DeadlineState::missed:
      return "missed";
    case DeadlineState::done:
      return "done";
  }
  return "pending";
}

bool is_open(TicketStatus s) {
  return s != TicketStatus::resolved && s != TicketStatus::confirmed && s != TicketStatus::closed;
}

}  // namespace gridbot
