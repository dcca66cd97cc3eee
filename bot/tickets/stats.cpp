#include "bot/tickets/stats.hpp"

#include <algorithm>

namespace gridbot::tickets {
namespace {

std::string pct(int part, int whole) {
  if (whole == 0) return "—";
  return std::to_string((part * 1000 / whole + 5) / 10) + "%";
}

int64_t median(std::vector<int64_t> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
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

TicketStats compute_stats(const TicketConfig& cfg, const std::vector<store::TicketFacts>& facts) {
  TicketStats s;
  std::vector<int64_t> accept, resolve;
  for (const auto& f : facts) {
    const auto& t = f.ticket;
    ++s.received;
    ++s.by_category[t.category];
    ++s.by_tier[to_string(t.tier)];
    s.misses += f.misses;
    s.satisfied += f.satisfied;
    s.unsatisfied += f.unsatisfied;
    s.defaulted += f.defaulted;
    s.reopened += f.unsatisfied > 0 ? 1 : 0;
    if (t.accepted_ms > 0) {
      accept.push_back(t.accepted_ms - t.created_ms);
      if (t.accepted_ms - t.created_ms <= cfg.accept_ms) ++s.accepted_in_time;
    }
    if (t.resolved_ms > 0) {
      ++s.resolved;
      resolve.push_back(t.resolved_ms - t.created_ms);
    }
  }
  s.median_accept_ms = median(std::move(accept));
  s.median_resolve_ms = median(std::move(resolve));
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
