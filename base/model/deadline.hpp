// A deadline: every clock of a ticket is a row, so timers survive restarts and fire once
// (docs/design.md "Every deadline is a row").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridbot {

/// pending → warned → missed, or → done when the clock is stopped in time.
enum class DeadlineState { pending, warned, missed, done };

const char* to_string(DeadlineState s);

/// The clocks of a ticket at its holding level (docs/commands.md), and the daily digest's job.
enum class DeadlineKind { accept, update, resolve, satisfaction, digest };

const char* to_string(DeadlineKind c);
std::optional<DeadlineKind> parse_deadline_kind(std::string_view s);

struct Deadline {
  int64_t id = 0;
  int64_t ticket_no = 0;  // 0 for jobs that belong to no ticket (the daily digest)
  DeadlineKind clock = DeadlineKind::accept;
  std::string node;  // the holder whose clock it is (for the digest: the community)
  int64_t due_ms = 0;
  int64_t warn_ms = 0;  // 0: no warning
  DeadlineState state = DeadlineState::pending;
  int64_t created_ms = 0;
  int64_t fired_ms = 0;
};

/// One reporter's answer to the satisfaction question after 办结.
struct SatisfactionAnswer {
  int64_t ticket_no = 0;
  std::string channel, user_id;
  int64_t asked_ms = 0;
  std::string answer;  // "" pending, satisfied, unsatisfied, default (no answer in time)
  int64_t answered_ms = 0;
};

}  // namespace gridbot
