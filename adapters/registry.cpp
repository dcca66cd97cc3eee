// The explicit adapter table: one line per platform type (no static self-registration, which a
// static library can silently drop at link time).
#include "adapters/adapter.hpp"

#include "base/common/strict_int.hpp"
#include "adapters/bridge/adapter.hpp"
#include "adapters/wecom/appchat_adapter.hpp"
#include "adapters/wecom/customer_group_adapter.hpp"
#include "adapters/wecom/aibot_adapter.hpp"
#include "adapters/wecom/app_adapter.hpp"
#include "adapters/wecom/long_connection.hpp"
#include "adapters/wecom/robot_adapter.hpp"
#include "base/config/config.hpp"

#include <charconv>
#include <functional>
#include <optional>

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
    const auto v = parse_int<size_t>(it->second, lo, hi);
    if (!v) {
      errors->push_back(where(key) + "must be a whole number in [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
      return def;
    }
    return *v;
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

// WeCom (docs/adapters/wecom.md). base_url: http(s)://host[:port], no trailing slash kept.
std::string wecom_base_url(const OptionReader& r) {
  std::string url = r.optional("base_url", "https://qyapi.weixin.qq.com");
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    r.errors->push_back(r.where("base_url") + "must start with http:// or https://");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::optional<wecom::MsgCrypt> wecom_crypt(const OptionReader& r) {
  const std::string token = r.required("token");
  if (!token.empty() &&
      (token.size() > 32 ||
       token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
           std::string::npos))
    r.errors->push_back(r.where("token") + "must be 1..32 letters or digits (the console's Token)");
  const std::string key = r.required("encoding_aes_key");
  if (key.empty()) return std::nullopt;
  auto crypt = wecom::MsgCrypt::create(token, key);
  if (!crypt) {
    r.errors->push_back(r.where("encoding_aes_key") +
                        "must be the console's 43-character "
                        "EncodingAESKey (letters and digits; got " +
                        std::to_string(key.size()) + " characters)");
    return std::nullopt;
  }
  return std::move(*crypt);
}

std::unique_ptr<Adapter> make_wecom_aibot(const OptionReader& r) {
  r.only({"token", "encoding_aes_key", "base_url", "bot_name", "mode", "ws_url", "secret",
          "heartbeat_ms"});
  wecom::AibotOptions o;
  o.base_url = wecom_base_url(r);
  o.bot_name = r.optional("bot_name");
  o.other_bots = r.ch.other_bots;
  o.max_skew_s = r.ch.max_skew_s;
  o.channel = r.ch.name;
  const std::string mode = r.optional("mode", "webhook");
  if (mode == "websocket") {
    // Long connection: the bot's BotID (channel bot_id) and its long-connection Secret.
    o.websocket = true;
    if (r.ch.bot_id.empty())
      r.errors->push_back(r.where("bot_id") + "is required (the AI bot's BotID) in websocket mode");
    r.required("secret");
    r.size("heartbeat_ms", 30000, 100, 600000);  // read by the connection (bot/aibot_link)
    const std::string url = r.optional("ws_url", std::string(wecom::kLongConnectionUrl));
    if (url.rfind("wss://", 0) != 0)
      r.errors->push_back(r.where("ws_url") + "must start with wss://");
    // Token and key are optional here: with them the webhook keeps working as well.
    if (!r.ch.options.count("token") && !r.ch.options.count("encoding_aes_key"))
      return std::make_unique<wecom::AibotAdapter>(std::nullopt, std::move(o));
  } else if (mode != "webhook") {
    r.errors->push_back(r.where("mode") + "must be \"webhook\" or \"websocket\"");
  } else if (r.ch.options.count("ws_url") || r.ch.options.count("secret")) {
    r.errors->push_back(r.where("mode") + "ws_url and secret need \"mode\": \"websocket\"");
  }
  auto crypt = wecom_crypt(r);
  if (!crypt) return nullptr;
  return std::make_unique<wecom::AibotAdapter>(std::move(*crypt), std::move(o));
}

std::unique_ptr<Adapter> make_wecom_app(const OptionReader& r) {
  r.only({"token", "encoding_aes_key", "corp_id", "agent_id", "secret", "base_url"});
  wecom::AppOptions o;
  o.secret = r.optional("secret");
  o.base_url = wecom_base_url(r);
  o.corp_id = r.required("corp_id");
  o.agent_id = r.optional("agent_id");
  if (!o.agent_id.empty() && o.agent_id.find_first_not_of("0123456789") != std::string::npos)
    r.errors->push_back(r.where("agent_id") + "must be the app's numeric AgentId");
  o.other_bots = r.ch.other_bots;
  o.max_skew_s = r.ch.max_skew_s;
  auto crypt = wecom_crypt(r);
  if (!crypt) return nullptr;
  return std::make_unique<wecom::AppAdapter>(std::move(*crypt), std::move(o));
}

std::unique_ptr<Adapter> make_wecom_robot(const OptionReader& r) {
  r.only({"base_url", "mode"});
  wecom::RobotOptions o;
  o.base_url = wecom_base_url(r);
  const std::string mode = r.optional("mode", "text");
  if (mode == "markdown")
    o.mode = wecom::RobotMode::markdown;
  else if (mode != "text")
    r.errors->push_back(r.where("mode") + "must be \"text\" or \"markdown\"");
  return std::make_unique<wecom::RobotAdapter>(std::move(o));
}

std::unique_ptr<Adapter> make_wecom_appchat(const OptionReader& r) {
  r.only({"base_url", "corp_id", "corp_secret"});
  wecom::AppchatOptions o;
  o.base_url = wecom_base_url(r);
  o.corp_id = r.required("corp_id");
  o.corp_secret = r.required("corp_secret");
  return std::make_unique<wecom::AppchatAdapter>(std::move(o));
}

std::unique_ptr<Adapter> make_wecom_customer_group(const OptionReader& r) {
  r.only({"base_url", "corp_id", "secret"});
  wecom::CustomerGroupOptions o;
  o.base_url = wecom_base_url(r);
  o.corp_id = r.required("corp_id");
  o.secret = r.required("secret");
  return std::make_unique<wecom::CustomerGroupAdapter>(std::move(o));
}

struct Entry {
  const char* type;
  std::unique_ptr<Adapter> (*make)(const OptionReader&);
};
constexpr Entry kTable[] = {
    {"bridge", make_bridge},
    {"wecom_aibot", make_wecom_aibot},
    {"wecom_app", make_wecom_app},
    {"wecom_robot", make_wecom_robot},
    {"wecom_appchat", make_wecom_appchat},
    {"wecom_customer_group", make_wecom_customer_group},
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
