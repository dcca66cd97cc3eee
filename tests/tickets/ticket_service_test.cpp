#include "bot/tickets/service.hpp"

#include "tests/support/ticket_fixture.hpp"

using namespace gridbot;
using gridbot::test::contains;
using gridbot::test::TicketWorld;

// Demo org: b5 sits in grid g1 (网格长 wxid_g1_head, 物业长 wxid_g1_property), district d1,
// community cm-mhd, street st-zgl; the power department is dep-power (room-power).

TEST_CASE("a report in a building group opens a ticket, is acknowledged and relayed to its grid",
          "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋2单元楼道灯坏了好几天了，晚上黑黢黢的") == 200);
  auto tickets = w.tickets();
  REQUIRE(tickets.size() == 1);
  const auto& t = tickets[0];
  CHECK(t.no == 1001);
  CHECK(t.category == "facility");
  CHECK(t.tier == Tier::small);
  CHECK(t.status == TicketStatus::new_);
  CHECK(t.owner_node == "g1");
  CHECK(t.owner_level == "grid");
  CHECK(t.building == "5");
  CHECK(t.unit == "2");
  CHECK(t.origin_path == "/st-zgl/cm-mhd/d1/g1/b5/");
  auto ack = w.to("room-b5");
  REQUIRE(ack.size() == 1);
  CHECK(contains(ack[0].text, "ACK T#1001"));
  CHECK(contains(ack[0].text, "@李阿姨"));
  CHECK(ack[0].mentions == std::vector<std::string>{"wxid_li"});
  auto relay = w.to("room-g1");
  REQUIRE(relay.size() == 1);
  CHECK(contains(relay[0].text, "RELAY T#1001"));
  CHECK(contains(relay[0].text, "FROM 5栋"));
  CHECK(contains(relay[0].text, "AT bldg5-unit2"));
  CHECK(contains(relay[0].text, "REPORTERS 1"));
  CHECK(relay[0].mentions == std::vector<std::string>{"wxid_g1_head"});
  // Nothing above the owner, nothing to a department for a small matter.
  CHECK(w.to("room-d1").empty());
  CHECK(w.to("room-street").empty());
  CHECK(w.to("room-power").empty());
  auto full = w.store->ticket(1001);
  REQUIRE(full);
  REQUIRE(full->events.size() == 2);
  CHECK(full->events[0].kind == "created");
  CHECK(full->events[1].kind == "relayed");
}

TEST_CASE("chatter is never answered and an unsure message is stored, not ticketed", "[tickets]") {
  TicketWorld w;
  CHECK(w.say("room-b5", "wxid_li", "李阿姨", "祝各位邻居中秋节快乐") == 200);
  CHECK(w.say("room-b5", "wxid_li", "李阿姨", "谢谢网格员！") == 200);
  CHECK(w.tickets().empty());
  CHECK(w.store->pending_outbox().empty());
}

TEST_CASE("an @-mention that is plainly not a report gets a hint how to report, not a ticket",
          "[tickets]") {
  TicketWorld w;
  for (int i = 0; i < 5; ++i)
    CHECK(w.say("room-b5", "wxid_li", "李阿姨", "@网格助手 谢谢你们，辛苦了！", true) == 200);
  CHECK(w.say("room-b6", "wxid_wang", "王叔", "@网格助手 祝大家中秋节快乐", true) == 200);
  CHECK(w.tickets().empty());
  auto hints = w.to("room-b5");
  REQUIRE(hints.size() == 1);  // once, however often she writes
  CHECK(contains(hints[0].text, "@李阿姨"));
  CHECK(contains(hints[0].text, "HOW-TO-REPORT"));
  CHECK(w.to("room-b6").size() == 1);
  SECTION("with 报事 in front it is a ticket all the same") {
    CHECK(w.say("room-b5", "wxid_li", "李阿姨", "报事 谢谢你们，辛苦了！") == 200);
    CHECK(w.tickets().size() == 1);
  }
}

