// model.json: reading (validated, FILE:LINE: key errors), writing, and compiling into the hash
// table.
#include "rules/ngram_model.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "rules/rules.hpp"

namespace gridbot::rules {
namespace {

using rapidjson::Value;

// FILE:LINE errors for model.json. gridbot::JsonSource records a line per value by counting
// newlines from the file's start, which is quadratic on a file of ~10^5 numbers; so the model is
// parsed with plain RapidJSON and a key's line is found when an error needs it: the line of the
// first `"key":` in the text (n-gram keys are unique; the top-level keys come first).
class ModelSource {
 public:
  ModelSource(std::string file, const std::string& text) : file_(std::move(file)), text_(text) {}
  std::string error_at(const std::string& path, const std::string& what) const {
    const std::size_t dot = path.rfind('.');
    std::string key = path.substr(dot == std::string::npos ? 0 : dot + 1);
    if (const std::size_t br = key.find('['); br != std::string::npos) key.resize(br);
    std::size_t at = text_.find("\"" + key + "\":");
    if (path.rfind("ngrams.", 0) == 0) {  // skip to the n-gram section: "0" may be a key above
      const std::size_t section = text_.find("\"ngrams\":");
      if (section != std::string::npos) at = text_.find("\"" + key + "\":", section + 1);
    }
    return file_ + ":" + std::to_string(line_at(at == std::string::npos ? 0 : at)) + ": " + path +
           ": " + what;
  }
  int line_at(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    return 1 + static_cast<int>(
                   std::count(text_.begin(), text_.begin() + static_cast<long>(offset), '\n'));
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  const std::string& text_;
};
using JsonSource = ModelSource;

constexpr const char* kFormat = "gridbot-ngram/3";  // 3: long texts averaged
constexpr std::int64_t kMaxWeight = 1000000;        // 1000.0 once scaled

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_row(std::string& out, const std::vector<std::int32_t>& row) {
  out.push_back('[');
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i != 0) out.push_back(',');
    out += std::to_string(row[i]);
  }
  out.push_back(']');
}

bool read_row(const JsonSource& src, const Value& v, const std::string& path, std::size_t width,
              std::vector<std::int32_t>& row, std::vector<std::string>& problems) {
  if (!v.IsArray() || v.Size() != width) {
    problems.push_back(
        src.error_at(path, "must be an array of " + std::to_string(width) + " integers"));
    return false;
  }
  row.clear();
  for (const auto& x : v.GetArray()) {
    if (!x.IsInt64() || x.GetInt64() < -kMaxWeight || x.GetInt64() > kMaxWeight) {
      problems.push_back(src.error_at(path, "weights must be integers within ±1000000"));
      return false;
    }
    row.push_back(static_cast<std::int32_t>(x.GetInt64()));
  }
  return true;
}

float blend_number(const JsonSource& src, const Value& blend, const char* key, float fallback,
                   std::vector<std::string>& problems) {
  const auto it = blend.FindMember(key);
  if (it == blend.MemberEnd()) return fallback;
  if (!it->value.IsNumber() || it->value.GetDouble() < 0 || it->value.GetDouble() > 100) {
    problems.push_back(src.error_at(std::string("blend.") + key, "must be a number within 0..100"));
    return fallback;
  }
  return static_cast<float>(it->value.GetDouble());
}

}  // namespace

namespace ngram {

std::uint64_t key_hash(std::string_view key) {
  std::uint64_t u[3];
  std::size_t n = 0;
  for (std::size_t i = 0, len = 0; i < key.size(); i += len) {
    if (n == 3) return 0;
    u[n++] = unit_hash(unit_at(key, i, len));
  }
  switch (n) {
    case 1:
      return u[0] ^ kSeed[1];
    case 2:
      return rotl(u[0], 21) ^ u[1] ^ kSeed[2];
    case 3:
      return rotl(u[0], 42) ^ rotl(u[1], 21) ^ u[2] ^ kSeed[3];
    default:
      return 0;
  }
}

}  // namespace ngram

