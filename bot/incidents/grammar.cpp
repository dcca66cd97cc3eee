// Incident command words and the one-message parser.
#include "bot/incidents/grammar.hpp"

#include "base/common/mentions.hpp"
#include "base/common/strict_int.hpp"

#include "base/common/json_source.hpp"
#include "base/common/json_source_impl.hpp"
#include "bot/knowledge/command_grammar.hpp"

#include <algorithm>

namespace gridbot::incidents {
namespace {

bool is_space_at(std::string_view s, size_t i, size_t* len) {
  if (i >= s.size()) return false;
  *len = mention_space_len(s, i);
  return *len != 0;
}

std::string_view skip_spaces(std::string_view s) { return skip_mention_spaces(s); }

std::string trim(std::string_view s) {
  s = skip_spaces(s);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") s.remove_suffix(3);
  return std::string(s);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::shared_ptr<const IncidentGrammar> IncidentGrammar::from(
    std::map<std::string, std::vector<std::string>> words) {
  auto g = std::make_shared<IncidentGrammar>();
  for (auto& [name, list] : words)
    for (auto& w : list) g->words_.emplace_back(w, name);
  std::stable_sort(g->words_.begin(), g->words_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return g;
}

std::shared_ptr<const IncidentGrammar> IncidentGrammar::load(const std::string& file,
                                                             std::vector<std::string>* errors) {
  std::string err;
  auto src = JsonSource::load(file, &err);
  if (!src) {
    errors->push_back(err);
    return nullptr;
  }
  const auto& doc = src->impl().doc;
  if (!doc.IsObject() || !doc.HasMember("incident_commands") ||
      !doc["incident_commands"].IsObject()) {
    errors->push_back(
        src->error_at("incident_commands", "an object of command name: [words] is required"));
    return nullptr;
  }
  static const std::vector<std::string> kNames = {"progress", "restore", "review", "approve",
                                                  "reject"};
  const size_t before = errors->size();
  std::map<std::string, std::vector<std::string>> words;
  const auto& obj = doc["incident_commands"];
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    const std::string path = "incident_commands." + name;
    if (name.rfind("open.", 0) != 0 &&
        std::find(kNames.begin(), kNames.end(), name) == kNames.end()) {
      errors->push_back(src->error_at(path,
                                      "unknown command: use open.<kind>, progress, restore, "
                                      "review, approve or reject"));
      continue;
    }
    if (!it->value.IsArray()) {
      errors->push_back(src->error_at(path, "must be an array of strings"));
      continue;
    }
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
      const auto& v = it->value[i];
      if (!v.IsString() || v.GetStringLength() == 0)
        errors->push_back(
            src->error_at(path + "[" + std::to_string(i) + "]", "must be a non-empty string"));
      else
        words[name].emplace_back(v.GetString());
    }
  }
  for (const auto& n : kNames)
    if (words[n].empty())
      errors->push_back(src->error_at("incident_commands", "needs words for " + n));
  if (errors->size() != before) return nullptr;
  return from(std::move(words));
}

std::optional<IncidentCommand> IncidentGrammar::parse(std::string_view raw) const {
  const std::string text = knowledge::ascii_digits(strip_leading_mentions(raw));
  const std::string_view s = text;
  for (const auto& [word, name] : words_) {
    if (s.substr(0, word.size()) != word) continue;
    std::string_view rest = s.substr(word.size());
    size_t len = 0;
    if (!is_space_at(rest, 0, &len)) return std::nullopt;  // 「停电了」: a sentence, not a command
    rest = skip_spaces(rest);
    IncidentCommand c;
    c.word = word;
    if (name.rfind("open.", 0) == 0) {
      c.name = "open";
      c.kind = name.substr(5);
      c.rest = trim(rest);
      if (c.rest.empty()) return std::nullopt;
      return c;
    }
    c.name = name;
    if (!rest.empty() && rest[0] == '#') rest = skip_spaces(rest.substr(1));
    if (rest.empty() || (rest[0] != 'E' && rest[0] != 'e')) return std::nullopt;
    rest.remove_prefix(1);
    size_t digits = 0;
    while (digits < rest.size() && digits < 12 && is_digit(rest[digits])) ++digits;
    if (digits == 0) return std::nullopt;
    c.no = parse_int(rest.substr(0, digits)).value_or(0);
    rest.remove_prefix(digits);
    if (rest.substr(0, 3) == "号") rest.remove_prefix(3);
    c.rest = trim(rest);
    return c;
  }
  return std::nullopt;
}

std::optional<std::string> IncidentGrammar::kind_of_word(std::string_view word) const {
  constexpr std::string_view kOpen = "open.";
  for (const auto& [w, name] : words_)
    if (w == word && name.rfind(kOpen, 0) == 0) return name.substr(kOpen.size());
  return std::nullopt;
}

// The expected-restore phrase is read with Chinese time-of-day syntax (19点30分, 19：30): that is
// the language, like its digits, not a command word an operator would change.
std::string take_expected_restore(std::string* text, bool remove) {
  const std::string digits = knowledge::ascii_digits(*text);
  const std::string_view s = digits;
  for (size_t at = s.find("预计"); at != std::string_view::npos; at = s.find("预计", at + 1)) {
    size_t i = at + std::string_view("预计").size();
    i = s.size() - skip_spaces(s.substr(i)).size();
    size_t h = 0;
    while (i + h < s.size() && h < 2 && is_digit(s[i + h])) ++h;
    if (h == 0) continue;
    const int hour = parse_int<int>(s.substr(i, h)).value_or(0);
    size_t j = i + h;
    int minute = 0;
    if (s.substr(j, 1) == ":" || s.substr(j, 3) == "：" || s.substr(j, 3) == "点") {
      j += s[j] == ':' ? 1 : 3;
      size_t m = 0;
      while (j + m < s.size() && m < 2 && is_digit(s[j + m])) ++m;
      if (m > 0) {
        minute = parse_int<int>(s.substr(j, m)).value_or(0);
        j += m;
        if (s.substr(j, 3) == "分") j += 3;
      } else if (s.substr(i + h, 3) != "点") {
        continue;  // "19:" with no minutes
      }
    } else {
      continue;
    }
    if (hour > 23 || minute > 59) continue;
    for (std::string_view tail : {"恢复供电", "恢复供水", "恢复供气", "恢复"})
      if (s.substr(j, tail.size()) == tail) {
        j += tail.size();
        break;
      }
    const std::string out = std::string(hour < 10 ? "0" : "") + std::to_string(hour) + ":" +
                            (minute < 10 ? "0" : "") + std::to_string(minute);
    if (remove) {
      const std::string before = trim(s.substr(0, at)), after = trim(s.substr(j));
      *text = before.empty() || after.empty() ? before + after : before + " " + after;
    }
    return out;
  }
  return {};
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size();) {
    size_t len = 0;
    if (is_space_at(text, i, &len)) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      i += len;
    } else {
      cur.push_back(text[i++]);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::vector<std::string> split_scope_terms(std::string_view scope) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < scope.size();) {
    size_t len = 0;
    if (is_space_at(scope, i, &len)) {
      flush();
      i += len;
      continue;
    }
    bool sep = false;
    for (std::string_view d : {",", ";", "/", "、", "，", "；"})
      if (scope.substr(i, d.size()) == d) {
        flush();
        i += d.size();
        sep = true;
        break;
      }
    if (sep) continue;
    cur.push_back(scope[i++]);
  }
  flush();
  return out;
}

}  // namespace gridbot::incidents