TEST_CASE("报事 makes anything a report, an @-mention is always answered", "[tickets]") {
  TicketWorld w;
  CHECK(w.say("room-b5", "wxid_li", "李阿姨", "报事：这个事情麻烦看一下") == 200);
  auto tickets = w.tickets();
  REQUIRE(tickets.size() == 1);
  CHECK(tickets[0].text == "这个事情麻烦看一下");
  CHECK(tickets[0].category == "other");
  // Vague words to the bot: a ticket of its own when the classifier is unsure, a hint how to
  // report when it is sure they are not one; never silence.
  CHECK(w.say("room-b6", "wxid_wang", "王叔", "@网格助手 想问一下这个怎么弄", true) == 200);
  auto answers = w.to("room-b6");
  REQUIRE(answers.size() == 1);
  CHECK(contains(answers[0].text, "@王叔"));
  CHECK((w.tickets().size() == 2) != contains(answers[0].text, "HOW-TO-REPORT"));
}

TEST_CASE("a second resident's same report merges: told the number, nothing relayed twice",
          "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，晚上看不见") == 200);
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "我们5栋楼道的灯也不亮了") == 200);
  auto tickets = w.tickets();
  REQUIRE(tickets.size() == 1);
  CHECK(tickets[0].reporters.size() == 2);
  CHECK(w.to("room-g1").size() == 1);
  auto replies = w.to("room-b5");
  REQUIRE(replies.size() == 2);
  CHECK(contains(replies[1].text, "@赵大爷"));
  CHECK(contains(replies[1].text, "MERGED T#1001"));
  CHECK(contains(replies[1].text, "reporters:2"));

  SECTION("the same resident again is not counted twice") {
    REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "楼道灯还是坏的") == 200);
    CHECK(w.tickets()[0].reporters.size() == 2);
  }
  SECTION("a resident repeating it is answered once an hour, however often they write") {
    for (int i = 0; i < 20; ++i)
      REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "我们5栋楼道的灯也不亮了") == 200);
    auto again = w.to("room-b5");
    REQUIRE(again.size() == 3);  // the two above, and one answer to the twenty repeats
    CHECK(contains(again[2].text, "@赵大爷"));
    CHECK(contains(again[2].text, "MERGED-AGAIN T#1001"));
    CHECK(w.to("room-g1").size() == 1);
    w.clock.advance_ms(61 * 60'000);
    REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "一个多小时了楼道灯还是坏的") == 200);
    CHECK(w.to("room-b5").size() == 4);
    CHECK(w.tickets()[0].reporters.size() == 2);
  }
  SECTION("another building's same problem is a ticket of its own") {
    REQUIRE(w.say("room-b6", "wxid_qian", "钱姐", "6栋楼道灯坏了") == 200);
    CHECK(w.tickets().size() == 2);
  }
}

TEST_CASE("受理 from the grid head changes the ticket and tells every reporter", "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，晚上看不见") == 200);
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "5栋楼道灯也不亮") == 200);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #1001") == 200);
  auto t = w.store->ticket(1001);
  REQUIRE(t);
  CHECK(t->status == TicketStatus::accepted);
  CHECK(t->accepted_ms == w.clock.now_ms());
  auto down = w.to("room-b5");
  REQUIRE(down.size() == 3);
  CHECK(contains(down[2].text, "T#1001 <cat:facility> ACCEPTED by:role:grid_head/孙师傅"));
  CHECK(down[2].mentions == std::vector<std::string>{"wxid_li", "wxid_zhao"});
  auto confirm = w.to("room-g1");
  REQUIRE(confirm.size() == 2);
  CHECK(contains(confirm[1].text, "DONE-ACCEPT T#1001 told:2"));

  SECTION("aliases and number forms: 接单 １００１") {
    TicketWorld v;
    REQUIRE(v.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了") == 200);
    REQUIRE(v.say("room-g1", "wxid_g1_property", "曾师傅", "@网格助手 接单 ＃１００１") == 200);
    CHECK(v.store->ticket(1001)->status == TicketStatus::accepted);
  }
  SECTION("办结 needs a note, then resolves and tells the reporters") {
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "办结 1001") == 200);
    CHECK(w.store->ticket(1001)->status == TicketStatus::accepted);
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 已更换楼道灯泡") == 200);
    CHECK(w.store->ticket(1001)->status == TicketStatus::resolved);
    auto last = w.to("room-b5").back();
    CHECK(contains(last.text, "RESOLVED: 已更换楼道灯泡"));
    CHECK(last.mentions.size() == 2);
  }
}

