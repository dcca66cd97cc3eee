// Counted scope (docs/rules.md "Tier"): the number a text puts before a unit word (21户, 3栋楼,
// 几百户, 两年, 4、5个月), which says how far and how long a matter reaches.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::rules {

/// One `counts` entry of tiers.json: the word, and the counts before it that choose the tier.
struct CountCue {
  std::string word;                    ///< normalised unit word, e.g. 户 or 个月
  std::uint32_t term = 0;              ///< its automaton term (matched: worth reading the text)
  std::uint8_t tier = 0;               ///< index into kTierCodes
  double min = 1;                      ///< counts below this say nothing
  double max = 1e9;                    ///< counts above (2019年: a date) say nothing
  float weight = 0;                    ///< what the tier gains when a count fires
  std::vector<std::string> not_after;  ///< 户口, 年级, 18年3月: the word means something else
  std::string label;                   ///< "FILE:LINE: counts.big.户", for explain
};

/// The count written just before byte `at` of normalised `text`: ASCII digits (20, 20多),
/// Chinese numerals (二十一, 十几, 几百, 数十, 上百), a range read as its upper end (三四 → 4,
/// 一两 → 2), 半 as 0.5; nullopt when no number ends there.
std::optional<double> count_before(std::string_view text, std::size_t at);

/// Whether the occurrence of `cue`'s word at byte `at` of `text` fires (the rules of count_fires).
bool count_fires_at(const CountCue& cue, std::string_view text, std::size_t at);

/// Whether `cue` fires anywhere in `text`: an occurrence of its word after a count within
/// [min, max], not followed by one of its not_after words (nor by a digit: 18年3月 is a date).
bool count_fires(const CountCue& cue, std::string_view text);

}  // namespace gridbot::rules
