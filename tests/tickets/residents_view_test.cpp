// What residents and heads see, as a real bridge shows it: whole days in stats, names instead of
// ids, each mention once, words a resident understands, an answer to every command, 满意率 over
// every resolution, heads called by their names.
#include "adapters/bridge/adapter.hpp"
#include "bot/api/router.hpp"
#include "bot/tickets/stats.hpp"

#include "tests/support/ticket_fixture.hpp"

using namespace gridbot;
using gridbot::test::contains;
using gridbot::test::TicketWorld;

namespace {

void open_1001(TicketWorld& w) {
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了，晚上看不见") == 200);
  REQUIRE(w.tickets().size() == 1);
}

HttpResponse api_get(TicketWorld& w, const std::string& target) {
  gridbot::api::Router router(*w.pipeline, *w.store, "api-token-0123456789", nullptr);
  router.set_tickets(&w.service->config());
  HttpRequest r;
  r.method = "GET";
  r.target = target;
  r.headers = {{"Authorization", "Bearer api-token-0123456789"}};
  HttpResponse out;
  router.handle(r, [&](HttpResponse resp) { out = std::move(resp); });
  return out;
}

// The local (UTC+8) date of `ms`, as YYYY-MM-DD.
std::string local_date(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000 + 8 * 3600);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

TEST_CASE("a stats range ending on a date includes that whole day", "[stats][api]") {
  TicketWorld w;
  open_1001(w);
  const std::string today = local_date(w.clock.now_ms());
  auto one_day = api_get(w, "/api/v1/stats?node=g1&from=" + today + "&to=" + today);
  CHECK(one_day.status == 200);
  CHECK(contains(one_day.body, R"("received":1)"));
}

TEST_CASE("a reply to a resident @-mentions them once when the bridge renders mentions itself",
          "[mentions]") {
  TicketWorld w;
  open_1001(w);
  const auto ack = w.to("room-b5").front();
  REQUIRE(contains(ack.text, "@李阿姨"));
  REQUIRE(ack.mention_names == std::vector<std::string>{"李阿姨"});
  const std::string plain = adapters::bridge::without_mentions(ack);
  CHECK_FALSE(contains(plain, "@李阿姨"));
  CHECK(contains(ack.text, plain));  // the rest of the text is untouched
  // A relay names the grid head in the middle of the text: the plain text drops that @name only.
  const auto relay = w.to("room-g1").front();
  REQUIRE(!relay.mentions.empty());
  const std::string relay_plain = adapters::bridge::without_mentions(relay);
  CHECK_FALSE(contains(relay_plain, "@孙师傅"));
  CHECK(contains(relay_plain, "ACCEPT? #1001"));
}

TEST_CASE("a ticket handed back down tells the residents who handles it now", "[commands]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "上报 #1001") == 200);
  REQUIRE(w.say("room-d1", "wxid_d1_head", "余师傅", "退回 #1001 网格可以处理") == 200);
  const auto told = w.to("room-b5").back();
  CHECK(contains(told.text, "网格可以处理"));
  const auto t = w.store->ticket(1001);
  REQUIRE(t);
  const OrgNode* owner = w.knowledge->tree->find(t->owner_node);
  REQUIRE(owner);
  CHECK(contains(told.text, "RETURNED to:" + owner->name));  // the next step, not only "returned"
}

TEST_CASE("a resident's heads-only command is answered with what they can do", "[queries]") {
  TicketWorld w;
  const size_t before = w.to("room-b5").size();
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "统计") == 200);
  const auto rows = w.to("room-b5");
  REQUIRE(rows.size() == before + 1);
  CHECK(rows.back().mentions == std::vector<std::string>{"wxid_li"});
  CHECK(contains(rows.back().text, "REFUSED-RESIDENT 统计"));  // what a resident can use instead
  // Neighbours using the word in conversation are left alone.
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "统计一下明天谁去体检") == 200);
  CHECK(w.to("room-b5").size() == before + 1);
}

TEST_CASE("满意率 counts the verdict on every resolution, and reopenings show", "[satisfaction]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 已更换灯泡") == 200);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "不满意 #1001 还是不亮") == 200);
  REQUIRE(w.store->ticket(1001)->status == TicketStatus::reopened);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 换了整套灯具") == 200);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "满意 #1001") == 200);
  REQUIRE(w.store->ticket(1001)->status == TicketStatus::confirmed);
  const auto s = gridbot::tickets::compute_stats(w.store->figures("g1", 0, w.clock.now_ms() + 1));
  CHECK(s.satisfied == 1);
  CHECK(s.unsatisfied == 1);
  CHECK(s.reopened == 1);
}

TEST_CASE("a head whose bridge sent no display name is called by the org's name", "[commands]") {
  TicketWorld w;
  open_1001(w);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "", "受理 #1001") == 200);
  const auto answer = w.to("room-g1").back();
  CHECK_FALSE(contains(answer.text, "wxid_g1_head"));
  const OrgNode* g1 = w.knowledge->tree->find("g1");
  REQUIRE(g1);
  const Head* head = head_of(*g1, "bridge", "wxid_g1_head");
  REQUIRE(head);
  CHECK(contains(answer.text, "@" + head->name));
}
