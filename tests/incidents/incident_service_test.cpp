#include "bot/incidents/service.hpp"
#include "adapters/wecom/aibot_adapter.hpp"

#include "bot/incidents/scope.hpp"
#include "tests/support/incident_fixture.hpp"

using namespace gridbot;
using gridbot::test::contains;
using gridbot::test::IncidentWorld;

// Demo org: 10kV钟鼓线 serves b19–b27 (grid g3) and b28–b36 (grid g4); 10kV沙河线 serves b1–b18
// (grids g1, g2). dep-crew (room-crew) holds the crews 周班长/吴师傅; dep-power (room-power) the
// controller 何调度.

namespace {

std::set<std::string> chats(const std::vector<IncidentTarget>& targets) {
  std::set<std::string> out;
  for (const auto& t : targets) out.insert(t.group.chat_id);
  return out;
}

std::set<std::string> rooms(const std::string& prefix, int from, int to) {
  std::set<std::string> out;
  for (int i = from; i <= to; ++i) out.insert("room-" + prefix + std::to_string(i));
  return out;
}

std::set<std::string> keys_of(const std::map<std::string, int>& m) {
  std::set<std::string> out;
  for (const auto& [k, v] : m) out.insert(k);
  return out;
}

}  // namespace

TEST_CASE("scope: a feeder resolves to exactly its buildings' groups and their grids' groups",
          "[incidents][scope]") {
  IncidentWorld w;
  const auto& tree = *w.knowledge->tree;
  SECTION("a feeder") {
    auto r = gridbot::incidents::resolve_scope(tree, {"10kV钟鼓线"});
    REQUIRE(r.ok());
    auto expected = rooms("b", 19, 36);
    expected.insert({"room-g3", "room-g4"});
    CHECK(chats(r.targets) == expected);
    CHECK(r.targets.size() == expected.size());  // each group once
    CHECK(r.buildings.size() == 18);
    CHECK(r.grid_groups() == 2);
    int households = 0;
    for (const auto* b : r.buildings) households += b->households;
    CHECK(r.households == households);
    CHECK(r.households > 0);
  }
  SECTION("spellings of a feeder agree") {
    CHECK(chats(gridbot::incidents::resolve_scope(tree, {"10KV钟鼓线"}).targets) ==
          chats(gridbot::incidents::resolve_scope(tree, {"钟鼓线"}).targets));
    CHECK(chats(gridbot::incidents::resolve_scope(tree, {"10千伏钟鼓线"}).targets) ==
          chats(gridbot::incidents::resolve_scope(tree, {"10kV钟鼓线"}).targets));
  }
  SECTION("a transformer area across two grids") {
    auto r = gridbot::incidents::resolve_scope(tree, {"棉花地5号台区"});
    REQUIRE(r.ok());
    CHECK(chats(r.targets) == std::set<std::string>{"room-b17", "room-b18", "room-b19", "room-b20",
                                                    "room-g2", "room-g3"});
  }
  SECTION("org nodes by id and name, mixed with an asset") {
    auto r = gridbot::incidents::resolve_scope(tree, {"g5", "46栋", "棉花地16号台区"});
    REQUIRE(r.ok());
    auto expected = rooms("b", 37, 45);
    expected.insert({"room-b46", "room-b61", "room-b62", "room-b63", "room-b64", "room-g5",
                     "room-g6", "room-g7"});
    CHECK(chats(r.targets) == expected);
  }
  SECTION("a building and its feeder overlap: each group once") {
    auto r = gridbot::incidents::resolve_scope(tree, {"b20", "10kV钟鼓线", "棉花地6号台区"});
    CHECK(r.targets.size() == 20);
  }
  SECTION("unknown names, departments and nothing at all are refused") {
    auto r = gridbot::incidents::resolve_scope(tree, {"10kV不存在线", "dep-power"});
    CHECK_FALSE(r.ok());
    CHECK(r.unknown == std::vector<std::string>{"10kV不存在线", "dep-power"});
    CHECK(r.targets.empty());
  }
}

