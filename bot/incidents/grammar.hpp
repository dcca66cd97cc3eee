// Incident command words (rules/commands.json, "incident_commands") and the parser of one
// message: 停电 <范围> [预计HH:MM恢复] <原因>, 进展 E12 <内容>, 恢复 E12, 审核/通过 E12, 驳回 E12
// <原因>. Kept apart from CommandGrammar because incident numbers (E12) and free-form scopes do not
// fit the ticket grammar's "word, then #number" shape.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::incidents {

struct IncidentCommand {
  std::string name;  // open | progress | restore | review | approve | reject
  std::string word;  // as written (停电, 进展 …), for replies
  std::string kind;  // open: power | water | gas | gas_leak | flood | other
  int64_t no = 0;    // E12 → 12; 0 for open
  std::string rest;  // the rest of the message, trimmed
};

/// Thread safety: immutable after load.
class IncidentGrammar {
 public:
  /// Loads the "incident_commands" object of commands.json: "open.<kind>" and the other command
  /// names map to lists of words. Errors name file, line and key.
  static std::shared_ptr<const IncidentGrammar> load(const std::string& file,
                                                     std::vector<std::string>* errors);
  static std::shared_ptr<const IncidentGrammar> from(
      std::map<std::string, std::vector<std::string>> words);

  /// The longest command word at the start (after @mentions), followed by a space. Open needs
  /// something after it; the others need an incident number (E12, e12, #E12). Anything else is
  /// not an incident command (「停电了」 is a resident's report, not a command).
  std::optional<IncidentCommand> parse(std::string_view text) const;
  /// The incident kind an open word names (停电 → power), or nullopt.
  std::optional<std::string> kind_of_word(std::string_view word) const;

 private:
  std::vector<std::pair<std::string, std::string>> words_;  // (word, name), longest first
};

/// Finds 「预计19:30恢复」 (also 19：30, 预计19点30分恢复, 预计19点恢复) in `text`; returns "19:30"
/// and removes the phrase from *text when `remove` is set; empty when there is none.
std::string take_expected_restore(std::string* text, bool remove);

/// Splits on spaces only (ASCII, U+3000, U+2005).
std::vector<std::string> split_words(std::string_view text);

/// Splits a scope written by hand on spaces and 、，,;；/ into terms.
std::vector<std::string> split_scope_terms(std::string_view scope);

}  // namespace gridbot::incidents