std::shared_ptr<const NgramModel> build_model(const ModelData& data,
                                              const std::vector<CategoryInfo>& categories,
                                              std::vector<std::string>* problems) {
  auto m = std::make_shared<NgramModel>();
  m->blend = data.blend;
  m->heads = kColCategory + categories.size();
  if (m->heads > kRowColumns + 1) {
    if (problems)
      problems->push_back("model: at most " + std::to_string(kRowColumns + 1 - kColCategory) +
                          " categories");
    return nullptr;
  }
  const std::size_t width = kColCategory + data.categories.size();
  // Model column of each Rules column (categories matched by code), or npos.
  std::vector<std::size_t> from(m->heads, std::string::npos);
  for (std::size_t c = 0; c < kColCategory; ++c) from[c] = c;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const auto it = std::find(data.categories.begin(), data.categories.end(), categories[i].code);
    if (it != data.categories.end()) {
      from[kColCategory + i] =
          kColCategory + static_cast<std::size_t>(it - data.categories.begin());
    }
  }
  const auto column = [&](const std::vector<std::int32_t>& row, std::size_t c) {
    return from[c] < width && from[c] < row.size() ? row[from[c]] : 0;
  };
  for (std::size_t c = 0; c < m->heads; ++c) m->bias.push_back(column(data.bias, c));
  // Nodes: the n-grams of the file, then every suffix of one that the file lacks (zero weights),
  // so that the longest known n-gram ending at a character has all its suffixes in the model.
  struct Node {
    std::string key;
    std::vector<std::int32_t> own;  // Rules columns
    std::size_t suffix = SIZE_MAX;  // node of the key without its first character
    std::uint64_t hash = 0;
  };
  std::vector<Node> nodes;
  std::unordered_map<std::string, std::size_t> index;
  bool ok = true;
  for (const auto& [key, row] : data.ngrams) {
    const std::uint64_t h = ngram::key_hash(key);
    if (h == 0) {
      if (problems) problems->push_back("ngram \"" + key + "\": must be 1 to 3 characters");
      ok = false;
      continue;
    }
    std::vector<std::int32_t> own(m->heads);
    for (std::size_t c = 0; c < m->heads; ++c) own[c] = column(row, c);
    if (index.emplace(key, nodes.size()).second)
      nodes.push_back({key, std::move(own), SIZE_MAX, h});
  }
  // A digit after a digit counts nothing (ngram::repeats) but is looked up like any unit: with
  // these two keys (zero weights; never counted) its lookup hits at the first probe or second.
  for (const char* key : {"00", "000"}) {
    if (index.emplace(key, nodes.size()).second) {
      nodes.push_back(
          {key, std::vector<std::int32_t>(m->heads, 0), SIZE_MAX, ngram::key_hash(key)});
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {  // grows while it runs: suffixes of suffixes
    std::size_t first = 0;
    ngram::unit_at(nodes[i].key, 0, first);
    if (first >= nodes[i].key.size()) continue;
    std::string suffix = nodes[i].key.substr(first);
    auto [it, fresh] = index.emplace(suffix, nodes.size());
    if (fresh) {
      const std::uint64_t h = ngram::key_hash(suffix);
      nodes.push_back({std::move(suffix), std::vector<std::int32_t>(m->heads, 0), SIZE_MAX, h});
    }
    nodes[i].suffix = it->second;
  }
  if (nodes.size() > NgramModel::kMaxNgrams) {
    if (problems) {
      problems->push_back("model: at most " + std::to_string(NgramModel::kMaxNgrams) +
                          " n-grams with their suffixes");
    }
    return nullptr;
  }
  // Cumulative rows, shortest keys first: an n-gram's row is its weights plus its suffix's row.
  std::vector<std::size_t> by_length(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) by_length[i] = i;
  std::stable_sort(by_length.begin(), by_length.end(), [&](std::size_t a, std::size_t b) {
    return nodes[a].key.size() < nodes[b].key.size();
  });
  std::vector<std::vector<std::int32_t>> sum(nodes.size());
  for (const std::size_t i : by_length) {
    sum[i] = nodes[i].own;
    if (nodes[i].suffix != SIZE_MAX) {
      for (std::size_t c = 0; c < m->heads; ++c) sum[i][c] += sum[nodes[i].suffix][c];
    }
  }
  std::int32_t max_abs = 1;
  m->rows.reserve(nodes.size() + 1);
  m->rows.push_back(NgramModel::Row{});  // row 0: unknown n-gram, all zero
  std::size_t slots = 16;
  while (slots < 2 * (nodes.size() + 1)) slots *= 2;  // load factor <= 1/2
  m->mask = slots - 1;
  m->slots.assign(slots + NgramModel::kPad, NgramModel::Slot{});
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const std::string& key = nodes[n].key;
    NgramModel::Row r{};
    bool fits = true;
    for (std::size_t c = 0; c < m->heads; ++c) {
      const std::int32_t v = sum[n][c];
      fits = fits && v >= INT16_MIN && v <= INT16_MAX;
      if (c != kColReport) r.w[c - 1] = static_cast<std::int16_t>(v);
      if (c != kColReport) max_abs = std::max(max_abs, v < 0 ? -v : v);
    }
    if (!fits) {
      if (problems) {
        problems->push_back("ngram \"" + key +
                            "\": weights (with those of its suffixes) must be within ±32767");
      }
      ok = false;
      continue;
    }
    const std::uint64_t h = nodes[n].hash;
    const std::uint32_t fp = NgramModel::fingerprint(h);
    const auto same = [&](const NgramModel::Slot& s) {
      return (s.key & NgramModel::kFingerprintMask) == fp;
    };
    std::uint64_t i = h & m->mask;
    while (m->slots[i].key != 0 && !same(m->slots[i])) i = (i + 1) & m->mask;
    if (same(m->slots[i])) {
      if (problems) problems->push_back("ngram \"" + key + "\": same hash as another n-gram");
      ok = false;
      continue;
    }
    const auto row = static_cast<std::uint32_t>(m->rows.size());
    m->slots[i] = {fp | row >> 16, static_cast<std::int16_t>(sum[n][kColReport]),
                   static_cast<std::uint16_t>(row & 0xFFFF)};
    m->rows.push_back(r);
  }
  for (std::size_t k = 0; k < NgramModel::kPad; ++k) m->slots[slots + k] = m->slots[k];
  m->block = static_cast<std::size_t>(INT16_MAX / max_abs);
  return ok ? m : nullptr;
}