TEST_CASE("incident grammar: open with scope, ETA and cause, numbers as E12", "[incidents]") {
  std::vector<std::string> errors;
  auto g = gridbot::incidents::IncidentGrammar::load(
      std::string(GRIDBOT_SOURCE_DIR) + "/rules/commands.json", &errors);
  REQUIRE(g);
  auto open = g->parse("停电 10kV沙河线 预计19:30恢复 小区配电室开关柜故障");
  REQUIRE(open);
  CHECK(open->name == "open");
  CHECK(open->kind == "power");
  std::string rest = open->rest;
  CHECK(gridbot::incidents::take_expected_restore(&rest, true) == "19:30");
  CHECK(rest == "10kV沙河线 小区配电室开关柜故障");
  CHECK_FALSE(g->parse("停电了"));               // a resident's sentence
  CHECK_FALSE(g->parse("停电"));                 // nothing to open
  CHECK_FALSE(g->parse("进展 抢修人员已到达"));  // no number
  auto p = g->parse("@何调度 进展 E12 抢修人员已到达现场");
  REQUIRE(p);
  CHECK(p->name == "progress");
  CHECK(p->no == 12);
  CHECK(p->rest == "抢修人员已到达现场");
  auto a = g->parse("通过 e３");
  REQUIRE(a);
  CHECK(a->name == "approve");
  CHECK(a->no == 3);
  std::string t = "预计２０点恢复供电";
  CHECK(gridbot::incidents::take_expected_restore(&t, false) == "20:00");
}

TEST_CASE(
    "a crew's outage waits for review: nothing reaches residents until 通过, then each "
    "target group gets it exactly once",
    "[incidents]") {
  IncidentWorld w;
  REQUIRE(w.crew("停电 10kV钟鼓线 预计19:30恢复 小区配电室开关柜故障") == 200);
  // Nothing to any resident or grid group: only the crew's answer and the review request.
  CHECK(w.fanout(1, std::nullopt).empty());
  CHECK(contains(w.text_to("room-crew", "inc-cmd:"), "SUBMITTED E1 <update:open>"));
  const auto request = w.text_to("room-power", "inc-review:1:");
  CHECK(contains(request, "REVIEW? E1 <kind:power|update:open>"));
  CHECK(contains(request, "groups:20 buildings:18 grids:2 "));
  CHECK(contains(request, "小区配电室开关柜故障"));
  CHECK(w.tickets().empty());

  // A crew member cannot approve their own update.
  REQUIRE(w.say("room-crew", "wxid_crew_wu", "吴师傅", "通过 E1") == 200);
  CHECK(w.fanout(1, std::nullopt).empty());

  REQUIRE(w.controller("审核 E1") == 200);
  auto shown = w.text_to("room-power", "inc-cmd:");
  CHECK(contains(shown, "REVIEW-SHOW E1 pending:1"));
  CHECK(contains(shown, "groups:20 "));
  CHECK(w.fanout(1, std::nullopt).empty());

  REQUIRE(w.controller("通过 E1") == 200);
  auto sent = w.fanout(1);
  auto expected = rooms("b", 19, 36);
  expected.insert({"room-g3", "room-g4"});
  CHECK(keys_of(sent) == expected);
  for (const auto& [chat, n] : sent) {
    INFO(chat);
    CHECK(n == 1);
  }
  const auto notice = w.text_to("room-b20", "inc:1:");
  CHECK(contains(notice, "NOTICE-OPEN <kind:power> E1"));
  CHECK(contains(notice, "10kV钟鼓线"));
  CHECK(contains(notice, "19:30"));
  CHECK(contains(notice, "95598"));
  for (const auto& o : w.to("room-b20")) CHECK(o.priority == priority::kOutage);
  // Outside the scope: nothing.
  CHECK(w.to("room-b1").empty());
  CHECK(w.to("room-g1").empty());
  CHECK(w.to("room-d2").empty());
  // Approving again finds nothing waiting and sends nothing more.
  REQUIRE(w.controller("通过 E1") == 200);
  CHECK(w.fanout(1) == sent);
  auto inc = w.store->incident(1);
  REQUIRE(inc);
  REQUIRE(inc->updates.size() == 1);
  CHECK(inc->updates[0].review == ReviewState::approved);
  CHECK(inc->updates[0].reviewer_id == "wxid_ctrl_he");
}

