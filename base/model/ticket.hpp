// A ticket: one resident matter, its owner in the tree, its reporters and its full history
// (docs/design.md "The model").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot {

/// new → accepted → (transferred | escalated | returned)* → resolved → confirmed | reopened;
/// closed.
enum class TicketStatus {
  new_,
  accepted,
  transferred,
  escalated,
  returned,
  resolved,
  confirmed,
  reopened,
  closed
};

const char* to_string(TicketStatus s);
std::optional<TicketStatus> parse_ticket_status(std::string_view s);
/// Open means someone still has to act: everything before resolved, and reopened.
bool is_open(TicketStatus s);

/// Who owns a matter (docs/domain.md "Tiers"): the resident's own (属私事, the building helps),
/// a small matter (the grid), a big one (the street, with its department), a hard one (the
/// street, marked for the leaders). Written "private", "small", "big", "hard" at the edges.
enum class Tier { private_, small, big, hard };

const char* to_string(Tier t);
std::optional<Tier> parse_tier(std::string_view s);

struct Reporter {
  std::string channel;
  std::string user_id;
  std::string name;
  std::string chat_id;  // the group they reported from
  int64_t joined_ms = 0;
};

struct TicketEvent {
  int64_t id = 0;
  int64_t at_ms = 0;
  std::string actor_id;  // platform user id, or "gridbot"
  std::string actor_name;
  std::string kind;    // created, merged, relayed, accepted, resolved, refused, …
  std::string detail;  // free text (the note of 办结, the reason of a refusal)
  std::string from_status, to_status;
};

struct Ticket {
  int64_t no = 0;  // the short human number (#1024), unique per deployment
  std::string text;
  std::string category;
  Tier tier = Tier::small;
  bool urgent = false;
  bool leader_marked = false;  // hard matters: a district leader supervises
  bool supervised = false;     // 督办: a higher level or a missed deadline put it under watch
  std::string assignee;        // a person it was handed to (the property head), "channel:user"
  std::string building, unit, room;  // location
  TicketStatus status = TicketStatus::new_;
  std::string origin_node;  // the building node
  std::string origin_channel;
  std::string origin_chat;
  std::string origin_msg_id;
  std::string owner_level;  // street | community | district | grid | building
  std::string owner_node;
  std::string department;   // department node id handling it, if any
  std::string merge_key;    // origin node + category: the duplicate-merge key (with unit)
  std::string origin_path;  // "/street/community/…/building/": subtree queries match "/node/"
  std::string
      handed;  // "/dept/…/": nodes off the origin path it was handed to (the store keeps it)
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t accepted_ms = 0;
  int64_t resolved_ms = 0;
  std::vector<Reporter> reporters;  // first is the original reporter
  std::vector<TicketEvent> events;  // oldest first; filled on reads that ask for it
};

}  // namespace gridbot
