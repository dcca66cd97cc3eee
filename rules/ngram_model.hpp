// The learned half of the classifier: character 1-3-gram weights for the report, urgent, tier and
// category heads (softmax regression, trained by `gridbot train`, shipped as rules/model.json).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rules/utf8.hpp"

namespace gridbot::rules {

struct CategoryInfo;

/// Columns of one weight row: report logit, urgent logit, 4 tier logits, then one per category.
inline constexpr std::size_t kColReport = 0;
inline constexpr std::size_t kColUrgent = 1;
inline constexpr std::size_t kColTier = 2;
inline constexpr std::size_t kColCategory = 6;
/// Head columns at most: kColCategory + up to 26 categories.
inline constexpr std::size_t kMaxHeads = 32;
/// Columns of a compiled row (NgramModel::Row): every head but the report (it sits in the slot):
/// urgent, 4 tiers, up to 19 categories (the taxonomy's count).
inline constexpr std::size_t kRowColumns = 24;
/// Weights are stored as integers in model.json: weight = value / kWeightScale.
inline constexpr float kWeightScale = 1000;

/// How the model's logits are added to the keyword scores (docs/rules.md, "The learned model").
struct ModelBlend {
  float report = 1;    ///< report score = keyword score + report * model report logit
  float category = 1;  ///< category score = keyword category score + category * model logit
  /// tier score = model tier logit + tier_rule for the keyword rules' tier when their cues chose
  /// it, + tier_default when it is the category's default (no cue: weaker evidence)
  float tier_rule = 1;
  float tier_default = 1;
  float urgent = 1;  ///< urgent score = keyword urgency - threshold + urgent * model logit
  /// Added to the model's urgent logit before it counts (max(logit + urgent_offset, 0)): the
  /// head is trained on ~1 urgent report in 5 and sits on the cautious side; an emergency missed
  /// costs more than a false alarm a person dismisses (docs/rules-evaluation.md, "The urgent
  /// offset").
  float urgent_offset = 0;
  /// When the model's urgent logit is below -urgent_veto, the urgency cues are overruled: a
  /// letter about a chimney's black smoke or a lift that trapped people last year names the same
  /// danger words as an emergency, and the model, trained on such letters, is sure it is none
  /// (docs/rules.md, "Blend"). 0: no veto, the cues stay authoritative.
  float urgent_veto = 0;
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
/// *Cumulative rows*: the model holds every suffix of each of its n-grams (a missing one is
/// added with zero weights), and an n-gram's slot and row hold the sum of its weights and its
/// suffixes' weights. So at each character of a text, the longest known n-gram ending there
/// stands for all of them: one row per character instead of up to three, and the lookup stops
/// at the first hit of trigram, bigram, unigram.
///
/// *Thread safety*: immutable after build_model(); shared by every classify() call.
struct NgramModel {
  /// One slot of the hash table, 8 bytes. The report weight sits in the slot, so that a message
  /// that is not a report never reads the weight rows.
  /// The key's high 28 bits are the n-gram's fingerprint (never 0: bit 4 is set), its low 4
  /// bits the high bits of the row index; so 8 bytes address up to 2^20 rows.
  struct Slot {
    std::uint32_t key = 0;      ///< fingerprint | row >> 16, 0 = empty
    std::int16_t report = 0;    ///< the (cumulative) report weight, integer as in model.json
    std::uint16_t row_low = 0;  ///< its row in weights, low 16 bits (row 0: all zero, "unknown")
    std::uint32_t row() const { return row_low | (key & ~kFingerprintMask) << 16; }
  };
  static constexpr std::uint32_t kFingerprintMask = 0xFFFFFFF0u;
  /// The most n-grams (with their suffixes) a table can hold: 20-bit rows, row 0 reserved.
  static constexpr std::size_t kMaxNgrams = (std::size_t{1} << 20) - 2;
  static std::uint32_t fingerprint(std::uint64_t h) {
    return (static_cast<std::uint32_t>(h >> 32) & kFingerprintMask) | 0x10u;
  }
  /// One row of head weights, 48 bytes: head column c (c >= 1) is w[c - 1]; columns past
  /// `heads` are zero.
  struct alignas(16) Row {
    std::int16_t w[kRowColumns];
  };
  std::size_t heads = 0;   ///< used columns of a row: kColCategory + number of categories
  std::uint64_t mask = 0;  ///< slot table size - 1
  std::vector<Slot> slots;
  std::vector<Row> rows;  ///< weight rows, category columns in Rules order
  /// Rows that can be added in int16 without overflow: INT16_MAX / the largest |weight|.
  std::size_t block = 1;
  std::vector<std::int32_t> bias;  ///< `heads` integers
  ModelBlend blend;

