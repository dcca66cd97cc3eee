// Public API of gridbot_rules: load the rule files, classify one message, print and score results.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/location.hpp"

namespace gridbot::rules {

/// The decision for one message.
struct Classification {
  bool is_report = false;  ///< a real report (category set)
  bool confident = true;   ///< false: classifier unsure -> store the message, open no ticket
  std::string category;    ///< one of the 19 codes of docs/domain.md, "" for a non-report
  std::string tier;        ///< private|small|big|hard ("" for a non-report)
  bool urgent =
      false;          ///< gas smell, fire, someone trapped or fallen, burst pipe... (reports only)
  Location location;  ///< what the text names; empty parts are unknown
  double score = 0;   ///< report score minus the threshold, for diagnostics
};

class Rules;  // immutable compiled rule set (rules/rules.hpp)

/// How load_rules() reads the learned model.
struct LoadOptions {
  /// False: parse model.json even beside a fresh model.bin (tests compare the two forms).
  bool compact_model = true;
  /// Gets one line per warning of a load that succeeded (model.bin missing or stale); when null,
  /// they are logged.
  std::vector<std::string>* warnings = nullptr;
};

/// Loads the rule files of `dir` (categories.json, report.json, tiers.json, urgency.json,
/// location.json, and model.json — the learned n-gram model — when present; other files such as
/// templates.json are ignored) and compiles them once.
///
/// The model comes from model.bin (rules/compact_model.hpp) when that was compiled from this
/// model.json for these categories; else model.json is parsed, with a warning.
///
/// Returns nullptr on any problem and, when `error` is not null, sets it to one line per problem:
/// "FILE:LINE: key.path: what is wrong". Nothing is partially loaded: keep serving the previous
/// rule set when a reload fails.
std::shared_ptr<const Rules> load_rules(const std::string& dir, std::string* error,
                                        const LoadOptions& options = {});

/// The place a message names, report or not ("在5栋2单元" after a report, docs/media.md
/// "Follow-ups"). Thread safety as classify().
Location locate(const Rules& rules, std::string_view utf8_text);

/// Classifies one UTF-8 message. Never throws; any text (empty, invalid UTF-8) gets an answer.
///
/// *Thread safety*: safe to call concurrently with the same Rules (scratch state is thread-local).
Classification classify(const Rules& rules, std::string_view utf8_text);

/// The `gridbot classify` line for `c`, e.g.
/// {"is_report": true, "category": "facility", "tier": "small", "urgent": false,
///  "location": {"building": "3", "unit": "2"}} — absent location parts are omitted, and a
/// non-report is just {"is_report": false}.
std::string to_json(const Classification& c);

/// to_json(classify(rules, text)) plus why: `"why": {"score": report score minus threshold,
/// "urgent_cues": sum, "urgent_threshold": t, "model": {"report": logit, "urgent": logit},
/// "cues": [{"rule": "rules/urgency.json:16: cues.吹下来", "adds": "urgent", "weight": 2}, ...]}`
/// — every keyword entry that fired, with the file, line and key that an operator edits.
/// For people tuning rules; slower than classify() (allocates).
std::string explain_json(const Rules& rules, std::string_view utf8_text);

/// `gridbot classify`: one message per input line, one to_json() line out per input line
/// (explain_json() lines when `explain`). Returns 0.
int run_classify(const Rules& rules, std::istream& in, std::ostream& out, bool explain = false);

/// `gridbot eval FILE.tsv`: scores a messages.tsv-format file (whole file, then the tune and
/// report splits) and prints the metrics and the costliest confusions. Returns 0, or 1 when the
/// file cannot be read.
int run_eval(const Rules& rules, const std::string& tsv_path, std::ostream& out);

/// `gridbot eval --cv K FILES...`: pools the rows of all files and prints k-fold
/// cross-validation figures for the keyword rules alone, the model trained on the other folds
/// alone, and the two combined (see cross_validate() in eval.hpp). Returns 0, or 1 when a file
/// cannot be read.
int run_cross_validation(const Rules& rules, const std::vector<std::string>& tsv_paths, int folds,
                         std::ostream& out);

/// `gridbot train --out MODEL.json FILES...`: trains the n-gram model on every row of the files
/// (categories as in `rules`) and writes it to `out_path`; the blend weights of the model already
/// in `rules`, if any, are kept. `min_count`: TrainOptions::min_count (`--min-count`);
/// `max_ngrams`: TrainOptions::max_ngrams (`--max-ngrams`; 0: its default). Returns 0, or 1 when
/// a file cannot be read or written, `min_count` is below 1 or `max_ngrams` above the format's
/// limit.
int run_train(const Rules& rules, const std::vector<std::string>& tsv_paths,
              const std::string& out_path, std::ostream& out, int min_count = 1,
              std::size_t max_ngrams = 0);

/// `gridbot compile-model -r DIR`: parses DIR/model.json for the categories of DIR and writes
/// the compact model (docs/rules.md "The compact model") to `out_path` (empty: DIR/model.bin),
/// through a temporary file renamed into place. Returns 0, or 1 when the rules or the model do
/// not load or the file cannot be written (the reason printed to `out`).
int run_compile_model(const std::string& dir, const std::string& out_path, std::ostream& out);

}  // namespace gridbot::rules
