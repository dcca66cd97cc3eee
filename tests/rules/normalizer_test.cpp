// Normaliser: full-width forms, case, and @mentions, applied before any keyword matching.
#include "rules/normalizer.hpp"

#include <catch2/catch.hpp>

namespace gridbot::rules {
namespace {

TEST_CASE("full-width digits, letters and punctuation become ASCII") {
  CHECK(normalized("３栋２单元５０１！！") == "3栋2单元501!!");
  CHECK(normalized("Ａ栋ＫＴＶ") == "a栋ktv");
  CHECK(normalized("１－３－５０１") == "1-3-501");
}

TEST_CASE("ASCII letters are lower-cased and Chinese text is untouched") {
  CHECK(normalized("楼下KTV唱歌") == "楼下ktv唱歌");
  CHECK(normalized("电梯坏了😡") == "电梯坏了😡");
}

TEST_CASE("@mentions are removed up to the space that ends them") {
  CHECK(normalized("@网格助手 1-3-501 燃气灶没关") == "1-3-501 燃气灶没关");
  CHECK(normalized("@楼栋长\xE2\x80\x85二单元停电") == "二单元停电");  // WeChat's U+2005
  CHECK(normalized("@所有人 @物业 电梯坏了") == "电梯坏了");
}

TEST_CASE("an @ without a closing space is kept as text") {
  CHECK(normalized("邮箱a@b") == "邮箱a@b");
  CHECK(normalized("@") == "@");
}

TEST_CASE("ideographic space becomes an ASCII space") {
  CHECK(normalized("停水\xE3\x80\x80了") == "停水 了");
}

}  // namespace
}  // namespace gridbot::rules