TEST_CASE("a controller's own update skips review, 驳回 returns a crew's update with the reason",
          "[incidents]") {
  IncidentWorld w;
  REQUIRE(w.controller("停电 b5 预计18:00恢复 电缆故障") == 200);
  CHECK(keys_of(w.fanout(1)) == std::set<std::string>{"room-b5", "room-g1"});
  CHECK(contains(w.text_to("room-power", "inc-cmd:"), "OPENED E1 <kind:power>"));

  REQUIRE(w.crew("进展 E1 抢修人员已到达现场，正在更换电缆") == 200);
  const auto before = w.fanout(1, std::nullopt);
  REQUIRE(w.controller("驳回 E1 请写明预计恢复时间") == 200);
  CHECK(w.fanout(1, std::nullopt) == before);  // nothing new went out
  const auto back = w.text_to("room-crew", "inc-reject:1:");
  CHECK(contains(back, "@周班长"));
  CHECK(contains(back, "请写明预计恢复时间"));
  auto inc = w.store->incident(1);
  REQUIRE(inc);
  REQUIRE(inc->updates.size() == 2);
  CHECK(inc->updates[1].review == ReviewState::rejected);
  CHECK(inc->updates[1].reject_reason == "请写明预计恢复时间");
}

TEST_CASE(
    "a later update replaces the one still queued for a group, 恢复 closes with "
    "「已恢复供电」 to every group",
    "[incidents]") {
  IncidentWorld w;
  REQUIRE(w.controller("停电 g1 电缆故障") == 200);
  const auto first = w.fanout(1);
  CHECK(first.size() == 10);  // b1–b9 and g1
  REQUIRE(w.controller("进展 E1 抢修人员已到达现场 预计20:00恢复") == 200);
  // Nothing was delivered yet: each group now holds only the progress update.
  size_t pending_first = 0, superseded = 0, pending_progress = 0;
  for (const auto& o : w.all_rows()) {
    if (o.idempotency_key.rfind("inc:1:u1:", 0) == 0) {
      pending_first += o.state == DeliveryState::pending;
      superseded += o.state == DeliveryState::superseded;
    }
    if (o.idempotency_key.rfind("inc:1:u2:", 0) == 0)
      pending_progress += o.state == DeliveryState::pending;
  }
  CHECK(pending_first == 0);
  CHECK(superseded >= 10);  // every piece of every first notice
  CHECK(pending_progress >= 10);
  CHECK(w.store->deliveries({"room-b3", DeliveryState::superseded, 0, 100}).size() >= 1);
  CHECK(contains(w.text_to("room-b3", "inc:1:u2:"), "20:00"));

  REQUIRE(w.controller("恢复 E1") == 200);
  auto inc = w.store->incident(1);
  REQUIRE(inc);
  CHECK(inc->status == IncidentStatus::restored);
  std::set<std::string> closing;
  for (const auto& o : w.all_rows())
    if (o.idempotency_key.rfind("inc:1:u3:", 0) == 0 && o.state == DeliveryState::pending &&
        contains(o.text, "NOTICE-RESTORED <restored:power> E1"))
      closing.insert(o.chat_id);
  CHECK(closing == keys_of(first));
  // Restored: no more updates.
  REQUIRE(w.controller("进展 E1 再补充一句") == 200);
  CHECK(contains(w.text_to("room-power", "inc-cmd:"), "INCIDENT-REFUSED-CLOSED E1"));
}

TEST_CASE(
    "while an outage is open, 停电 reports from its buildings link to it instead of "
    "becoming tickets",
    "[incidents][inhibition]") {
  IncidentWorld w;
  REQUIRE(w.controller("停电 10kV钟鼓线 预计19:30恢复 小区配电室开关柜故障") == 200);
  REQUIRE(w.say("room-b20", "wxid_li", "李阿姨", "我们20栋停电了，家里一点电都没有") == 200);
  CHECK(w.tickets().empty());
  const auto answer = w.text_to("room-b20", "inc-link:");
  CHECK(contains(answer, "@李阿姨"));
  CHECK(contains(answer, "LINKED <kind:power> E1"));
  CHECK(contains(answer, "EXPECTED=19:30"));
  // Said again, by her or by a neighbour: each resident hears it once, a one-liner, not the
  // notice again (the group already has it).
  REQUIRE(w.say("room-b20", "wxid_li", "李阿姨", "我们20栋停电了，家里一点电都没有！") == 200);
  REQUIRE(w.say("room-b20", "wxid_wu", "吴叔", "我们20栋停电了，家里一点电都没有") == 200);
  size_t answers = 0;
  for (const auto& o : w.store->deliveries({"room-b20", std::nullopt, 0, 100}))
    if (o.idempotency_key.rfind("inc-link:", 0) == 0) {
      ++answers;
      CHECK_FALSE(contains(o.text, "SCOPE="));
    }
  CHECK(answers == 2);
  CHECK(w.tickets().empty());
  auto inc = w.store->incident(1);
  REQUIRE(inc);
  CHECK(inc->links == 3);
  // Outside the scope a 停电 report is a ticket as before; other matters in scope too.
  REQUIRE(w.say("room-b1", "wxid_zhao", "赵大爷", "我们1栋停电了，家里一点电都没有") == 200);
  REQUIRE(w.say("room-b21", "wxid_qian", "钱阿姨", "21栋电梯坏了，困在里面出不来") == 200);
  CHECK(w.tickets().size() == 2);
  // After 恢复 a new 停电 report is a ticket again.
  REQUIRE(w.controller("恢复 E1") == 200);
  REQUIRE(w.say("room-b22", "wxid_sun", "孙叔", "22栋又停电了，家里一点电都没有") == 200);
  CHECK(w.tickets().size() == 3);
}

