// Heads' keyword commands: the words (rules/commands.json, data) and the parser of one message.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::knowledge {

/// What may follow a command word (commands.json "args").
enum class CommandArgs { ticket, optional_ticket, text };

struct ParsedCommand {
  std::string name;       // "accept", "resolve", … (the key in commands.json)
  std::string word;       // as written (受理, 接单 …), for replies
  int64_t ticket_no = 0;  // 0 when the command takes none
  std::string note;       // the rest of the message, trimmed
};

/// Thread safety: immutable after load.
class CommandGrammar {
 public:
  /// Loads commands.json; errors name file, line and key.
  static std::shared_ptr<const CommandGrammar> load(const std::string& file,
                                                    std::vector<std::string>* errors);
  static std::shared_ptr<const CommandGrammar> from(
      std::map<std::string, std::vector<std::string>> words,
      std::vector<std::string> report_prefixes,
      std::map<std::string, CommandArgs> args = {});  // missing: ticket

  /// Parses a message as a command: the longest command word at its start (after @mentions and
  /// spaces), then a ticket number (#1024, 1024, ＃１０２４, #1024号). A word with no number after
  /// it is not a command (「受理了吗」 is chatter).
  std::optional<ParsedCommand> parse(std::string_view text) const;
  /// True when the text (after @mentions) starts with a report prefix such as 报事.
  bool has_report_prefix(std::string_view text) const;
  /// The text with leading @mentions and a report prefix removed.
  std::string strip_prefix(std::string_view text) const;
  /// 转办 #N <word>: true when the word names the property company (commands.json
  /// "property_words", default 物业).
  bool is_property_word(std::string_view word) const;
  /// 通知 <scope>: true when the scope means the speaker's whole subtree (commands.json
  /// "notice_everyone", default 全部 所有 全体 所有楼栋).
  bool is_everyone_word(std::string_view word) const;
  /// Whether the text holds a word that adds to what was said before (commands.json
  /// "follow_up_words", default 还有 也是 补充 另外 同样): a follow-up to a report
  /// (docs/media.md "Follow-ups").
  bool has_follow_up_word(std::string_view text) const;
  /// 统计 <words>: "week" or "month" when the words name one (commands.json "stats_periods",
  /// default 周 and 月), else "today".
  std::string period_of(std::string_view note) const;

 private:
  static std::shared_ptr<CommandGrammar> make(std::map<std::string, std::vector<std::string>> words,
                                              std::vector<std::string> report_prefixes,
                                              std::map<std::string, CommandArgs> args);

  std::vector<std::pair<std::string, std::string>> words_;  // (word, name), longest word first
  std::map<std::string, CommandArgs> args_;
  std::vector<std::string> report_prefixes_;
  std::vector<std::string> property_words_{"物业"};
  std::map<std::string, std::vector<std::string>> periods_{{"week", {"周"}}, {"month", {"月"}}};
  std::vector<std::string> notice_everyone_{"全部", "所有", "全体", "所有楼栋"};
  std::vector<std::string> follow_up_words_{"还有", "也是", "补充", "另外", "同样"};
};

/// Full-width digits, ＃ and spaces to ASCII.
std::string ascii_digits(std::string_view text);

}  // namespace gridbot::knowledge
