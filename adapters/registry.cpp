// The explicit adapter table: one line per platform type (no static self-registration, which a
// static library can silently drop at link time).
#include "adapters/adapter.hpp"
#include "adapters/bridge/adapter.hpp"
#include "bot/config/config.hpp"

#include <charconv>
#include <functional>

namespace gridbot::adapters {
namespace {

struct OptionReader {
  const config::ChannelConfig& ch;
  const std::string& file;
  std::vector<std::string>* errors;

  std::string where(const std::string& key) const {
    return file + ":" + std::to_string(ch.line) + ": channels." + ch.name + "." + key + ": ";
  }
  std::string required(const std::string& key) const {
    auto it = ch.options.find(key);
    if (it == ch.options.end() || it->second.empty()) {
      errors->push_back(where(key) + "is required for a " + ch.type + " channel");
      return {};
    }
    return it->second;
  }
  std::string optional(const std::string& key, std::string def = {}) const {
    auto it = ch.options.find(key);
    return it == ch.options.end() ? def : it->second;
  }
  size_t size(const std::string& key, size_t def, size_t lo, size_t hi) const {
    auto it = ch.options.find(key);
    if (it == ch.options.end()) return def;
    size_t v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size() || v < lo || v > hi) {
      errors->push_back(where(key) + "must be a whole number in [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
      return def;
    }
    return v;
  }
  void only(std::initializer_list<const char*> known) const {
    for (const auto& [k, v] : ch.options) {
      bool ok = false;
      for (const char* n : known) ok = ok || k == n;
      if (!ok) errors->push_back(where(k) + "unknown key for a " + ch.type + " channel");
    }
  }
};

std::unique_ptr<Adapter> make_bridge(const OptionReader& r) {
  r.only({"secret", "outbound_url", "max_text_bytes"});
  bridge::Options o;
  o.secret = r.required("secret");
  if (!o.secret.empty() && o.secret.size() < 16)
    r.errors->push_back(r.where("secret") + "must be at least 16 characters");
  o.outbound_url = r.required("outbound_url");
  if (!o.outbound_url.empty() && o.outbound_url.rfind("http://", 0) != 0 &&
      o.outbound_url.rfind("https://", 0) != 0)
    r.errors->push_back(r.where("outbound_url") + "must start with http:// or https://");
  o.max_text_bytes = r.size("max_text_bytes", 4096, 64, 1 << 20);
  o.bot_id = r.ch.bot_id;
  o.other_bots = r.ch.other_bots;
  o.max_skew_s = r.ch.max_skew_s;
  return std::make_unique<bridge::BridgeAdapter>(std::move(o));
}

struct Entry {
  const char* type;
  std::unique_ptr<Adapter> (*make)(const OptionReader&);
};
constexpr Entry kTable[] = {
    {"bridge", make_bridge},
};

}  // namespace

std::unique_ptr<Adapter> make_adapter(const config::ChannelConfig& ch, const std::string& file,
                                      std::vector<std::string>* errors) {
  const size_t before = errors->size();
  OptionReader reader{ch, file, errors};
  for (const auto& e : kTable) {
    if (ch.type != e.type) continue;
    auto adapter = e.make(reader);
    return errors->size() == before ? std::move(adapter) : nullptr;
  }
  std::string known;
  for (const auto& t : adapter_types()) known += (known.empty() ? "" : ", ") + t;
  errors->push_back(file + ":" + std::to_string(ch.line) + ": channels." + ch.name +
                    ".type: unknown type \"" + ch.type + "\" (known: " + known + ")");
  return nullptr;
}

std::vector<std::string> adapter_types() {
  std::vector<std::string> out;
  for (const auto& e : kTable) out.emplace_back(e.type);
  return out;
}

}  // namespace gridbot::adapters
