// A ticket world for core tests: the demo org, the shipped rules and commands, the test templates
// (tests/data/templates_test.json: the shipped names and placeholders in test words, so that no
// test depends on the shipped wording), a bridge channel, a temp store and the pipeline with the
// TicketService as its processor.
#pragma once

#include "../temp_dir.hpp"
#include "base/config/org_csv.hpp"
#include "bot/intake/inbox.hpp"
#include "bot/tickets/service.hpp"
#include "tests/support/bridge_request.hpp"
#include "tests/support/fakes.hpp"
#include "rules/classifier.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <future>
#include <set>

namespace gridbot::test {

struct TicketWorld {
  TempDir dir;
  std::unique_ptr<store::Store> store;
  gridbot::channels::ChannelTable channels;
  FakeClock clock{1'700'000'000'000};
  std::shared_ptr<gridbot::knowledge::Knowledge> knowledge =
      std::make_shared<gridbot::knowledge::Knowledge>();
  std::unique_ptr<gridbot::tickets::TicketService> service;
  std::unique_ptr<gridbot::intake::Inbox> pipeline;
  // As the server does: answers that read (待办, 统计) are read before the write.
  std::unique_ptr<gridbot::TaskPool> answer_reads =
      std::make_unique<gridbot::TaskPool>(2, "answer-reads");
  /// Runs just before such a read (a test holds it to show that nothing waits on it).
  std::function<void()> before_read;
  int seq = 0;

  /// The reply templates tests render with; shipped_templates() for the operators' file.
  static std::string test_templates() {
    return std::string(GRIDBOT_TEST_DATA) + "/templates_test.json";
  }
  static std::string shipped_templates() {
    return std::string(GRIDBOT_SOURCE_DIR) + "/rules/templates.json";
  }

  explicit TicketWorld(const std::string& templates_file = test_templates()) {
    std::string err;
    store = store::open_sqlite_store(dir.file("t.db"), {}, &err);
    REQUIRE(store);
    add_bridge(channels);
    const std::string src = GRIDBOT_SOURCE_DIR;
    std::vector<OrgRecord> nodes;
    std::vector<std::string> errors;
    REQUIRE(config::load_org_csv(src + "/config/demo/org.csv", &nodes, &errors));
    auto tree = config::merge_org({}, nodes, &errors);
    REQUIRE(tree);
    knowledge->tree = std::make_shared<const OrgTree>(std::move(*tree));
    knowledge->rules = rules::load_rules(src + "/rules", &err);
    INFO(err);
    REQUIRE(knowledge->rules);
    knowledge->templates = gridbot::knowledge::Templates::load(templates_file, &errors);
    INFO((errors.empty() ? "" : errors[0]));
    knowledge->grammar =
        gridbot::knowledge::CommandGrammar::load(src + "/rules/commands.json", &errors);
    REQUIRE(knowledge->templates);
    REQUIRE(knowledge->grammar);
    service = std::make_unique<gridbot::tickets::TicketService>(channels, knowledge, clock,
                                                                gridbot::tickets::TicketConfig{});
    pipeline = std::make_unique<gridbot::intake::Inbox>(channels, *store, clock);
    pipeline->set_processor([this](const InboundMessage& m, int64_t id, store::WriteTx& tx) {
      return service->process(m, id, tx);
    });
    pipeline->set_preparer(
        {[this](const InboundMessage& m) { return service->answer_needs_reads(m); },
         [this](InboundMessage& m) {
           if (before_read) before_read();
           service->prepare_answer(m, *store);
         },
         answer_reads.get()});
  }
  ~TicketWorld() { answer_reads->stop(); }

  /// Posts a message as `user` in `room`; returns the HTTP status.
  int say(const std::string& room, const std::string& user, const std::string& name,
          const std::string& text, bool mention_bot = false) {
    BridgeMessage m;
    m.id = "t" + std::to_string(++seq);
    m.room = room;
    m.talker = user;
    m.name = name;
    m.text = text;
    m.mention_bot = mention_bot;
    const HttpRequest r = signed_bridge_request(bridge_body(m), kSecret, clock.now_s());
    std::promise<int> p;
    pipeline->handle_hook("bridge", r, [&](HttpResponse resp) { p.set_value(resp.status); });
    return p.get_future().get();
  }

  /// Pending outbox rows to `room`, oldest first.
  std::vector<OutboxItem> to(const std::string& room) {
    std::vector<OutboxItem> out;
    for (auto& o : store->pending_outbox())
      if (o.chat_id == room) out.push_back(o);
    return out;
  }
  std::vector<Ticket> tickets() { return store->tickets({}); }
};

inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace gridbot::test
