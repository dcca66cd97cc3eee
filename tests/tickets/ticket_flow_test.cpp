// The full command set, deadlines and escalation, satisfaction, notices and stats — all
// with a FakeClock and no sleeps.
#include "base/common/log.hpp"
#include "bot/deadlines/timer.hpp"
#include "bot/tickets/stats.hpp"

#include "tests/support/ticket_fixture.hpp"

using namespace gridbot;
using gridbot::test::contains;
using gridbot::test::TicketWorld;

namespace {
constexpr int64_t kHour = 3'600'000;

bool mentions(const OutboxItem& o, const std::string& id) {
  return std::find(o.mentions.begin(), o.mentions.end(), id) != o.mentions.end();
}

// A small ticket #1001 from building 5 (grid g1, district d1).
void open_1001(TicketWorld& w) {
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，晚上看不见") == 200);
  REQUIRE(w.tickets().size() == 1);
}
}  // namespace

TEST_CASE("an unaccepted ticket warns, then rises level by level to the street", "[clocks]") {
  TicketWorld w;
  open_1001(w);
  gridbot::deadlines::Timer esc(*w.service, *w.store, w.clock);
  CHECK(esc.run_due() == 0);
  w.clock.advance_ms(kHour * 3 / 2 + 1);  // 75% of the 2 h accept clock
  CHECK(esc.run_due() == 1);
  auto warn = w.to("room-g1").back();
  CHECK(contains(warn.text, "WARN T#1001"));
  CHECK(contains(warn.text, "clock:accept DUE"));
  CHECK(mentions(warn, "wxid_g1_head"));
  CHECK(esc.run_due() == 0);  // a warning fires once

  w.clock.advance_ms(kHour);  // past 2 h: the grid missed it
  CHECK(esc.run_due() == 1);
  auto t = w.store->ticket(1001);
  CHECK(t->status == TicketStatus::escalated);
  CHECK(t->owner_node == "d1");
  CHECK(t->supervised);
  auto up = w.to("room-d1");
  REQUIRE(up.size() == 1);
  CHECK(contains(up[0].text, "[SUPERVISED]HANDOVER T#1001"));
  CHECK(mentions(up[0], "wxid_d1_head"));

  w.clock.advance_ms(2 * kHour + 1);  // the district misses too (its warning comes first)
  esc.run_due();
  CHECK(w.store->ticket(1001)->owner_node == "cm-mhd");
  CHECK(mentions(w.to("room-community").back(), "wxid_comm_liu"));
  w.clock.advance_ms(2 * kHour + 1);
  esc.run_due();
  CHECK(w.store->ticket(1001)->owner_node == "st-zgl");
  CHECK(mentions(w.to("room-street").back(), "wxid_street_chen"));
  w.clock.advance_ms(2 * kHour + 1);
  esc.run_due();  // at the top: pressed again, stays
  CHECK(w.store->ticket(1001)->owner_node == "st-zgl");
  CHECK(contains(w.to("room-street").back().text, "MISSED-AT-TOP"));
  int missed = 0;
  for (const auto& d : w.store->deadlines(1001)) missed += d.state == DeadlineState::missed;
  CHECK(missed == 4);
}

TEST_CASE("a handover quotes the report with phones masked and a long text cut", "[clocks]") {
  TicketWorld w;
  // A long report in varied sentences (286 characters). (A phrase pasted 30 times would be
  // counted once by the model — docs/rules.md, "Each window once" — but would not be a handover
  // a person writes.)
  std::string text = "6栋楼道灯坏了，电话13812345678，";
  text +=
      "从一楼到六楼的感应灯全都不亮，物业说报修了也没人来换。晚上下班回来只能打着手机电筒摸黑上楼，"
      "楼梯转角那里还堆着别人家的纸箱和旧自行车，上周三楼的刘阿姨就在那里绊了一跤，膝盖青了一大块。"
      "家里有老人孩子的都不敢晚上出门，外卖小哥送餐也抱怨看不清门牌号。我们已经在群里说过好几次了，"
      "每次都说马上安排，结果一拖就是两个礼拜。灯的开关盒子也松了，盖子掉在地上没人捡，里面的线头露"
      "在外面。隔壁5栋去年也是这样，后来社区出面才换了新的节能灯，亮堂多了。希望这次能尽快派电工来"
      "把灯修好，顺便把楼梯上的杂物清一清，谢谢网格员和物业的师傅们辛苦了。";
  REQUIRE(w.say("room-b6", "wxid_qian", "钱姐", text) == 200);
  REQUIRE(w.tickets().size() == 1);
  gridbot::deadlines::Timer esc(*w.service, *w.store, w.clock);
  w.clock.advance_ms(2 * kHour + 1);
  CHECK(esc.run_due() >= 1);
  // The test channel splits at 256 bytes: read the pieces as one text.
  std::string up;
  for (const auto& piece : w.to("room-d1")) up += piece.text;
  CHECK(contains(up, "6栋楼道灯坏了"));
  CHECK(contains(up, "FROM 6栋"));
  CHECK(contains(up, "138****5678"));
  CHECK_FALSE(contains(up, "13812345678"));
  CHECK(contains(up, "…"));
  CHECK(up.size() < 1000);  // 200 characters of the report, not all 286
  // The relay into the grid group is cut the same way; the ticket keeps every word.
  std::string relay;
  for (const auto& piece : w.to("room-g1")) relay += piece.text;
  CHECK(contains(relay, "…"));
  CHECK(w.store->ticket(1001)->text == text);
}

