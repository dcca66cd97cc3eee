// classify() and to_json(): one automaton pass, weighted entries, then the decisions.
#include "rules/classifier.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rules/normalizer.hpp"
#include "rules/rules.hpp"
#include "rules/utf8.hpp"

namespace gridbot::rules {
namespace {

constexpr std::size_t kMaxCategories = 32;  // the taxonomy has 19; the loader rejects others

// Per-thread buffers reused across calls, so classify() allocates nothing in steady state.
struct Scratch {
  std::string text;
  std::vector<std::uint32_t> stamp;  // stamp[t] == epoch: term t matched in this message
  // window_stamp[slot] == epoch16: the message showed a window of that slot (ngram::Windows)
  std::vector<std::uint16_t> window_stamp =
      std::vector<std::uint16_t>(std::size_t{1} << ngram::kWindowBits, 0);
  std::uint16_t epoch16 = 0;
  std::vector<std::uint32_t> matched;
  std::vector<std::uint32_t> rows;   // model rows of the message, one per character: [0, nrows)
  std::vector<std::uint32_t> codes;  // automaton states with outputs, in text order
  std::vector<std::uint32_t> ends;   // the byte offset where each of them ends
  // scan()'s first pass, per character: its key, the byte offset past it, and the hashes of the
  // unigram, bigram and trigram ending at it.
  std::vector<std::uint32_t> keys;
  std::vector<std::uint32_t> key_ends;
  std::vector<std::uint64_t> hashes;
  // Where a counted word of tiers.json "counts" ends: (cue index, byte offset past the word).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> count_hits;
  std::size_t first_word = 0;  // where the first location word starts, SIZE_MAX: none
  std::size_t last_word = 0;   // where the last one starts
  std::size_t nrows = 0;
  std::size_t units = 0;  // units the model kept (ngram::repeats, ngram::Windows)
  std::uint32_t epoch = 0;

