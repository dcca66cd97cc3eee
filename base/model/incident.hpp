// An outage or emergency incident: its scope, the groups it reaches, and its updates,
// each reviewed before it goes out (docs/design.md "The model").
#pragma once

#include "base/model/org.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot {

/// open → restored (power back, closing notice sent) → closed.
enum class IncidentStatus { open, restored, closed };
/// Each update: pending (waits for a controller) → approved (fanned out) | rejected.
enum class ReviewState { pending, approved, rejected };

const char* to_string(IncidentStatus s);
std::optional<IncidentStatus> parse_incident_status(std::string_view s);
const char* to_string(ReviewState s);
std::optional<ReviewState> parse_review_state(std::string_view s);

struct IncidentUpdate {
  int64_t id = 0;
  int64_t incident_no = 0;
  std::string kind;  // "open", "progress" or "restored"
  std::string text;  // the crew's words (cause for "open", progress, …)
  std::string photo_url;
  std::string expected_restore;  // as written: "19:30"; empty when unknown
  std::string author_id;         // platform user id, or the API client's name
  std::string author_name;
  std::string source;       // "chat" or "api"
  std::string external_id;  // the utility system's id of this update (dedupe of retries)
  ReviewState review = ReviewState::pending;
  std::string reviewer_id;
  std::string reject_reason;
  int64_t created_ms = 0;
  int64_t reviewed_ms = 0;
};

/// One group the incident's notices go to.
struct IncidentTarget {
  std::string node;  // the building or grid node id
  Level level = Level::building;
  GroupRef group;
  int households = 0;     // the building's; 0 for a grid group
  bool reachable = true;  // false: the group's channel cannot post unprompted; notices skip it
};

struct Incident {
  int64_t no = 0;     // short human number: E<no>, unique per deployment
  std::string kind;   // power | water | gas | gas_leak | flood | other
  std::string scope;  // as written: "10kV沙河线" or "b1,b2"
  std::string cause;
  IncidentStatus status = IncidentStatus::open;
  std::string expected_restore;             // the latest one announced
  std::string origin_channel, origin_chat;  // the crew/department group it was opened from
  std::string external_id;                  // set when a utility system opened it
  int64_t created_ms = 0, updated_ms = 0, restored_ms = 0;
  int households = 0;
  std::vector<IncidentTarget> targets;  // building groups, then their grid groups
  std::vector<IncidentUpdate> updates;  // oldest first; filled on loads that ask for it
  int64_t links = 0;                    // residents' reports linked to it (inhibition)

  std::string label() const { return label_of(no); }
  /// "E12". Appended rather than `"E" + std::to_string(no)`, which GCC 12 flags with a false
  /// -Wrestrict at -O2.
  static std::string label_of(int64_t no) {
    std::string s = "E";
    s += std::to_string(no);
    return s;
  }
};

}  // namespace gridbot
