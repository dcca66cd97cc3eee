// Incident commands typed in crew and controller groups (docs/incidents.md): 停电 <范围>
// [预计HH:MM恢复] <原因>, 进展 E12 …, 恢复 E12, 审核/通过 E12, 驳回 E12 <原因>. The words come from
// rules/commands.json (loaded once); each input is one message: parse(), then what the service
// does with an open command's rest — the expected restore time, the words, and the scope resolved
// on the demo org.
#include "base/common/calendar.hpp"
#include "base/config/org_csv.hpp"
#include "bot/incidents/grammar.hpp"
#include "bot/incidents/scope.hpp"
#include "fuzz/fuzz_support.hpp"

#include <set>

using namespace gridbot;

namespace {

struct Loaded {
  std::shared_ptr<const incidents::IncidentGrammar> grammar;
  std::optional<OrgTree> tree;
};

const Loaded& loaded() {
  static const Loaded* l = [] {
    auto* out = new Loaded;
    std::vector<std::string> errors;
    out->grammar = incidents::IncidentGrammar::load(fuzz::rules_dir() + "/commands.json", &errors);
    if (!out->grammar) fuzz::setup_failed(errors.empty() ? "rules/commands.json" : errors[0]);
    std::vector<OrgRecord> nodes;
    if (!config::load_org_csv(std::string(GRIDBOT_SOURCE_DIR) + "/config/demo/org.csv", &nodes,
                              &errors))
      fuzz::setup_failed("config/demo/org.csv");
    out->tree = config::merge_org({}, nodes, &errors);
    if (!out->tree) fuzz::setup_failed("config/demo/org.csv: merge");
    return out;
  }();
  return *l;
}

void check_restore(std::string text) {
  const std::string original = text;
  const std::string kept = incidents::take_expected_restore(&text, false);
  FUZZ_CHECK(text == original);
  const std::string taken = incidents::take_expected_restore(&text, true);
  FUZZ_CHECK(kept == taken);
  if (!taken.empty()) {
    FUZZ_CHECK(taken.size() == 5 && parse_hh_mm(taken).has_value());
    FUZZ_CHECK(text.size() < original.size());
  }
}

}  // namespace

// Loads what every input needs before the first one: the per-input timeout does not count it
// (loading the rules takes seconds under ASan on a busy machine).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)loaded();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const Loaded& l = loaded();

  if (auto c = l.grammar->parse(text)) {
    static const std::set<std::string> kNames{"open",   "progress", "restore",
                                              "review", "approve",  "reject"};
    FUZZ_CHECK(kNames.count(c->name) == 1);
    FUZZ_CHECK(!c->word.empty());
    if (c->name == "open") {
      FUZZ_CHECK(c->no == 0 && !c->kind.empty() && !c->rest.empty());
    } else {
      FUZZ_CHECK(c->no >= 0);
    }
    check_restore(c->rest);
    auto terms = incidents::split_scope_terms(c->rest);
    for (const auto& t : terms) FUZZ_CHECK(!t.empty());
    const auto scope = incidents::resolve_scope(*l.tree, terms);
    if (scope.ok()) FUZZ_CHECK(!scope.targets.empty() && scope.households >= 0);
    for (const auto& t : terms) (void)incidents::is_scope_term(*l.tree, t);
  }
  check_restore(std::string(text));
  for (const auto& w : incidents::split_words(text)) FUZZ_CHECK(!w.empty());
  return 0;
}
