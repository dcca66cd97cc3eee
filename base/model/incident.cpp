// Names of incident and review states, as the API and the store spell them.
#include "base/model/incident.hpp"

namespace gridbot {

const char* to_string(IncidentStatus s) {
  switch (s) {
    case IncidentStatus::open:
      return "open";
    case IncidentStatus::restored:
      return "restored";
    case IncidentStatus::closed:
      return "closed";
  }
  return "open";
}

std::optional<IncidentStatus> parse_incident_status(std::string_view s) {
  for (auto st : {IncidentStatus::open, IncidentStatus::restored, IncidentStatus::closed})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

const char* to_string(ReviewState s) {
  switch (s) {
    case ReviewState::pending:
      return "pending";
    case ReviewState::approved:
      return "approved";
    case ReviewState::rejected:
      return "rejected";
  }
  return "pending";
}

std::optional<ReviewState> parse_review_state(std::string_view s) {
  for (auto st : {ReviewState::pending, ReviewState::approved, ReviewState::rejected})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

}  // namespace gridbot
