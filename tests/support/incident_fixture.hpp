// An incident world for core tests: the ticket world (demo org, shipped rules, test templates, a
// bridge channel, a temp store) with the pipeline processor wired as in app.cpp: incidents first,
// then tickets.
#pragma once

#include "bot/api/incident_api.hpp"
#include "bot/incidents/service.hpp"
#include "tests/support/ticket_fixture.hpp"

#include <set>

namespace gridbot::test {

struct IncidentWorld : TicketWorld {
  std::unique_ptr<gridbot::incidents::IncidentService> incidents;

  explicit IncidentWorld(const std::string& templates_file = test_templates(),
                         gridbot::incidents::IncidentConfig config = {})
      : TicketWorld(templates_file) {
    std::vector<std::string> errors;
    auto grammar = gridbot::incidents::IncidentGrammar::load(
        std::string(GRIDBOT_SOURCE_DIR) + "/rules/commands.json", &errors);
    INFO((errors.empty() ? "" : errors[0]));
    REQUIRE(grammar);
    incidents = std::make_unique<gridbot::incidents::IncidentService>(channels, knowledge, grammar,
                                                                      clock, std::move(config));
    pipeline->set_processor([this](const InboundMessage& m, int64_t id, store::WriteTx& tx) {
      if (auto state = incidents->process(m, id, tx)) return *state;
      return service->process(m, id, tx);
    });
  }

  // People of the demo org.
  int crew(const std::string& text) { return say("room-crew", "wxid_crew_zhou", "周班长", text); }
  /// A photo from `user` in `room` the way a bridge forwards MessageType.Image, with `text`.
  int photo(const std::string& room, const std::string& user, const std::string& name,
            const std::string& text = "") {
    const std::string id = "p" + std::to_string(++seq);
    const std::string body =
        R"({"id":")" + id + R"(","room":{"id":")" + room + R"("},"talker":{"id":")" + user +
        R"(","name":")" + name + R"("},"text":")" + text +
        R"(","media":[{"type":"image","url":"https://bridge.local/)" + id + R"(.jpg"}]})";
    const HttpRequest r = signed_bridge_request(body, kSecret, clock.now_s());
    std::promise<int> p;
    pipeline->handle_hook("bridge", r, [&](HttpResponse resp) { p.set_value(resp.status); });
    return p.get_future().get();
  }
  int controller(const std::string& text) {
    return say("room-power", "wxid_ctrl_he", "何调度", text);
  }

  /// Every outbox row (any state), oldest first.
  std::vector<OutboxItem> all_rows() {
    auto rows = store->deliveries({"", std::nullopt, 0, 100000});
    std::reverse(rows.begin(), rows.end());
    return rows;
  }
  /// Pending rows of one incident's fan-out ("inc:<no>:…"), first pieces only, per chat.
  std::map<std::string, int> fanout(int64_t no,
                                    std::optional<DeliveryState> state = DeliveryState::pending) {
    std::map<std::string, int> out;
    const std::string prefix = "inc:" + std::to_string(no) + ":";
    for (const auto& o : all_rows())
      if (o.idempotency_key.rfind(prefix, 0) == 0 &&
          o.idempotency_key.find('#') == std::string::npos && (!state || o.state == *state))
        ++out[o.chat_id];
    return out;
  }
  /// The whole text of the first message to `room` whose key starts with `prefix` (pieces joined).
  std::string text_to(const std::string& room, const std::string& prefix) {
    std::string out;
    for (const auto& o : all_rows())
      if (o.chat_id == room && o.idempotency_key.rfind(prefix, 0) == 0) out += o.text;
    return out;
  }
};

}  // namespace gridbot::test
