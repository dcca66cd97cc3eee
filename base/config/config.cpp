// Loading gridbot.json: typed fields with defaults, ${VAR} substitution in strings, and one
// "FILE:LINE: key.path: problem" line per problem.
#include "base/config/config.hpp"

#include "base/common/calendar.hpp"
#include "base/common/ip_range.hpp"

#include "base/common/json_source_impl.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace gridbot::config {
namespace {

using Value = rapidjson::Value;
using gridbot::JsonSource;

// Reads the fields of one JSON object, reporting wrong types, out-of-range numbers and unknown
// keys.
class Section {
 public:
  Section(const JsonSource& src, const Value* v, std::string path, const EnvLookup& env,
          std::vector<std::string>* errors)
      : src_(src), v_(v), path_(std::move(path)), env_(env), errors_(errors) {
    if (v_ != nullptr && !v_->IsObject()) {
      fail(path_, "must be an object");
      v_ = nullptr;
    }
  }

  const Value* get(const char* key) {
    seen_.insert(key);
    if (v_ == nullptr) return nullptr;
    auto it = v_->FindMember(key);
    return it == v_->MemberEnd() ? nullptr : &it->value;
  }
  std::string at(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  void fail(const std::string& path, const std::string& what) {
    errors_->push_back(src_.error_at(path, what));
  }

  bool str(const char* key, std::string& out, bool required = false) {
    const Value* v = get(key);
    if (v == nullptr) {
      if (required) fail(at(key), "is required");
      return false;
    }
    if (!v->IsString()) {
      fail(at(key), "must be a string");
      return false;
    }
    return substitute(at(key), std::string(v->GetString(), v->GetStringLength()), out);
  }
  bool substitute(const std::string& path, const std::string& raw, std::string& out) {
    std::string missing;
    auto s = substitute_env(raw, env_, &missing);
    if (!s) {
      fail(path, "environment variable " + missing + " is not set (use ${" + missing +
                     ":-default} for a default)");
      return false;
    }
    out = std::move(*s);
    return true;
  }
  /// A boolean: true or false, or a string ("${VAR:-false}") that reads as one.
  void flag(const char* key, bool& out) {
    const Value* v = get(key);
    if (v == nullptr) return;
    if (v->IsBool()) {
      out = v->GetBool();
      return;
    }
    if (!v->IsString()) return fail(at(key), "must be true or false");
    std::string s;
    if (!substitute(at(key), v->GetString(), s)) return;
    if (s != "true" && s != "false")
      return fail(at(key), "must be true or false, got \"" + s + "\"");
    out = s == "true";
  }
  template <typename T>
  void num(const char* key, T& out, double lo, double hi) {
    const Value* v = get(key);
    if (v == nullptr) return;
    double d = 0;
    if (v->IsNumber()) {
      d = v->GetDouble();
    } else if (v->IsString()) {  // "${PORT:-8080}" is allowed for numbers too
      std::string s;
      if (!substitute(at(key), v->GetString(), s)) return;
      char* end = nullptr;
      d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') {
        fail(at(key), "must be a number, got \"" + s + "\"");
        return;
      }
    } else {
      fail(at(key), "must be a number");
      return;
    }
    if (!(d >= lo && d <= hi) || (std::is_integral_v<T> && std::floor(d) != d)) {
      std::ostringstream os;
      os << "must be " << (std::is_integral_v<T> ? "an integer" : "a number") << " in [" << lo
         << ", " << hi << "]";
      fail(at(key), os.str());
      return;
    }
    out = static_cast<T>(d);
  }
  void str_list(const char* key, std::vector<std::string>& out) {
    const Value* v = get(key);
    if (v == nullptr) return;
    if (!v->IsArray()) {
      fail(at(key), "must be an array of strings");
      return;
    }
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
      const std::string p = at(key) + "[" + std::to_string(i) + "]";
      if (!(*v)[i].IsString()) {
        fail(p, "must be a string");
        continue;
      }
      std::string s;
      if (substitute(p, (*v)[i].GetString(), s)) out.push_back(std::move(s));
    }
  }
  /// Reports keys nobody asked for: a typo in a key would otherwise silently keep the default.
  void reject_unknown() {
    if (v_ == nullptr) return;
    for (auto it = v_->MemberBegin(); it != v_->MemberEnd(); ++it) {
      const std::string k = it->name.GetString();
      if (!seen_.count(k)) fail(at(k), "unknown key");
    }
  }
  const Value* raw() const { return v_; }

 private:
  const JsonSource& src_;
  const Value* v_;
  std::string path_;
  const EnvLookup& env_;
  std::vector<std::string>* errors_;
  std::set<std::string> seen_;
};