TEST_CASE("only crews, controllers and department staff open incidents, unknown scope is refused",
          "[incidents]") {
  IncidentWorld w;
  REQUIRE(w.say("room-crew", "wxid_passer", "路人", "停电 10kV钟鼓线 线路故障") == 200);
  CHECK(contains(w.text_to("room-crew", "inc-cmd:"), "INCIDENT-REFUSED-NOT-STAFF 停电"));
  REQUIRE(w.crew("停电 10kV不存在线 线路故障") == 200);
  CHECK(w.store->incidents({}).empty());
  // In a grid group the words are not incident commands at all.
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "通过 E1") == 200);
  CHECK(w.to("room-g1").empty());
}

TEST_CASE("an outage notice skips a group its channel cannot post into, and its target says so",
          "[incidents][delivery]") {
  // Building 5 also has a WeCom AI-bot group on a webhook: that bot can only answer.
  IncidentWorld w;
  config::ChannelConfig ai;
  ai.name = "aibot";
  ai.type = "wecom_aibot";
  w.channels.add_for_test(ai, std::make_unique<adapters::wecom::AibotAdapter>(
                                  std::nullopt, adapters::wecom::AibotOptions{}));
  std::vector<OrgRecord> nodes = w.knowledge->tree->records();
  for (auto& n : nodes)
    if (n.id == "b5") n.groups.push_back({"aibot", "ai-room-b5"});
  std::vector<std::string> errors;
  auto tree = OrgTree::build(std::move(nodes), &errors);
  REQUIRE(tree);
  w.knowledge->tree = std::make_shared<const OrgTree>(std::move(*tree));

  REQUIRE(w.controller("停电 b5 预计18:00恢复 电缆故障") == 200);
  const auto sent = w.fanout(1);
  CHECK(sent.count("room-b5") == 1);
  CHECK(sent.count("ai-room-b5") == 0);  // no row the adapter could only fail
  auto inc = w.store->incident(1);
  REQUIRE(inc);
  bool seen = false;
  for (const auto& t : inc->targets) {
    if (t.group.chat_id == "ai-room-b5") {
      seen = true;
      CHECK_FALSE(t.reachable);
    } else {
      CHECK(t.reachable);
    }
  }
  CHECK(seen);  // kept among the targets, marked, so reviewers and the API see the gap
}

TEST_CASE("a scope given by node id reads as the node's name to residents and reviewers",
          "[incidents]") {
  IncidentWorld w;
  REQUIRE(w.crew("停电 b5 预计18:00恢复 电缆故障") == 200);  // waits for review
  const std::string review = w.text_to("room-power", "inc-review:1:");
  REQUIRE_FALSE(review.empty());
  CHECK(contains(review, "5栋"));
  CHECK_FALSE(contains(review, "b5"));
  REQUIRE(w.controller("通过 E1") == 200);
  const std::string notice = w.text_to("room-b5", "inc:1:");
  REQUIRE_FALSE(notice.empty());
  CHECK(contains(notice, "5栋"));
  CHECK_FALSE(contains(notice, "b5"));
}