TEST_CASE("commands from people without the right are refused and change nothing", "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，晚上看不见") == 200);
  const size_t before = w.store->pending_outbox().size();
  SECTION("a resident in the building group") {
    REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "受理 #1001") == 200);
    CHECK(contains(w.to("room-b5").back().text, "REFUSED-NOT-HEAD action:accept T#1001"));
  }
  SECTION("a stranger in the grid group") {
    REQUIRE(w.say("room-g1", "wxid_nobody", "路人", "受理 #1001") == 200);
    CHECK(contains(w.to("room-g1").back().text, "REFUSED-NOT-HEAD action:accept T#1001"));
  }
  SECTION("another grid's head, in their own group") {
    REQUIRE(w.say("room-g2", "wxid_g2_head", "王师傅", "受理 #1001") == 200);
    CHECK(contains(w.to("room-g2").back().text, "REFUSED-OUT-OF-SCOPE T#1001"));
  }
  SECTION("an unknown ticket") {
    REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #9999") == 200);
    CHECK(contains(w.to("room-g1").back().text, "REFUSED-UNKNOWN T#9999"));
  }
  CHECK(w.store->ticket(1001)->status == TicketStatus::new_);
  CHECK(w.store->pending_outbox().size() == before + 1);  // only the refusal
  // The building group heard nothing about a status change.
  for (const auto& o : w.to("room-b5")) CHECK_FALSE(contains(o.text, "ACCEPTED by:"));
}

TEST_CASE("a higher level may act on a ticket it sits above", "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，晚上看不见") == 200);
  REQUIRE(w.say("room-community", "wxid_comm_liu", "刘书记", "受理 1001") == 200);
  CHECK(w.store->ticket(1001)->status == TicketStatus::accepted);
}

TEST_CASE("a big matter rises to the street office and reaches the department", "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b12", "wxid_he", "何师傅", "全小区停电了，几百户都没电，冰箱都化了") == 200);
  auto t = w.tickets().at(0);
  CHECK(t.category == "power");
  CHECK(t.tier == Tier::big);
  CHECK(t.owner_node == "st-zgl");
  CHECK(t.department == "dep-power");
  // Once per level from the grid up to the street, and the department.
  for (const char* room : {"room-g2", "room-d1", "room-community", "room-street", "room-power"}) {
    INFO(room);
    CHECK(w.to(room).size() == 1);
  }
  CHECK(w.to("room-street")[0].mentions == std::vector<std::string>{"wxid_street_chen"});
}

TEST_CASE("an urgent report goes at once to grid, property head and department, ahead of others",
          "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b7", "wxid_ma", "马姐", "7栋电梯关人了！！里面有老人，快来人") == 200);
  auto t = w.tickets().at(0);
  CHECK(t.urgent);
  auto grid = w.to("room-g1");
  REQUIRE(grid.size() == 1);
  CHECK(grid[0].priority == priority::kUrgent);
  CHECK(contains(grid[0].text, "[URGENT]RELAY T#1001"));
  CHECK(std::find(grid[0].mentions.begin(), grid[0].mentions.end(), "wxid_g1_property") !=
        grid[0].mentions.end());
  CHECK(w.to("room-b7")[0].priority == priority::kUrgent);
  // No department owns lifts in this org: the resident is not told one was called.
  CHECK(contains(w.to("room-b7")[0].text, "URGENT-ACK T#1001"));
  CHECK(contains(w.to("room-b7")[0].text, "called:GRID+PROPERTY"));
  CHECK_FALSE(contains(w.to("room-b7")[0].text, "called:GRID+PROPERTY+"));
}

