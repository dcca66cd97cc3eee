#include "bot/knowledge/templates.hpp"

#include "../temp_dir.hpp"
#include "base/common/json_source_impl.hpp"
#include "base/model/org.hpp"
#include "base/model/ticket.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

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

// --- The shipped file's integrity, and the test set kept in step with it ---------------------
// Tests render with tests/data/templates_test.json (the shipped names and placeholders in test
// words), so no test depends on the shipped wording. These check the shipped file itself: every
// name the code renders is there, its placeholders are ones the code fills, and the test set has
// the same names.

namespace {

std::string source(const std::string& rel) { return std::string(GRIDBOT_SOURCE_DIR) + "/" + rel; }

std::unique_ptr<gridbot::JsonSource> load_json(const std::string& file) {
  std::string err;
  auto src = gridbot::JsonSource::load(file, &err);
  INFO(err);
  REQUIRE(src);
  REQUIRE(src->impl().doc.IsObject());
  return src;
}

/// name → text of a templates file.
std::map<std::string, std::string> texts_of(const std::string& file) {
  auto src = load_json(file);
  std::map<std::string, std::string> out;
  const auto& doc = src->impl().doc;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it)
    if (it->value.IsString()) out[it->name.GetString()] = it->value.GetString();
  return out;
}

std::set<std::string> placeholders(const std::string& text) {
  static const std::regex re(R"(\{([a-z_]+)\})");
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    out.insert((*it)[1].str());
  return out;
}

const std::map<std::string, std::string>& shipped() {
  static const auto m = texts_of(source("rules/templates.json"));
  return m;
}

bool has_prefix(const std::string& prefix) {
  for (const auto& [name, text] : shipped())
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE(
    "the test templates have every shipped name, and the shipped ones fill only what the "
    "code fills",
    "[templates]") {
  const auto test = texts_of(GRIDBOT_TEST_DATA "/templates_test.json");
  for (const auto& [name, text] : shipped()) {
    INFO("rules/templates.json: " << name);
    const auto it = test.find(name);
    // A new template: add it to tests/data/templates_test.json in test words.
    REQUIRE(it != test.end());
    CHECK(it->second != text);  // test words, never the shipped ones
    // The test set uses every placeholder the code fills; a shipped text may leave some out.
    for (const auto& p : placeholders(text)) {
      INFO("placeholder {" << p << "}");
      CHECK(placeholders(it->second).count(p) == 1);
    }
  }
  for (const auto& [name, text] : test) {
    INFO("tests/data/templates_test.json: " << name << " is not in rules/templates.json");
    CHECK(shipped().count(name) == 1);
  }
}

// The first segments of the shipped names ("ticket", "command", …).
const std::set<std::string>& namespaces() {
  static const std::set<std::string> out = [] {
    std::set<std::string> s;
    for (const auto& [name, text] : shipped()) s.insert(name.substr(0, name.find('.')));
    return s;
  }();
  return out;
}

TEST_CASE("every template name in the code is in the shipped file", "[templates]") {
  // Names are string literals: "ticket.ack", a prefix the code completes ("command.refused." +
  // why), or a label prefix (label("incident.kind", kind)).
  static const std::regex name_re(R"re("([a-z_]+(?:\.[a-z_]+)+\.?)")re");
  static const std::regex label_re(R"re(label\("([a-z_.]+)"(?:,\s*"([a-z_]+)")?)re");
  size_t names = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(source("bot"))) {
    const auto ext = e.path().extension();
    if (ext != ".cpp" && ext != ".hpp") continue;
    const std::string code = read_file(e.path());
    for (std::sregex_iterator it(code.begin(), code.end(), name_re), end; it != end; ++it) {
      const std::string name = (*it)[1].str();
      // Dotted literals outside the templates' namespaces are something else: an audit action
      // ("account.add"), a config key ("api.token"), a file name ("index.html").
      if (!namespaces().count(name.substr(0, name.find('.')))) continue;
      INFO(e.path().string() << ": \"" << name << "\"");
      if (name.back() == '.')
        CHECK(has_prefix(name));
      else
        CHECK((shipped().count(name) == 1 || has_prefix(name + ".")));
      ++names;
    }
    for (std::sregex_iterator it(code.begin(), code.end(), label_re), end; it != end; ++it) {
      const std::string prefix = (*it)[1].str(), code_word = (*it)[2].str();
      INFO(e.path().string() << ": label(\"" << prefix << "\", \"" << code_word << "\")");
      if (code_word.empty())
        CHECK(has_prefix(prefix + "."));
      else
        CHECK(shipped().count(prefix + "." + code_word) == 1);
      ++names;
    }
  }
  CHECK(names > 50);  // the scan found the code
}

TEST_CASE("every label of a closed set is in the shipped file", "[templates]") {
  // A missing label shows its code ("facility") to residents instead of a word, silently.
  std::vector<std::string> want;
  for (int i = 0; i <= static_cast<int>(gridbot::TicketStatus::closed); ++i)
    want.push_back(std::string("status.") + to_string(static_cast<gridbot::TicketStatus>(i)));
  for (int i = 0; i <= static_cast<int>(gridbot::Tier::hard); ++i)
    want.push_back(std::string("tier.") + to_string(static_cast<gridbot::Tier>(i)));
  for (int i = 0; i <= static_cast<int>(gridbot::Role::controller); ++i)
    want.push_back(std::string("role.") + to_string(static_cast<gridbot::Role>(i)));
  for (const char* c : {"accept", "update", "resolve"}) want.push_back(std::string("clock.") + c);
  for (const char* p : {"today", "week", "month"}) want.push_back(std::string("period.") + p);
  const auto categories = load_json(source("rules/categories.json"));
  const auto& cats = categories->impl().doc["categories"];
  REQUIRE(cats.IsObject());
  for (auto it = cats.MemberBegin(); it != cats.MemberEnd(); ++it)
    want.push_back(std::string("category.") + it->name.GetString());
  const auto commands = load_json(source("rules/commands.json"));
  for (auto it = commands->impl().doc["commands"].MemberBegin();
       it != commands->impl().doc["commands"].MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    // The commands that change a ticket: an action word and a confirmation each.
    if (shipped().count("command.done." + name) || shipped().count("action." + name)) {
      want.push_back("action." + name);
      want.push_back("command.done." + name);
    }
  }
  const auto& incident = commands->impl().doc["incident_commands"];
  REQUIRE(incident.IsObject());
  std::vector<std::string> kinds{"other"};
  for (auto it = incident.MemberBegin(); it != incident.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (name.rfind("open.", 0) == 0) kinds.push_back(name.substr(5));
  }
  for (const auto& k : kinds) {
    want.push_back("incident.kind." + k);
    want.push_back("incident.restored." + k);
  }
  for (const char* u : {"open", "progress", "restored"}) {
    want.push_back(std::string("incident.update.") + u);
    want.push_back(std::string("incident.notice.") + u);
  }
  for (const auto& name : want) {
    INFO(name);
    CHECK(shipped().count(name) == 1);
  }
}
