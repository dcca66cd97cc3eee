#include "base/config/csv.hpp"

#include <catch2/catch.hpp>

using namespace gridbot::config;

TEST_CASE("CSV quoting, CRLF, BOM, comments and row lines", "[csv]") {
  std::vector<CsvRow> rows;
  std::string err;
  const std::string text =
      "\xEF\xBB\xBF"
      "a,b,c\r\n# comment\n\n1,\"x,y\",\"he said \"\"hi\"\"\"\n2,\"multi\nline\",z\n3,,";
  REQUIRE(parse_csv(text, &rows, &err));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].cells == std::vector<std::string>{"a", "b", "c"});
  CHECK(rows[1].line == 4);
  CHECK(rows[1].cells == std::vector<std::string>{"1", "x,y", "he said \"hi\""});
  CHECK(rows[2].cells[1] == "multi\nline");
  CHECK(rows[3].line == 7);
  CHECK(rows[3].cells == std::vector<std::string>{"3", "", ""});
}

TEST_CASE("an unterminated quote is an error with its line", "[csv]") {
  std::vector<CsvRow> rows;
  std::string err;
  CHECK_FALSE(parse_csv("a,b\n1,\"open\n2,3\n", &rows, &err));
  CHECK(err == "line 2: unterminated quoted cell");
}

TEST_CASE("csv_escape quotes only when needed", "[csv]") {
  CHECK(csv_escape("plain") == "plain");
  CHECK(csv_escape("a,b") == "\"a,b\"");
  CHECK(csv_escape("q\"") == "\"q\"\"\"");
}