TEST_CASE("受理 stops the accept clock, nothing escalates after it", "[clocks]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #1001") == 200);
  gridbot::deadlines::Timer esc(*w.service, *w.store, w.clock);
  w.clock.advance_ms(3 * kHour);
  esc.run_due();
  CHECK(w.store->ticket(1001)->owner_node == "g1");
  CHECK(w.store->ticket(1001)->status == TicketStatus::accepted);
}

TEST_CASE("a restart across a deadline fires it exactly once", "[clocks]") {
  TicketWorld w;
  open_1001(w);
  w.clock.advance_ms(5 * kHour);  // the server was down past warning and deadline
  {
    gridbot::deadlines::Timer first(*w.service, *w.store, w.clock);
    first.run_due();
  }
  gridbot::tickets::TicketService again(w.channels, w.knowledge, w.clock,
                                        gridbot::tickets::TicketConfig{});
  gridbot::deadlines::Timer second(again, *w.store, w.clock);
  CHECK(second.run_due() == 0);
  CHECK(w.to("room-d1").size() == 1);  // one escalation, no warning afterwards for the old level
  CHECK(w.store->ticket(1001)->owner_node == "d1");
}

TEST_CASE("转办, 上报, 退回 and 督办 move the ticket and tell the right groups", "[commands6]") {
  TicketWorld w;
  open_1001(w);
  SECTION("转办 to the property head") {
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "转办 #1001 物业 请尽快换灯") == 200);
    auto t = w.store->ticket(1001);
    CHECK(t->status == TicketStatus::transferred);
    CHECK(t->assignee == "bridge:wxid_g1_property");
    bool told = false;
    for (const auto& o : w.to("room-g1")) told = told || mentions(o, "wxid_g1_property");
    CHECK(told);
    // The resident and the grid head hear who has it now: the property head, by name.
    CHECK(contains(w.to("room-b5").back().text, "TRANSFERRED to:"));
    CHECK(contains(w.to("room-b5").back().text, "role:property_head/曾师傅"));
    CHECK(contains(w.to("room-g1").back().text, "DONE-TRANSFER T#1001 to:"));
    CHECK(contains(w.to("room-g1").back().text, "role:property_head/曾师傅"));
    // The property head's message ends with the note, no blank line when there is none.
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "转办 #1001 物业") == 200);
    for (const auto& o : w.to("room-g1")) CHECK(o.text.back() != '\n');
  }
  SECTION("转办 to a department by its short name") {
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "转交 1001 供电 线路问题") == 200);
    auto t = w.store->ticket(1001);
    CHECK(t->department == "dep-power");
    REQUIRE(w.to("room-power").size() == 1);
    CHECK(mentions(w.to("room-power")[0], "wxid_ctrl_he"));
  }
  SECTION("上报 one level up, then 退回 with a reason") {
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "上报 #1001 需要片区协调") == 200);
    CHECK(w.store->ticket(1001)->owner_node == "d1");
    CHECK(mentions(w.to("room-d1").back(), "wxid_d1_head"));
    REQUIRE(w.say("room-d1", "wxid_d1_head", "余师傅", "退回 #1001") == 200);  // no reason
    CHECK(w.store->ticket(1001)->owner_node == "d1");
    REQUIRE(w.say("room-d1", "wxid_d1_head", "余师傅", "退回 #1001 网格可以处理") == 200);
    auto t = w.store->ticket(1001);
    CHECK(t->owner_node == "g1");
    CHECK(t->status == TicketStatus::returned);
    CHECK(contains(w.to("room-b5").back().text, "RETURNED to:"));
    CHECK(contains(w.to("room-b5").back().text, ": 网格可以处理"));
  }
  SECTION("督办 only from above, and it pings the holder") {
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "督办 #1001") == 200);
    CHECK_FALSE(w.store->ticket(1001)->supervised);
    CHECK(contains(w.to("room-g1").back().text, "REFUSED-NOT-ABOVE T#1001"));
    REQUIRE(w.say("room-community", "wxid_comm_liu", "刘书记", "督办 #1001 今天必须处理") == 200);
    CHECK(w.store->ticket(1001)->supervised);
    auto ping = w.to("room-g1").back();
    CHECK(contains(ping.text, "SUPERVISE!"));
    CHECK(contains(ping.text, "T#1001"));
    CHECK(mentions(ping, "wxid_g1_head"));
  }
  SECTION("上报 from the top is refused") {
    REQUIRE(w.say("room-street", "wxid_street_chen", "陈主任", "上报 #1001") ==
            200);  // street may act
    REQUIRE(w.say("room-community", "wxid_comm_liu", "刘书记", "上报 #1001") == 200);
  }
}

