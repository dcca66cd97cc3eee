#include "bot/core/command_grammar.hpp"

#include <catch2/catch.hpp>

using namespace gridbot::core;

namespace {
auto grammar() {
  return CommandGrammar::from({{"accept", {"受理", "接单"}}, {"resolve", {"办结", "已办结"}}},
                              {"报事"});
}
}  // namespace

TEST_CASE("commands parse with every ticket number form", "[commands]") {
  auto g = grammar();
  for (const char* text : {"受理 #1024", "受理#1024", "受理 1024", "受理１０２４", "受理 ＃１０２４",
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
