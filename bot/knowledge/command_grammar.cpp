// Command words and the one-message parser.
#include "bot/knowledge/command_grammar.hpp"

#include "base/common/json_source.hpp"
#include "base/common/json_source_impl.hpp"
#include "base/common/mentions.hpp"
#include "base/common/strict_int.hpp"

#include <algorithm>
#include <cctype>

namespace gridbot::knowledge {
namespace {

std::string_view skip_spaces(std::string_view s) { return skip_mention_spaces(s); }

std::string trim(std::string_view s) {
  s = skip_spaces(s);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string ascii_digits(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    // Full-width digits U+FF10..FF19 are EF BC 90..99; ＃ is EF BC 83.
    if (i + 2 < text.size() && static_cast<unsigned char>(text[i]) == 0xEF &&
        static_cast<unsigned char>(text[i + 1]) == 0xBC) {
      const auto c = static_cast<unsigned char>(text[i + 2]);
      if (c >= 0x90 && c <= 0x99) {
        out.push_back(static_cast<char>('0' + (c - 0x90)));
        i += 2;
        continue;
      }
      if (c == 0x83) {
        out.push_back('#');
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::shared_ptr<const CommandGrammar> CommandGrammar::from(
    std::map<std::string, std::vector<std::string>> words, std::vector<std::string> prefixes,
    std::map<std::string, CommandArgs> args) {
  return make(std::move(words), std::move(prefixes), std::move(args));
}

std::shared_ptr<CommandGrammar> CommandGrammar::make(
    std::map<std::string, std::vector<std::string>> words, std::vector<std::string> prefixes,
    std::map<std::string, CommandArgs> args) {
  auto g = std::make_shared<CommandGrammar>();
  g->args_ = std::move(args);
  for (auto& [name, list] : words)
    for (auto& w : list) g->words_.emplace_back(w, name);
  std::sort(g->words_.begin(), g->words_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  g->report_prefixes_ = std::move(prefixes);
  return g;
}

std::shared_ptr<const CommandGrammar> CommandGrammar::load(const std::string& file,
                                                           std::vector<std::string>* errors) {
  std::string err;
  auto src = JsonSource::load(file, &err);
  if (!src) {
    errors->push_back(err);
    return nullptr;
  }
  const auto& doc = src->impl().doc;
  const size_t before = errors->size();
  std::map<std::string, std::vector<std::string>> words;
  std::map<std::string, CommandArgs> args;
  std::vector<std::string> prefixes;
  auto read_list = [&](const rapidjson::Value& v, const std::string& path,
                       std::vector<std::string>& out) {
    if (!v.IsArray()) return errors->push_back(src->error_at(path, "must be an array of strings"));
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      if (!v[i].IsString() || v[i].GetStringLength() == 0)
        errors->push_back(
            src->error_at(path + "[" + std::to_string(i) + "]", "must be a non-empty string"));
      else
        out.emplace_back(v[i].GetString());
    }
  };
  if (!doc.IsObject() || !doc.HasMember("commands") || !doc["commands"].IsObject()) {
    errors->push_back(src->error_at("commands", "an object of command name: [words] is required"));
    return nullptr;
  }
  for (auto it = doc["commands"].MemberBegin(); it != doc["commands"].MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    const std::string path = "commands." + name;
    if (it->value.IsArray()) {
      read_list(it->value, path, words[name]);
      continue;
    }
    if (!it->value.IsObject() || !it->value.HasMember("words")) {
      errors->push_back(
          src->error_at(path, "must be [words] or {\"words\": [...], \"args\": ...}"));
      continue;
    }
    read_list(it->value["words"], path + ".words", words[name]);
    if (it->value.HasMember("args")) {
      const auto& a = it->value["args"];
      const std::string kind = a.IsString() ? a.GetString() : "";
      if (kind == "ticket")
        args[name] = CommandArgs::ticket;
      else if (kind == "ticket?")
        args[name] = CommandArgs::optional_ticket;
      else if (kind == "text")
        args[name] = CommandArgs::text;
      else
        errors->push_back(
            src->error_at(path + ".args", "must be \"ticket\", \"ticket?\" or \"text\""));
    }
  }
  if (doc.HasMember("report_prefixes"))
    read_list(doc["report_prefixes"], "report_prefixes", prefixes);
  std::vector<std::string> property, everyone, follow_up;
  if (doc.HasMember("property_words")) read_list(doc["property_words"], "property_words", property);
  if (doc.HasMember("notice_everyone"))
    read_list(doc["notice_everyone"], "notice_everyone", everyone);
  if (doc.HasMember("follow_up_words"))
    read_list(doc["follow_up_words"], "follow_up_words", follow_up);
  if (errors->size() != before) return nullptr;
  auto g = make(std::move(words), std::move(prefixes), std::move(args));
  if (doc.HasMember("stats_periods") && doc["stats_periods"].IsObject()) {
    g->periods_.clear();
    for (auto it = doc["stats_periods"].MemberBegin(); it != doc["stats_periods"].MemberEnd(); ++it)
      read_list(it->value, std::string("stats_periods.") + it->name.GetString(),
                g->periods_[it->name.GetString()]);
    if (errors->size() != before) return nullptr;
  }
  if (!property.empty()) g->property_words_ = std::move(property);
  if (!everyone.empty()) g->notice_everyone_ = std::move(everyone);
  if (!follow_up.empty()) g->follow_up_words_ = std::move(follow_up);
  return g;
}

bool CommandGrammar::has_follow_up_word(std::string_view text) const {
  for (const auto& w : follow_up_words_)
    if (text.find(w) != std::string_view::npos) return true;
  return false;
}

bool CommandGrammar::is_property_word(std::string_view word) const {
  return std::find(property_words_.begin(), property_words_.end(), word) != property_words_.end();
}

std::string CommandGrammar::period_of(std::string_view note) const {
  for (const auto& [period, words] : periods_)
    for (const auto& w : words)
      if (note.find(w) != std::string_view::npos) return period;
  return "today";
}

bool CommandGrammar::is_everyone_word(std::string_view word) const {
  return std::find(notice_everyone_.begin(), notice_everyone_.end(), word) !=
         notice_everyone_.end();
}

std::optional<ParsedCommand> CommandGrammar::parse(std::string_view raw) const {
  const std::string text = ascii_digits(strip_leading_mentions(raw));
  std::string_view s = text;
  for (const auto& [word, name] : words_) {
    if (s.substr(0, word.size()) != word) continue;
    const auto found = args_.find(name);
    const CommandArgs kind = found == args_.end() ? CommandArgs::ticket : found->second;
    const std::string_view after = s.substr(word.size());
    std::string_view rest = skip_spaces(after);
    ParsedCommand c;
    c.name = name;
    c.word = word;
    if (kind != CommandArgs::text) {
      std::string_view num = rest;
      if (!num.empty() && num[0] == '#') num = skip_spaces(num.substr(1));
      size_t digits = 0;
      while (digits < num.size() && digits < 12 && num[digits] >= '0' && num[digits] <= '9')
        ++digits;
      if (digits > 0) {
        c.ticket_no = parse_int(num.substr(0, digits)).value_or(0);
        rest = num.substr(digits);
        if (rest.substr(0, 3) == "号") rest.remove_prefix(3);
      } else if (kind == CommandArgs::ticket) {
        continue;  // 「受理了吗」: the word without a number is chatter (a shorter word may still
                   // match)
      } else if (!rest.empty() && after.size() == rest.size() &&
                 !std::ispunct(static_cast<unsigned char>(rest[0]))) {
        continue;  // 「满意度调查」: the word runs on into other text
      }
    } else if (!after.empty() && after.size() == rest.size() &&
               !std::ispunct(static_cast<unsigned char>(rest[0])) && rest.substr(0, 3) != "：") {
      continue;  // 「通知一下大家」 is not 通知 followed by a scope: a text command wants a space
    }
    c.note = trim(rest);
    if (!c.note.empty() && (c.note[0] == ':')) c.note = trim(std::string_view(c.note).substr(1));
    if (c.note.substr(0, 3) == "：") c.note = trim(std::string_view(c.note).substr(3));
    return c;
  }
  return std::nullopt;
}

bool CommandGrammar::has_report_prefix(std::string_view text) const {
  const auto s = strip_leading_mentions(text);
  for (const auto& p : report_prefixes_)
    if (s.substr(0, p.size()) == p) return true;
  return false;
}

std::string CommandGrammar::strip_prefix(std::string_view text) const {
  auto s = strip_leading_mentions(text);
  for (const auto& p : report_prefixes_)
    if (s.substr(0, p.size()) == p) {
      s.remove_prefix(p.size());
      break;
    }
  s = skip_spaces(s);
  if (!s.empty() && (s[0] == ':')) s = skip_spaces(s.substr(1));
  if (s.substr(0, 3) == "：") s = skip_spaces(s.substr(3));
  return std::string(s);
}

}  // namespace gridbot::knowledge