namespace {

// Image rows (the crew's photos) of incident `no`, per chat.
std::map<std::string, int> photo_rows(IncidentWorld& w, int64_t no) {
  std::map<std::string, int> out;
  for (const auto& o : w.all_rows())
    if (o.media_id != 0 && o.idempotency_key.rfind("inc-photo:" + std::to_string(no) + ":", 0) == 0)
      ++out[o.chat_id];
  return out;
}

gridbot::incidents::IncidentConfig with_links() {
  gridbot::incidents::IncidentConfig c;
  c.media_link = [](int64_t id) { return "https://grid.example/media/" + std::to_string(id); };
  return c;
}

}  // namespace

TEST_CASE("a crew's photo after 进展 joins the update and reaches residents only after 通过",
          "[incidents][media]") {
  IncidentWorld w(IncidentWorld::test_templates(), with_links());
  REQUIRE(w.controller("停电 10kV钟鼓线 预计19:30恢复 小区配电室开关柜故障") == 200);
  const auto opened = w.fanout(1);
  REQUIRE(opened.size() == 20);  // b19–b36 and g3, g4
  w.clock.advance_ms(60'000);
  REQUIRE(w.crew("进展 E1 抢修人员已到达现场，正在更换电缆") == 200);
  w.clock.advance_ms(60'000);
  REQUIRE(w.photo("room-crew", "wxid_crew_zhou", "周班长") == 200);

  auto inc = w.store->incident(1);
  REQUIRE(inc);
  REQUIRE(inc->updates.size() == 2);
  CHECK(inc->updates[1].review == ReviewState::pending);
  CHECK(contains(w.text_to("room-crew", "inc-cmd:"), "PHOTO-ADDED E1"));
  // Before 通过 no resident group has the photo, as an image or as a link.
  CHECK(photo_rows(w, 1).empty());
  for (const auto& o : w.all_rows())
    if (o.chat_id.rfind("room-b", 0) == 0 || o.chat_id.rfind("room-g", 0) == 0) {
      CHECK(o.media_id == 0);
      CHECK_FALSE(contains(o.text, "grid.example/media"));
    }
  CHECK(w.tickets().empty());  // the photo is the update's, not a report

  REQUIRE(w.controller("通过 E1") == 200);
  const auto photos = photo_rows(w, 1);
  CHECK(photos == opened);  // every affected group, exactly once
  for (const auto& [chat, n] : photos) CHECK(n == 1);
  const std::string key = "inc:1:u" + std::to_string(inc->updates[1].id) + ":bridge:room-b19";
  std::string notice;
  for (const auto& o : w.all_rows())
    if (o.idempotency_key == key) notice = o.text;
  CHECK(contains(notice, "PHOTO=https://grid.example/media/"));
  // Approving again changes nothing: still one photo per group.
  REQUIRE(w.controller("通过 E1") == 200);
  CHECK(photo_rows(w, 1) == photos);
}

TEST_CASE("a crew's photo does not join an update already approved, nor one outside the window",
          "[incidents][media]") {
  IncidentWorld w;
  REQUIRE(w.controller("停电 10kV钟鼓线 预计19:30恢复 小区配电室开关柜故障") == 200);
  SECTION("approved before the photo came: it was never reviewed") {
    REQUIRE(w.crew("进展 E1 抢修人员已到达现场") == 200);
    REQUIRE(w.controller("通过 E1") == 200);
    REQUIRE(w.photo("room-crew", "wxid_crew_zhou", "周班长") == 200);
  }
  SECTION("after the window") {
    REQUIRE(w.crew("进展 E1 抢修人员已到达现场") == 200);
    w.clock.advance_ms(6 * 60'000);
    REQUIRE(w.photo("room-crew", "wxid_crew_zhou", "周班长") == 200);
    REQUIRE(w.controller("通过 E1") == 200);
  }
  CHECK(photo_rows(w, 1).empty());
}

TEST_CASE("a controller's photo after their own update goes out at once", "[incidents][media]") {
  IncidentWorld w;
  REQUIRE(w.controller("停电 10kV钟鼓线 预计19:30恢复 小区配电室开关柜故障") == 200);
  const auto opened = w.fanout(1);
  w.clock.advance_ms(60'000);
  REQUIRE(w.photo("room-power", "wxid_ctrl_he", "何调度") == 200);
  CHECK(photo_rows(w, 1) == opened);
  CHECK(contains(w.text_to("room-power", "inc-cmd:"), "PHOTO-SENT E1"));
}