TEST_CASE("办结 asks for satisfaction, 满意 confirms, 不满意 reopens, silence closes",
          "[satisfaction]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "5栋楼道灯也坏了") == 200);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 已更换灯泡") == 200);
  CHECK(contains(w.to("room-b5").back().text, "RATE? #1001"));
  SECTION("both satisfied: confirmed") {
    REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "满意") == 200);  // bare answer, one question
    CHECK(w.store->ticket(1001)->status == TicketStatus::resolved);
    REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "满意 #1001") == 200);
    CHECK(w.store->ticket(1001)->status == TicketStatus::confirmed);
  }
  SECTION("不满意 reopens at the level that closed it, with the words") {
    REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "不满意 #1001 灯还是一闪一闪的") == 200);
    auto t = w.store->ticket(1001);
    CHECK(t->status == TicketStatus::reopened);
    CHECK(t->owner_node == "g1");
    auto note = w.to("room-g1").back();
    CHECK(contains(note.text, "灯还是一闪一闪的"));
    CHECK(mentions(note, "wxid_g1_head"));
  }
  SECTION("no answer in time: closed as 默认满意, counted apart") {
    gridbot::deadlines::Timer esc(*w.service, *w.store, w.clock);
    w.clock.advance_ms(73 * kHour);
    esc.run_due();
    CHECK(w.store->ticket(1001)->status == TicketStatus::closed);
    auto s = gridbot::tickets::compute_stats(w.store->figures("g1", 0, w.clock.now_ms() + 1));
    CHECK(s.defaulted == 2);
    CHECK(s.satisfied == 0);
  }
  SECTION("someone who did not report gets told so") {
    REQUIRE(w.say("room-b5", "wxid_qian", "钱姐", "满意 #1001") == 200);
    CHECK(contains(w.to("room-b5").back().text, "ANSWER-NONE T#1001"));
    CHECK(w.store->ticket(1001)->status == TicketStatus::resolved);
  }
}

TEST_CASE("通知 to a grid reaches each of its building groups once and nothing outside",
          "[notice]") {
  TicketWorld w;
  REQUIRE(w.say("room-community", "wxid_comm_liu", "刘书记",
                "通知 第1网格 明天上午9点停水，请提前储水") == 200);
  std::set<std::string> rooms;
  int count = 0;
  for (const auto& o : w.store->pending_outbox())
    if (contains(o.text, "明天上午9点停水")) {
      rooms.insert(o.chat_id);
      ++count;
      CHECK(o.priority == priority::kNotice);
    }
  std::set<std::string> want{"room-g1"};
  for (int b = 1; b <= 9; ++b) want.insert("room-b" + std::to_string(b));
  CHECK(rooms == want);
  CHECK(count == 10);
  CHECK(contains(w.to("room-community").back().text, "NOTICE-DONE groups:10"));
  SECTION("a scope outside the speaker's subtree is refused") {
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "通知 第2网格 测试") == 200);
    CHECK(contains(w.to("room-g1").back().text, "NOTICE-REFUSED-SCOPE"));
  }
  SECTION("a resident cannot send one") {
    REQUIRE(w.say("room-g1", "wxid_nobody", "路人", "通知 全部 测试") == 200);
    CHECK(contains(w.to("room-g1").back().text, "REFUSED-NOT-HEAD"));
  }
}