TEST_CASE("an urgent report that a department owns tells the resident which one was called",
          "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋地下室水管爆了，水哗哗往外冒！") == 200);
  auto t = w.tickets().at(0);
  REQUIRE(t.urgent);
  REQUIRE_FALSE(t.department.empty());
  const OrgNode* dept = w.knowledge->tree->find(t.department);
  REQUIRE(dept != nullptr);
  CHECK(contains(w.to("room-b5")[0].text, "URGENT-ACK T#1001"));
  CHECK(contains(w.to("room-b5")[0].text, "called:GRID+PROPERTY+" + dept->name));
}

TEST_CASE("a private matter stays in the building group with the building head", "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b3", "wxid_sun", "孙嬢嬢", "报事 我家自己屋头的水龙头一直滴水，关不紧") ==
          200);
  auto t = w.tickets().at(0);
  CHECK(t.tier == Tier::private_);
  CHECK(t.owner_node == "b3");
  auto reply = w.to("room-b3");
  REQUIRE(reply.size() == 1);
  CHECK(std::find(reply[0].mentions.begin(), reply[0].mentions.end(), "wxid_b3_head") !=
        reply[0].mentions.end());
  CHECK(w.to("room-g1").empty());
}

TEST_CASE("phone numbers are masked in every group above the building", "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，联系我13812345678") == 200);
  auto relay = w.to("room-g1").at(0);
  CHECK(contains(relay.text, "138****5678"));
  CHECK_FALSE(contains(relay.text, "13812345678"));
}

#include "bot/api/router.hpp"

TEST_CASE("the tickets API lists with filters and shows one ticket with its history",
          "[tickets][api]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，晚上看不见") == 200);
  REQUIRE(w.say("room-b20", "wxid_qin", "秦姐", "20栋门口垃圾好几天没人收了，臭得很") == 200);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "受理 #1001") == 200);
  gridbot::api::Router router(*w.pipeline, *w.store, "api-token-0123456789", nullptr);
  auto get = [&](const std::string& target) {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"Authorization", "Bearer api-token-0123456789"}};
    HttpResponse out;
    router.handle(r, [&](HttpResponse resp) { out = std::move(resp); });
    return out;
  };
  auto all = get("/api/v1/tickets");
  CHECK(all.status == 200);
  CHECK(contains(all.body, R"("no":1001)"));
  CHECK(contains(all.body, R"("no":1002)"));
  auto accepted = get("/api/v1/tickets?status=accepted");
  CHECK(contains(accepted.body, R"("no":1001)"));
  CHECK_FALSE(contains(accepted.body, R"("no":1002)"));
  auto grid1 = get("/api/v1/tickets?node=g1");
  CHECK(contains(grid1.body, R"("no":1001)"));
  CHECK_FALSE(contains(grid1.body, R"("no":1002)"));
  CHECK_FALSE(contains(get("/api/v1/tickets?category=sanitation").body, R"("no":1001)"));
  auto one = get("/api/v1/tickets/1001");
  CHECK(one.status == 200);
  CHECK(contains(one.body, R"("kind":"created")"));
  CHECK(contains(one.body, R"("kind":"accepted")"));
  CHECK(contains(one.body, R"("from":"new","to":"accepted")"));
  CHECK(get("/api/v1/tickets/4242").status == 404);
  CHECK(get("/api/v1/tickets/abc").status == 400);
  CHECK(get("/api/v1/tickets?status=bogus").status == 400);
}

TEST_CASE("reports naming different units of one building stay apart, naming none merges",
          "[tickets]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋2单元楼道灯坏了") == 200);
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "5栋3单元楼道灯也坏了") == 200);
  REQUIRE(w.say("room-b5", "wxid_qian", "钱姐", "我们楼道灯不亮了") == 200);
  auto tickets = w.tickets();
  REQUIRE(tickets.size() == 2);
  CHECK(tickets[0].reporters.size() == 2);  // the newest open one took the unit-less report
}