bool parse_model(const std::string& file, const std::string& text, ModelData& out,
                 std::vector<std::string>& problems) {
  const std::size_t before = problems.size();
  const ModelSource src(file, text);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(text.data(),
                                                                                 text.size());
  if (doc.HasParseError()) {
    problems.push_back(file + ":" + std::to_string(src.line_at(doc.GetErrorOffset())) +
                       ": syntax error: " + rapidjson::GetParseError_En(doc.GetParseError()));
    return false;
  }
  if (!doc.IsObject()) {
    problems.push_back(file + ":1: (root): must be an object");
    return false;
  }
  const Value& root = doc;
  const auto fmt = root.FindMember("format");
  if (fmt == root.MemberEnd() || !fmt->value.IsString() ||
      fmt->value.GetString() != std::string(kFormat)) {
    problems.push_back(src.error_at("format", std::string("must be \"") + kFormat + "\""));
    return false;
  }
  if (const auto b = root.FindMember("blend"); b != root.MemberEnd()) {
    if (!b->value.IsObject()) {
      problems.push_back(src.error_at("blend", "must be an object"));
    } else {
      out.blend.report = blend_number(src, b->value, "report", out.blend.report, problems);
      out.blend.category = blend_number(src, b->value, "category", out.blend.category, problems);
      out.blend.tier_rule = blend_number(src, b->value, "tier_rule", out.blend.tier_rule, problems);
      out.blend.tier_default =
          blend_number(src, b->value, "tier_default", out.blend.tier_default, problems);
      out.blend.urgent = blend_number(src, b->value, "urgent", out.blend.urgent, problems);
      out.blend.urgent_offset =
          blend_number(src, b->value, "urgent_offset", out.blend.urgent_offset, problems);
      out.blend.urgent_veto =
          blend_number(src, b->value, "urgent_veto", out.blend.urgent_veto, problems);
    }
  }
  const auto cats = root.FindMember("categories");
  if (cats == root.MemberEnd() || !cats->value.IsArray()) {
    problems.push_back(src.error_at("categories", "must be an array of category codes"));
    return false;
  }
  for (rapidjson::SizeType i = 0; i < cats->value.Size(); ++i) {
    const Value& c = cats->value[i];
    if (!c.IsString()) {
      problems.push_back(src.error_at("categories[" + std::to_string(i) + "]", "must be a string"));
      continue;
    }
    out.categories.emplace_back(c.GetString(), c.GetStringLength());
  }
  const std::size_t width = kColCategory + out.categories.size();
  const auto bias = root.FindMember("bias");
  if (bias == root.MemberEnd()) {
    problems.push_back(src.error_at("(root)", "missing \"bias\""));
  } else {
    read_row(src, bias->value, "bias", width, out.bias, problems);
  }
  const auto ngrams = root.FindMember("ngrams");
  if (ngrams == root.MemberEnd() || !ngrams->value.IsObject()) {
    problems.push_back(src.error_at("ngrams", "must be an object of \"n-gram\": [weights]"));
    return false;
  }
  std::unordered_set<std::string> seen;
  std::vector<std::int32_t> row;
  for (const auto& m : ngrams->value.GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    const std::string path = "ngrams." + key;
    if (!seen.insert(key).second) {
      problems.push_back(src.error_at(path, "duplicate n-gram"));
      continue;
    }
    if (ngram::key_hash(key) == 0) {
      problems.push_back(src.error_at(path, "an n-gram is 1 to 3 characters"));
      continue;
    }
    if (read_row(src, m.value, path, width, row, problems))
      out.ngrams.emplace_back(std::move(key), row);
  }
  return problems.size() == before;
}