TEST_CASE("进度, 待办 and 帮助 answer who may ask", "[queries]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "进度 #1001") == 200);
  CHECK(contains(w.to("room-b5").back().text, "PROGRESS T#1001"));
  CHECK(contains(w.to("room-b5").back().text, "status:new"));
  REQUIRE(w.say("room-b30", "wxid_x", "外人", "查 1001") == 200);
  CHECK(contains(w.to("room-b30").back().text, "REFUSED-NOT-IN-CHAIN T#1001"));
  REQUIRE(w.say("room-d1", "wxid_d1_head", "余师傅", "待办") == 200);
  CHECK(contains(w.to("room-d1").back().text, "#1001"));
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "帮助") == 200);
  CHECK(contains(w.to("room-b5").back().text, "HELP-RESIDENT"));
  // A bare 进度: the resident's own latest report; someone who reported nothing is told how.
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "进度") == 200);
  CHECK(contains(w.to("room-b5").back().text, "PROGRESS T#1001"));
  REQUIRE(w.say("room-b5", "wxid_nobody", "路人", "进度") == 200);
  CHECK(contains(w.to("room-b5").back().text, "PROGRESS-NONE"));
  // 「查一下明天停不停水」 is chatter, not a command.
  const size_t before = w.to("room-b5").size();
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "查一下明天停不停水") == 200);
  CHECK(w.to("room-b5").size() == before);
}

TEST_CASE("stats match hand-counted figures", "[stats]") {
  TicketWorld w;
  open_1001(w);  // g1, facility
  REQUIRE(w.say("room-b6", "wxid_a", "阿姨", "6栋门口垃圾好几天没人收了，臭得很") == 200);  // g1
  REQUIRE(w.say("room-b12", "wxid_b", "老王", "12栋电梯坏了，停在三楼不动") == 200);        // g2
  w.clock.advance_ms(kHour);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #1001") == 200);  // in time (1 h)
  w.clock.advance_ms(2 * kHour);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #1002") == 200);  // late (3 h)
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 换好了") == 200);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "满意") == 200);
  auto s = gridbot::tickets::compute_stats(w.store->figures("g1", 0, w.clock.now_ms() + 1));
  CHECK(s.received == 2);
  CHECK(s.accepted_in_time == 1);
  CHECK(s.resolved == 1);
  CHECK(s.satisfied == 1);
  CHECK(s.median_accept_ms == 3 * kHour);  // of {1 h, 3 h}, the upper middle
  CHECK(s.median_resolve_ms == 3 * kHour);
  CHECK(s.by_category.at("facility") == 1);
  auto all = gridbot::tickets::compute_stats(w.store->figures("cm-mhd", 0, w.clock.now_ms() + 1));
  CHECK(all.received == 3);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "统计 本月") == 200);
  auto reply = w.to("room-g1").back().text;
  CHECK(contains(reply, "RECEIVED=2 "));
  CHECK(contains(reply, "RESPONSE=50% "));
  CHECK(contains(reply, "SATISFIED=100% "));
}

TEST_CASE("the daily digest is posted once a day into each community group", "[digest]") {
  TicketWorld w;
  gridbot::deadlines::Timer esc(*w.service, *w.store, w.clock);
  esc.run_due();  // schedules it
  w.clock.advance_ms(25 * kHour);
  esc.run_due();
  esc.run_due();
  int digests = 0;
  for (const auto& o : w.to("room-community")) digests += contains(o.text, "DIGEST\n");
  CHECK(digests == 1);
}

TEST_CASE("a community added to the org after the start gets its daily digest", "[digest]") {
  TicketWorld w;
  gridbot::deadlines::Timer esc(*w.service, *w.store, w.clock);
  esc.run_due();  // schedules the demo's communities
  // The org gains a community (with a group), as an import applied while serving does.
  auto records = w.knowledge->tree->records();
  const auto community = std::find_if(records.begin(), records.end(), [](const OrgRecord& r) {
    return r.level == Level::community;
  });
  REQUIRE(community != records.end());
  OrgRecord added = *community;
  added.id = "cm-added";
  added.name = "新建社区";
  added.groups = {{"bridge", "room-added-community"}};
  added.heads.clear();
  records.push_back(added);
  std::vector<std::string> errors;
  auto tree = OrgTree::build(records, &errors);
  REQUIRE(tree);
  auto next = std::make_shared<gridbot::knowledge::Knowledge>(*w.knowledge);
  next->tree = std::make_shared<const OrgTree>(std::move(*tree));
  w.service->swap(next);
  esc.run_due();  // the same day, the new tree
  w.clock.advance_ms(25 * kHour);
  esc.run_due();
  esc.run_due();
  int added_digests = 0, old_digests = 0;
  for (const auto& o : w.to("room-added-community")) added_digests += contains(o.text, "DIGEST\n");
  for (const auto& o : w.to("room-community")) old_digests += contains(o.text, "DIGEST\n");
  CHECK(added_digests == 1);
  CHECK(old_digests == 1);
}

