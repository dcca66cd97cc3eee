// Loading and filling reply templates.
#include "bot/knowledge/templates.hpp"

#include "base/common/json_source.hpp"
#include "base/common/json_source_impl.hpp"

namespace gridbot::knowledge {

std::shared_ptr<const Templates> Templates::load(const std::string& file,
                                                 std::vector<std::string>* errors) {
  std::string err;
  auto src = JsonSource::load(file, &err);
  if (!src) {
    errors->push_back(err);
    return nullptr;
  }
  const auto& doc = src->impl().doc;
  if (!doc.IsObject()) {
    errors->push_back(src->error_at("", "must be an object of name: text"));
    return nullptr;
  }
  std::map<std::string, std::string> m;
  bool ok = true;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (!it->value.IsString() || it->value.GetStringLength() == 0) {
      errors->push_back(src->error_at(name, "must be a non-empty string"));
      ok = false;
      continue;
    }
    m[name] = it->value.GetString();
  }
  if (!ok) return nullptr;
  return from_map(std::move(m));
}

std::shared_ptr<const Templates> Templates::from_map(std::map<std::string, std::string> m) {
  auto t = std::make_shared<Templates>();
  t->texts_ = std::move(m);
  return t;
}

std::string Templates::render(const std::string& name,
                              const std::map<std::string, std::string>& vars) const {
  auto it = texts_.find(name);
  if (it == texts_.end()) return "[" + name + "]";
  const std::string& t = it->second;
  std::string out;
  size_t i = 0;
  while (i < t.size()) {
    const size_t open = t.find('{', i);
    const size_t close = open == std::string::npos ? open : t.find('}', open);
    if (close == std::string::npos) {
      out.append(t, i, std::string::npos);
      break;
    }
    out.append(t, i, open - i);
    auto v = vars.find(t.substr(open + 1, close - open - 1));
    if (v != vars.end())
      out += v->second;
    else
      out.append(t, open, close - open + 1);
    i = close + 1;
  }
  // A last variable left empty (an optional note) must not leave a blank line or a dangling space.
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace gridbot::knowledge
