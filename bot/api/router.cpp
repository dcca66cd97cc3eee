// Router: path matching, bearer check, and the JSON of the read API.
#include "bot/core/router.hpp"

#include "bot/core/incident_api.hpp"

#include "adapters/common/crypto.hpp"
#include "bot/common/errors.hpp"
#include "bot/common/json_writer.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>

namespace gridbot::core {
namespace {

using Params = std::map<std::string, std::string>;

bool parse_target(std::string_view target, std::string& path, Params& params) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return false;
  path = std::string(u->encoded_path());
  for (auto p : u->params()) params[std::string(p.key)] = std::string(p.value);
  return true;
}

bool read_int(const Params& p, const char* key, int64_t lo, int64_t hi, int64_t& out) {
  auto it = p.find(key);
  if (it == p.end()) return true;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || v < lo || v > hi)
    return false;
  out = v;
  return true;
}

void write_strings(JsonWriter& w, const std::vector<std::string>& v) {
  w.begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

void write_ticket(JsonWriter& w, const Ticket& t, bool with_events) {
  w.begin_object();
  w.key("no").value(t.no);
  w.key("status").value(to_string(t.status));
  w.key("category").value(t.category);
  w.key("tier").value(t.tier);
  w.key("urgent").value(t.urgent);
  w.key("leader_marked").value(t.leader_marked);
  w.key("text").value(t.text);
  w.key("location").begin_object();
  if (!t.building.empty()) w.key("building").value(t.building);
  if (!t.unit.empty()) w.key("unit").value(t.unit);
  if (!t.room.empty()) w.key("room").value(t.room);
  w.end_object();
  w.key("origin").begin_object();
  w.key("node").value(t.origin_node);
  w.key("channel").value(t.origin_channel);
  w.key("chat").value(t.origin_chat);
  w.key("msg_id").value(t.origin_msg_id);
  w.end_object();
  w.key("owner").begin_object();
  w.key("level").value(t.owner_level);
  w.key("node").value(t.owner_node);
  w.key("department").value(t.department);
  w.end_object();
  w.key("created_ms").value(t.created_ms);
  w.key("updated_ms").value(t.updated_ms);
  w.key("accepted_ms").value(t.accepted_ms);
  w.key("resolved_ms").value(t.resolved_ms);
  w.key("reporters").begin_array();
  for (const auto& r : t.reporters) {
    w.begin_object();
    w.key("channel").value(r.channel);
    w.key("user").value(r.user_id);
    w.key("name").value(r.name);
    w.key("chat").value(r.chat_id);
    w.key("joined_ms").value(r.joined_ms);
    w.end_object();
  }
  w.end_array();
  if (with_events) {
    w.key("history").begin_array();
    for (const auto& e : t.events) {
      w.begin_object();
      w.key("at_ms").value(e.at_ms);
      w.key("actor").value(e.actor_id);
      w.key("actor_name").value(e.actor_name);
      w.key("kind").value(e.kind);
      w.key("detail").value(e.detail);
      w.key("from").value(e.from_status);
      w.key("to").value(e.to_status);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

// "2026-11-01" → that local midnight (ms), or a plain number of ms; -1 when neither.
int64_t parse_time(const std::string& s, int64_t utc_offset_ms) {
  int y = 0, m = 0, d = 0;
  if (s.size() == 10 && std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 &&
      m <= 12 && d >= 1 && d <= 31) {
    // Days from the civil date (Howard Hinnant's algorithm).
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
    return days * 86'400'000 - utc_offset_ms;
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v >= 0 ? v : -1;
}

}  // namespace

HttpResponse Router::stats(Params& params) {
  if (tickets_ == nullptr) return error_response(make_error_code(errc::not_found), "stats");
  const auto& cfg = tickets_->config();
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  int64_t from = local_day_start(now, cfg.utc_offset_ms), to = now + 1;
  if (params.count("from") && (from = parse_time(params["from"], cfg.utc_offset_ms)) < 0)
    return error_response(make_error_code(errc::bad_request), "from is YYYY-MM-DD or ms");
  if (params.count("to") && (to = parse_time(params["to"], cfg.utc_offset_ms)) < 0)
    return error_response(make_error_code(errc::bad_request), "to is YYYY-MM-DD or ms");
  const auto s = tickets_->compute_stats(store_.facts(params["node"], from, to, false));
  auto rate = [](int part, int whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / whole;
  };
  JsonWriter w;
  w.begin_object();
  w.key("node").value(params["node"]);
  w.key("from_ms").value(from);
  w.key("to_ms").value(to);
  w.key("received").value(s.received);
  w.key("accepted_in_time").value(s.accepted_in_time);
  w.key("response_rate").value(rate(s.accepted_in_time, s.received));
  w.key("resolved").value(s.resolved);
  w.key("resolve_rate").value(rate(s.resolved, s.received));
  w.key("satisfied").value(s.satisfied);
  w.key("unsatisfied").value(s.unsatisfied);
  w.key("default_satisfied").value(s.defaulted);
  w.key("satisfaction_rate").value(rate(s.satisfied, s.satisfied + s.unsatisfied));
  w.key("deadline_misses").value(s.misses);
  w.key("median_accept_ms").value(s.median_accept_ms);
  w.key("median_resolve_ms").value(s.median_resolve_ms);
  w.key("by_category").begin_object();
  for (const auto& [k, n] : s.by_category) w.key(k).value(n);
  w.end_object();
  w.key("by_tier").begin_object();
  for (const auto& [k, n] : s.by_tier) w.key(k).value(n);
  w.end_object();
  w.end_object();
  return json_response(200, w.take());
}

HttpResponse Router::return_visits(Params& params) {
  // A monthly random sample of resolved tickets for the community's phone visits (回访). The
  // sample is fixed for a month (seeded by it), so two people asking get the same list.
  if (tickets_ == nullptr) return error_response(make_error_code(errc::not_found), "return-visits");
  const auto& cfg = tickets_->config();
  const std::string month = params["month"];
  const int64_t from = parse_time(month + "-01", cfg.utc_offset_ms);
  if (month.size() != 7 || from < 0)
    return error_response(make_error_code(errc::bad_request), "month is YYYY-MM");
  const int64_t to = local_month_start(from + 32 * 86'400'000LL, cfg.utc_offset_ms);
  int64_t n = 10;
  if (!read_int(params, "n", 1, 1000, n))
    return error_response(make_error_code(errc::bad_request), "n is 1..1000");
  std::vector<std::pair<uint64_t, Ticket>> pool;
  const uint64_t seed = std::hash<std::string>{}(month + params["node"]);
  for (auto& f : store_.facts(params["node"], from - 90 * 86'400'000LL, to, false))
    if (f.ticket.resolved_ms >= from && f.ticket.resolved_ms < to)
      pool.emplace_back(std::hash<uint64_t>{}(
                            seed ^ (static_cast<uint64_t>(f.ticket.no) * 0x9E3779B97F4A7C15ULL)),
                        std::move(f.ticket));
  std::sort(pool.begin(), pool.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (pool.size() > static_cast<size_t>(n)) pool.resize(static_cast<size_t>(n));
  JsonWriter w;
  w.begin_object().key("month").value(month).key("tickets").begin_array();
  for (const auto& [h, t] : pool) write_ticket(w, t, false);
  w.end_array().end_object();
  return json_response(200, w.take());
}

void Router::handle(const HttpRequest& req, Reply reply) {
  std::string path;
  Params params;
  if (!parse_target(req.target, path, params))
    return reply(error_response(make_error_code(errc::bad_request), "bad request target"));
  if (path == "/healthz") {
    if (req.method != "GET" && req.method != "HEAD")
      return reply(error_response(make_error_code(errc::method_not_allowed)));
    return reply(health());
  }
  constexpr std::string_view kHook = "/hook/";
  if (path.rfind(kHook, 0) == 0) {
    const std::string_view channel = std::string_view(path).substr(kHook.size());
    if (channel.empty() || channel.find('/') != std::string_view::npos)
      return reply(error_response(make_error_code(errc::unknown_channel)));
    return pipeline_.handle_hook(channel, req, std::move(reply));
  }
  constexpr std::string_view kApi = "/api/v1/";
  if (path.rfind(kApi, 0) == 0 && incidents_ != nullptr &&
      IncidentApi::owns(std::string_view(path).substr(kApi.size())))
    return incidents_->handle(req, std::string_view(path).substr(kApi.size()), std::move(reply));
  if (path.rfind(kApi, 0) == 0) return reply(api(req, std::string_view(path).substr(kApi.size())));
  reply(error_response(make_error_code(errc::not_found), path));
}

HttpResponse Router::health() const {
  JsonWriter w;
  w.begin_object().key("status").value("ok");
  if (outbox_ != nullptr) {
    const auto s = outbox_->stats();
    w.key("outbox").begin_object();
    w.key("queued").value(static_cast<int64_t>(s.queued));
    w.key("in_flight").value(static_cast<int64_t>(s.in_flight));
    w.key("delivered").value(static_cast<int64_t>(s.delivered));
    w.key("failed").value(static_cast<int64_t>(s.failed));
    w.end_object();
  }
  const auto p = pipeline_.stats();
  w.key("inbound").begin_object();
  w.key("accepted").value(static_cast<int64_t>(p.accepted));
  w.key("duplicates").value(static_cast<int64_t>(p.duplicates));
  w.key("rejected").value(static_cast<int64_t>(p.rejected));
  w.end_object();
  if (reloads_ != nullptr) {
    w.key("rules").begin_object();
    w.key("reloaded").value(static_cast<int64_t>(reloads_->reloaded.load()));
    w.key("refused").value(static_cast<int64_t>(reloads_->refused.load()));
    w.end_object();
  }
  w.end_object();
  return json_response(200, w.take());
}

HttpResponse Router::api(const HttpRequest& req, std::string_view path) {
  const auto auth = header_value(req.headers, "Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (api_token_.empty() || auth.rfind(kBearer, 0) != 0 ||
      !adapters::constant_time_equal(auth.substr(kBearer.size()), api_token_)) {
    auto r = error_response(make_error_code(errc::unauthorized));
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (req.method != "GET") return error_response(make_error_code(errc::method_not_allowed));
  std::string ignored;
  Params params;
  parse_target(req.target, ignored, params);
  int64_t limit = 100, before = 0;
  if (!read_int(params, "limit", 1, 1000, limit) ||
      !read_int(params, "before", 0, INT64_MAX, before))
    return error_response(make_error_code(errc::bad_request), "limit is 1..1000, before an id");

  JsonWriter w;
  if (path == "messages") {
    store::MessageQuery q{params["channel"], params["chat"], before, static_cast<int>(limit)};
    w.begin_object().key("messages").begin_array();
    for (const auto& sm : store_.messages(q)) {
      const auto& m = sm.message;
      w.begin_object();
      w.key("id").value(sm.id);
      w.key("channel").value(m.channel);
      w.key("chat").value(m.chat_id);
      w.key("chat_name").value(m.chat_name);
      w.key("msg_id").value(m.msg_id);
      w.key("sender").value(m.sender_id);
      w.key("sender_name").value(m.sender_name);
      w.key("text").value(m.text);
      w.key("mentions");
      write_strings(w, m.mentions);
      w.key("from_bot").value(m.from_bot);
      w.key("sent_at").value(m.sent_at_s);
      w.key("received_ms").value(m.received_at_ms);
      w.key("state").value(sm.state);
      w.end_object();
    }
    w.end_array().end_object();
    return json_response(200, w.take());
  }
  if (path == "deliveries") {
    store::DeliveryQuery q{params["chat"], std::nullopt, before, static_cast<int>(limit)};
    if (auto s = params.find("state"); s != params.end() && !s->second.empty()) {
      DeliveryState st;
      if (!parse_delivery_state(s->second, st))
        return error_response(make_error_code(errc::bad_request),
                              "state is pending, delivered, failed or disabled");
      q.state = st;
    }
    w.begin_object().key("deliveries").begin_array();
    for (const auto& o : store_.deliveries(q)) {
      w.begin_object();
      w.key("id").value(o.id);
      w.key("channel").value(o.channel);
      w.key("chat").value(o.chat_id);
      w.key("text").value(o.text);
      w.key("mentions");
      write_strings(w, o.mentions);
      w.key("priority").value(o.priority);
      w.key("idempotency_key").value(o.idempotency_key);
      w.key("state").value(to_string(o.state));
      w.key("attempts").value(o.attempts);
      w.key("next_try_ms").value(o.next_try_ms);
      w.key("created_ms").value(o.created_ms);
      w.key("delivered_ms").value(o.delivered_ms);
      w.key("last_error").value(o.last_error);
      w.end_object();
    }
    w.end_array().end_object();
    return json_response(200, w.take());
  }
  if (path == "stats") return stats(params);
  if (path == "return-visits") return return_visits(params);
  if (path == "tickets") {
    store::TicketQuery q;
    q.node = params["node"];
    q.category = params["category"];
    q.before_no = before;
    q.limit = static_cast<int>(limit);
    if (auto s = params.find("status"); s != params.end() && !s->second.empty()) {
      if (s->second == "open") {
        q.open_only = true;
      } else if (auto st = parse_ticket_status(s->second)) {
        q.status = st;
      } else {
        return error_response(make_error_code(errc::bad_request),
                              "status is open, new, accepted, … or closed");
      }
    }
    w.begin_object().key("tickets").begin_array();
    for (const auto& t : store_.tickets(q)) write_ticket(w, t, false);
    w.end_array().end_object();
    return json_response(200, w.take());
  }
  constexpr std::string_view kTicket = "tickets/";
  if (path.rfind(kTicket, 0) == 0) {
    int64_t no = 0;
    const auto digits = path.substr(kTicket.size());
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), no);
    if (ec != std::errc() || end != digits.data() + digits.size() || no <= 0)
      return error_response(make_error_code(errc::bad_request), "a ticket number");
    auto t = store_.ticket(no);
    if (!t)
      return error_response(make_error_code(errc::not_found), "ticket " + std::string(digits));
    write_ticket(w, *t, true);
    return json_response(200, w.take());
  }
  return error_response(make_error_code(errc::not_found), path);
}

}  // namespace gridbot::core