std::string model_json(const ModelData& data) {
  std::string out;
  out += "// Learned n-gram model (docs/rules.md, \"The learned model\"). Generated by\n";
  out += "// `gridbot train --out rules/model.json FILES...`: retrain, do not edit by hand.\n";
  out += "// Each row: report, urgent, tier private/small/big/hard, then one weight per category\n";
  out += "// in the order of \"categories\"; weight = value / 1000; digits are written as 0,\n";
  out += "// a run of digits counts once, of another character twice at most, a window (the\n";
  out += "// up to 3 units ending at a character) once per message; a text's sums are scaled\n";
  out += "// by (16 / its length in the units that counted)^(1/4).\n";
  out += "{\n  \"format\": \"";
  out += kFormat;
  out += "\",\n";
  char buf[320];
  std::snprintf(
      buf, sizeof buf,
      "  \"blend\": {\"report\": %g, \"category\": %g, \"tier_rule\": %g, \"tier_default\": %g, "
      "\"urgent\": %g, \"urgent_offset\": %g, \"urgent_veto\": %g},\n",
      static_cast<double>(data.blend.report), static_cast<double>(data.blend.category),
      static_cast<double>(data.blend.tier_rule), static_cast<double>(data.blend.tier_default),
      static_cast<double>(data.blend.urgent), static_cast<double>(data.blend.urgent_offset),
      static_cast<double>(data.blend.urgent_veto));
  out += buf;
  out += "  \"categories\": [";
  for (std::size_t i = 0; i < data.categories.size(); ++i) {
    if (i != 0) out += ", ";
    append_json_string(out, data.categories[i]);
  }
  out += "],\n  \"bias\": ";
  append_row(out, data.bias);
  out += ",\n  \"ngrams\": {\n";
  for (std::size_t i = 0; i < data.ngrams.size(); ++i) {
    out += "    ";
    append_json_string(out, data.ngrams[i].first);
    out += ": ";
    append_row(out, data.ngrams[i].second);
    out += i + 1 < data.ngrams.size() ? ",\n" : "\n";
  }
  out += "  }\n}\n";
  return out;
}

}  // namespace gridbot::rules
