// Follow-ups (docs/media.md "Follow-ups"): a resident's photo, location or "还有…" soon after the
// report joins it — location refined, photos attached, one 补充 up — and never opens a second
// ticket; another resident's addition joins them as a reporter; outside the window a message is
// read on its own again.
#include "tests/support/ticket_fixture.hpp"

using namespace gridbot;
using gridbot::test::contains;
using gridbot::test::TicketWorld;

namespace {

constexpr int64_t kMinute = 60'000;

// A photo from `user` in `room` the way a bridge forwards MessageType.Image (a URL it serves).
int photo(TicketWorld& w, const std::string& room, const std::string& user,
          const std::string& text = "") {
  const std::string id = "p" + std::to_string(++w.seq);
  const std::string body = R"({"id":")" + id + R"(","room":{"id":")" + room +
                           R"("},"talker":{"id":")" + user + R"(","name":"李阿姨"},"text":")" +
                           text + R"(","media":[{"type":"image","url":"https://bridge.local/)" +
                           id + R"(.jpg"}]})";
  const HttpRequest r = test::signed_bridge_request(body, test::kSecret, w.clock.now_s());
  std::promise<int> p;
  w.pipeline->handle_hook("bridge", r, [&](HttpResponse resp) { p.set_value(resp.status); });
  return p.get_future().get();
}

std::vector<OutboxItem> pending_with(TicketWorld& w, const std::string& room,
                                     const std::string& word) {
  std::vector<OutboxItem> out;
  for (auto& o : w.to(room))
    if (contains(o.text, word)) out.push_back(o);
  return out;
}

size_t media_of(TicketWorld& w, int64_t no) { return w.store->ticket_media(no).size(); }

// The image rows queued for `room` (the bridge shows photos: docs/media.md "Media out").
std::vector<OutboxItem> images_to(TicketWorld& w, const std::string& room) {
  std::vector<OutboxItem> out;
  for (auto& o : w.to(room))
    if (o.media_id != 0) out.push_back(o);
  return out;
}

}  // namespace

TEST_CASE("text, then a photo, then the place: one ticket, relayed once plus one 补充",
          "[tickets][follow_up]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "楼道灯坏了，晚上看不见") == 200);
  REQUIRE(w.tickets().size() == 1);
  w.clock.advance_ms(kMinute);
  REQUIRE(photo(w, "room-b5", "wxid_li") == 200);
  w.clock.advance_ms(kMinute);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "在5栋2单元") == 200);

  const auto all = w.tickets();
  REQUIRE(all.size() == 1);
  const auto t = *w.store->ticket(all[0].no);
  CHECK(t.building == "5");
  CHECK(t.unit == "2");
  CHECK(media_of(w, t.no) == 1);
  CHECK(pending_with(w, "room-g1", "RELAY T#").size() == 1);
  // The photo's 补充 was replaced by the later one before it went out: one 补充, holding both.
  const auto sup = pending_with(w, "room-g1", "FOLLOWUP T#");
  REQUIRE(sup.size() == 1);
  CHECK(contains(sup[0].text, "PHOTOS 1"));
  CHECK(contains(sup[0].text, "在5栋2单元"));
  CHECK(sup[0].priority == priority::kFollowUp);
  CHECK(sup[0].next_try_ms > w.clock.now_ms());  // held back for later follow-ups
  // The photo itself goes up once, behind the 补充 that first carried it, and never into the
  // resident's own group.
  const auto images = images_to(w, "room-g1");
  REQUIRE(images.size() == 1);
  CHECK(images[0].media_id == w.store->ticket_media(t.no).at(0).id);
  CHECK(images[0].text.empty());
  CHECK(images[0].priority == priority::kFollowUp);
  CHECK(images_to(w, "room-b5").empty());
  // The resident hears once that it was added.
  CHECK(pending_with(w, "room-b5", "FOLLOWUP-ACK").size() == 1);
  CHECK(std::count_if(t.events.begin(), t.events.end(),
                      [](const TicketEvent& e) { return e.kind == "follow_up"; }) == 2);
}

TEST_CASE("a photo first, the words within the window: one ticket with the photo",
          "[tickets][follow_up]") {
  TicketWorld w;
  REQUIRE(photo(w, "room-b5", "wxid_li") == 200);
  CHECK(w.tickets().empty());
  CHECK(w.store->messages({}).at(0).state == "media");
  w.clock.advance_ms(2 * kMinute);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋2单元楼道灯坏了") == 200);
  REQUIRE(w.tickets().size() == 1);
  CHECK(media_of(w, w.tickets()[0].no) == 1);
  const auto relay = pending_with(w, "room-g1", "RELAY T#");
  REQUIRE(relay.size() == 1);
  CHECK(contains(relay[0].text, "PHOTOS 1"));
  CHECK(pending_with(w, "room-g1", "FOLLOWUP").empty());
  // The relay, then its photo as an image, in each group it went to.
  const auto images = images_to(w, "room-g1");
  REQUIRE(images.size() == 1);
  CHECK(images[0].id > relay[0].id);
  CHECK(images[0].media_id == w.store->ticket_media(w.tickets()[0].no).at(0).id);
}

TEST_CASE("a location after the report refines it", "[tickets][follow_up]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "楼道灯坏了") == 200);
  w.clock.advance_ms(kMinute);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "3单元502") == 200);
  REQUIRE(w.tickets().size() == 1);
  CHECK(w.tickets()[0].unit == "3");
  CHECK(pending_with(w, "room-g1", "FOLLOWUP T#").size() == 1);
}

TEST_CASE("another resident's 还有…也是 joins the report as a reporter", "[tickets][follow_up]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋1单元楼道灯坏了") == 200);
  w.clock.advance_ms(kMinute);
  REQUIRE(w.say("room-b5", "wxid_wang", "王大爷", "还有2单元也是") == 200);
  const auto all = w.tickets();
  REQUIRE(all.size() == 1);
  const auto t = *w.store->ticket(all[0].no);
  CHECK(t.reporters.size() == 2);
  CHECK(t.unit == "1");  // the first resident's place stays
  CHECK(pending_with(w, "room-b5", "MERGED T#").size() == 1);
}

TEST_CASE("outside the window a message is read on its own", "[tickets][follow_up]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "楼道灯坏了") == 200);
  w.clock.advance_ms(6 * kMinute);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "在5栋2单元") == 200);
  REQUIRE(photo(w, "room-b5", "wxid_li") == 200);
  const auto all = w.tickets();
  REQUIRE(all.size() == 1);
  CHECK(all[0].unit.empty());
  CHECK(media_of(w, all[0].no) == 0);
  CHECK(pending_with(w, "room-g1", "FOLLOWUP").empty());
  // "谢谢" within the window is chatter, not a follow-up.
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵姐", "厨房水管漏水了") == 200);
  w.clock.advance_ms(kMinute);
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵姐", "谢谢") == 200);
  CHECK(pending_with(w, "room-g1", "FOLLOWUP").empty());
}

TEST_CASE("a new matter within the window is a ticket of its own", "[tickets][follow_up]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋楼道灯坏了") == 200);
  w.clock.advance_ms(kMinute);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "电梯困人了，快来") == 200);
  CHECK(w.tickets().size() == 2);
}
