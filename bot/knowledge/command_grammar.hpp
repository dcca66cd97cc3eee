// Heads' keyword commands: the words (rules/commands.json, data) and the parser of one message.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::core {

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

 private:
  std::vector<std::pair<std::string, std::string>> words_;  // (word, name), longest word first
  std::map<std::string, CommandArgs> args_;
  std::vector<std::string> report_prefixes_;
};

/// Text with leading "@name " mentions (ASCII or U+2005 space after) and spaces removed.
std::string_view strip_mentions(std::string_view text);
/// Full-width digits, ＃ and spaces to ASCII.
std::string ascii_digits(std::string_view text);

}  // namespace gridbot::core
