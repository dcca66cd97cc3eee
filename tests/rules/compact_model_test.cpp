// model.bin: compiled from model.json it loads the very table that parsing model.json builds, so
// every labelled message gets the same answer, score and model logits from either; a stale,
// damaged or missing one is refused with a reason and model.json is read instead.
#include "rules/compact_model.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/common/log.hpp"
#include "rules/classifier.hpp"
#include "rules/eval.hpp"
#include "rules/rules.hpp"
#include "tests/temp_dir.hpp"

namespace gridbot::rules {
namespace {

namespace fs = std::filesystem;

const fs::path kShipped = fs::path(GRIDBOT_SOURCE_DIR) / "rules";

// A copy of the shipped rule files and model.json (not model.bin) in a fresh temp dir.
class RulesCopy {
 public:
  RulesCopy() {
    for (const char* f : {"categories.json", "report.json", "tiers.json", "urgency.json",
                          "location.json", "model.json"}) {
      fs::copy_file(kShipped / f, dir_.path() / f);
    }
  }
  std::string dir() const { return dir_.path().string(); }
  std::string path(const std::string& name) const { return dir_.file(name); }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary | std::ios::trunc) << bytes;
  }
  // `gridbot compile-model -r DIR`.
  void compile() const {
    std::ostringstream out;
    REQUIRE(run_compile_model(dir(), "", out) == 0);
  }

 private:
  test::TempDir dir_;
};

struct Loaded {
  std::shared_ptr<const Rules> rules;
  std::vector<std::string> warnings;
};

Loaded load(const std::string& dir, bool compact) {
  Loaded out;
  std::string error;
  LoadOptions options;
  options.compact_model = compact;
  options.warnings = &out.warnings;
  out.rules = load_rules(dir, &error, options);
  INFO(error);
  REQUIRE(out.rules != nullptr);
  REQUIRE(out.rules->model != nullptr);
  return out;
}

template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

void check_same_model(const NgramModel& a, const NgramModel& b) {
  CHECK(a.heads == b.heads);
  CHECK(a.mask == b.mask);
  CHECK(a.block == b.block);
  CHECK(same_bytes(a.slots, b.slots));
  CHECK(same_bytes(a.rows, b.rows));
  CHECK(a.bias == b.bias);
  CHECK(std::memcmp(&a.blend, &b.blend, sizeof a.blend) == 0);
}

std::vector<std::string> labelled_texts() {
  std::vector<LabelledRow> rows;
  for (const fs::path& dir :
       {fs::path(GRIDBOT_TEST_DATA), fs::path(GRIDBOT_SOURCE_DIR) / "tests" / "rules" / "data"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".tsv") continue;
      std::vector<std::string> bad;
      REQUIRE(read_labelled(entry.path().string(), rows, bad));
    }
  }
  std::vector<std::string> texts;
  for (auto& r : rows) texts.push_back(std::move(r.text));
  return texts;
}

// The shipped rules with the model parsed from model.json, loaded once: a Debug build takes
// seconds to parse it.
const Rules& reference() {
  static const std::shared_ptr<const Rules> rules = load(kShipped.string(), false).rules;
  return *rules;
}

// model.bin for the copy's model.json (the shipped one), without parsing it again.
void write_compact(const RulesCopy& d) {
  d.write(kCompactModelFile,
          compact_model_bytes(*reference().model, reference().categories, d.read("model.json")));
}

std::string reason(const std::vector<std::string>& warnings) {
  REQUIRE(warnings.size() == 1);
  return warnings.front();
}

TEST_CASE("model.bin gives the table, answers, scores and logits of model.json") {
  RulesCopy d;
  d.compile();
  const Loaded compact = load(d.dir(), true);
  CHECK(compact.warnings.empty());
  // From the same folder: explain_json() names the rule files by path.
  const Loaded parsed = load(d.dir(), false);
  const Rules& json = *parsed.rules;
  check_same_model(*compact.rules->model, *json.model);

  const auto texts = labelled_texts();
  REQUIRE(texts.size() > 5000);
  std::size_t differ = 0, reports = 0;
  for (const auto& text : texts) {
    const Classification a = classify(*compact.rules, text);
    const Classification b = classify(json, text);
    reports += a.is_report ? 1 : 0;
    // explain_json() carries the model's report and urgent logits; score is exact, not close.
    if (a.score != b.score || to_json(a) != to_json(b) || a.confident != b.confident ||
        explain_json(*compact.rules, text) != explain_json(json, text)) {
      ++differ;
      UNSCOPED_INFO(text);
    }
  }
  CHECK(differ == 0);
  CHECK(reports > 1000);  // the comparison reached the category, tier and urgent heads
}

