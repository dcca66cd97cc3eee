// load_rules(): bad rule files are rejected with "FILE:LINE: key.path: what" lines.
#include "rules/classifier.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace gridbot::rules {
namespace {

namespace fs = std::filesystem;

// A copy of the shipped rule files in a fresh temp dir, so a test can break one of them.
class RuleDir {
 public:
  RuleDir() {
    static int n = 0;
    path_ = fs::temp_directory_path() /
            ("gridbot_rules_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::remove_all(path_);
    fs::create_directories(path_);
    for (const auto& e : fs::directory_iterator(fs::path(GRIDBOT_SOURCE_DIR) / "rules")) {
      if (e.path().extension() == ".json") fs::copy_file(e.path(), path_ / e.path().filename());
    }
  }
  ~RuleDir() { fs::remove_all(path_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(path_ / name, std::ios::trunc) << text;
  }
  std::string dir() const { return path_.string(); }
  std::string load_error() const {
    std::string error;
    const auto rules = load_rules(dir(), &error);
    CHECK(rules == nullptr);
    return error;
  }

 private:
  fs::path path_;
};

const char* kMinimalCategories = R"({
  // comment allowed
  "categories": {
    "other": {"tier": "small", "keywords": {"坏": 2,},},
  },
})";

TEST_CASE("the shipped rule files load without error") {
  std::string error;
  CHECK(load_rules(std::string(GRIDBOT_SOURCE_DIR) + "/rules", &error) != nullptr);
  CHECK(error.empty());
}

TEST_CASE("comments and trailing commas are accepted") {
  RuleDir d;
  d.write("categories.json", kMinimalCategories);
  std::string error;
  CHECK(load_rules(d.dir(), &error) != nullptr);
  CHECK(error.empty());
}

TEST_CASE("an unknown category code is reported with file, line and key path") {
  RuleDir d;
  d.write(
      "categories.json",
      "{\n  \"categories\": {\n    \"other\": {\"tier\": \"small\", \"keywords\": {\"坏\": 1}},\n"
      "    \"plumbing\": {\"tier\": \"small\", \"keywords\": {\"水\": 1}}\n  }\n}\n");
  const std::string error = d.load_error();
  CHECK(error.find("categories.json:4: categories.plumbing: unknown category code") !=
        std::string::npos);
}

TEST_CASE("a weight of the wrong type is reported at its keyword") {
  RuleDir d;
  d.write("categories.json",
          "{\"categories\": {\n\"other\": {\"tier\": \"small\",\n \"keywords\": {\n \"坏\": "
          "\"high\"}}}}");
  CHECK(d.load_error().find(
            "categories.json:4: categories.other.keywords.坏: weight must be a number") !=
        std::string::npos);
}

TEST_CASE("an empty keyword or an empty part of A+B is rejected") {
  RuleDir d;
  d.write("urgency.json", "{\"threshold\": 3,\n\"cues\": {\n\"\": 2,\n\"燃气+\": 3}}");
  const std::string error = d.load_error();
  CHECK(error.find("urgency.json:3: cues.: empty keyword") != std::string::npos);
  CHECK(error.find("urgency.json:4: cues.燃气+: empty keyword") != std::string::npos);
}

TEST_CASE("an unknown tier and a missing section are reported") {
  RuleDir d;
  d.write("tiers.json", "{\"threshold\": 2,\n\"cues\": {\"urgent\": {\"x\": 1}}}");
  d.write("report.json", "{\"threshold\": \"3\"}");
  const std::string error = d.load_error();
  CHECK(error.find("tiers.json:2: cues.urgent: unknown tier") != std::string::npos);
  CHECK(error.find("report.json:1: threshold: must be a number") != std::string::npos);
  CHECK(error.find("report.json:1: (root): missing \"cues\"") != std::string::npos);
}

TEST_CASE("a bad counted-scope entry is reported with its path") {
  RuleDir d;
  d.write("tiers.json",
          "{\"threshold\": 2, \"cues\": {},\n\"counts\": {\"big\": {\n"
          "\"户\": {\"min\": \"5\", \"weight\": 2},\n\"人\": {\"min\": 9, \"max\": 3, "
          "\"weight\": 2},\n\"名\": {\"weight\": 2, \"not_after\": \"额\"}},\n"
          "\"urgent\": {}}}");
  const std::string error = d.load_error();
  CHECK(error.find("tiers.json:3: counts.big.户.min: must be a number") != std::string::npos);
  CHECK(error.find("tiers.json:4: counts.big.人: need 0 < weight <= 100 and min <= max") !=
        std::string::npos);
  CHECK(error.find("tiers.json:5: counts.big.名.not_after: must be an array") != std::string::npos);
  CHECK(error.find("counts.urgent: must be a tier") != std::string::npos);
}

TEST_CASE("a count before a unit word chooses the tier, keywords alone") {
  RuleDir d;
  fs::remove(fs::path(d.dir()) / "model.json");
  d.write("categories.json",
          R"({"categories": {"other": {"tier": "small", "keywords": {"漏水": 3}}}})");
  d.write("tiers.json", R"({"threshold": 2, "cues": {}, "counts": {
    "hard": {"年": {"min": 1, "max": 60, "weight": 2.5}},
    "big": {"户": {"min": 5, "weight": 2.5}}}})");
  std::string error;
  const auto rules = load_rules(d.dir(), &error);
  REQUIRE(rules != nullptr);
  CHECK(classify(*rules, "楼顶漏水").tier == "small");
  CHECK(classify(*rules, "楼顶漏水，3户都是").tier == "small");
  CHECK(classify(*rules, "楼顶漏水，21户都是").tier == "big");
  CHECK(classify(*rules, "楼顶漏水两年了").tier == "hard");
  CHECK(classify(*rules, "楼顶漏水两年了，21户都是").tier == "hard");  // hard is read first
  CHECK(classify(*rules, "2019年起楼顶漏水").tier == "small");
  CHECK(explain_json(*rules, "楼顶漏水两年了").find("counts.hard.年") != std::string::npos);
}

