// load_rules(): reads the JSON rule files, validates them with file:line:key errors, compiles.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <rapidjson/document.h>

#include "base/common/json_source.hpp"
#include "base/common/json_source_impl.hpp"
#include "base/common/log.hpp"
#include "rules/classifier.hpp"
#include "rules/compact_model.hpp"
#include "rules/normalizer.hpp"
#include "rules/rules.hpp"

namespace gridbot::rules {
namespace {

using gridbot::JsonSource;
using rapidjson::Value;

// The taxonomy's codes (docs/domain.md "Categories"); rule files may not invent codes.
constexpr std::array<const char*, 19> kCategoryCodes{
    "water", "power",    "gas",    "leak", "elevator", "facility", "sanitation",
    "noise", "parking",  "safety", "fire", "falling",  "dispute",  "property",
    "road",  "greening", "vendor", "care", "other"};

constexpr float kMaxWeight = 100;

int tier_index(std::string_view code) {
  for (std::size_t i = 0; i < kTierCodes.size(); ++i) {
    if (code == kTierCodes[i]) return static_cast<int>(i);
  }
  return -1;
}

// Collects problems and the compiled pieces while files are walked.
class Compiler {
 public:
  std::vector<std::string> problems;
  std::vector<std::string> terms;
  std::unordered_map<std::string, std::uint32_t> term_ids;
  struct Anchored {
    std::uint32_t term;  // the anchor term
    Entry entry;
    std::string label;  // "FILE:LINE: key path", for explain()
  };
  std::vector<Anchored> anchored;
  std::vector<std::uint32_t> extra_terms;

  std::uint32_t term(const std::string& text) {
    const auto [it, fresh] = term_ids.emplace(text, static_cast<std::uint32_t>(terms.size()));
    if (fresh) terms.push_back(text);
    return it->second;
  }

  // Adds every "keyword": weight member of `obj` (at `path`) as entries aimed at `proto`.
  void keywords(const JsonSource& src, const Value& obj, const std::string& path, Entry proto) {
    if (!obj.IsObject()) {
      problems.push_back(src.error_at(path, "must be an object of \"keyword\": weight"));
      return;
    }
    std::unordered_set<std::string> seen;
    for (const auto& m : obj.GetObject()) {
      const std::string key(m.name.GetString(), m.name.GetStringLength());
      const std::string kpath = path + "." + key;
      if (!seen.insert(key).second) {
        problems.push_back(src.error_at(kpath, "duplicate keyword (its weights would add up)"));
        continue;
      }
      if (!m.value.IsNumber()) {
        problems.push_back(src.error_at(kpath, "weight must be a number"));
        continue;
      }
      const double w = m.value.GetDouble();
      if (w == 0 || w < -kMaxWeight || w > kMaxWeight) {
        problems.push_back(src.error_at(kpath, "weight must be non-zero and within ±100"));
        continue;
      }
      add(src, kpath, key, proto, static_cast<float>(w));
    }
  }

