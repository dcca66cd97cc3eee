// count_before() and count_fires(): the number before a unit word, and when it says a tier.
#include "rules/scope_counts.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace gridbot::rules {
namespace {

// The count before the first `word` of `text`.
std::optional<double> before(std::string_view text, std::string_view word) {
  return count_before(text, text.find(word));
}

TEST_CASE("a count is read from digits, numerals, vague and ranged numbers") {
  CHECK(before("共21户居民", "户") == 21.0);
  CHECK(before("二十一户", "户") == 21.0);
  CHECK(before("20多户", "户") == 20.0);
  CHECK(before("二十余户", "户") == 20.0);
  CHECK(before("几百户", "户") == 300.0);
  CHECK(before("数十户", "户") == 30.0);
  CHECK(before("十几栋楼", "栋楼") == 13.0);
  CHECK(before("上百户", "户") == 100.0);
  CHECK(before("持续三四年", "年") == 4.0);
  CHECK(before("整治了一两年", "年") == 2.0);
  CHECK(before("最近4、5个月", "个月") == 5.0);
  CHECK(before("已经大半年", "年") == 0.5);
  CHECK(before("好几年", "年") == 3.0);
}

TEST_CASE("no count: no number, half of this year, an account number") {
  CHECK_FALSE(before("每户", "户").has_value());
  CHECK_FALSE(before("上半年", "年").has_value());
  CHECK_FALSE(before("卡号12345678户", "户").has_value());
  CHECK_FALSE(count_before("", 0).has_value());
}

TEST_CASE("a cue fires for a count within its range, not before a word that changes it") {
  CountCue households{"户", 0, 2, 5, 1e9, 2, {"口", "型"}, ""};
  CHECK(count_fires(households, "我们21户居民"));
  CHECK(count_fires(households, "楼下3户，楼上几十户都这样"));  // the second occurrence counts
  CHECK_FALSE(count_fires(households, "只有3户"));
  CHECK_FALSE(count_fires(households, "20户口迁不进"));
  CHECK_FALSE(count_fires(households, "120户型"));
  CountCue years{"年", 0, 3, 0.5, 60, 2.5, {"代"}, ""};
  CHECK(count_fires(years, "臭了两年了"));
  CHECK(count_fires(years, "大半年没人管"));
  CHECK_FALSE(count_fires(years, "2019年交房"));   // a date, above max
  CHECK_FALSE(count_fires(years, "18年3月交房"));  // a date: a digit follows
  CHECK_FALSE(count_fires(years, "80年代的房子"));
  CHECK_FALSE(count_fires(years, "上半年"));
}

}  // namespace
}  // namespace gridbot::rules
