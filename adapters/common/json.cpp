#include "adapters/common/json.hpp"

#include "adapters/common/text.hpp"

#include <string>
#include <unordered_set>
#include <vector>

namespace gridbot::adapters {
namespace {

bool clean_string(const rapidjson::Value& v) {
  const std::string_view s(v.GetString(), v.GetStringLength());
  return s.find('\0') == std::string_view::npos && valid_utf8(s);
}

// Every string and key of the tree, iteratively, and no deeper than kMaxDepth: what reads the
// document later (Accept, copies, the DOM's destructor) recurses.
constexpr size_t kMaxDepth = 64;

bool clean_tree(const rapidjson::Value& root) {
  std::vector<std::pair<const rapidjson::Value*, size_t>> todo{{&root, 1}};
  std::unordered_set<std::string_view> keys;
  while (!todo.empty()) {
    const auto [v, depth] = todo.back();
    todo.pop_back();
    if (depth > kMaxDepth) return false;
    if (v->IsString() && !clean_string(*v)) return false;
    if (v->IsArray())
      for (const auto& e : v->GetArray()) todo.emplace_back(&e, depth + 1);
    if (!v->IsObject()) continue;
    keys.clear();
    for (const auto& m : v->GetObject()) {
      if (!clean_string(m.name)) return false;
      if (!keys.emplace(m.name.GetString(), m.name.GetStringLength()).second) return false;
      todo.emplace_back(&m.value, depth + 1);
    }
  }
  return true;
}

}  // namespace

bool parse_json_strict(std::string_view body, rapidjson::Document& doc) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  // Without kParseStopWhenDoneFlag anything but whitespace after the value is an error.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(),
                                                                                    body.size());
  return !doc.HasParseError() && clean_tree(doc);
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 256 || !valid_utf8(id)) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c == 0x7f) return false;
    // C1 controls U+0080..U+009F are C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < id.size() && static_cast<unsigned char>(id[i + 1]) <= 0x9F)
      return false;
  }
  return true;
}

bool is_fetchable_url(std::string_view url) {
  if (url.size() > 4096 || (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0))
    return false;
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace gridbot::adapters