 private:
  void add(const JsonSource& src, const std::string& kpath, const std::string& key, Entry e,
           float weight) {
    // "A+B" fires only when both A and B occur (anywhere, any order).
    std::vector<std::uint32_t> ids;
    std::size_t start = 0;
    while (true) {
      const std::size_t plus = key.find('+', start);
      const std::string part = normalized(key.substr(start, plus - start));
      if (part.find_first_not_of(' ') == std::string::npos) {
        problems.push_back(src.error_at(kpath, "empty keyword (or empty part around '+')"));
        return;
      }
      ids.push_back(term(part));
      if (plus == std::string::npos) break;
      start = plus + 1;
    }
    e.weight = weight;
    e.extra_begin = static_cast<std::uint32_t>(extra_terms.size());
    extra_terms.insert(extra_terms.end(), ids.begin() + 1, ids.end());
    e.extra_end = static_cast<std::uint32_t>(extra_terms.size());
    anchored.push_back(
        {ids.front(), e, src.file() + ":" + std::to_string(src.line_of(kpath)) + ": " + kpath});
  }
};

// The whole file at `path` into `out`; false when it cannot be read.
bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  out.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  return static_cast<bool>(in.read(out.data(), static_cast<std::streamsize>(out.size())));
}

// The model of `json_path` (whose bytes are `text`): from model.bin when that was compiled from
// these bytes for these categories, else parsed, with a warning, since parsing model.json takes
// 0.1-0.3 s of a start (docs/rules.md "The compact model").
std::shared_ptr<const NgramModel> load_model(const std::string& dir, const std::string& json_path,
                                             const std::string& text,
                                             const std::vector<CategoryInfo>& cats,
                                             const LoadOptions& options,
                                             std::vector<std::string>& problems,
                                             std::vector<std::string>& warnings) {
  if (options.compact_model) {
    const std::string compact = dir + "/" + kCompactModelFile;
    std::string why;
    if (auto model = read_compact_model(compact, text, cats, &why)) return model;
    warnings.push_back(compact + ": " + why + ": the model is read from " + json_path +
                       " (slower); a build or `gridbot compile-model -r " + dir +
                       "` writes it again");
  }
  ModelData data;
  if (!parse_model(json_path, text, data, problems)) return nullptr;
  std::vector<std::string> build_problems;
  auto model = build_model(data, cats, &build_problems);
  for (const auto& p : build_problems) problems.push_back(json_path + ":0: " + p);
  return model;
}

std::unique_ptr<JsonSource> read_source(const std::string& dir, const std::string& name,
                                        std::vector<std::string>& problems) {
  const std::string path = dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back(path + ":0: cannot open rule file");
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string error;
  auto src = JsonSource::parse(path, text.str(), &error);
  if (src == nullptr) {
    problems.push_back(error);
    return nullptr;
  }
  if (!src->impl().doc.IsObject()) {
    problems.push_back(path + ":1: (root): must be an object");
    return nullptr;
  }
  return src;
}

const Value& root(const JsonSource& src) { return src.impl().doc; }

// A number member `key` of `obj`, or `fallback` when absent; a problem when of the wrong type.
float number(const JsonSource& src, const Value& obj, const char* key, float fallback,
             std::vector<std::string>& problems) {
  const auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return fallback;
  if (!it->value.IsNumber()) {
    problems.push_back(src.error_at(key, "must be a number"));
    return fallback;
  }
  return static_cast<float>(it->value.GetDouble());
}

const Value* member(const JsonSource& src, const Value& obj, const std::string& path,
                    const char* key, std::vector<std::string>& problems) {
  const auto it = obj.FindMember(key);
  if (it != obj.MemberEnd()) return &it->value;
  problems.push_back(src.error_at(path, std::string("missing \"") + key + "\""));
  return nullptr;
}

void load_categories(const JsonSource& src, Compiler& c, std::vector<CategoryInfo>& out) {
  const Value* cats = member(src, root(src), "(root)", "categories", c.problems);
  if (cats == nullptr) return;
  if (!cats->IsObject()) {
    c.problems.push_back(src.error_at("categories", "must be an object keyed by category code"));
    return;
  }
  for (const auto& m : cats->GetObject()) {
    const std::string code = m.name.GetString();
    const std::string path = "categories." + code;
    if (std::find(kCategoryCodes.begin(), kCategoryCodes.end(), code) == kCategoryCodes.end()) {
      c.problems.push_back(src.error_at(
          path, "unknown category code \"" + code + "\" (see docs/domain.md, \"Categories\")"));
      continue;
    }
    if (!m.value.IsObject()) {
      c.problems.push_back(src.error_at(path, "must be an object"));
      continue;
    }
    CategoryInfo info{code, "", 1};
    const auto idx = static_cast<std::uint8_t>(out.size());
    if (const auto n = m.value.FindMember("name"); n != m.value.MemberEnd()) {
      if (n->value.IsString())
        info.name = n->value.GetString();
      else
        c.problems.push_back(src.error_at(path + ".name", "must be a string"));
    }
    if (const Value* t = member(src, m.value, path, "tier", c.problems)) {
      const int ti = t->IsString() ? tier_index(t->GetString()) : -1;
      if (ti < 0)
        c.problems.push_back(src.error_at(path + ".tier", "must be private|small|big|hard"));
      else
        info.default_tier = static_cast<std::uint8_t>(ti);
    }
    if (const Value* k = member(src, m.value, path, "keywords", c.problems)) {
      c.keywords(src, *k, path + ".keywords", Entry{Target::category, idx, idx, 0, 0, 0});
    }
    if (const auto tc = m.value.FindMember("tier_cues"); tc != m.value.MemberEnd()) {
      if (!tc->value.IsObject()) {
        c.problems.push_back(src.error_at(path + ".tier_cues", "must be an object keyed by tier"));
      } else {
        for (const auto& t : tc->value.GetObject()) {
          const std::string tpath = path + ".tier_cues." + t.name.GetString();
          const int ti = tier_index(t.name.GetString());
          if (ti < 0) {
            c.problems.push_back(src.error_at(tpath, "unknown tier (private|small|big|hard)"));
            continue;
          }
          c.keywords(src, t.value, tpath,
                     Entry{Target::category_tier, static_cast<std::uint8_t>(ti), idx, 0, 0, 0});
        }
      }
    }
    out.push_back(std::move(info));
  }
}

// tiers.json "counts": {tier: {"word": {"min", "max", "weight", "not_after"}}} (docs/rules.md
// "Tier"): a number before the word says the scope.
void load_counts(const JsonSource& src, const Value& counts, Compiler& c, Rules& r) {
  if (!counts.IsObject()) {
    c.problems.push_back(src.error_at("counts", "must be an object keyed by tier"));
    return;
  }
  std::unordered_set<std::string> seen;
  for (const auto& t : counts.GetObject()) {
    const std::string tpath = std::string("counts.") + t.name.GetString();
    const int ti = tier_index(t.name.GetString());
    if (ti < 0 || !t.value.IsObject()) {
      c.problems.push_back(src.error_at(
          tpath, "must be a tier (private|small|big|hard) holding an object of words"));
      continue;
    }
    for (const auto& w : t.value.GetObject()) {
      const std::string word(w.name.GetString(), w.name.GetStringLength());
      const std::string wpath = tpath + "." + word;
      const std::string norm = normalized(word);
      if (norm.empty() || !w.value.IsObject()) {
        c.problems.push_back(src.error_at(wpath, "must be a non-empty word holding an object"));
        continue;
      }
      if (!seen.insert(norm).second) {
        c.problems.push_back(src.error_at(wpath, "duplicate word (one tier per counted word)"));
        continue;
      }
      CountCue cue;
      cue.word = norm;
      cue.term = c.term(norm);
      cue.tier = static_cast<std::uint8_t>(ti);
      const std::size_t before = c.problems.size();
      const auto num = [&](const char* key, double fallback) {
        const auto it = w.value.FindMember(key);
        if (it == w.value.MemberEnd()) return fallback;
        if (!it->value.IsNumber()) {
          c.problems.push_back(src.error_at(wpath + "." + key, "must be a number"));
          return fallback;
        }
        return it->value.GetDouble();
      };
      cue.min = num("min", 1);
      cue.max = num("max", 1e9);
      cue.weight = static_cast<float>(num("weight", 0));
      if (const auto na = w.value.FindMember("not_after"); na != w.value.MemberEnd()) {
        if (!na->value.IsArray()) {
          c.problems.push_back(src.error_at(wpath + ".not_after", "must be an array of strings"));
        } else {
          for (const auto& x : na->value.GetArray()) {
            if (x.IsString() && x.GetStringLength() > 0) {
              cue.not_after.push_back(normalized(x.GetString()));
            } else {
              c.problems.push_back(
                  src.error_at(wpath + ".not_after", "must be an array of non-empty strings"));
            }
          }
        }
      }
      if (c.problems.size() != before) continue;
      if (cue.weight <= 0 || cue.weight > kMaxWeight || cue.min > cue.max) {
        c.problems.push_back(src.error_at(wpath, "need 0 < weight <= 100 and min <= max"));
        continue;
      }
      cue.label = src.file() + ":" + std::to_string(src.line_of(wpath)) + ": " + wpath;
      r.count_cues.push_back(std::move(cue));
    }
  }
}

void load_tiers(const JsonSource& src, Compiler& c, Rules& r) {
  r.tier_threshold = number(src, root(src), "threshold", r.tier_threshold, c.problems);
  const Value* cues = member(src, root(src), "(root)", "cues", c.problems);
  if (cues == nullptr) return;
  if (!cues->IsObject()) {
    c.problems.push_back(src.error_at("cues", "must be an object keyed by tier"));
    return;
  }
  for (const auto& t : cues->GetObject()) {
    const std::string tpath = std::string("cues.") + t.name.GetString();
    const int ti = tier_index(t.name.GetString());
    if (ti < 0) {
      c.problems.push_back(src.error_at(tpath, "unknown tier (private|small|big|hard)"));
      continue;
    }
    c.keywords(src, t.value, tpath, Entry{Target::tier, static_cast<std::uint8_t>(ti), 0, 0, 0, 0});
  }
  if (const auto counts = root(src).FindMember("counts"); counts != root(src).MemberEnd()) {
    load_counts(src, counts->value, c, r);
  }
}

void string_list(const JsonSource& src, const Value& obj, const char* key,
                 std::vector<std::string>& out, std::vector<std::string>& problems) {
  const Value* v = member(src, obj, "(root)", key, problems);
  if (v == nullptr) return;
  if (!v->IsArray()) {
    problems.push_back(src.error_at(key, "must be an array of strings"));
    return;
  }
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
    if (!(*v)[i].IsString() || (*v)[i].GetStringLength() == 0) {
      problems.push_back(src.error_at(path, "must be a non-empty string"));
      continue;
    }
    out.push_back(normalized((*v)[i].GetString()));
  }
}

