#include "adapters/common/text.hpp"

#include <catch2/catch.hpp>

using namespace gridbot::adapters;

TEST_CASE("short text is left whole", "[text]") {
  CHECK(split_text("收到", 100) == std::vector<std::string>{"收到"});
}

TEST_CASE("long Chinese text is cut on character boundaries within the byte limit", "[text]") {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "停电通知，";  // 15 bytes each
  auto pieces = split_text(text, 200);
  REQUIRE(pieces.size() > 1);
  std::string joined;
  for (size_t i = 0; i < pieces.size(); ++i) {
    CHECK(pieces[i].size() <= 200);
    CHECK(sanitize_utf8(pieces[i]) == pieces[i]);  // valid UTF-8: no character was cut
    const std::string marker =
        "（" + std::to_string(i + 1) + "/" + std::to_string(pieces.size()) + "）";
    REQUIRE(pieces[i].size() >= marker.size());
    CHECK(pieces[i].substr(pieces[i].size() - marker.size()) == marker);
    joined += pieces[i].substr(0, pieces[i].size() - marker.size());
  }
  CHECK(joined == text);  // nothing lost, nothing added but markers
}

TEST_CASE("cuts prefer a newline or punctuation over the middle of a sentence", "[text]") {
  const std::string line(90, 'a');
  const std::string text = line + "\n" + line + "\n" + line;
  auto pieces = split_text(text, 150);
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[0].rfind(line + "\n", 0) == 0);
}

TEST_CASE("invalid UTF-8 is replaced, not passed on", "[text]") {
  CHECK(sanitize_utf8("a\xff"
                      "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(sanitize_utf8("\xE5\xBB") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated 3-byte sequence
  CHECK(sanitize_utf8("楼栋") == "楼栋");
}

TEST_CASE("valid_utf8 accepts Chinese text and refuses what is not UTF-8", "[text]") {
  CHECK(valid_utf8("3栋2单元楼道灯坏了😭 ok"));
  CHECK(valid_utf8(""));
  CHECK_FALSE(valid_utf8("\xff"));
  CHECK_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong, 3 bytes
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // a UTF-16 surrogate
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  CHECK_FALSE(valid_utf8("\xf0\x80\x80\xaf"));  // overlong, 4 bytes
  CHECK_FALSE(valid_utf8("\xe6\xa5"));          // cut short
  CHECK(sanitize_utf8("a\xed\xa0\x80z") ==
        "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
        "z");
}
