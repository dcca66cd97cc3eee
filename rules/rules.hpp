// The compiled, immutable rule set behind classify(): one automaton plus weighted entries.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/aho_corasick.hpp"
#include "rules/location_extractor.hpp"
#include "rules/ngram_model.hpp"
#include "rules/scope_counts.hpp"

namespace gridbot::rules {

/// What a matched keyword entry adds its weight to.
enum class Target : std::uint8_t {
  category,       ///< score of category `index`
  report,         ///< report score (positive: problem words; negative: thanks, notices, ads)
  tier,           ///< score of tier `index`, for every category
  category_tier,  ///< score of tier `index`, only when the chosen category is `category`
  urgent,         ///< urgency score
};

/// One keyword rule: fires when its anchor term and all its extra terms occur in the message.
struct Entry {
  Target target = Target::report;
  std::uint8_t index = 0;
  std::uint8_t category = 0;
  float weight = 0;
  std::uint32_t extra_begin = 0;  ///< extra term ids: Rules::extra_terms[extra_begin, extra_end)
  std::uint32_t extra_end = 0;
};

/// A category of the taxonomy (docs/domain.md "Categories") as configured.
struct CategoryInfo {
  std::string code;
  std::string name;
  std::uint8_t default_tier = 1;
};

/// Tier codes in index order.
inline constexpr std::array<const char*, 4> kTierCodes{"private", "small", "big", "hard"};

/// The result of load_rules(): built once, shared as shared_ptr<const Rules>, never modified.
/// A reload builds a new object; in-flight messages keep the one they started with.
///
/// *Thread safety*: immutable after load; any number of threads may classify with it.
class Rules {
 public:
  explicit Rules(AhoCorasick automaton, LocationExtractor location)
      : automaton(std::move(automaton)), location(std::move(location)) {}

  AhoCorasick automaton;  ///< patterns are term ids
  LocationExtractor location;
  std::size_t term_count = 0;
  std::vector<std::uint32_t>
      entry_begin;  ///< entries anchored on term t: [entry_begin[t], entry_begin[t+1])
  std::vector<Entry> entries;
  std::vector<std::string> entry_labels;  ///< per entry: "FILE:LINE: key path" (explain())
  std::vector<std::uint32_t> extra_terms;
  std::vector<std::uint32_t>
      location_terms;  ///< suffix words and room prefixes: extract a location only if one matched
  /// Per term: 1 + its length in bytes when it is a suffix word of location_terms, 1 when it is a
  /// room prefix, else 0 (classify() finds where the first and the last location word start,
  /// and where the last room prefix ends).
  std::vector<std::uint8_t> location_word_bytes;
  /// Per term: 1 when it is a location word only straight after an ASCII letter or digit (the
  /// letter forms' 楼 and 住户: A1楼, A2203住户), so that 楼道 and 住户们 widen no scan.
  std::vector<std::uint8_t> location_word_after_alnum;
  /// Per term: bit 0 when it starts with an ASCII digit, bit 1 when it ends with one; such a
  /// term matches only where the text's run of digits starts / ends with it (the cue 120 is not
  /// in the room 1202, nor 110 in 1101). term_bytes: its length, for the edge test.
  std::vector<std::uint8_t> digit_edges;
  std::vector<std::uint16_t> term_bytes;
  std::vector<CategoryInfo> categories;
  std::uint8_t other_category = 0;

  float report_threshold = 3;
  float confident_margin = 1;
  float uncategorised_penalty = 2;  ///< subtracted when no category keyword matched ("other")
  float tier_threshold = 2;
  float urgent_threshold = 3;
  /// tiers.json "counts": a number before a unit word (21户, 两年) says the tier (docs/rules.md
  /// "Tier"); read only for reports, and only for words the automaton matched.
  std::vector<CountCue> count_cues;
  /// Per term: the index of the count cue whose word it is, or -1 (classify() notes where such
  /// words end while it scans, so counts are read only there).
  std::vector<std::int16_t> count_cue_of_term;

  /// The learned n-gram model of model.json, or null when the folder has none (keywords only).
  std::shared_ptr<const NgramModel> model;
  /// Which evidence classify() uses; load_rules() gives `combined` (eval compares the others).
  Blend blend = Blend::combined;
};

}  // namespace gridbot::rules