LocationVocab load_location(const JsonSource& src, std::vector<std::string>& problems) {
  LocationVocab v;
  const Value& r = root(src);
  string_list(src, r, "building_suffixes", v.building_suffixes, problems);
  string_list(src, r, "unit_prefixed_building_suffixes", v.unit_prefixed_building_suffixes,
              problems);
  string_list(src, r, "unit_suffixes", v.unit_suffixes, problems);
  string_list(src, r, "room_suffixes", v.room_suffixes, problems);
  string_list(src, r, "floor_suffixes", v.floor_suffixes, problems);
  if (r.HasMember("not_floor_words"))
    string_list(src, r, "not_floor_words", v.not_floor_words, problems);
  if (r.HasMember("room_prefixes")) string_list(src, r, "room_prefixes", v.room_prefixes, problems);
  if (r.HasMember("room_prefix_ends"))
    string_list(src, r, "room_prefix_ends", v.room_prefix_ends, problems);
  for (const auto& [key, list] : {std::pair<const char*, std::vector<std::string>*>{
                                      "room_owner_prefixes", &v.room_owner_prefixes},
                                  {"room_owner_not_ends", &v.room_owner_not_ends},
                                  {"unit_after_building_suffixes", &v.unit_after_building_suffixes},
                                  {"not_unit_words", &v.not_unit_words},
                                  {"dash_unit_ends", &v.dash_unit_ends},
                                  {"building_count_prefixes", &v.building_count_prefixes},
                                  {"building_list_separators", &v.building_list_separators},
                                  {"dash_room_ends", &v.dash_room_ends},
                                  {"letter_building_suffixes", &v.letter_building_suffixes},
                                  {"basement_letters", &v.basement_letters},
                                  {"letter_room_ends", &v.letter_room_ends},
                                  {"one_building_words", &v.one_building_words},
                                  {"one_counters", &v.one_counters}}) {
    if (r.HasMember(key)) string_list(src, r, key, *list, problems);
  }
  v.room_min_digits = static_cast<int>(number(src, r, "room_min_digits", 3, problems));
  v.room_max_digits = static_cast<int>(number(src, r, "room_max_digits", 4, problems));
  if (v.room_min_digits < 1 || v.room_max_digits < v.room_min_digits) {
    problems.push_back(
        src.error_at("room_min_digits", "need 1 <= room_min_digits <= room_max_digits"));
  }
  return v;
}

}  // namespace