#include "bot/api/router.hpp"

TEST_CASE("the stats and return-visit APIs", "[stats][api]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #1001") == 200);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 换好了") == 200);
  gridbot::api::Router router(*w.pipeline, *w.store, "api-token-0123456789", nullptr);
  router.set_tickets(&w.service->config());
  auto get = [&](const std::string& target) {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"Authorization", "Bearer api-token-0123456789"}};
    HttpResponse out;
    router.handle(r, [&](HttpResponse resp) { out = std::move(resp); });
    return out;
  };
  const std::string span = "&from=0&to=" + std::to_string(w.clock.now_ms() + 1);
  auto s = get("/api/v1/stats?node=g1" + span);
  CHECK(s.status == 200);
  CHECK(contains(s.body, R"("received":1)"));
  CHECK(contains(s.body, R"("resolved":1)"));
  CHECK(contains(s.body, R"("facility":1)"));
  CHECK(contains(get("/api/v1/stats?node=g2" + span).body, R"("received":0)"));
  CHECK(get("/api/v1/stats?from=yesterday").status == 400);
  // FakeClock starts at 2023-11-14 (UTC+8): the ticket was resolved that month.
  auto visits = get("/api/v1/return-visits?month=2023-11&n=5");
  CHECK(visits.status == 200);
  CHECK(contains(visits.body, R"("no":1001)"));
  CHECK_FALSE(contains(get("/api/v1/return-visits?month=2023-10").body, R"("no":1001)"));
  CHECK(get("/api/v1/return-visits?month=11").status == 400);
}

TEST_CASE("aliases work and a closed ticket refuses further changes", "[commands6]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "上报 #1001") == 200);
  REQUIRE(w.say("room-d1", "wxid_d1_head", "余师傅", "回退 #1001 网格处理") ==
          200);  // alias of 退回
  CHECK(w.store->ticket(1001)->owner_node == "g1");
  REQUIRE(w.say("room-community", "wxid_comm_liu", "刘书记", "催办 #1001") ==
          200);  // alias of 督办
  CHECK(w.store->ticket(1001)->supervised);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "查询 #1001") == 200);  // alias of 进度
  CHECK(contains(w.to("room-g1").back().text, "[SUPERVISED]PROGRESS T#1001"));
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "已办结 #1001 修好了") == 200);
  CHECK(w.store->ticket(1001)->status == TicketStatus::resolved);
  for (const char* cmd : {"受理 #1001", "上报 #1001", "转办 #1001 供电", "办结 #1001 再办一次"}) {
    INFO(cmd);
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", cmd) == 200);
    CHECK(contains(w.to("room-g1").back().text, "REFUSED-CLOSED T#1001 is:status:resolved"));
    CHECK(w.store->ticket(1001)->status == TicketStatus::resolved);
  }
}

TEST_CASE("rows a timer run queues carry the run's request id, not the message's",
          "[clocks][log]") {
  TicketWorld w;
  open_1001(w);
  const std::string by_message = w.to("room-b5").front().request_id;
  REQUIRE(log::valid_request_id(by_message));
  for (const auto& room : {"room-b5", "room-g1"})
    for (const auto& o : w.to(room)) CHECK(o.request_id == by_message);

  gridbot::deadlines::Timer esc(*w.service, *w.store, w.clock);
  w.clock.advance_ms(kHour * 3 / 2 + 1);  // the accept clock's warning
  REQUIRE(esc.run_due() == 1);
  const std::string warned = w.to("room-g1").back().request_id;
  w.clock.advance_ms(kHour);  // the miss: escalated to the district
  REQUIRE(esc.run_due() == 1);
  const std::string missed = w.to("room-d1").back().request_id;
  CHECK(log::valid_request_id(warned));
  CHECK(log::valid_request_id(missed));
  CHECK(warned != by_message);
  CHECK(missed != warned);           // one id per run
  CHECK(log::request_id().empty());  // the run's id ends with the run
}
