// The analysis worked out before the write (bot/knowledge/analysis.hpp): with it the writer does
// exactly what it does without it, and one made under knowledge an operator has since reloaded is
// never used.
#include "bot/knowledge/analysis.hpp"
#include "tests/support/incident_fixture.hpp"

#include <fmt/format.h>

using namespace gridbot;
using gridbot::test::IncidentWorld;

namespace {

constexpr int64_t kMinute = 60'000;

// An incidents-then-tickets world whose processor records each message's state and how its
// analysis stood when the writer reached it.
struct Recorded {
  std::vector<std::string> states;
  int current = 0;  // messages that carried an analysis made under the knowledge in use
  int stale = 0;    // messages that carried one made under other knowledge
};

void record_into(IncidentWorld& w, Recorded& r) {
  w.pipeline->set_processor([&w, &r](const InboundMessage& m, int64_t id, store::WriteTx& tx) {
    if (m.analysis) ++(m.analysis->k == w.service->knowledge() ? r.current : r.stale);
    auto state = w.incidents->process(m, id, tx);
    if (!state) state = w.service->process(m, id, tx);
    r.states.push_back(m.msg_id + " " + *state);
    return *state;
  });
}

// As app.cpp wires it: analysed on the caller's thread before the write.
void analyse_before_write(IncidentWorld& w) {
  w.pipeline->set_analyser(
      [&w](InboundMessage& m) { m.analysis = knowledge::analyse(w.service->knowledge(), m); });
}

// Reports with and without a building, follow-ups (photo, place, another resident's 还有),
// chatter, an @-mention, 报事, heads' commands (one answered from a read), a resident's 帮助, an
// unregistered group, an outage and a resident's report it absorbs, an urgent report.
void run_script(IncidentWorld& w) {
  auto step = [&](int status) {
    REQUIRE(status == 200);
    w.clock.advance_ms(20'000);
  };
  step(w.say("room-b5", "wxid_li", "李阿姨", "楼道灯坏了，晚上看不见"));
  step(w.photo("room-b5", "wxid_li", "李阿姨"));
  step(w.say("room-b5", "wxid_li", "李阿姨", "在5栋2单元"));
  step(w.say("room-b5", "wxid_wang", "王大爷", "还有3单元也是"));
  step(w.say("room-b5", "wxid_zhao", "赵叔", "今天天气不错"));
  step(w.say("room-b6", "wxid_qian", "钱姐", "谢谢", true));
  step(w.say("room-b6", "wxid_qian", "钱姐", "报事 楼下有人乱停车堵住消防通道"));
  step(w.say("room-b6", "wxid_qian", "钱姐", "随便说点什么", true));
  step(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #1001"));
  step(w.say("room-g1", "wxid_g1_head", "孙师傅", "待办"));
  step(w.say("room-b5", "wxid_zhao", "赵叔", "帮助"));
  step(w.say("room-nobody", "wxid_x", "路人", "有人吗", true));
  step(w.controller("停电 b5 预计18:00恢复 电缆故障"));
  step(w.say("room-b5", "wxid_sun", "孙阿姨", "我们5栋停电了，家里一点电都没有"));
  step(w.photo("room-crew", "wxid_crew_zhou", "周班长"));
  w.clock.advance_ms(10 * kMinute);
  step(w.say("room-b7", "wxid_ma", "马先生", "7栋2单元水管爆了，水漫出来了"));
  step(w.say("room-b7", "wxid_ma", "马先生", "电梯好像有点问题"));
}

// What the writer's work left: tickets, outbox rows (request ids aside: fresh per request) and
// incidents, as lines to compare.
std::vector<std::string> outcome(IncidentWorld& w) {
  std::vector<std::string> out;
  for (const auto& t : w.tickets())
    out.push_back(fmt::format("ticket {} {} {} {}|{}|{} {} {} {} {} {}", t.no, t.category,
                              to_string(t.tier), t.building, t.unit, t.room, t.urgent, t.owner_node,
                              t.department, to_string(t.status), t.reporters.size()));
  for (const auto& o : w.all_rows())
    out.push_back(fmt::format("row {} {} {} {} {} {}", o.chat_id, o.idempotency_key, o.priority,
                              o.text, fmt::join(o.mentions, ","), o.media_id));
  for (const auto& i : w.store->incidents({}))
    out.push_back(
        fmt::format("incident {} {} {} {}", i.no, i.kind, to_string(i.status), i.updates.size()));
  return out;
}

}  // namespace

TEST_CASE("the writer does the same with the analysis made before the write as without it",
          "[tickets][analysis]") {
  IncidentWorld before, without;
  Recorded rb, rw;
  record_into(before, rb);
  record_into(without, rw);
  analyse_before_write(before);

  run_script(before);
  run_script(without);

  CHECK(rb.current == static_cast<int>(rb.states.size()));  // every message took the precomputed
  CHECK(rb.stale == 0);
  CHECK(rw.current == 0);
  CHECK(rb.states == rw.states);
  const auto a = outcome(before);
  const auto b = outcome(without);
  CHECK(a.size() == b.size());
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) CHECK(a[i] == b[i]);
  // The script reached what it means to: tickets, a follow-up, an inhibition, an answered read.
  const std::string states = fmt::format("{}", fmt::join(rb.states, "\n"));
  for (const char* s :
       {" ticket", " follow_up", " merged", " linked", " command", " hinted", " ignored"})
    CHECK_THAT(states, Catch::Contains(s));
}

TEST_CASE("an analysis made under knowledge reloaded before the write is worked out again",
          "[tickets][analysis]") {
  IncidentWorld w;
  Recorded r;
  record_into(w, r);
  const auto current = w.service->knowledge();
  // The set before the reload knew no 帮助, nor this group.
  auto old = std::make_shared<knowledge::Knowledge>(*current);
  std::vector<std::string> errors;
  old->grammar = knowledge::CommandGrammar::from({{"accept", {"受理"}}}, {"报事", "报修"});
  std::vector<OrgRecord> records;
  for (auto rec : current->tree->records())
    if (rec.id != "b7") records.push_back(std::move(rec));
  auto tree = config::merge_org({}, records, &errors);
  REQUIRE(tree);
  old->tree = std::make_shared<const OrgTree>(std::move(*tree));
  REQUIRE(old->tree->by_group("bridge", "room-b7") == nullptr);
  // The I/O thread analyses under the old set; a reload lands before the write.
  w.pipeline->set_analyser([&w, &current, &old](InboundMessage& m) {
    w.service->swap(old);
    w.incidents->swap(old, nullptr);
    m.analysis = knowledge::analyse(w.service->knowledge(), m);
    w.service->swap(current);
    w.incidents->swap(current, nullptr);
  });

  REQUIRE(w.say("room-b5", "wxid_zhao", "赵叔", "帮助") == 200);
  REQUIRE(w.say("room-b7", "wxid_ma", "马先生", "7栋2单元水管爆了，水漫出来了") == 200);

  CHECK(r.stale == 2);
  CHECK(r.current == 0);
  REQUIRE(r.states.size() == 2);
  CHECK(r.states[0] == "t1 command");  // 帮助 under the new grammar: answered
  const auto answers = w.to("room-b5");
  REQUIRE_FALSE(answers.empty());
  CHECK(test::contains(answers.back().text, "HELP-RESIDENT"));
  CHECK(r.states[1] == "t2 ticket");  // room-b7 in the new tree: a ticket
  REQUIRE(w.tickets().size() == 1);
  CHECK(w.tickets()[0].origin_node == "b7");
}

TEST_CASE("analysis_for: the message's own while its knowledge is current, else a fresh one",
          "[tickets][analysis]") {
  IncidentWorld w;
  const auto k = w.service->knowledge();
  InboundMessage m;
  m.channel = "bridge";
  m.chat_id = "room-b5";
  m.sender_id = "wxid_li";
  m.text = "报事 楼道灯坏了";

  const auto fresh = knowledge::analysis_for(m, k);
  REQUIRE(fresh);
  CHECK(fresh->k == k);
  REQUIRE(fresh->node != nullptr);
  CHECK(fresh->node->id == "b5");
  CHECK(fresh->prefixed);
  CHECK(fresh->words == "楼道灯坏了");
  CHECK(fresh->cls.is_report);
  CHECK_FALSE(fresh->command);

  m.analysis = fresh;
  CHECK(knowledge::analysis_for(m, k) == fresh);
  const auto reloaded = std::make_shared<const knowledge::Knowledge>(*k);
  const auto again = knowledge::analysis_for(m, reloaded);
  CHECK(again != fresh);
  CHECK(again->k == reloaded);
}
