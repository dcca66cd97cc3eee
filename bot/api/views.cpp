#include "bot/api/views.hpp"

namespace gridbot::api {
namespace {

void write_strings(JsonWriter& w, const std::vector<std::string>& v) {
  w.begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

}  // namespace

void write_ticket(JsonWriter& w, const Ticket& t, bool with_events,
                  const std::function<void(JsonWriter&)>& extra) {
  w.begin_object();
  w.key("no").value(t.no);
  w.key("status").value(to_string(t.status));
  w.key("category").value(t.category);
  w.key("tier").value(to_string(t.tier));
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
  if (extra) extra(w);
  w.end_object();
}

void write_message(JsonWriter& w, const StoredMessage& sm) {
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

void write_delivery(JsonWriter& w, const OutboxItem& o) {
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
  w.key("request_id").value(o.request_id);
  w.key("media_id").value(o.media_id);  // non-zero: the row shows that medium as an image
  w.end_object();
}

void write_stats(JsonWriter& w, const tickets::TicketStats& s) {
  auto rate = [](int part, int whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / whole;
  };
  w.key("received").value(s.received);
  w.key("accepted_in_time").value(s.accepted_in_time);
  w.key("response_rate").value(rate(s.accepted_in_time, s.received));
  w.key("resolved").value(s.resolved);
  w.key("resolve_rate").value(rate(s.resolved, s.received));
  w.key("satisfied").value(s.satisfied);
  w.key("unsatisfied").value(s.unsatisfied);
  w.key("default_satisfied").value(s.defaulted);
  w.key("reopened").value(s.reopened);
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
}

}  // namespace gridbot::api
