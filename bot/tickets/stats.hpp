// The figures of a node and period (docs/commands.md "统计"): read from the store's per-node
// per-day rows, for 统计, the daily digest and GET /api/v1/stats alike.
#pragma once

#include "bot/knowledge/templates.hpp"
#include "bot/store/store.hpp"
#include "bot/tickets/config.hpp"

#include <map>
#include <string>
#include <vector>

namespace gridbot::tickets {

struct TicketStats {
  int received = 0, accepted_in_time = 0, resolved = 0;
  int satisfied = 0, unsatisfied = 0, defaulted = 0, misses = 0;
  int reopened = 0;  // tickets reopened by an unsatisfied verdict at least once
  int64_t median_accept_ms = -1, median_resolve_ms = -1;  // -1: nothing to measure
  std::map<std::string, int> by_category, by_tier;
};

/// The figures as the replies and the API show them.
TicketStats compute_stats(const Figures& f);

/// The figures in words (template stats.summary) for `node_name` and `period` (already a label).
std::string stats_text(const knowledge::Templates& t, const std::string& node_name,
                       const std::string& period, const TicketStats& s);

/// "3小时20分" from the templates' duration words; "—" below zero.
std::string duration_text(const knowledge::Templates& t, int64_t ms);

}  // namespace gridbot::tickets
