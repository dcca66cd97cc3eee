// The classifier (docs/rules.md): rules/ is loaded once, as the server does; each input is one
// resident message. classify() must answer anything (empty text, invalid UTF-8) with a closed-set
// result, the same twice, and to_json()/explain_json() must be JSON (UTF-8 when the input was).
#include "adapters/common/text.hpp"
#include "fuzz/fuzz_support.hpp"
#include "rules/classifier.hpp"
#include "rules/rules.hpp"

#include <rapidjson/document.h>

#include <set>

using namespace gridbot;

namespace {

const rules::Rules& loaded_rules() {
  static const auto r = [] {
    std::string err;
    auto loaded = rules::load_rules(fuzz::rules_dir(), &err);
    if (!loaded) fuzz::setup_failed(err);
    return loaded;
  }();
  return *r;
}

// JSON, and UTF-8 whenever the message was (the output quotes parts of it).
bool is_json_object(const std::string& text, bool utf8) {
  rapidjson::Document doc;
  if (utf8)
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  else
    doc.Parse(text.data(), text.size());
  return !doc.HasParseError() && doc.IsObject();
}

}  // namespace

// Loads what every input needs before the first one: the per-input timeout does not count it
// (loading the rules takes seconds under ASan on a busy machine).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)loaded_rules();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const rules::Rules& r = loaded_rules();
  const bool utf8 = adapters::valid_utf8(text);

  const rules::Classification c = rules::classify(r, text);
  if (c.is_report) {
    bool known = false;
    for (const auto& cat : r.categories) known = known || cat.code == c.category;
    FUZZ_CHECK(known);
    static const std::set<std::string> kTiers{"private", "small", "big", "hard"};
    FUZZ_CHECK(kTiers.count(c.tier) == 1);
  } else {
    FUZZ_CHECK(c.category.empty() && c.tier.empty());
  }
  const std::string line = rules::to_json(c);
  FUZZ_CHECK(is_json_object(line, utf8));
  FUZZ_CHECK(rules::to_json(rules::classify(r, text)) == line);

  // explain_json costs ten classify() calls (it names every rule that fired) and serves only
  // `gridbot classify --explain`; one input in four, chosen by length, keeps the server's path
  // (classify) at full speed.
  if (size % 4 == 0) FUZZ_CHECK(is_json_object(rules::explain_json(r, text), utf8));
  return 0;
}
