#include "bot/knowledge/templates.hpp"

#include "../temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace gridbot::knowledge;

TEST_CASE("templates fill placeholders and leave unknown ones visible", "[templates]") {
  auto t = Templates::from_map({{"a", "@{name} 您好，{unknown} #{id}"}});
  CHECK(t->render("a", {{"name", "李阿姨"}, {"id", "7"}}) == "@李阿姨 您好，{unknown} #7");
  CHECK(t->render("missing", {}) == "[missing]");
}

TEST_CASE("the shipped templates load", "[templates]") {
  std::vector<std::string> errors;
  auto t = Templates::load(std::string(GRIDBOT_SOURCE_DIR) + "/rules/templates.json", &errors);
  REQUIRE(t);
  CHECK(t->has("ticket.ack"));
  CHECK(t->has("ticket.relay"));
}

TEST_CASE("a template that is not a string is an error with file and line", "[templates]") {
  gridbot::test::TempDir dir;
  const auto file = dir.file("t.json");
  std::ofstream(file) << "{\n  \"ok\": \"x\",\n  \"bad\": 3\n}\n";
  std::vector<std::string> errors;
  CHECK_FALSE(Templates::load(file, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == file + ":3: bad: must be a non-empty string");
}
