// The learned half of the classifier: character 1-3-gram weights for the report, urgent, tier and
// category heads (softmax regression, trained by `gridbot train`, shipped as rules/model.json).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::rules {

struct CategoryInfo;

/// Columns of one weight row: report logit, urgent logit, 4 tier logits, then one per category.
inline constexpr std::size_t kColReport = 0;
inline constexpr std::size_t kColUrgent = 1;
inline constexpr std::size_t kColTier = 2;
inline constexpr std::size_t kColCategory = 6;
/// Columns of a compiled row (NgramModel::Row): kColCategory + up to 26 categories.
inline constexpr std::size_t kMaxHeads = 32;
/// Weights are stored as integers in model.json: weight = value / kWeightScale.
inline constexpr float kWeightScale = 1000;

/// How the model's logits are added to the keyword scores (docs/rules.md, "The learned model").
struct ModelBlend {
  float report = 1;     ///< report score = keyword score + report * model report logit
  float category = 1;   ///< category score = keyword category score + category * model logit
  float tier_rule = 1;  ///< tier score = model tier logit + tier_rule for the keyword rules' tier
  float urgent = 1;     ///< urgent score = keyword urgency - threshold + urgent * model logit
};

/// Which evidence classify() uses: the shipped answer is `combined`; the others are for eval.
enum class Blend : std::uint8_t { combined, rules_only, model_only };

/// The model as written in model.json: n-gram keys with integer weight rows.
struct ModelData {
  std::vector<std::string> categories;  ///< category codes of the category columns, in order
  std::vector<std::int32_t> bias;       ///< one row: kColCategory + categories.size() values
  std::vector<std::pair<std::string, std::vector<std::int32_t>>> ngrams;  ///< key -> row
  ModelBlend blend;
};

/// The compiled model: an open-addressing table from n-gram hash to weight row.
///
/// Weights stay the integers of model.json (value / kWeightScale is the weight; they fit int16,
/// build_model() checks), so scoring adds integers: exact, and a row of the heads is 64 bytes.
///
/// *Thread safety*: immutable after build_model(); shared by every classify() call.
struct NgramModel {
  /// One slot of the hash table, 8 bytes. The report weight sits in the slot, so that a message
  /// that is not a report never reads the weight rows.
  struct Slot {
    std::uint32_t key = 0;    ///< fingerprint of the n-gram, 0 = empty
    std::int16_t report = 0;  ///< the report weight (integer, as in model.json)
    std::uint16_t row = 0;    ///< its row in weights (row 0 is all zero: "unknown")
  };
  /// One row of head weights: one 64-byte cache line, columns past `heads` are zero.
  struct alignas(64) Row {
    std::int16_t w[kMaxHeads];
  };
  std::size_t heads = 0;   ///< used columns of a row: kColCategory + number of categories
  std::uint64_t mask = 0;  ///< slot table size - 1
  std::vector<Slot> slots;
  std::vector<Row> rows;           ///< weight rows, category columns in Rules order
  std::vector<std::int32_t> bias;  ///< `heads` integers
  ModelBlend blend;

  /// The slot of the n-gram with hash `h`, or null when the model does not know it.
  /// `slots` holds kPad mirror slots past mask (copies of slots[0 .. kPad)), so the first
  /// kPad + 1 probes of a linear probe can be read without wrapping.
  static constexpr std::size_t kPad = 3;
  const Slot* lookup(std::uint64_t h) const {
    const auto key = static_cast<std::uint32_t>(h >> 32) | 1u;
    for (std::uint64_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots[i];
      if (s.key == key) return &s;
      if (s.key == 0) return nullptr;
    }
  }
  /// The weight row of the n-gram with hash `h`, or 0 when the model does not know it.
  std::uint32_t find(std::uint64_t h) const {
    const Slot* s = lookup(h);
    return s == nullptr ? 0 : s->row;
  }
  const std::int16_t* row(std::uint32_t r) const { return rows[r].w; }
};

namespace ngram {

/// One character of normalised text as an integer: its UTF-8 bytes packed, every ASCII digit as
/// '0' (so 3栋 and 5栋 are one feature). Sets `len` to the bytes consumed.
inline std::uint32_t unit_at(std::string_view s, std::size_t i, std::size_t& len) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    len = 1;
    return b >= '0' && b <= '9' ? '0' : b;
  }
  len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (b >= 0xF8 || i + len > s.size()) len = 1;
  std::uint32_t u = b;
  for (std::size_t k = 1; k < len; ++k) u = u << 8 | static_cast<unsigned char>(s[i + k]);
  return u;
}

inline std::uint64_t step(std::uint64_t h, std::uint32_t u) {
  return (h ^ u) * 0x9E3779B97F4A7C15ull;
}
inline std::uint64_t finish(std::uint64_t h) {
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}
inline constexpr std::uint64_t kSeed[4] = {0, 0x1F3D5B79u, 0x2E4C6A88u, 0x3D5B7997u};

/// Calls `f(hash, begin, end)` for every 1-, 2- and 3-gram of characters of `text` (already
/// normalised), where [begin, end) are its bytes. Training and scoring both go through here.
template <class F>
void for_each(std::string_view text, F&& f) {
  std::uint32_t p1 = 0, p2 = 0;
  std::size_t b1 = 0, b2 = 0;  // byte offsets of the previous two characters
  int seen = 0;
  for (std::size_t i = 0, len = 0; i < text.size(); i += len) {
    const std::uint32_t u = unit_at(text, i, len);
    f(finish(step(kSeed[1], u)), i, i + len);
    if (seen >= 1) f(finish(step(step(kSeed[2], p1), u)), b1, i + len);
    if (seen >= 2) f(finish(step(step(step(kSeed[3], p2), p1), u)), b2, i + len);
    p2 = p1;
    p1 = u;
    b2 = b1;
    b1 = i;
    ++seen;
  }
}

/// The hash of an n-gram key as written in model.json, or 0 when the key is not 1 to 3
/// characters long.
std::uint64_t key_hash(std::string_view key);

/// The key of the n-gram [begin, end) of normalised text as model.json writes it (digits as '0').
std::string key_of(std::string_view text);

}  // namespace ngram

/// Compiles `data` for the rule set whose categories are `categories` (columns are matched by
/// code; a category the model does not name gets no model evidence). Returns nullptr and adds
/// problems when a key is malformed or collides with another key.
std::shared_ptr<const NgramModel> build_model(const ModelData& data,
                                              const std::vector<CategoryInfo>& categories,
                                              std::vector<std::string>* problems);

/// Parses the text of model.json (`file` names it in errors) into `out`; adds one
/// "FILE:LINE: key.path: what" per problem and returns false when there is any.
bool parse_model(const std::string& file, const std::string& text, ModelData& out,
                 std::vector<std::string>& problems);

/// model.json text for `data`: one n-gram per line, weights as integers (deterministic).
std::string model_json(const ModelData& data);

}  // namespace gridbot::rules
