#include "bot/tickets/text.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::tickets;

TEST_CASE("mobile numbers are masked in all their usual forms", "[ticket_text]") {
  CHECK(mask_phones("电话13812345678") == "电话138****5678");
  CHECK(mask_phones("138-1234-5678 找我") == "138-****-5678 找我");
  CHECK(mask_phones("138 1234 5678") == "138 **** 5678");
  CHECK(mask_phones("+8613812345678") == "+86138****5678");
}

TEST_CASE("other numbers are left alone", "[ticket_text]") {
  CHECK(mask_phones("1-3-501") == "1-3-501");
  CHECK(mask_phones("订单123456789012") == "订单123456789012");  // 12 digits: not a phone
  CHECK(mask_phones("2381234567") == "2381234567");
}

TEST_CASE("locations read naturally", "[ticket_text]") {
  // A test wording, not the shipped one: an operator's edit of templates.json changes nothing here.
  const auto tpl = gridbot::knowledge::Templates::from_map(
      {{"location.building", "{n}号楼"}, {"location.unit", "{n}门"}, {"location.room", "{n}户"}});
  Ticket t;
  t.building = "5";
  t.unit = "2";
  t.room = "501";
  CHECK(location_text(*tpl, t) == "5号楼2门501户");
  t.building = "5栋";
  t.unit.clear();
  t.room.clear();
  CHECK(location_text(*tpl, t) == "5栋");  // written out already: kept as written
}

TEST_CASE("quotes up the chain are masked and cut to whole characters", "[ticket_text]") {
  CHECK(quote_up("5栋楼道灯坏了，电话13812345678") == "5栋楼道灯坏了，电话138****5678");
  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "灯";
  const std::string q = quote_up(long_text);
  std::string expected;
  for (int i = 0; i < 200; ++i) expected += "灯";
  CHECK(q == expected + "…");
  CHECK(quote_up("abc😭de", 4) == "abc😭…");
  CHECK(quote_up("abcd", 4) == "abcd");
}
