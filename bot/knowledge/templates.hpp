// Reply templates: user-facing Chinese text lives in rules/templates.json, never in code.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gridbot::knowledge {

/// Thread safety: immutable after load; share as shared_ptr<const Templates>.
class Templates {
 public:
  /// Loads a JSON object of name → template text. Errors name file, line and key.
  static std::shared_ptr<const Templates> load(const std::string& file,
                                               std::vector<std::string>* errors);
  static std::shared_ptr<const Templates> from_map(std::map<std::string, std::string> m);

  /// Fills {name} placeholders from `vars`; an unknown placeholder is left as written.
  /// A missing template renders as its name in brackets, so a gap is visible, not fatal.
  std::string render(const std::string& name, const std::map<std::string, std::string>& vars) const;
  bool has(const std::string& name) const { return texts_.count(name) != 0; }
  /// The label "<prefix>.<code>" (a category, tier, status… in words), or the code itself when
  /// there is none.
  std::string label(const std::string& prefix, const std::string& code) const {
    const std::string key = prefix + "." + code;
    return has(key) ? render(key, {}) : code;
  }

 private:
  std::map<std::string, std::string> texts_;
};

}  // namespace gridbot::knowledge
