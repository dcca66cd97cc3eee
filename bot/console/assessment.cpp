// Assessment (考核): a node's 响应率, 解决率, 满意率, deadlines met and medians for a period, by
// child node, by grid, by category and by week, as JSON, CSV or XLSX. Every figure is
// tickets::compute_stats over the store's per-node per-day figures, as 统计 and /api/v1/stats
// count them; categories show their counts only (the figures keep no rates per category).
#include "base/common/calendar.hpp"
#include "base/common/json_writer.hpp"
#include "base/common/strict_int.hpp"
#include "bot/console/console_api.hpp"
#include "bot/console/export.hpp"
#include "bot/tickets/stats.hpp"

#include <cmath>

namespace gridbot::console {
namespace {

constexpr int64_t kWeekMs = 7 * kDayMs;

struct Row {
  std::string key, name, level;
  tickets::TicketStats s;
  bool counts_only = false;  // a category: the figures keep its count, not its rates
};

double rate(int part, int whole) {
  return whole == 0 ? std::nan("") : 100.0 * static_cast<double>(part) / whole;
}
double hours(int64_t ms) {
  return ms < 0 ? std::nan("") : std::round(static_cast<double>(ms) / 36'000.0) / 100.0;
}
double response_rate(const tickets::TicketStats& s) { return rate(s.accepted_in_time, s.received); }
double resolve_rate(const tickets::TicketStats& s) { return rate(s.resolved, s.received); }
double satisfaction_rate(const tickets::TicketStats& s) {
  return rate(s.satisfied, s.satisfied + s.unsatisfied);
}
// Deadlines met: the received tickets that missed none of their clocks.
double met_rate(const tickets::TicketStats& s) {
  return rate(std::max(0, s.received - s.misses), s.received);
}

void write_rate(JsonWriter& w, const char* key, double v) {
  w.key(key);
  if (std::isnan(v))
    w.null();
  else
    w.value(std::round(v * 10) / 10);
}

void write_figures(JsonWriter& w, const Row& f) {
  const auto& s = f.s;
  w.begin_object().key("key").value(f.key).key("name").value(f.name).key("level").value(f.level);
  w.key("received").value(s.received).key("accepted_in_time").value(s.accepted_in_time);
  w.key("resolved").value(s.resolved).key("satisfied").value(s.satisfied);
  w.key("unsatisfied").value(s.unsatisfied).key("defaulted").value(s.defaulted);
  w.key("misses").value(s.misses).key("reopened").value(s.reopened);
  const double none = std::nan("");
  write_rate(w, "response_rate", f.counts_only ? none : response_rate(s));
  write_rate(w, "resolve_rate", f.counts_only ? none : resolve_rate(s));
  write_rate(w, "satisfaction_rate", f.counts_only ? none : satisfaction_rate(s));
  write_rate(w, "met_rate", f.counts_only ? none : met_rate(s));
  write_rate(w, "median_accept_h", hours(s.median_accept_ms));
  write_rate(w, "median_resolve_h", hours(s.median_resolve_ms));
  w.end_object();
}

std::vector<Cell> figure_row(const std::string& group, const Row& f) {
  const auto& s = f.s;
  auto n = [](int v) { return Cell(static_cast<double>(v)); };
  if (f.counts_only) return {group, f.name, n(s.received)};
  return {group,
          f.name,
          n(s.received),
          n(s.accepted_in_time),
          response_rate(s),
          n(s.resolved),
          resolve_rate(s),
          n(s.satisfied),
          n(s.unsatisfied),
          n(s.defaulted),
          satisfaction_rate(s),
          n(s.misses),
          met_rate(s),
          hours(s.median_accept_ms),
          hours(s.median_resolve_ms)};
}

}  // namespace

HttpResponse ConsoleApi::assessment(Call& c, std::string_view format) {
  std::string node = c.params["node"];
  if (node.empty()) node = c.scope.root();
  if (!c.scope.node(node)) return json_error(403, "out_of_scope", "node");
  const auto& cfg = tickets_.config();
  const int64_t off = cfg.utc_offset_ms;
  const int64_t now = clock_.now_ms();
  std::optional<int64_t> from = local_month_start(now, off), to = now + 1;
  if (!c.params["from"].empty() && !(from = parse_local_date(c.params["from"], off)))
    return json_error(400, "bad_request", "from is YYYY-MM-DD");
  if (!c.params["to"].empty()) {
    to = parse_local_date(c.params["to"], off);
    if (!to) return json_error(400, "bad_request", "to is YYYY-MM-DD");
    *to += kDayMs;  // the whole last day
  }
  if (*to <= *from || *to - *from > 400 * kDayMs)
    return json_error(400, "bad_request", "from before to, at most 400 days");

  const auto& tree = *c.k->tree;
  const OrgNode* me = tree.find(node);
  // Every figure comes from the store's per-node per-day rows: the cost follows the nodes and
  // days asked for, not the tickets.
  auto row_of = [&](const std::string& id, int64_t a, int64_t b) {
    const OrgNode* n = tree.find(id);
    return Row{id, n ? n->name : id, n ? to_string(n->level) : "",
               tickets::compute_stats(store_.figures(id, a, b))};
  };
  const Row total = row_of(node, *from, *to);
  std::vector<Row> children, grids, categories, weeks;
  std::vector<const OrgNode*> below;
  if (me != nullptr) {
    below = tree.children(*me);
  } else {
    below = tree.roots();  // the whole tree: its streets
  }
  for (const OrgNode* ch : below)
    if (ch->level != Level::building) children.push_back(row_of(ch->id, *from, *to));
  // The grids of the subtree (a street has about a hundred), when it is above a grid.
  constexpr size_t kMaxGrids = 300;
  for (size_t i = 0; i < below.size() && grids.size() < kMaxGrids; ++i) {
    if (below[i]->level == Level::grid) {
      grids.push_back(row_of(below[i]->id, *from, *to));
      continue;
    }
    if (below[i]->level == Level::building || below[i]->level == Level::department) continue;
    for (const OrgNode* ch : tree.children(*below[i])) below.push_back(ch);
  }
  for (const auto& [category, n] : total.s.by_category) {
    Row r{category, c.k->templates->label("category", category), "", {}, true};
    r.s.received = n;
    categories.push_back(std::move(r));
  }
  for (int64_t w = *from; w < *to; w += kWeekMs) {
    Row r = row_of(node, w, std::min(w + kWeekMs, *to));
    r.key = std::to_string(w);
    r.name = local_date_text(w, off);
    r.level.clear();
    weeks.push_back(std::move(r));
  }

  if (format != "assessment") {
    const std::vector<std::string> headers{
        "分组",    "名称",    "收到",    "按时受理",         "响应率%",
        "办结",    "解决率%", "满意",    "不满意",           "默认满意",
        "满意率%", "超时",    "按时率%", "受理中位数(小时)", "办结中位数(小时)"};
    Table t{"考核 " + total.name + " " + local_date_text(*from, off) + "~" +
                local_date_text(*to - 1, off),
            headers,
            {figure_row("合计", total)}};
    for (const auto& f : children) t.rows.push_back(figure_row("下级", f));
    for (const auto& f : grids) t.rows.push_back(figure_row("网格", f));
    for (const auto& f : categories) t.rows.push_back(figure_row("类别", f));
    for (const auto& f : weeks) t.rows.push_back(figure_row("周", f));
    HttpResponse r;
    const std::string base = "assessment-" + node + "-" + local_date_text(*from, off);
    if (format == "assessment.csv") {
      r.body = to_csv({t});
      r.headers.emplace_back("Content-Type", "text/csv; charset=utf-8");
      r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + base + ".csv\"");
    } else {
      t.title = "考核";  // a sheet name: at most 31 characters, none of []:*?/\ .
      r.body = to_xlsx({t});
      if (r.body.empty()) return json_error(500, "internal", "xlsx");
      r.headers.emplace_back("Content-Type",
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + base + ".xlsx\"");
    }
    return r;
  }
  JsonWriter w;
  w.begin_object().key("node").value(node).key("from_ms").value(*from).key("to_ms").value(*to);
  // The period as local dates: the page shows them whatever the browser's time zone.
  w.key("from_date").value(local_date_text(*from, off));
  w.key("to_date").value(local_date_text(*to - 1, off));
  w.key("total");
  write_figures(w, total);
  for (const auto& [key, list] :
       {std::pair{"children", &children}, std::pair{"grids", &grids},
        std::pair{"categories", &categories}, std::pair{"weeks", &weeks}}) {
    w.key(key).begin_array();
    for (const auto& f : *list) write_figures(w, f);
    w.end_array();
  }
  w.end_object();
  return json_response(200, w.take());
}

}  // namespace gridbot::console
