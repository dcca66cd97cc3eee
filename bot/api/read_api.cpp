#include "bot/api/read_api.hpp"

#include "bot/api/media_route.hpp"

#include "base/common/calendar.hpp"
#include "base/common/errors.hpp"
#include "base/common/strict_int.hpp"
#include "bot/api/auth.hpp"
#include "bot/api/views.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

namespace gridbot::api {
namespace {

HttpResponse bad(std::string_view why) {
  return error_response(make_error_code(errc::bad_request), why);
}

// "2026-11-01" → that local midnight, or a plain number of ms; nullopt when neither. A date as
// the end of a range means the whole day (`inclusive_day`): its next midnight.
std::optional<int64_t> parse_time(const std::string& s, int64_t utc_offset_ms, bool inclusive_day) {
  if (auto day = parse_local_date(s, utc_offset_ms)) return *day + (inclusive_day ? kDayMs : 0);
  return parse_int<int64_t>(s, 0);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HttpResponse out_of_scope(std::string_view what) {
  return error_response(make_error_code(errc::forbidden), what);
}

}  // namespace

HttpResponse ReadApi::handle(const HttpRequest& req, std::string_view path, Params& params,
                             const console::Scope& scope) {
  if (req.method != "GET") return error_response(make_error_code(errc::method_not_allowed));
  const auto limit = params.count("limit") ? parse_int<int64_t>(params["limit"], 1, 1000) : 100;
  const auto before = params.count("before") ? parse_int<int64_t>(params["before"], 0) : 0;
  if (!limit || !before) return bad("limit is 1..1000, before an id");
  const int n = static_cast<int>(*limit);
  if (path == "messages") return messages(params, *before, n, scope);
  if (path == "deliveries") return deliveries(params, *before, n, scope);
  // A node-scoped route: an account sees its own node by default and nothing outside it.
  if (path == "tickets" || path == "stats" || path == "return-visits") {
    auto& node = params["node"];
    if (node.empty()) node = scope.root();
    if (!scope.node(node)) return out_of_scope("node is outside this account's subtree");
  }
  if (path == "tickets") return tickets(params, *before, n);
  if (path == "stats") return stats(params);
  if (path == "return-visits") return return_visits(params);
  constexpr std::string_view kTicket = "tickets/";
  if (path.rfind(kTicket, 0) == 0) return ticket(path.substr(kTicket.size()), scope);
  return error_response(make_error_code(errc::not_found), path);
}

HttpResponse ReadApi::messages(Params& params, int64_t before, int limit,
                               const console::Scope& scope) {
  // An account reads one group of its subtree at a time: the inbox has no subtree index, and a
  // filtered page would hide how much it skipped.
  if (!scope.whole_tree() && !scope.group(params["channel"], params["chat"]))
    return out_of_scope("an account token names channel and chat of a group in its subtree");
  JsonWriter w;
  w.begin_object().key("messages").begin_array();
  for (const auto& sm : store_.messages({params["channel"], params["chat"], before, limit}))
    write_message(w, sm);
  w.end_array().end_object();
  return json_response(200, w.take());
}

HttpResponse ReadApi::deliveries(Params& params, int64_t before, int limit,
                                 const console::Scope& scope) {
  const bool scoped = !scope.whole_tree();
  if (scoped && !scope.group(params["channel"], params["chat"]))
    return out_of_scope("an account token names channel and chat of a group in its subtree");
  store::DeliveryQuery q{params["chat"], std::nullopt, before, limit};
  if (auto s = params.find("state"); s != params.end() && !s->second.empty()) {
    DeliveryState st;
    if (!parse_delivery_state(s->second, st))
      return bad("state is pending, delivered, failed or disabled");
    q.state = st;
  }
  JsonWriter w;
  w.begin_object().key("deliveries").begin_array();
  for (const auto& o : store_.deliveries(q))
    if (!scoped || o.channel == params["channel"]) write_delivery(w, o);
  w.end_array().end_object();
  return json_response(200, w.take());
}

HttpResponse ReadApi::tickets(Params& params, int64_t before, int limit) {
  store::TicketQuery q;
  q.node = params["node"];
  q.category = params["category"];
  q.before_no = before;
  q.limit = limit;
  if (tickets_ != nullptr) {
    const int64_t off = tickets_->utc_offset_ms;
    std::optional<int64_t> from = 0, to = 0;
    if (params.count("from") && !(from = parse_time(params["from"], off, false)))
      return bad("from is YYYY-MM-DD or ms");
    if (params.count("to") && !(to = parse_time(params["to"], off, true)))
      return bad("to is YYYY-MM-DD (the whole day) or ms");
    q.from_ms = *from;
    q.to_ms = *to;
  }
  if (auto s = params.find("status"); s != params.end() && !s->second.empty()) {
    if (s->second == "open")
      q.open_only = true;
    else if (auto st = parse_ticket_status(s->second))
      q.status = st;
    else
      return bad("status is open, new, accepted, … or closed");
  }
  JsonWriter w;
  w.begin_object().key("tickets").begin_array();
  for (const auto& t : store_.tickets(q)) write_ticket(w, t, false);
  w.end_array().end_object();
  return json_response(200, w.take());
}

HttpResponse ReadApi::ticket(std::string_view digits, const console::Scope& scope) {
  const auto no = parse_int<int64_t>(digits, 1);
  if (!no) return bad("a ticket number");
  auto t = store_.ticket(*no);
  // Outside the subtree answers as if there were no such ticket.
  if (!t || !scope.ticket(*t))
    return error_response(make_error_code(errc::not_found), "ticket " + std::string(digits));
  JsonWriter w;
  const auto media = store_.ticket_media(*no);
  write_ticket(w, *t, true, [&](JsonWriter& out) {
    // Photos and voice a resident sent with the report or after it (docs/api.md); the link only
    // when gridbot serves media.
    out.key("media").begin_array();
    for (const auto& m : media) {
      out.begin_object();
      out.key("type").value(to_string(m.ref.kind));
      out.key("state").value(to_string(m.state));
      out.key("mime").value(m.mime.empty() ? m.ref.mime : m.mime);
      out.key("size").value(m.size);
      out.key("sha256").value(m.sha256);
      out.key("received_ms").value(m.created_ms);
      const std::string url = media_ != nullptr ? media_->link(m) : std::string();
      if (url.empty())
        out.key("url").null();
      else
        out.key("url").value(url);
      if (m.state == MediaState::failed) out.key("error").value(m.last_error);
      out.end_object();
    }
    out.end_array();
  });
  return json_response(200, w.take());
}

HttpResponse ReadApi::stats(Params& params) {
  if (tickets_ == nullptr) return error_response(make_error_code(errc::not_found), "stats");
  const int64_t off = tickets_->utc_offset_ms;
  const int64_t now = now_ms();
  std::optional<int64_t> from = local_day_start(now, off), to = now + 1;
  if (params.count("from") && !(from = parse_time(params["from"], off, false)))
    return bad("from is YYYY-MM-DD or ms");
  if (params.count("to") && !(to = parse_time(params["to"], off, true)))
    return bad("to is YYYY-MM-DD (the whole day) or ms");
  const auto s = tickets::compute_stats(store_.figures(params["node"], *from, *to));
  JsonWriter w;
  w.begin_object();
  w.key("node").value(params["node"]);
  w.key("from_ms").value(*from);
  w.key("to_ms").value(*to);
  write_stats(w, s);
  w.end_object();
  return json_response(200, w.take());
}

HttpResponse ReadApi::return_visits(Params& params) {
  // A monthly random sample of resolved tickets for the community's phone visits (回访). The
  // sample is fixed for a month (seeded by it), so two people asking get the same list.
  if (tickets_ == nullptr) return error_response(make_error_code(errc::not_found), "return-visits");
  const int64_t off = tickets_->utc_offset_ms;
  const std::string month = params["month"];
  const auto from = parse_local_date(month + "-01", off);
  if (month.size() != 7 || !from) return bad("month is YYYY-MM");
  const int64_t to = local_month_start(*from + 32 * kDayMs, off);
  const auto n = params.count("n") ? parse_int<int64_t>(params["n"], 1, 1000) : 10;
  if (!n) return bad("n is 1..1000");
  std::vector<std::pair<uint64_t, Ticket>> pool;
  const uint64_t seed = std::hash<std::string>{}(month + params["node"]);
  for (auto& f : store_.facts(params["node"], *from - 90 * kDayMs, to))
    if (f.ticket.resolved_ms >= *from && f.ticket.resolved_ms < to)
      pool.emplace_back(std::hash<uint64_t>{}(
                            seed ^ (static_cast<uint64_t>(f.ticket.no) * 0x9E3779B97F4A7C15ULL)),
                        std::move(f.ticket));
  std::sort(pool.begin(), pool.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (pool.size() > static_cast<size_t>(*n)) pool.resize(static_cast<size_t>(*n));
  JsonWriter w;
  w.begin_object().key("month").value(month).key("tickets").begin_array();
  for (const auto& [h, t] : pool) write_ticket(w, t, false);
  w.end_array().end_object();
  return json_response(200, w.take());
}

}  // namespace gridbot::api