std::shared_ptr<const Rules> load_rules(const std::string& dir, std::string* error,
                                        const LoadOptions& options) {
  Compiler c;
  std::vector<std::string> warnings;
  const auto categories = read_source(dir, "categories.json", c.problems);
  const auto report = read_source(dir, "report.json", c.problems);
  const auto tiers = read_source(dir, "tiers.json", c.problems);
  const auto urgency = read_source(dir, "urgency.json", c.problems);
  const auto location = read_source(dir, "location.json", c.problems);

  std::vector<CategoryInfo> cats;
  Rules scratch(AhoCorasick({}), LocationExtractor({}));  // thresholds land here first
  if (categories) load_categories(*categories, c, cats);
  if (report) {
    const Value& r = root(*report);
    scratch.report_threshold = number(*report, r, "threshold", 3, c.problems);
    scratch.confident_margin = number(*report, r, "confident_margin", 1, c.problems);
    scratch.uncategorised_penalty = number(*report, r, "uncategorised_penalty", 2, c.problems);
    if (const Value* cues = member(*report, r, "(root)", "cues", c.problems)) {
      c.keywords(*report, *cues, "cues", Entry{Target::report, 0, 0, 0, 0, 0});
    }
  }
  if (tiers) load_tiers(*tiers, c, scratch);
  if (urgency) {
    const Value& r = root(*urgency);
    scratch.urgent_threshold = number(*urgency, r, "threshold", 3, c.problems);
    if (const Value* cues = member(*urgency, r, "(root)", "cues", c.problems)) {
      c.keywords(*urgency, *cues, "cues", Entry{Target::urgent, 0, 0, 0, 0, 0});
    }
  }
  LocationVocab vocab;
  if (location) vocab = load_location(*location, c.problems);
  // The learned model is optional: a folder without model.json classifies with keywords alone.
  std::shared_ptr<const NgramModel> model;
  if (const std::string path = dir + "/model.json"; std::filesystem::exists(path)) {
    std::string text;
    if (!read_file(path, text)) {
      c.problems.push_back(path + ":0: cannot open rule file");
    } else if (categories) {
      model = load_model(dir, path, text, cats, options, c.problems, warnings);
    }
  }
  // The automaton also tells whether a message holds any location word, so that messages without
  // one skip the extractor. A dash can start the 1-3-501 form.
  std::vector<std::uint32_t> location_terms;
  for (const auto* list : {&vocab.building_suffixes, &vocab.unit_prefixed_building_suffixes,
                           &vocab.unit_suffixes, &vocab.room_suffixes}) {
    for (const auto& word : *list) location_terms.push_back(c.term(word));
  }
  std::vector<std::uint32_t> letter_terms;  // 楼 住户: location words only after a letter or digit
  for (const auto* list : {&vocab.letter_building_suffixes, &vocab.letter_room_ends}) {
    for (const auto& word : *list) letter_terms.push_back(c.term(word));
  }
  std::vector<std::uint32_t> prefix_terms;  // 我是: a bare room number may follow
  for (const auto* list : {&vocab.room_prefixes, &vocab.room_owner_prefixes}) {
    for (const auto& word : *list) prefix_terms.push_back(c.term(word));
  }
  location_terms.push_back(c.term("-"));
  const auto other = std::find_if(cats.begin(), cats.end(),
                                  [](const CategoryInfo& i) { return i.code == "other"; });
  if (categories && other == cats.end()) {
    c.problems.push_back(categories->error_at("categories", "missing the \"other\" category"));
  }

  if (!c.problems.empty()) {
    if (error != nullptr) {
      error->clear();
      for (const auto& p : c.problems) *error += p + "\n";
    }
    return nullptr;
  }
  for (auto& w : warnings) {
    if (options.warnings != nullptr) {
      options.warnings->push_back(std::move(w));
    } else {
      log::warn("{}", w);
    }
  }

  auto rules = std::make_shared<Rules>(AhoCorasick(c.terms), LocationExtractor(std::move(vocab)));
  rules->report_threshold = scratch.report_threshold;
  rules->confident_margin = scratch.confident_margin;
  rules->uncategorised_penalty = scratch.uncategorised_penalty;
  rules->tier_threshold = scratch.tier_threshold;
  rules->urgent_threshold = scratch.urgent_threshold;
  rules->count_cues = std::move(scratch.count_cues);
  rules->count_cue_of_term.assign(c.terms.size(), -1);
  for (std::size_t i = 0; i < rules->count_cues.size(); ++i) {
    rules->count_cue_of_term[rules->count_cues[i].term] = static_cast<std::int16_t>(i);
  }
  rules->model = std::move(model);
  rules->other_category = static_cast<std::uint8_t>(other - cats.begin());
  rules->categories = std::move(cats);
  rules->term_count = c.terms.size();
  // 1 + how far back from a match's end the extractor's bound lies: a suffix word's start (a
  // location number ends there), a room prefix's end (我是|1402: the number starts there).
  rules->location_word_bytes.assign(c.terms.size(), 0);
  for (const std::uint32_t t : location_terms) {
    rules->location_word_bytes[t] = static_cast<std::uint8_t>(
        1 +
        std::min<std::size_t>(c.terms[t].size(),
                              254));  // longer words: the scan starts a little early, still exact
  }
  for (const std::uint32_t t : prefix_terms) rules->location_word_bytes[t] = 1;
  rules->location_word_after_alnum.assign(c.terms.size(), 0);
  for (const std::uint32_t t : letter_terms) {
    if (rules->location_word_bytes[t] != 0) continue;  // also a plain word: counts anywhere
    rules->location_word_bytes[t] =
        static_cast<std::uint8_t>(1 + std::min<std::size_t>(c.terms[t].size(), 254));
    rules->location_word_after_alnum[t] = 1;
  }
  rules->digit_edges.assign(c.terms.size(), 0);
  rules->term_bytes.assign(c.terms.size(), 0);
  const auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  for (std::size_t t = 0; t < c.terms.size(); ++t) {
    const std::string& term = c.terms[t];
    if (term.empty() || term.size() > UINT16_MAX) continue;
    rules->digit_edges[t] =
        static_cast<std::uint8_t>((digit(term.front()) ? 1 : 0) | (digit(term.back()) ? 2 : 0));
    rules->term_bytes[t] = static_cast<std::uint16_t>(term.size());
  }
  location_terms.insert(location_terms.end(), prefix_terms.begin(), prefix_terms.end());
  location_terms.insert(location_terms.end(), letter_terms.begin(), letter_terms.end());
  rules->location_terms = std::move(location_terms);
  std::stable_sort(c.anchored.begin(), c.anchored.end(),
                   [](const auto& a, const auto& b) { return a.term < b.term; });
  rules->entry_begin.assign(c.terms.size() + 1, 0);
  for (auto& a : c.anchored) {
    ++rules->entry_begin[a.term + 1];
    rules->entries.push_back(a.entry);
    rules->entry_labels.push_back(std::move(a.label));
  }
  for (std::size_t t = 0; t < c.terms.size(); ++t)
    rules->entry_begin[t + 1] += rules->entry_begin[t];
  rules->extra_terms = std::move(c.extra_terms);
  return rules;
}

}  // namespace gridbot::rules
