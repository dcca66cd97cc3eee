// gridbot.json: the server's configuration, loaded and validated at start.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gridbot::config {

struct ServerConfig {
  std::string listen = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 2;
  int64_t read_timeout_ms = 15'000;  // per read of a request (header and body)
  int64_t write_timeout_ms = 15'000;
  int64_t idle_timeout_ms = 60'000;  // keep-alive connection with no request
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  size_t max_connections = 10'000;
  int64_t drain_timeout_ms = 10'000;  // SIGTERM: how long in-flight work may take
};

struct StoreConfig {
  std::string path = "gridbot.db";
  size_t group_commit_max = 512;          // most writes folded into one transaction
  int64_t inbox_retention_days = 30;      // far longer than any platform's retry window
  int64_t finished_retention_days = 180;  // finished clocks, answered questions
  int readers = 4;                        // read connections, side by side
  int64_t read_time_limit_ms = 10'000;    // a longer read is stopped (503, or a short reply)
};

struct OutboxConfig {
  int max_attempts = 20;  // then the row is failed (throttling does not count)
  int64_t backoff_initial_ms = 1'000;
  int64_t backoff_max_ms = 300'000;
  int max_in_flight = 64;            // sends in flight over all destinations
  int64_t poll_ms = 1'000;           // idle re-check of the outbox
  int64_t send_timeout_ms = 10'000;  // overall deadline of one send
  // An image row whose photo is still downloading waits, re-checked every image_poll_ms, until
  // image_wait_ms after it was queued; then it fails and the relay's link stands.
  int64_t image_poll_ms = 2'000;
  int64_t image_wait_ms = 600'000;
  // Tasks a person confirms (WeCom customer-group sends): how often to ask the platform, and
  // after how long an unconfirmed task counts as failed.
  int64_t confirm_poll_ms = 300'000;
  double confirm_max_age_h = 30 * 24;
};

struct TicketsConfig {
  int64_t merge_window_h = 72;   // same category from the same building/unit merges within this
  double repeat_reply_min = 60;  // a reporter repeating a merged report is answered once per this
  // Three clocks at the holding level (Beijing 12345 practice, docs/domain.md).
  double accept_h = 2;                 // 受理 within
  double update_h = 24;                // first update after 受理 within
  double resolve_urgent_h = 2;         // emergencies
  double resolve_utility_h = 24;       // water, power, gas
  double resolve_general_h = 7 * 24;   // small (and private) matters
  double resolve_complex_h = 15 * 24;  // big and hard matters
  double warn_at = 0.75;               // warn the holder when this share of the time has passed
  double satisfaction_h = 72;          // no answer by then: closed as 默认满意
  std::string digest_at = "20:00";     // daily digest into each community group, local time
  int utc_offset_min = 8 * 60;         // local time zone (China Standard Time)
  double follow_up_min = 5;            // a sender's next messages within this complete their report
  double follow_up_delay_s = 60;       // a 补充 waits this long, so later follow-ups join it
};

/// Media of inbound messages (docs/media.md).
struct MediaConfig {
  std::string dir;  // content-addressed files; "" : "media" beside the store file
  int64_t max_bytes = 10 * 1024 * 1024;
  int64_t retention_days = 180;  // then the file is deleted and the row marked expired
  int max_attempts = 10;
  int64_t backoff_initial_ms = 2'000;
  int64_t backoff_max_ms = 600'000;
  int64_t download_timeout_ms = 30'000;
  int max_in_flight = 4;
  std::string url_secret;  // HMAC key of the links; "" : random, kept in <dir>/url.key
  double url_ttl_h = 72;   // how long a link stays good
  std::string public_url;  // "https://grid.example.gov.cn": where links in relays point
};

struct TlsConfig {
  std::string ca_file;  // extra CA (PEM) trusted for outbound HTTPS/WSS beside the system CAs
};

struct IncidentsConfig {
  std::string secret;        // HMAC key for POST /api/v1/incidents; empty: the POST API is closed
  int64_t max_skew_s = 300;  // replay window of X-Gridbot-Timestamp
  std::string hotline = "95598";  // printed in every notice
};

struct ChannelConfig {
  std::string name;    // the {channel} of /hook/{channel}
  std::string type;    // adapter type: "bridge", ...
  std::string bot_id;  // this bot's user id on the platform (mentions, own messages)
  std::vector<std::string> other_bots;  // user ids of other bots sharing groups: never answered
  double rate_per_minute = 20;          // per destination chat
  /// Over all the channel's chats together (one personal WeChat account behind a bridge, one
  /// app's quota); 0: no limit beyond the per-chat one.
  double total_rate_per_minute = 0;
  int64_t max_skew_s = 300;  // replay window for signed webhooks
  /// Every other key of the channel object, as text; the adapter validates what it needs.
  std::map<std::string, std::string> options;
  int line = 0;  // where the channel was declared, for adapter errors
};

/// The web console (docs/console.md).
struct ConsoleConfig {
  std::string web_dir;         // the static UI, served at /console/ ("" : ./web)
  int64_t idle_min = 30;       // a session unused this long is over
  int64_t absolute_h = 12;     // a session this old is over
  bool secure_cookie = false;  // Secure on the session cookie (serve over HTTPS)
  int login_failures_per_account = 5;
  int login_failures_per_address = 20;
  int64_t login_window_min = 15;
  // Addresses or ranges of reverse proxies whose X-Forwarded-For is believed; none by default.
  std::vector<std::string> trusted_proxies;
  size_t org_import_limit = 1024 * 1024;  // bytes of an org CSV uploaded to the console
};

struct Config {
  std::string file;      // path the config was read from
  std::string base_dir;  // relative paths are resolved against the config file's folder
  ServerConfig server;
  StoreConfig store;
  OutboxConfig outbox;
  TicketsConfig tickets;
  IncidentsConfig incidents;
  TlsConfig tls;
  ConsoleConfig console;
  MediaConfig media;
  std::string api_token;
  std::string rules_dir;
  std::vector<std::string> org_files;
  std::vector<ChannelConfig> channels;
  std::string log_level = "info";
  std::string log_format = "text";  // "text" or "json" (one JSON object per line)
  /// Take a well-formed X-Request-Id from the client as the request's id: only behind a proxy
  /// that sets it and strips the client's own.
  bool trust_request_id = false;

  const ChannelConfig* channel(const std::string& name) const;
};

/// Looks up an environment variable; returns nullopt when unset. Injected for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

/// Replaces ${VAR} and ${VAR:-default} in `in`. On an unset variable without default returns
/// nullopt and names it in *missing.
std::optional<std::string> substitute_env(const std::string& in, const EnvLookup& env,
                                          std::string* missing);

/// Reads and validates `text` as the configuration from `file`. On failure returns nullopt and
/// appends one "FILE:LINE: key.path: problem" line per problem to *errors.
std::optional<Config> parse_config(const std::string& file, const std::string& text,
                                   const EnvLookup& env, std::vector<std::string>* errors);
/// Reads `file` from disk, then as parse_config.
std::optional<Config> load_config(const std::string& file, const EnvLookup& env,
                                  std::vector<std::string>* errors);

}  // namespace gridbot::config
