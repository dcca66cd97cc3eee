// The shipped templates (rules/templates.json) through the real workflows: every reply the code
// sends renders from a template that exists and fills every placeholder it uses. Other tests
// render with the test templates (tests/data/templates_test.json) and never assert the shipped
// wording; this one asserts nothing about the wording either, only that nothing is missing.
#include "bot/deadlines/timer.hpp"

#include "tests/support/incident_fixture.hpp"

#include <regex>

using namespace gridbot;
using gridbot::test::IncidentWorld;
using gridbot::test::TicketWorld;

namespace {

constexpr int64_t kHour = 3'600'000;

/// Every row's text that shows a missing template ("[ticket.ack]") or an unfilled placeholder.
std::vector<std::string> gaps(IncidentWorld& w) {
  static const std::regex gap(R"(\[[a-z_]+(\.[a-z_]+)+\]|\{[a-z_]+\})");
  std::vector<std::string> out;
  for (const auto& o : w.all_rows())
    if (std::regex_search(o.text, gap)) out.push_back(o.idempotency_key + ": " + o.text);
  return out;
}

}  // namespace

TEST_CASE("the shipped templates render every reply of the ticket and incident workflows whole",
          "[templates][shipped]") {
  IncidentWorld w(TicketWorld::shipped_templates());
  gridbot::deadlines::Timer timer(*w.service, *w.store, w.clock);
  timer.run_due();  // schedules the digests
  // Reports: acknowledged, relayed, merged, repeated; an urgent one; a private one; chatter to
  // the bot; a group outside the org.
  REQUIRE(w.say("room-b5", "wxid_li", "李阿姨", "5栋2单元楼道灯坏了好几天了，晚上黑黢黢的") == 200);
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "我们5栋楼道的灯也不亮了") == 200);
  REQUIRE(w.say("room-b5", "wxid_zhao", "赵大爷", "我们5栋楼道的灯也不亮了") == 200);
  REQUIRE(w.say("room-b7", "wxid_ma", "马姐", "7栋电梯关人了！！里面有老人，快来人") == 200);
  REQUIRE(w.say("room-b5", "wxid_qian", "钱姐", "5栋地下室水管爆了，水哗哗往外冒！") == 200);
  REQUIRE(w.say("room-b12", "wxid_he", "何师傅", "全小区停电了，几百户都没电，冰箱都化了") == 200);
  REQUIRE(w.say("room-b3", "wxid_sun", "孙嬢嬢", "报事 我家自己屋头的水龙头一直滴水，关不紧") ==
          200);
  REQUIRE(w.say("room-b6", "wxid_wang", "王叔", "@网格助手 祝大家中秋节快乐", true) == 200);
  REQUIRE(w.say("room-nowhere", "wxid_x", "路人", "@网格助手 楼道灯坏了", true) == 200);
  // Commands, refused and done.
  for (const auto& [room, who, name, text] : std::vector<std::array<std::string, 4>>{
           {"room-b5", "wxid_li", "李阿姨", "受理 #1001"},
           {"room-g2", "wxid_g2_head", "王师傅", "受理 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "受理 #9999"},
           {"room-g1", "wxid_g1_head", "孙师傅", "办结 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "督办 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "转办 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "转办 #1001 月球"},
           {"room-g1", "wxid_g1_head", "孙师傅", "受理 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "受理 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "上报 #1001 需要片区协调"},
           {"room-d1", "wxid_d1_head", "余师傅", "退回 #1001"},
           {"room-d1", "wxid_d1_head", "余师傅", "退回 #1001 网格可以处理"},
           {"room-community", "wxid_comm_liu", "刘书记", "督办 #1001 今天必须处理"},
           {"room-g1", "wxid_g1_head", "孙师傅", "转办 #1001 物业 请尽快换灯"},
           {"room-g1", "wxid_g1_head", "孙师傅", "进度 #1001"},
           {"room-b30", "wxid_x", "外人", "进度 #1001"},
           {"room-b5", "wxid_nobody", "路人", "进度"},
           {"room-d1", "wxid_d1_head", "余师傅", "待办"},
           {"room-g4", "wxid_g4_head", "某师傅", "待办"},
           {"room-b5", "wxid_li", "李阿姨", "帮助"},
           {"room-g1", "wxid_g1_head", "孙师傅", "帮助"},
           {"room-b5", "wxid_li", "李阿姨", "统计"},
           {"room-g1", "wxid_g1_head", "孙师傅", "统计 本月"},
           {"room-community", "wxid_comm_liu", "刘书记", "通知 第1网格 明天上午9点停水"},
           {"room-community", "wxid_comm_liu", "刘书记", "通知"},
           {"room-g1", "wxid_g1_head", "孙师傅", "通知 第2网格 测试"},
           {"room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 已更换灯泡"},
           {"room-b5", "wxid_qian", "钱姐", "满意 #1001"},
           {"room-b5", "wxid_zhao", "赵大爷", "不满意 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "办结 #1001 换了整套灯具"},
           {"room-b5", "wxid_li", "李阿姨", "满意"},
           {"room-b5", "wxid_zhao", "赵大爷", "满意 #1001"},
           {"room-g1", "wxid_g1_head", "孙师傅", "受理 #1001"},
           {"room-street", "wxid_street_chen", "陈主任", "上报 #1003"},
       }) {
    INFO(room << " " << text);
    REQUIRE(w.say(room, who, name, text) == 200);
  }
  // Clocks: warnings, escalation level by level, the top, the return visit, the digest.
  for (int i = 0; i < 12; ++i) {
    w.clock.advance_ms(kHour);
    timer.run_due();
  }
  w.clock.advance_ms(80 * kHour);
  timer.run_due();
  // Incidents: a crew's outage through review, progress with a photo, restored; a linked report;
  // a rejection; refusals.
  REQUIRE(w.crew("停电 10kV钟鼓线 预计19:30恢复 小区配电室开关柜故障") == 200);
  REQUIRE(w.controller("审核 E1") == 200);
  REQUIRE(w.controller("通过 E1") == 200);
  REQUIRE(w.controller("审核 E1") == 200);
  REQUIRE(w.say("room-b20", "wxid_li2", "李阿姨", "我们20栋停电了，家里一点电都没有") == 200);
  REQUIRE(w.crew("进展 E1 抢修人员已到达现场") == 200);
  REQUIRE(w.controller("驳回 E1 请写明预计恢复时间") == 200);
  REQUIRE(w.crew("进展 E1") == 200);
  REQUIRE(w.controller("驳回 E1") == 200);
  REQUIRE(w.controller("进展 E1 正在更换开关柜 预计20:00恢复") == 200);
  REQUIRE(w.say("room-b21", "wxid_wu", "吴叔", "21栋停电了，家里一点电都没有") == 200);
  REQUIRE(w.controller("恢复 E1") == 200);
  REQUIRE(w.controller("进展 E1 再补充一句") == 200);
  REQUIRE(w.controller("通过 E9") == 200);
  REQUIRE(w.controller("停水 10kV不存在线 管道破裂") == 200);
  REQUIRE(w.controller("停水") == 200);
  REQUIRE(w.say("room-crew", "wxid_passer", "路人", "停电 10kV钟鼓线 线路故障") == 200);
  REQUIRE(w.crew("通过 E1") == 200);
  REQUIRE(w.controller("停气 b5 燃气管道检修") == 200);

  const auto rows = w.all_rows();
  CHECK(rows.size() > 100);  // the scenario did reach the replies
  for (const auto& g : gaps(w)) FAIL_CHECK(g);
}