TEST_CASE("a JSON syntax error names the file and line") {
  RuleDir d;
  d.write("location.json", "{\n\"unit_suffixes\": [\"单元\"\n\"室\"]\n}");
  CHECK(d.load_error().find("location.json:3: syntax error") != std::string::npos);
}

TEST_CASE("a missing rule file is reported and nothing is loaded") {
  RuleDir d;
  fs::remove(fs::path(d.dir()) / "urgency.json");
  CHECK(d.load_error().find("urgency.json:0: cannot open rule file") != std::string::npos);
}

TEST_CASE("every problem is reported, one line each") {
  RuleDir d;
  d.write("urgency.json", "{\"threshold\": 3, \"cues\": {\"a\": \"x\", \"b\": 0, \"c\": 500}}");
  const std::string error = d.load_error();
  CHECK(std::count(error.begin(), error.end(), '\n') == 3);
}

TEST_CASE("classify --explain names every rule that fired by file, line and key") {
  RuleDir d;
  d.write("urgency.json",
          "{\n  \"threshold\": 3,\n  \"cues\": {\n    \"冒烟\": 2,\n"
          "    \"楼道+冒烟\": 1.5,\n    \"没冒烟\": -6,\n  },\n}\n");
  std::string error;
  const auto rules = load_rules(d.dir(), &error);
  REQUIRE(rules != nullptr);
  const std::string text = "3栋楼道里冒烟了";
  const std::string why = explain_json(*rules, text);
  // The decision is the same as classify()'s, then why.
  std::string plain = to_json(classify(*rules, text));
  plain.pop_back();
  CHECK(why.starts_with(plain + ", \"why\": {"));
  CHECK(why.find("\"urgent\": true") != std::string::npos);  // 2 + 1.5 >= 3
  CHECK(why.find("\"urgent_cues\": 3.5, \"urgent_threshold\": 3") != std::string::npos);
  const std::string file = d.dir() + "/urgency.json";
  CHECK(why.find("{\"rule\": \"" + file +
                 ":4: cues.冒烟\", \"adds\": \"urgent\", \"weight\": 2}") != std::string::npos);
  CHECK(why.find("{\"rule\": \"" + file +
                 ":5: cues.楼道+冒烟\", \"adds\": \"urgent\", "
                 "\"weight\": 1.5}") != std::string::npos);
  CHECK(why.find("没冒烟") == std::string::npos);  // a rule that did not fire is not listed
  CHECK(why.find("categories.json:") != std::string::npos);  // category keywords too
  CHECK(why.ends_with("]}}"));
  // A non-report is explained as well.
  CHECK(explain_json(*rules, "收到").starts_with("{\"is_report\": false, \"why\": {"));
}

}  // namespace
}  // namespace gridbot::rules