  /// Starts loading the home slot of the n-gram with hash `h` into the cache (lookup() reads it).
  void prefetch(std::uint64_t h) const { __builtin_prefetch(slots.data() + (h & mask)); }
  /// The slot of the n-gram with hash `h`, or null when the model does not know it.
  /// `slots` holds kPad mirror slots past mask (copies of slots[0 .. kPad)), so the first
  /// kPad + 1 probes of a linear probe are read at once without wrapping.
  static constexpr std::size_t kPad = 3;
  const Slot* lookup(std::uint64_t h) const {
    const std::uint32_t key = fingerprint(h);
    std::uint64_t i = h & mask;
    // The home slot answers most probes (load <= 1/2): its key is the fingerprint or empty.
    if (const Slot& home = slots[i]; (home.key & kFingerprintMask) == key) {
      return &home;
    } else if (home.key == 0) {
      return nullptr;
    }
#if defined(__SSE2__)
    // The probe stops at the first slot whose key is the fingerprint (hit) or 0 (miss); only a
    // run of 4 other keys falls back to the loop.
    static_assert(kPad == 3 && sizeof(Slot) == 8);
    const auto* p = reinterpret_cast<const __m128i*>(slots.data() + i);
    const __m128i a = _mm_loadu_si128(p);
    const __m128i b = _mm_loadu_si128(p + 1);
    const __m128i fp = _mm_set1_epi32(static_cast<int>(key));
    const __m128i fm = _mm_set1_epi32(static_cast<int>(kFingerprintMask));
    const __m128i zero = _mm_setzero_si128();
    const auto bits = [](__m128i x, __m128i y) {
      return static_cast<std::uint32_t>(_mm_movemask_epi8(x)) |
             static_cast<std::uint32_t>(_mm_movemask_epi8(y)) << 16;
    };
    // Keys are compared under the mask: their low bits are the row's, not the fingerprint's.
    const std::uint32_t hit =
        bits(_mm_cmpeq_epi32(_mm_and_si128(a, fm), fp), _mm_cmpeq_epi32(_mm_and_si128(b, fm), fp)) &
        0x01010101u;
    const std::uint32_t empty = bits(_mm_cmpeq_epi32(a, zero), _mm_cmpeq_epi32(b, zero));
    const std::uint32_t stop = hit | (empty & 0x01010101u);  // byte 0 of each slot's key
    if (stop != 0) [[likely]] {
      const auto first = static_cast<unsigned>(__builtin_ctz(stop));
      return (hit >> first) & 1u ? &slots[i + first / 8] : nullptr;
    }
    i = (i + 4) & mask;
#endif
    for (;; i = (i + 1) & mask) {
      const Slot& s = slots[i];
      if ((s.key & kFingerprintMask) == key) return &s;
      if (s.key == 0) return nullptr;
    }
  }
  /// The weight row of the n-gram with hash `h`, or 0 when the model does not know it.
  std::uint32_t find(std::uint64_t h) const {
    const Slot* s = lookup(h);
    return s == nullptr ? 0 : s->row();
  }
  const std::int16_t* row(std::uint32_t r) const { return rows[r].w; }
};

namespace ngram {

/// The unit of an n-gram: a character key (rules/utf8.hpp) with every ASCII digit as '0' (so
/// 3栋 and 5栋 are one feature).
inline std::uint32_t unit(std::uint32_t char_key) {
  return char_key - '0' < 10 ? std::uint32_t{'0'} : char_key;
}

/// The unit at text[i]; sets `len` to the bytes consumed.
inline std::uint32_t unit_at(std::string_view s, std::size_t i, std::size_t& len) {
  std::uint32_t n;
  const std::uint32_t u = unit(utf8::char_key(utf8::load4(s, i), n));
  len = n;
  return u;
}

inline std::uint64_t finish(std::uint64_t h) {
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}
/// A unit's 64-bit hash; an n-gram's hash combines its units' hashes (one mix per character,
/// not per n-gram): h1 = U ^ s1, h2 = rotl(U', 21) ^ U ^ s2, h3 = rotl(U'', 42) ^ rotl(U', 21)
/// ^ U ^ s3 for the units ... U'' U' U.
inline std::uint64_t unit_hash(std::uint32_t u) {
  return finish((u ^ 0x5BD1E995u) * 0x9E3779B97F4A7C15ull);
}
inline constexpr std::uint64_t kSeed[4] = {0, 0x1F3D5B79A3C2E4F1ull, 0x2E4C6A88D1B3F507ull,
                                           0x3D5B7997E8A1C6B3ull};
inline std::uint64_t rotl(std::uint64_t x, int r) { return x << r | x >> (64 - r); }

/// A run of one unit counts at most twice and a run of digits once: no n-gram ends at a unit
/// equal to the two before it, nor at a digit after a digit (`13812345678` adds what `3` adds in
/// `3栋`, `!!!!!` what `!!` adds, 300 x `x` what `xx` adds). So a phone number or padding weighs
/// what one or two characters weigh, whatever its length. The n-grams that are counted are still
/// those of the text's units (`138栋` counts `00栋`): no state depends on the skipping, which
/// keeps the scoring loop free of it. `p1`, `p2`: the two units before `u` (kNoUnit at the start).
inline constexpr std::uint32_t kNoUnit = UINT32_MAX;
inline bool repeats(std::uint32_t u, std::uint32_t p1, std::uint32_t p2) {
  return u == p1 && (u == p2 || u == '0');
}

/// Feature value of each n-gram of a text of `units` kept units (the bias has value 1): the sum
/// of n-gram weights is scaled by (16 / units)^(1/4), so a long text is less sure for its
/// length alone and a short one is not drowned by the bias (exponent 1/2 was measured too: CV
/// alike, blind batch t category 0.02 lower). Past kLongUnits (a chat message is shorter: 99%
/// of the labelled ones are under 64 characters) the sum is averaged instead: a letter of 1,000
/// characters would otherwise reach logits of 50 and more, so that its length alone made it a
/// report, urgent and of whatever tier it leaned to.
inline constexpr float kReferenceUnits = 16;
inline constexpr float kLongUnits = 64;
inline float length_scale(std::size_t units) {
  const float u = static_cast<float>(units < 1 ? 1 : units);
  if (u <= kLongUnits) return std::sqrt(std::sqrt(kReferenceUnits / u));
  return std::sqrt(std::sqrt(kReferenceUnits / kLongUnits)) * (kLongUnits / u);
}

/// Windows: the up-to-3 units ending at a character (its longest n-gram). A window the message
/// showed before adds nothing, so a phrase pasted 30 times weighs what it weighs said twice and
/// the message's length counts it once (docs/rules.md, "Each window once"). A window is known
/// by its slot, the top kWindowBits bits of its trigram hash (r2 ^ r1 ^ U ^ kSeed[3], with r1,
/// r2 zero before the third unit): a false "seen" needs two windows of one message to share a
/// slot (~n/8,192 per window: 0.4% for a 30-character message). Training (Windows, below) and
/// scoring (classifier.cpp: epoch stamps per slot, nothing to clear) test the same slots, so
/// they agree even then.
inline constexpr int kWindowBits = 13;
inline std::uint32_t window_slot(std::uint64_t h3) {
  return static_cast<std::uint32_t>(h3 >> (64 - kWindowBits));
}
/// The windows one message showed: `fresh()` marks as it tests.
class Windows {
 public:
  /// True the first time the message shows a window of trigram hash `h3`; marks it.
  bool fresh(std::uint64_t h3) {
    const std::uint32_t i = window_slot(h3);
    std::uint64_t& word = bits_[i >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (i & 63);
    const bool seen = (word & bit) != 0;
    word |= bit;
    return !seen;
  }

 private:
  std::array<std::uint64_t, (std::size_t{1} << kWindowBits) / 64> bits_{};
};

/// Calls `f(hash, key)` for every 1-, 2- and 3-gram of units of `text` (already normalised)
/// that ends at a kept unit — not a run's repeat (repeats()), and whose window (the up-to-3
/// units ending there) the text has not shown before (Windows) —, where `key` is the n-gram as
/// model.json writes it (digits as '0'; valid until f returns), in order of their end (1-gram,
/// 2-gram, 3-gram at each unit). Returns the number of kept units (the length that
/// length_scale() takes). Training goes through here; scoring computes the same hashes.
template <class F>
std::size_t for_each(std::string_view text, F&& f) {
  Windows windows;
  std::size_t kept = 0;
  std::uint64_t r1 = 0, r2 = 0;  // rotl(U', 21), rotl(U'', 42)
  std::uint32_t p1 = kNoUnit, p2 = kNoUnit;
  char key[12];                     // the bytes of the last units (up to 3), oldest first
  std::size_t lens[3] = {0, 0, 0};  // their lengths, oldest first
  std::size_t count = 0;            // units in key
  for (std::size_t i = 0, len = 0; i < text.size(); i += len) {
    const std::uint32_t unit_value = unit_at(text, i, len);
    const bool keep = !repeats(unit_value, p1, p2);
    p2 = p1;
    p1 = unit_value;
    if (count == 3) {  // drop the oldest unit
      std::memmove(key, key + lens[0], lens[1] + lens[2]);
      lens[0] = lens[1];
      lens[1] = lens[2];
      count = 2;
    }
    const std::size_t at = count == 0 ? 0 : count == 1 ? lens[0] : lens[0] + lens[1];
    for (std::size_t k = 0; k < len; ++k) key[at + k] = unit_value == '0' ? '0' : text[i + k];
    lens[count++] = len;
    const std::size_t end = at + len;
    const std::uint64_t u = unit_hash(unit_value);
    const std::uint64_t h1 = u ^ kSeed[1], h2 = r1 ^ u ^ kSeed[2], h3 = r2 ^ r1 ^ u ^ kSeed[3];
    const bool fresh = windows.fresh(h3);  // r1, r2 are 0 before the third unit: h3 names it
    if (keep && fresh) {
      ++kept;
      f(h1, std::string_view(key + at, len));
      if (count >= 2) {
        f(h2, std::string_view(key + at - lens[count - 2], end - at + lens[count - 2]));
      }
      if (count >= 3) f(h3, std::string_view(key, end));
    }
    r2 = rotl(r1, 21);
    r1 = rotl(u, 21);
  }
  return kept;
}

/// The hash of an n-gram key as written in model.json, or 0 when the key is not 1 to 3
/// characters long.
std::uint64_t key_hash(std::string_view key);

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