std::string resolve(const std::string& base, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (std::filesystem::path(base) / p).lexically_normal().string();
}

void read_channel(const JsonSource& src, const Value& v, const std::string& path,
                  const EnvLookup& env, std::vector<std::string>* errors, Config& cfg) {
  Section s(src, &v, path, env, errors);
  if (s.raw() == nullptr) return;
  ChannelConfig ch;
  ch.line = src.line_of(path);
  s.str("name", ch.name, true);
  s.str("type", ch.type, true);
  s.str("bot_id", ch.bot_id);
  s.str_list("other_bots", ch.other_bots);
  s.num("rate_per_minute", ch.rate_per_minute, 0.01, 1e9);
  s.num("total_rate_per_minute", ch.total_rate_per_minute, 0, 1e9);
  s.num("max_skew_s", ch.max_skew_s, 1, 86400);
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string k = it->name.GetString();
    if (k == "name" || k == "type" || k == "bot_id" || k == "other_bots" ||
        k == "rate_per_minute" || k == "total_rate_per_minute" || k == "max_skew_s")
      continue;
    const std::string p = path + "." + k;
    if (it->value.IsString()) {
      std::string val;
      if (s.substitute(p, it->value.GetString(), val)) ch.options[k] = std::move(val);
    } else if (it->value.IsNumber() || it->value.IsBool()) {
      ch.options[k] = it->value.IsBool()    ? (it->value.GetBool() ? "true" : "false")
                      : it->value.IsInt64() ? std::to_string(it->value.GetInt64())
                                            : std::to_string(it->value.GetDouble());
    } else {
      s.fail(p, "must be a string, number or boolean");
    }
  }
  if (!ch.name.empty()) {
    if (ch.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
      s.fail(path + ".name", "may hold only a-z, 0-9, '-' and '_' (it is part of a URL)");
    if (cfg.channel(ch.name) != nullptr) s.fail(path + ".name", "duplicate channel " + ch.name);
  }
  cfg.channels.push_back(std::move(ch));
}

}  // namespace

