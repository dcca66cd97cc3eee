// Answers that read (待办, 统计) are read on committed data before the write: a slow read holds
// up no one else's message, and the head still gets the answer.
#include "../support/ticket_fixture.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <thread>

using namespace gridbot;
using gridbot::test::contains;
using gridbot::test::TicketWorld;

TEST_CASE("a head's 统计 is read before the write: a resident's report commits while it reads",
          "[tickets][reads]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋2单元楼道灯坏了好几天了") == 200);
  std::promise<void> reading, release;
  auto released = release.get_future().share();
  w.before_read = [&] {
    reading.set_value();
    released.wait();
  };
  int head_status = 0;
  std::thread head([&] { head_status = w.say("room-g1", "wxid_g1_head", "孙师傅", "统计"); });
  reading.get_future().wait();
  // The head's read is held; the writer is not.
  w.before_read = nullptr;
  CHECK(w.say("room-b6", "wxid_zhao", "赵大哥", "6栋1单元门禁坏了进不去") == 200);
  CHECK(w.tickets().size() == 2);
  release.set_value();
  head.join();
  CHECK(head_status == 200);
  const auto reply = w.to("room-g1").back().text;
  CHECK(contains(reply, "STATS-REPLY"));
  CHECK(contains(reply, "RECEIVED=2 "));  // read after the report it let through
}

TEST_CASE("待办 prepared before the write lists what the writer would have listed",
          "[tickets][reads]") {
  TicketWorld w;
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋2单元楼道灯坏了好几天了") == 200);
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "待办") == 200);
  const auto prepared = w.to("room-g1").back().text;
  CHECK(contains(prepared, "count:1"));
  CHECK(contains(prepared, "#1001"));
  // The same command reaching the writer unprepared (no preparer) answers the same.
  w.pipeline->set_preparer({});
  REQUIRE(w.say("room-g1", "wxid_g1_head", "孙师傅", "待办") == 200);
  CHECK(w.to("room-g1").back().text == prepared);
}

#include "bot/deadlines/fire.hpp"
#include "bot/deadlines/timer.hpp"

TEST_CASE("the daily digest's figures are read before the timer's write, which only queues them",
          "[tickets][reads][digest]") {
  TicketWorld w;
  gridbot::deadlines::Timer timer(*w.service, *w.store, w.clock);
  timer.run_due();  // schedules the digests
  w.clock.advance_ms(20 * 3600 * 1000LL);
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋2单元楼道灯坏了好几天了") == 200);
  w.clock.advance_ms(5 * 3600 * 1000LL);
  const int64_t now = w.clock.now_ms();
  auto digests = gridbot::deadlines::prepare_digests(*w.service, *w.store, now);
  REQUIRE(digests.count("cm-mhd") == 1);
  CHECK(digests["cm-mhd"].received == 1);
  // The write takes the figures it is given.
  digests["cm-mhd"].received = 7;
  REQUIRE_FALSE(w.store->write_sync(
      [&](store::WriteTx& tx) { gridbot::deadlines::fire_due(*w.service, tx, now, digests); }));
  int seen = 0;
  for (const auto& o : w.to("room-community"))
    seen += contains(o.text, "DIGEST\n") && contains(o.text, "RECEIVED=7 ");
  CHECK(seen == 1);
}