TEST_CASE("the build writes the shipped rules' model.bin, and it is fresh") {
  const Loaded shipped = load(kShipped.string(), true);
  CHECK(shipped.warnings.empty());
  check_same_model(*shipped.rules->model, *reference().model);
}

TEST_CASE("a missing, stale or damaged model.bin is refused and model.json is read instead") {
  RulesCopy d;
  const std::string bin = d.path(kCompactModelFile);

  SECTION("missing") {
    const Loaded l = load(d.dir(), true);
    CHECK(reason(l.warnings).find(bin + ": missing: the model is read from") == 0);
  }
  SECTION("model.json changed since (the blend tuned by hand)") {
    write_compact(d);
    std::string json = d.read("model.json");
    const std::size_t at = json.find("\"urgent_offset\": ");
    REQUIRE(at != std::string::npos);
    const std::size_t value = at + std::strlen("\"urgent_offset\": ");
    json.replace(value, json.find_first_of(",}", value) - value, "12");
    d.write("model.json", json);
    const Loaded l = load(d.dir(), true);
    CHECK(reason(l.warnings).find("compiled from another model.json") != std::string::npos);
    CHECK(l.rules->model->blend.urgent_offset == 12);
  }
  SECTION("damaged: a weight or the blend changed, or cut short") {
    write_compact(d);
    std::string bytes = d.read(kCompactModelFile);
    SECTION("a weight") { bytes[bytes.size() / 2] ^= 1; }
    SECTION("cut short") { bytes.resize(bytes.size() - 48); }
    SECTION("the blend in the header") { bytes[112 - 1] ^= 1; }
    d.write(kCompactModelFile, bytes);
    const Loaded l = load(d.dir(), true);
    CHECK(reason(l.warnings).find(": damaged") != std::string::npos);
    check_same_model(*l.rules->model, *reference().model);
  }
  SECTION("not a compact model") {
    d.write(kCompactModelFile, d.read("model.json"));
    CHECK(reason(load(d.dir(), true).warnings).find("not a compact model") != std::string::npos);
  }
  SECTION("logged when the caller does not take the warnings") {
    std::vector<std::string> lines;
    log::capture_for_test([&](std::string_view line) { lines.emplace_back(line); });
    std::string error;
    CHECK(load_rules(d.dir(), &error) != nullptr);
    log::capture_for_test({});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(bin + ": missing") != std::string::npos);
  }
}

TEST_CASE("model.bin compiled for other categories is refused") {
  RulesCopy d;
  write_compact(d);
  const std::string json = d.read("model.json");
  std::vector<CategoryInfo> cats = reference().categories;
  std::string why;
  REQUIRE(read_compact_model(d.path(kCompactModelFile), json, cats, &why) != nullptr);
  std::swap(cats.front(), cats.back());
  CHECK(read_compact_model(d.path(kCompactModelFile), json, cats, &why) == nullptr);
  CHECK(why == "compiled for other categories");
  cats.pop_back();
  CHECK(read_compact_model(d.path(kCompactModelFile), json, cats, &why) == nullptr);
  CHECK(why == "compiled for other categories");
}

TEST_CASE("compile-model refuses a folder whose model.json is missing or broken") {
  RulesCopy d;
  std::ostringstream out;
  SECTION("broken") {
    d.write("model.json", "{\n  \"format\": \"v0\"\n}\n");
    CHECK(run_compile_model(d.dir(), "", out) == 1);
    CHECK(out.str().find("model.json:2: format: must be") != std::string::npos);
  }
  SECTION("missing") {
    fs::remove(d.path("model.json"));
    CHECK(run_compile_model(d.dir(), "", out) == 1);
    CHECK(out.str().find("model.json: cannot read") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(d.path(kCompactModelFile)));
}

TEST_CASE("compile-model writes where --out says, through a temporary file") {
  RulesCopy d;
  std::ostringstream out;
  REQUIRE(run_compile_model(d.dir(), d.path("other.bin"), out) == 0);
  CHECK(out.str().find("n-grams with their suffixes, compiled from") != std::string::npos);
  CHECK(fs::exists(d.path("other.bin")));
  CHECK_FALSE(fs::exists(d.path(kCompactModelFile)));
  for (const auto& e : fs::directory_iterator(d.dir())) {
    CHECK(e.path().extension() != ".tmp");
  }
}

}  // namespace
}  // namespace gridbot::rules