  void begin(std::size_t terms) {
    if (stamp.size() < terms) stamp.resize(terms, 0);
    if (++epoch == 0) {  // wrapped: old stamps could collide
      std::fill(stamp.begin(), stamp.end(), 0);
      epoch = 1;
    }
    matched.clear();
    count_hits.clear();
    if (++epoch16 == 0) {
      std::fill(window_stamp.begin(), window_stamp.end(), 0);
      epoch16 = 1;
    }
  }
};

struct Scores {
  std::array<float, kMaxCategories> category{};
  std::array<std::array<float, 4>, kMaxCategories> category_tier{};
  std::array<float, 4> tier{};
  float report = 0;
  float urgent = 0;
};

// Calls f(entry index, entry) for every entry whose anchor and extra terms all matched.
template <class F>
void for_each_fired(const Rules& rules, const Scratch& s, F&& f) {
  for (const std::uint32_t term : s.matched) {
    for (std::uint32_t i = rules.entry_begin[term]; i < rules.entry_begin[term + 1]; ++i) {
      const Entry& e = rules.entries[i];
      bool all = true;
      for (std::uint32_t x = e.extra_begin; x < e.extra_end && all; ++x) {
        all = s.stamp[rules.extra_terms[x]] == s.epoch;
      }
      if (all) f(i, e);
    }
  }
}

void accumulate(const Rules& rules, const Scratch& s, Scores& out) {
  for_each_fired(rules, s, [&](std::uint32_t, const Entry& e) {
    switch (e.target) {
      case Target::category:
        out.category[e.index] += e.weight;
        break;
      case Target::report:
        out.report += e.weight;
        break;
      case Target::tier:
        out.tier[e.index] += e.weight;
        break;
      case Target::category_tier:
        out.category_tier[e.category][e.index] += e.weight;
        break;
      case Target::urgent:
        out.urgent += e.weight;
        break;
    }
  });
}

// The model's report logit from scan()'s integer sum (length-scaled, plus the bias).
float report_logit(const NgramModel& m, std::int32_t sum, std::size_t units) {
  return (static_cast<float>(sum) * ngram::length_scale(units) +
          static_cast<float>(m.bias[kColReport])) /
         kWeightScale;
}

// The counted scope of a report (docs/rules.md, "Tier"): per tier, the weight of the strongest
// count cue that fired (21户, 两年), and the index of that cue (explain).
struct Counted {
  std::array<float, 4> weight{};
  std::array<int, 4> cue{-1, -1, -1, -1};
};

Counted read_counts(const Rules& rules, const Scratch& s) {
  Counted out;
  for (const auto& [i, end] : s.count_hits) {
    const CountCue& cue = rules.count_cues[i];
    if (cue.weight <= out.weight[cue.tier]) continue;
    if (!count_fires_at(cue, s.text, end - cue.word.size())) continue;
    out.weight[cue.tier] = cue.weight;
    out.cue[cue.tier] = static_cast<int>(i);
  }
  return out;
}

// The tier the cues say (docs/rules.md, "Tier"): the first of hard, big, private whose cues pass
// the threshold, else the category's default. Hard comes first: a matter unsolved for years or
// passed between departments stays hard however many households it touches.
std::uint8_t choose_tier(const Rules& rules, const Scores& sc, std::uint8_t category) {
  const std::uint8_t def = rules.categories[category].default_tier;
  for (const std::uint8_t t : {std::uint8_t{3}, std::uint8_t{2}, std::uint8_t{0}}) {
    const float v = sc.tier[t] + sc.category_tier[category][t];
    if (t != def && v > rules.tier_threshold) return t;
  }
  return def;
}

// Two passes over the characters of s.text: the first decodes them and hashes their n-grams,
// prefetching the slots; the second runs the keyword automaton (`cursor`; the terms it matches
// go to s.matched) and, when `m` is not null, the model's report logit (integer, x kWeightScale),
// which is returned. Leaves in s.rows[0, s.nrows) the row of the longest known n-gram ending at
// each character (cumulative rows: NgramModel) for the other heads. The model's probes at a
// character depend neither on the automaton's state nor on the previous character's probes, so
// they overlap with the automaton's chain of dependent loads; the automaton's states with
// outputs are collected without a branch and reported after the loop.
template <class Cursor>
std::int32_t scan(const Rules& rules, const NgramModel* m, Scratch& s, Cursor& cursor) {
  const std::string_view text = s.text;
  if (s.rows.size() < text.size()) {
    s.rows.resize(text.size());
    s.codes.resize(text.size());
    s.ends.resize(text.size());
    s.keys.resize(text.size());
    s.key_ends.resize(text.size());
    s.hashes.resize(3 * text.size());
  }
  std::uint32_t* const rows = s.rows.data();
  std::uint32_t* const codes = s.codes.data();
  std::uint32_t* const ends = s.ends.data();
  std::uint32_t* const keys = s.keys.data();
  std::uint32_t* const key_ends = s.key_ends.data();
  std::uint64_t* const hashes = s.hashes.data();
  // First pass: each character's key and its n-grams' hashes, and a prefetch of the slots the
  // second pass will probe first. On text the model has not seen, the slots (4 MB) miss the
  // cache; prefetched here, their loads overlap instead of following one another.
  std::size_t nkeys = 0;
  {
    std::uint64_t r1 = 0, r2 = 0;  // rotl(U', 21), rotl(U'', 42): ngram::for_each's hashes
    for (std::size_t i = 0; i < text.size(); ++nkeys) {
      std::uint32_t len;
      keys[nkeys] = utf8::char_key(utf8::load4(text, i), len);
      i += len;
      key_ends[nkeys] = static_cast<std::uint32_t>(i);
      if (m == nullptr) continue;
      const std::uint64_t u = ngram::unit_hash(ngram::unit(keys[nkeys]));
      std::uint64_t* const h = hashes + 3 * nkeys;
      h[0] = u ^ ngram::kSeed[1];
      h[1] = r1 ^ u ^ ngram::kSeed[2];
      h[2] = r2 ^ r1 ^ u ^ ngram::kSeed[3];
      if (nkeys >= 2) m->prefetch(h[2]);
      if (nkeys >= 1) m->prefetch(h[1]);
      m->prefetch(h[0]);
      r2 = ngram::rotl(r1, 21);
      r1 = ngram::rotl(u, 21);
    }
  }
  std::size_t nrows = 0, ncodes = 0;
  std::int32_t logit = 0;
  std::uint32_t p1 = ngram::kNoUnit, p2 = ngram::kNoUnit;  // the two previous units
  int seen = 0;
  std::size_t kept = 0;  // units that are not a run's repeat
  std::uint16_t* const window_stamp = s.window_stamp.data();
  const std::uint16_t epoch16 = s.epoch16;
  for (std::size_t k = 0; k < nkeys; ++k) {
    const std::uint32_t key = keys[k];
    const std::uint32_t code = cursor.advance(key);
    codes[ncodes] = code;
    ends[ncodes] = key_ends[k];
    ncodes += Cursor::has_output(code) ? 1 : 0;
    if (m == nullptr) continue;
    // A unit that repeats a run (ngram::repeats) or ends a window the message showed before
    // (ngram::Windows) is looked up but adds nothing; the hashes and p1, p2 follow every unit
    // (ngram::for_each), so no state depends on `keep`.
    const std::uint32_t unit = ngram::unit(key);
    const std::uint64_t h1 = hashes[3 * k], h2 = hashes[3 * k + 1], h3 = hashes[3 * k + 2];
    std::uint16_t& stamp = window_stamp[ngram::window_slot(h3)];  // h3 of the first two: r1, r2 0
    const bool fresh = stamp != epoch16;
    stamp = epoch16;
    const bool keep = !ngram::repeats(unit, p1, p2) && fresh;
    p2 = p1;
    p1 = unit;
    const NgramModel::Slot* hit = seen >= 2 ? m->lookup(h3) : nullptr;
    if (hit == nullptr && seen >= 1) hit = m->lookup(h2);
    if (hit == nullptr) hit = m->lookup(h1);
    if (hit != nullptr) {
      rows[nrows] = hit->row();
      nrows += keep ? 1 : 0;
      logit += keep ? hit->report : 0;
    }
    ++seen;
    kept += keep ? 1 : 0;
  }
  s.nrows = nrows;
  s.units = kept;
  s.first_word = SIZE_MAX;
  s.last_word = 0;
  const std::uint8_t* const word_bytes = rules.location_word_bytes.data();
  const std::uint8_t* const digit_edges = rules.digit_edges.data();
  const std::uint8_t* const after_alnum = rules.location_word_after_alnum.data();
  const auto alnum_at = [&](std::size_t i) {  // normalised text: letters are lower-case
    const auto c = static_cast<unsigned char>(text[i]);
    return static_cast<unsigned char>(c - '0') < 10 || static_cast<unsigned char>(c - 'a') < 26;
  };
  const std::int16_t* const count_cue = rules.count_cue_of_term.data();
  const auto digit_at = [&](std::size_t i) {
    return i < text.size() && static_cast<unsigned char>(text[i] - '0') < 10;
  };
  for (std::size_t k = 0; k < ncodes; ++k) {
    cursor.for_each_output(codes[k], [&](std::uint32_t id) {
      if (const std::uint8_t edges = digit_edges[id]; edges != 0) [[unlikely]] {
        const std::size_t end = ends[k];  // one past the match
        const std::size_t start = end - rules.term_bytes[id];
        if (((edges & 1) != 0 && start > 0 && digit_at(start - 1)) ||
            ((edges & 2) != 0 && digit_at(end))) {
          return;  // part of a longer number
        }
      }
      if (const std::int16_t cue = count_cue[id]; cue >= 0) [[unlikely]] {
        s.count_hits.emplace_back(static_cast<std::uint32_t>(cue), ends[k]);
      }
      if (word_bytes[id] != 0) {
        const std::size_t start = ends[k] + 1 - word_bytes[id];
        if (after_alnum[id] == 0 || (start > 0 && alnum_at(start - 1))) {
          s.first_word = std::min(s.first_word, start);
          s.last_word = std::max(s.last_word, start);
        }
      }
      if (s.stamp[id] != s.epoch) {
        s.stamp[id] = s.epoch;
        s.matched.push_back(id);
      }
    });
  }
  return logit;
}

// The pass classify() and explain_json() both start with: normalise into s.text, one scan of
// the characters (automaton and model), the keyword cues added up into `sc`. Returns the model
// the rules' blend uses (null: keywords alone) and sets `model_logit` to its integer report sum.
const NgramModel* analyse(const Rules& rules, std::string_view utf8_text, Scratch& s, Scores& sc,
                          std::int32_t& model_logit) {
  normalize(utf8_text, s.text);
  s.begin(rules.term_count);
  const NgramModel* model = rules.blend == Blend::rules_only ? nullptr : rules.model.get();
  rules.automaton.with_cursor([&](auto cursor) { model_logit = scan(rules, model, s, cursor); });
  accumulate(rules, s, sc);
  return model;
}

// The other heads' logits (urgent, tiers, categories) over the rows scan() left: integer sums of
// whole rows (the unused columns are zero), then scaled; out[kColReport] is not set.
void model_heads(const NgramModel& m, const Scratch& s, std::array<float, kMaxHeads>& out) {
  static_assert(kRowColumns == 24 && sizeof(NgramModel::Row) == 48);
  alignas(16) std::array<std::int32_t, kRowColumns> acc{};
#if defined(__SSE2__)
  // Rows are added as 3 x 8 int16 in blocks of NgramModel::block rows (no block can overflow:
  // exact), and each block's sum is widened once into 6 x 4 int32.
  __m128i a[6];
  for (auto& v : a) v = _mm_setzero_si128();
  // The rows are fetched here, not during the scan, so a message that is not a report never
  // loads them; kAhead rows in flight hide the table's cache misses.
  constexpr std::size_t kAhead = 8;
  for (std::size_t j = 0; j < std::min(s.nrows, kAhead); ++j) __builtin_prefetch(m.row(s.rows[j]));
  for (std::size_t j = 0; j < s.nrows;) {
    const std::size_t end = std::min(s.nrows, j + m.block);
    __m128i x[3] = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128()};
    for (; j < end; ++j) {
      if (j + kAhead < s.nrows) __builtin_prefetch(m.row(s.rows[j + kAhead]));
      const auto* w = reinterpret_cast<const __m128i*>(m.row(s.rows[j]));
      for (int k = 0; k < 3; ++k) x[k] = _mm_add_epi16(x[k], _mm_load_si128(w + k));
    }
    for (int k = 0; k < 3; ++k) {
      a[2 * k] = _mm_add_epi32(a[2 * k], _mm_srai_epi32(_mm_unpacklo_epi16(x[k], x[k]), 16));
      a[2 * k + 1] =
          _mm_add_epi32(a[2 * k + 1], _mm_srai_epi32(_mm_unpackhi_epi16(x[k], x[k]), 16));
    }
  }
  for (int k = 0; k < 6; ++k) _mm_store_si128(reinterpret_cast<__m128i*>(acc.data() + 4 * k), a[k]);
#else
  for (std::size_t j = 0; j < s.nrows; ++j) {
    const std::int16_t* w = m.row(s.rows[j]);
    for (std::size_t c = 0; c < kRowColumns; ++c) acc[c] += w[c];
  }
#endif
  const float x = ngram::length_scale(s.units);
  for (std::size_t c = 1; c < m.heads; ++c) {
    out[c] = (static_cast<float>(acc[c - 1]) * x + static_cast<float>(m.bias[c])) / kWeightScale;
  }
}

template <class Score>
std::uint8_t argmax(std::size_t n, Score&& score) {
  std::uint8_t best = 0;
  float best_score = score(0);
  for (std::size_t i = 1; i < n; ++i) {
    if (const float v = score(i); v > best_score) {
      best = static_cast<std::uint8_t>(i);
      best_score = v;
    }
  }
  return best;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;  // location parts are digits/letters
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

Classification classify(const Rules& rules, std::string_view utf8_text) {
  thread_local Scratch s;
  Scores sc;
  std::int32_t model_logit = 0;
  const NgramModel* model = analyse(rules, utf8_text, s, sc, model_logit);

  std::uint8_t best = rules.other_category;
  float best_score = 0;
  for (std::uint8_t i = 0; i < rules.categories.size(); ++i) {
    if (sc.category[i] > best_score) {
      best = i;
      best_score = sc.category[i];
    }
  }
  const float rules_score = (best_score > 0 ? best_score : -rules.uncategorised_penalty) +
                            sc.report - rules.report_threshold;
  const bool model_only = model != nullptr && rules.blend == Blend::model_only;
  float score = rules_score;
  if (model != nullptr) {
    const float logit = report_logit(*model, model_logit, s.units);
    score = model_only ? logit : rules_score + model->blend.report * logit;
  }

  Classification c;
  c.score = score;
  c.is_report = score >= 0;
  c.confident = std::fabs(score) >= rules.confident_margin;
  if (!c.is_report) return c;
  // What a count says is one more tier cue: the model's n-grams see 户 and 年 but not the number
  // before them. (Added to the model's logits as well, it overruled the labels of the written
  // batches: a parent bedridden for years is not a hard matter.)
  const Counted counted = s.count_hits.empty() ? Counted{} : read_counts(rules, s);
  for (std::size_t t = 0; t < 4; ++t) sc.tier[t] += counted.weight[t];
  if (model == nullptr) {
    c.category = rules.categories[best].code;
    c.tier = kTierCodes[choose_tier(rules, sc, best)];
    c.urgent = sc.urgent >= rules.urgent_threshold;
  } else {
    // Keyword scores plus the model's logits (docs/rules.md, "The learned model").
    std::array<float, kMaxHeads> m{};
    model_heads(*model, s, m);
    const ModelBlend& b = model->blend;
    const float rw = model_only ? 0.0f : 1.0f;
    const float mw = model_only ? 1.0f : b.category;
    best = argmax(rules.categories.size(),
                  [&](std::size_t i) { return rw * sc.category[i] + mw * m[kColCategory + i]; });
    const std::uint8_t rules_tier = choose_tier(rules, sc, best);
    // A tier the cues chose counts more than the category's default (no cue said anything); cues
    // for the default tier itself that reach the threshold choose it too (a caved-in road by a
    // school: road is big by default, and 路+塌 says so).
    const std::uint8_t def = rules.categories[best].default_tier;
    const bool cued =
        rules_tier != def || sc.tier[def] + sc.category_tier[best][def] > rules.tier_threshold;
    const float tw = model_only ? 0.0f : cued ? b.tier_rule : b.tier_default;
    c.category = rules.categories[best].code;
    c.tier = kTierCodes[argmax(
        4, [&](std::size_t t) { return m[kColTier + t] + (t == rules_tier ? tw : 0.0f); })];
    // The cues decide unless the model is all but certain there is no emergency now (a letter
    // about a standing hazard); otherwise the model may add urgency, never take it away.
    const bool vetoed = b.urgent_veto > 0 && m[kColUrgent] < -b.urgent_veto;
    c.urgent = model_only ? m[kColUrgent] >= 0
                          : !vetoed && sc.urgent - rules.urgent_threshold +
                                               b.urgent * std::max(m[kColUrgent] + b.urgent_offset,
                                                                   0.0f) >=
                                           0;
  }
  if (s.first_word != SIZE_MAX) {
    c.location = rules.location.extract(s.text, s.first_word, s.last_word);
  }
  return c;
}

Location locate(const Rules& rules, std::string_view utf8_text) {
  thread_local Scratch s;
  Scores sc;
  std::int32_t model_logit = 0;
  analyse(rules, utf8_text, s, sc, model_logit);
  if (s.first_word == SIZE_MAX) return {};
  return rules.location.extract(s.text, s.first_word, s.last_word);
}

std::string to_json(const Classification& c) {
  if (!c.is_report) return R"({"is_report": false})";
  std::string out = R"({"is_report": true, "category": )";
  append_json_string(out, c.category);
  out += ", \"tier\": ";
  append_json_string(out, c.tier);
  out += c.urgent ? ", \"urgent\": true" : ", \"urgent\": false";
  if (!c.location.empty()) {
    out += ", \"location\": {";
    const char* sep = "";
    for (const auto& [key, value] :
         {std::pair{"building", &c.location.building}, std::pair{"unit", &c.location.unit},
          std::pair{"room", &c.location.room}}) {
      if (value->empty()) continue;
      out += sep;
      out += "\"";
      out += key;
      out += "\": ";
      append_json_string(out, *value);
      sep = ", ";
    }
    out += "}";
  }
  out += "}";
  return out;
}

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string target_name(const Rules& rules, const Entry& e) {
  switch (e.target) {
    case Target::category:
      return "category " + rules.categories[e.index].code;
    case Target::report:
      return "report";
    case Target::tier:
      return std::string("tier ") + kTierCodes[e.index];
    case Target::category_tier:
      return std::string("tier ") + kTierCodes[e.index] + " if " +
             rules.categories[e.category].code;
    case Target::urgent:
      return "urgent";
  }
  return "";
}

}  // namespace

std::string explain_json(const Rules& rules, std::string_view utf8_text) {
  const Classification c = classify(rules, utf8_text);
  Scratch s;  // its own buffers: the thread-local ones are classify()'s
  Scores sc;
  std::int32_t model_logit = 0;
  const NgramModel* model = analyse(rules, utf8_text, s, sc, model_logit);

  std::string out = to_json(c);
  out.pop_back();  // the closing brace
  out += ", \"why\": {\"score\": " + number(c.score);
  out += ", \"urgent_cues\": " + number(sc.urgent) +
         ", \"urgent_threshold\": " + number(rules.urgent_threshold);
  if (model != nullptr) {
    std::array<float, kMaxHeads> m{};
    model_heads(*model, s, m);
    out += ", \"model\": {\"report\": " + number(report_logit(*model, model_logit, s.units)) +
           ", \"urgent\": " + number(m[kColUrgent]) + ", \"tier\": [";
    for (std::size_t t = 0; t < 4; ++t) out += (t == 0 ? "" : ", ") + number(m[kColTier + t]);
    out += "]}";
  }
  out += ", \"cues\": [";
  const char* sep = "";
  for_each_fired(rules, s, [&](std::uint32_t i, const Entry& e) {
    out += sep;
    out += "{\"rule\": ";
    append_json_string(out, i < rules.entry_labels.size() ? rules.entry_labels[i] : "");
    out += ", \"adds\": ";
    append_json_string(out, target_name(rules, e));
    out += ", \"weight\": " + number(e.weight) + "}";
    sep = ", ";
  });
  if (c.is_report && !rules.count_cues.empty()) {
    const Counted counted = read_counts(rules, s);
    for (std::size_t t = 0; t < 4; ++t) {
      if (counted.cue[t] < 0) continue;
      out += sep;
      out += "{\"rule\": ";
      append_json_string(out, rules.count_cues[static_cast<std::size_t>(counted.cue[t])].label);
      out += std::string(", \"adds\": \"tier ") + kTierCodes[t] +
             "\", \"weight\": " + number(counted.weight[t]) + "}";
      sep = ", ";
    }
  }
  out += "]}}";
  return out;
}

}  // namespace gridbot::rules