const ChannelConfig* Config::channel(const std::string& name) const {
  for (const auto& c : channels)
    if (c.name == name) return &c;
  return nullptr;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::string> substitute_env(const std::string& in, const EnvLookup& env,
                                          std::string* missing) {
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    const size_t open = in.find("${", i);
    const size_t close = open == std::string::npos ? open : in.find('}', open);
    if (open == std::string::npos || close == std::string::npos) {
      out.append(in, i, std::string::npos);
      break;
    }
    out.append(in, i, open - i);
    std::string expr = in.substr(open + 2, close - open - 2);
    std::optional<std::string> def;
    if (auto d = expr.find(":-"); d != std::string::npos) {
      def = expr.substr(d + 2);
      expr.resize(d);
    }
    auto val = env(expr);
    if (val && !val->empty())
      out += *val;
    else if (def)
      out += *def;
    else if (val)
      out += *val;
    else {
      *missing = expr;
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

std::optional<Config> parse_config(const std::string& file, const std::string& text,
                                   const EnvLookup& env, std::vector<std::string>* errors) {
  std::string err;
  auto src = JsonSource::parse(file, text, &err);
  if (!src) {
    errors->push_back(err);
    return std::nullopt;
  }
  const size_t before = errors->size();
  Config cfg;
  cfg.file = file;
  cfg.base_dir = std::filesystem::path(file).parent_path().string();
  const Value& root = src->impl().doc;
  Section top(*src, &root, "", env, errors);
  if (top.raw() == nullptr) return std::nullopt;

  Section server(*src, top.get("server"), "server", env, errors);
  server.str("listen", cfg.server.listen);
  server.num("port", cfg.server.port, 0, 65535);
  server.num("threads", cfg.server.threads, 1, 256);
  server.num("read_timeout_ms", cfg.server.read_timeout_ms, 100, 3.6e6);
  server.num("write_timeout_ms", cfg.server.write_timeout_ms, 100, 3.6e6);
  server.num("idle_timeout_ms", cfg.server.idle_timeout_ms, 100, 3.6e6);
  server.num("header_limit", cfg.server.header_limit, 1024, 1 << 20);
  server.num("body_limit", cfg.server.body_limit, 1024, 64 << 20);
  server.num("max_connections", cfg.server.max_connections, 1, 1e6);
  server.num("drain_timeout_ms", cfg.server.drain_timeout_ms, 0, 3.6e6);
  server.reject_unknown();

  Section store(*src, top.get("store"), "store", env, errors);
  store.str("path", cfg.store.path);
  store.num("group_commit_max", cfg.store.group_commit_max, 1, 100000);
  store.num("inbox_retention_days", cfg.store.inbox_retention_days, 1, 3650);
  store.num("finished_retention_days", cfg.store.finished_retention_days, 1, 36500);
  store.num("readers", cfg.store.readers, 1, 64);
  store.num("read_time_limit_ms", cfg.store.read_time_limit_ms, 100, 600'000);
  store.reject_unknown();

  Section outbox(*src, top.get("outbox"), "outbox", env, errors);
  outbox.num("max_attempts", cfg.outbox.max_attempts, 1, 1000);
  outbox.num("backoff_initial_ms", cfg.outbox.backoff_initial_ms, 1, 3.6e6);
  outbox.num("backoff_max_ms", cfg.outbox.backoff_max_ms, 1, 8.64e7);
  outbox.num("max_in_flight", cfg.outbox.max_in_flight, 1, 100000);
  outbox.num("poll_ms", cfg.outbox.poll_ms, 10, 3.6e6);
  outbox.num("send_timeout_ms", cfg.outbox.send_timeout_ms, 100, 3.6e6);
  outbox.num("confirm_poll_ms", cfg.outbox.confirm_poll_ms, 100, 8.64e7);
  outbox.num("image_poll_ms", cfg.outbox.image_poll_ms, 100, 3.6e6);
  outbox.num("image_wait_ms", cfg.outbox.image_wait_ms, 0, 8.64e7);
  outbox.num("confirm_max_age_h", cfg.outbox.confirm_max_age_h, 1, 24 * 365);
  outbox.reject_unknown();

  Section tickets(*src, top.get("tickets"), "tickets", env, errors);
  tickets.num("merge_window_h", cfg.tickets.merge_window_h, 0, 24 * 365);
  tickets.num("repeat_reply_min", cfg.tickets.repeat_reply_min, 1, 24 * 60 * 30);
  auto& tc = cfg.tickets;
  tickets.num("accept_h", tc.accept_h, 0.01, 24 * 365);
  tickets.num("update_h", tc.update_h, 0.01, 24 * 365);
  tickets.num("resolve_urgent_h", tc.resolve_urgent_h, 0.01, 24 * 365);
  tickets.num("resolve_utility_h", tc.resolve_utility_h, 0.01, 24 * 365);
  tickets.num("resolve_general_h", tc.resolve_general_h, 0.01, 24 * 365);
  tickets.num("resolve_complex_h", tc.resolve_complex_h, 0.01, 24 * 365);
  tickets.num("warn_at", tc.warn_at, 0, 0.99);
  tickets.num("satisfaction_h", tc.satisfaction_h, 0.01, 24 * 365);
  tickets.num("utc_offset_min", tc.utc_offset_min, -720, 840);
  tickets.num("follow_up_min", tc.follow_up_min, 0, 24 * 60);
  tickets.num("follow_up_delay_s", tc.follow_up_delay_s, 0, 3600);
  if (tickets.str("digest_at", tc.digest_at)) {
    if (!parse_hh_mm(tc.digest_at))
      tickets.fail("tickets.digest_at", "must be HH:MM (24-hour), e.g. 20:00");
  }
  tickets.reject_unknown();

  Section tls(*src, top.get("tls"), "tls", env, errors);
  if (tls.str("ca_file", cfg.tls.ca_file) && !cfg.tls.ca_file.empty()) {
    cfg.tls.ca_file = resolve(cfg.base_dir, cfg.tls.ca_file);
    if (!std::ifstream(cfg.tls.ca_file)) tls.fail("tls.ca_file", "cannot read " + cfg.tls.ca_file);
  }
  tls.reject_unknown();

  Section incidents(*src, top.get("incidents"), "incidents", env, errors);
  incidents.str("secret", cfg.incidents.secret);
  incidents.num("max_skew_s", cfg.incidents.max_skew_s, 1, 86400);
  if (incidents.str("hotline", cfg.incidents.hotline) && cfg.incidents.hotline.empty())
    incidents.fail("incidents.hotline", "must not be empty");
  incidents.reject_unknown();
  if (!cfg.incidents.secret.empty() && cfg.incidents.secret.size() < 16)
    incidents.fail("incidents.secret", "must be at least 16 characters");

  Section api(*src, top.get("api"), "api", env, errors);
  api.str("token", cfg.api_token);
  api.reject_unknown();
  if (!cfg.api_token.empty() && cfg.api_token.size() < 16)
    api.fail("api.token", "must be at least 16 characters");

  Section console(*src, top.get("console"), "console", env, errors);
  console.str("web_dir", cfg.console.web_dir);
  console.num("idle_min", cfg.console.idle_min, 1, 24 * 60);
  console.num("absolute_h", cfg.console.absolute_h, 1, 24 * 30);
  console.flag("secure_cookie", cfg.console.secure_cookie);
  console.num("login_failures_per_account", cfg.console.login_failures_per_account, 1, 1000);
  console.num("login_failures_per_address", cfg.console.login_failures_per_address, 1, 100000);
  console.num("login_window_min", cfg.console.login_window_min, 1, 24 * 60);
  console.str_list("trusted_proxies", cfg.console.trusted_proxies);
  for (size_t i = 0; i < cfg.console.trusted_proxies.size(); ++i)
    if (!parse_ip_range(cfg.console.trusted_proxies[i]))
      console.fail("console.trusted_proxies[" + std::to_string(i) + "]",
                   "\"" + cfg.console.trusted_proxies[i] +
                       "\" is not an IP address or a range like 10.0.0.0/8 or fd00::/8");
  console.num("org_import_limit", cfg.console.org_import_limit, 1024, 64 << 20);
  console.reject_unknown();

  Section media(*src, top.get("media"), "media", env, errors);
  auto& mc = cfg.media;
  media.str("dir", mc.dir);
  media.num("max_bytes", mc.max_bytes, 1024, 1LL << 30);
  media.num("retention_days", mc.retention_days, 1, 36500);
  media.num("max_attempts", mc.max_attempts, 1, 1000);
  media.num("backoff_initial_ms", mc.backoff_initial_ms, 1, 3.6e6);
  media.num("backoff_max_ms", mc.backoff_max_ms, 1, 8.64e7);
  media.num("download_timeout_ms", mc.download_timeout_ms, 100, 3.6e6);
  media.num("max_in_flight", mc.max_in_flight, 1, 1000);
  media.str("url_secret", mc.url_secret);
  media.num("url_ttl_h", mc.url_ttl_h, 0.01, 24 * 365);
  if (media.str("public_url", mc.public_url) && !mc.public_url.empty()) {
    if (mc.public_url.rfind("https://", 0) != 0 && mc.public_url.rfind("http://", 0) != 0)
      media.fail("media.public_url", "must start with http:// or https://");
    while (!mc.public_url.empty() && mc.public_url.back() == '/') mc.public_url.pop_back();
  }
  media.reject_unknown();
  if (!mc.url_secret.empty() && mc.url_secret.size() < 16)
    media.fail("media.url_secret", "must be at least 16 characters");

  Section rules(*src, top.get("rules"), "rules", env, errors);
  rules.str("dir", cfg.rules_dir);
  rules.reject_unknown();

  Section org(*src, top.get("org"), "org", env, errors);
  org.str_list("files", cfg.org_files);
  org.reject_unknown();

  Section log(*src, top.get("log"), "log", env, errors);
  if (log.str("level", cfg.log_level) && cfg.log_level != "debug" && cfg.log_level != "info" &&
      cfg.log_level != "warn" && cfg.log_level != "error")
    log.fail("log.level", "must be one of debug, info, warn, error");
  if (log.str("format", cfg.log_format) && cfg.log_format != "text" && cfg.log_format != "json")
    log.fail("log.format", "must be text or json");
  log.flag("trust_request_id", cfg.trust_request_id);
  log.reject_unknown();

  if (const Value* chans = top.get("channels")) {
    if (!chans->IsArray()) {
      top.fail("channels", "must be an array");
    } else {
      for (rapidjson::SizeType i = 0; i < chans->Size(); ++i)
        read_channel(*src, (*chans)[i], "channels[" + std::to_string(i) + "]", env, errors, cfg);
    }
  }
  top.reject_unknown();

  cfg.store.path =
      cfg.store.path == ":memory:" ? cfg.store.path : resolve(cfg.base_dir, cfg.store.path);
  cfg.rules_dir = resolve(cfg.base_dir, cfg.rules_dir);
  cfg.console.web_dir = resolve(cfg.base_dir, cfg.console.web_dir);
  for (auto& f : cfg.org_files) f = resolve(cfg.base_dir, f);
  if (cfg.media.dir.empty())
    cfg.media.dir = cfg.store.path == ":memory:"
                        ? std::string()
                        : (std::filesystem::path(cfg.store.path).parent_path() / "media").string();
  else
    cfg.media.dir = resolve(cfg.base_dir, cfg.media.dir);
  if (errors->size() != before) return std::nullopt;
  return cfg;
}

std::optional<Config> load_config(const std::string& file, const EnvLookup& env,
                                  std::vector<std::string>* errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors->push_back(file + ":0: cannot read the file");
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(file, ss.str(), env, errors);
}

}  // namespace gridbot::config
