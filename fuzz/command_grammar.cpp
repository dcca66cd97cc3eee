// Heads' keyword commands (docs/commands.md): rules/commands.json is loaded once, then every input
// is one chat message as the ticket service sees it — parse(), has_report_prefix(),
// strip_prefix(), and the helpers that read a command's note.
#include "bot/knowledge/command_grammar.hpp"
#include "fuzz/fuzz_support.hpp"

using namespace gridbot;

namespace {

const knowledge::CommandGrammar& grammar() {
  static const auto g = [] {
    std::vector<std::string> errors;
    auto loaded = knowledge::CommandGrammar::load(fuzz::rules_dir() + "/commands.json", &errors);
    if (!loaded) fuzz::setup_failed(errors.empty() ? "rules/commands.json" : errors[0]);
    return loaded;
  }();
  return *g;
}

}  // namespace

// Loads what every input needs before the first one: the per-input timeout does not count it
// (loading the rules takes seconds under ASan on a busy machine).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)grammar();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto& g = grammar();
  if (auto c = g.parse(text)) {
    FUZZ_CHECK(!c->name.empty() && !c->word.empty());
    FUZZ_CHECK(c->ticket_no >= 0);
    FUZZ_CHECK(c->note.size() <= text.size());  // ascii_digits only ever shortens the text
    (void)g.is_property_word(c->note);
    (void)g.is_everyone_word(c->note);
    const std::string period = g.period_of(c->note);
    FUZZ_CHECK(period == "today" || period == "week" || period == "month");
  }
  const bool prefixed = g.has_report_prefix(text);
  const std::string stripped = g.strip_prefix(text);
  FUZZ_CHECK(stripped.size() <= text.size());
  FUZZ_CHECK(text.substr(text.size() - stripped.size()) == stripped);
  if (prefixed) FUZZ_CHECK(stripped.size() < text.size());
  const std::string digits = knowledge::ascii_digits(text);
  FUZZ_CHECK(digits.size() <= text.size());
  return 0;
}
