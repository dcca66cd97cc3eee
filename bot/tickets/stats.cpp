#include "bot/tickets/stats.hpp"

#include <algorithm>
#include <vector>

namespace gridbot::tickets {
namespace {

std::string pct(int part, int whole) {
  if (whole == 0) return "—";
  return std::to_string((part * 1000 / whole + 5) / 10) + "%";
}

// "水电3、环境2": the `max` biggest first when by_count, else in code order.
std::string count_list(const knowledge::Templates& t, const char* prefix,
                       const std::map<std::string, int>& counts, size_t max, bool by_count) {
  std::vector<std::pair<int, std::string>> sorted;
  for (const auto& [code, n] : counts) sorted.emplace_back(-n, code);
  if (by_count) std::stable_sort(sorted.begin(), sorted.end());
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < max; ++i)
    out += (out.empty() ? "" : t.label("list", "separator")) + t.label(prefix, sorted[i].second) +
           std::to_string(-sorted[i].first);
  return out.empty() ? "—" : out;
}

}  // namespace

TicketStats compute_stats(const Figures& f) {
  TicketStats s;
  auto narrow = [](int64_t v) { return static_cast<int>(v); };
  s.received = narrow(f.received);
  s.accepted_in_time = narrow(f.accepted_in_time);
  s.resolved = narrow(f.resolved);
  s.satisfied = narrow(f.satisfied);
  s.unsatisfied = narrow(f.unsatisfied);
  s.defaulted = narrow(f.defaulted);
  s.misses = narrow(f.misses);
  s.reopened = narrow(f.reopened);
  s.median_accept_ms = f.accept.median_ms();
  s.median_resolve_ms = f.resolve.median_ms();
  for (const auto& [k, n] : f.by_category) s.by_category[k] = narrow(n);
  for (const auto& [k, n] : f.by_tier) s.by_tier[k] = narrow(n);
  return s;
}

std::string duration_text(const knowledge::Templates& t, int64_t ms) {
  if (ms < 0) return "—";
  const int64_t minutes = ms / 60'000;
  auto n = [](int64_t v) { return std::to_string(v); };
  if (minutes < 60) return t.render("duration.minutes", {{"m", n(minutes)}});
  if (minutes < 48 * 60)
    return t.render("duration.hours", {{"h", n(minutes / 60)}, {"m", n(minutes % 60)}});
  return t.render("duration.days", {{"d", n(minutes / 1440)}, {"h", n(minutes % 1440 / 60)}});
}

std::string stats_text(const knowledge::Templates& t, const std::string& node_name,
                       const std::string& period, const TicketStats& s) {
  return t.render("stats.summary",
                  {{"node", node_name},
                   {"period", period},
                   {"received", std::to_string(s.received)},
                   {"response_rate", pct(s.accepted_in_time, s.received)},
                   {"resolve_rate", pct(s.resolved, s.received)},
                   {"satisfaction_rate", pct(s.satisfied, s.satisfied + s.unsatisfied)},
                   {"defaulted", std::to_string(s.defaulted)},
                   {"reopened", std::to_string(s.reopened)},
                   {"misses", std::to_string(s.misses)},
                   {"median_accept", duration_text(t, s.median_accept_ms)},
                   {"median_resolve", duration_text(t, s.median_resolve_ms)},
                   {"categories", count_list(t, "category", s.by_category, 5, true)},
                   {"tiers", count_list(t, "tier", s.by_tier, s.by_tier.size(), false)}});
}

}  // namespace gridbot::tickets
