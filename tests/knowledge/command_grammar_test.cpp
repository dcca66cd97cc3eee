#include "bot/knowledge/command_grammar.hpp"

#include <catch2/catch.hpp>

using namespace gridbot::knowledge;

namespace {
auto grammar() {
  return CommandGrammar::from({{"accept", {"受理", "接单"}}, {"resolve", {"办结", "已办结"}}},
                              {"报事"});
}
}  // namespace

TEST_CASE("commands parse with every ticket number form", "[commands]") {
  auto g = grammar();
  for (const char* text :
       {"受理 #1024", "受理#1024", "受理 1024", "受理１０２４", "受理 ＃１０２４",
        "@网格助手 受理 #1024", "@网格助手\xE2\x80\x85受理 1024号"}) {
    INFO(text);
    auto c = g->parse(text);
    REQUIRE(c);
    CHECK(c->name == "accept");
    CHECK(c->ticket_no == 1024);
  }
  auto r = g->parse("已办结 #7 已更换灯泡 ");
  REQUIRE(r);
  CHECK(r->name == "resolve");
  CHECK(r->word == "已办结");
  CHECK(r->note == "已更换灯泡");
}

TEST_CASE("a command word without a number is not a command", "[commands]") {
  auto g = grammar();
  CHECK_FALSE(g->parse("受理了吗？"));
  CHECK_FALSE(g->parse("我们已经受理 1024"));  // not at the start
  CHECK_FALSE(g->parse("大家好"));
}

TEST_CASE("report prefixes are found after mentions and stripped", "[commands]") {
  auto g = grammar();
  CHECK(g->has_report_prefix("@网格助手 报事：楼道灯坏了"));
  CHECK(g->strip_prefix("@网格助手 报事：楼道灯坏了") == "楼道灯坏了");
  CHECK_FALSE(g->has_report_prefix("楼道灯坏了"));
}

TEST_CASE("the shipped commands.json loads", "[commands]") {
  std::vector<std::string> errors;
  auto g = CommandGrammar::load(std::string(GRIDBOT_SOURCE_DIR) + "/rules/commands.json", &errors);
  REQUIRE(g);
  CHECK(g->parse("接单 #1")->name == "accept");
}

TEST_CASE("argument kinds: optional numbers and free text", "[commands]") {
  auto g = CommandGrammar::from({{"satisfied", {"满意"}},
                                 {"unsatisfied", {"不满意"}},
                                 {"notice", {"通知"}},
                                 {"help", {"帮助"}}},
                                {},
                                {{"satisfied", CommandArgs::optional_ticket},
                                 {"unsatisfied", CommandArgs::optional_ticket},
                                 {"notice", CommandArgs::text},
                                 {"help", CommandArgs::text}});
  auto s = g->parse("满意");
  REQUIRE(s);
  CHECK(s->ticket_no == 0);
  auto u = g->parse("不满意 #1001 灯还是不亮");
  REQUIRE(u);
  CHECK(u->name == "unsatisfied");
  CHECK(u->ticket_no == 1001);
  CHECK(u->note == "灯还是不亮");
  CHECK_FALSE(g->parse("满意度调查开始了"));  // the word runs on into other text
  auto n = g->parse("通知 第1网格 明天上午停水，请提前储水");
  REQUIRE(n);
  CHECK(n->note == "第1网格 明天上午停水，请提前储水");
  CHECK(g->parse("通知：全部 今晚消防演练"));
  CHECK_FALSE(g->parse("通知一下大家，快递到了"));
  CHECK(g->parse("帮助"));
}
