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

namespace {
constexpr std::array<std::pair<Tier, const char*>, 4> kTiers{{{Tier::private_, "private"},
                                                              {Tier::small, "small"},
                                                              {Tier::big, "big"},
                                                              {Tier::hard, "hard"}}};
constexpr std::array<std::pair<DeadlineKind, const char*>, 5> kClocks{
    {{DeadlineKind::accept, "accept"},
     {DeadlineKind::update, "update"},
     {DeadlineKind::resolve, "resolve"},
     {DeadlineKind::satisfaction, "satisfaction"},
     {DeadlineKind::digest, "digest"}}};
}  // namespace

const char* to_string(Tier t) {
  for (const auto& [v, name] : kTiers)
    if (v == t) return name;
  return "?";
}
std::optional<Tier> parse_tier(std::string_view s) {
  for (const auto& [v, name] : kTiers)
    if (s == name) return v;
  return std::nullopt;
}
const char* to_string(DeadlineKind c) {
  for (const auto& [v, name] : kClocks)
    if (v == c) return name;
  return "?";
}
std::optional<DeadlineKind> parse_deadline_kind(std::string_view s) {
  for (const auto& [v, name] : kClocks)
    if (s == name) return v;
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
