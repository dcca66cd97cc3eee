#include "base/config/config.hpp"

#include <catch2/catch.hpp>

using namespace gridbot::config;

namespace {
EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
const char* kGood = R"({
  // a comment
  "server": { "port": 9000, "body_limit": 2048, },
  "api": { "token": "${TOKEN}" },
  "channels": [
    { "name": "bridge", "type": "bridge", "secret": "${SECRET:-fallback-secret-123}",
      "outbound_url": "http://127.0.0.1:1/send", "bot_id": "wxid_bot" },
  ],
})";
}  // namespace

TEST_CASE("commented config with trailing commas and env substitution loads", "[config]") {
  std::vector<std::string> errors;
  auto cfg = parse_config("/etc/gb/gridbot.json", kGood, fake_env({{"TOKEN", "0123456789abcdef"}}),
                          &errors);
  REQUIRE(errors.empty());
  REQUIRE(cfg);
  CHECK(cfg->server.port == 9000);
  CHECK(cfg->server.body_limit == 2048);
  CHECK(cfg->api_token == "0123456789abcdef");
  REQUIRE(cfg->channels.size() == 1);
  CHECK(cfg->channels[0].options.at("secret") == "fallback-secret-123");
  CHECK(cfg->channels[0].bot_id == "wxid_bot");
  CHECK(cfg->store.path == "/etc/gb/gridbot.db");  // relative to the config file
}

TEST_CASE("an unset variable without default is an error naming file, line and key", "[config]") {
  std::vector<std::string> errors;
  auto cfg = parse_config("gb.json", kGood, fake_env({}), &errors);
  CHECK_FALSE(cfg);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "gb.json:4: api.token: environment variable TOKEN is not set (use "
        "${TOKEN:-default} for a default)");
}

TEST_CASE("type, range and unknown-key problems are each reported with their line", "[config]") {
  const char* text = R"({
  "server": {
    "port": 70000,
    "threads": "two",
    "prot": 1
  },
  "channels": [ { "name": "Bad Name", "type": "bridge" } ]
})";
  std::vector<std::string> errors;
  auto cfg = parse_config("c.json", text, fake_env({}), &errors);
  CHECK_FALSE(cfg);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0] == "c.json:3: server.port: must be an integer in [0, 65535]");
  CHECK(errors[1] == "c.json:4: server.threads: must be a number, got \"two\"");
  CHECK(errors[2] == "c.json:5: server.prot: unknown key");
  CHECK(errors[3].rfind("c.json:7: channels[0].name: may hold only", 0) == 0);
}

TEST_CASE("a syntax error names the line", "[config]") {
  std::vector<std::string> errors;
  CHECK_FALSE(parse_config("s.json", "{\n  \"server\": {\n    \"port\": 80,,\n  }\n}", fake_env({}),
                           &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("s.json:3: syntax error:", 0) == 0);
}

TEST_CASE("substitute_env handles defaults, empty values and plain text", "[config]") {
  std::string missing;
  auto env = fake_env({{"A", "x"}, {"E", ""}});
  CHECK(*substitute_env("a${A}b", env, &missing) == "axb");
  CHECK(*substitute_env("${B:-dflt}", env, &missing) == "dflt");
  CHECK(*substitute_env("${E:-dflt}", env, &missing) == "dflt");
  CHECK(*substitute_env("no vars $ {x}", env, &missing) == "no vars $ {x}");
  CHECK_FALSE(substitute_env("${NOPE}", env, &missing));
  CHECK(missing == "NOPE");
}

TEST_CASE("the shipped config passes validation", "[config]") {
  std::vector<std::string> errors;
  auto cfg =
      load_config(std::string(GRIDBOT_SOURCE_DIR) + "/config/gridbot.json", fake_env({}), &errors);
  for (const auto& e : errors) UNSCOPED_INFO(e);
  REQUIRE(cfg);
  CHECK(cfg->channels.size() >= 1);
  CHECK(cfg->org_files.size() == 1);
}

TEST_CASE("log.format is text or json, text by default, trusting X-Request-Id is opt-in",
          "[config][log]") {
  std::vector<std::string> errors;
  auto plain = parse_config("gb.json", "{}", fake_env({}), &errors);
  REQUIRE(plain);
  CHECK(plain->log_format == "text");
  CHECK_FALSE(plain->trust_request_id);

  auto json = parse_config(
      "gb.json", R"({"log": {"format": "${FMT:-json}", "trust_request_id": "${TRUST:-true}"}})",
      fake_env({}), &errors);
  REQUIRE(errors.empty());
  REQUIRE(json);
  CHECK(json->log_format == "json");
  CHECK(json->trust_request_id);

  auto bad = parse_config("gb.json", "{\n\"log\": {\"format\": \"xml\",\n\"trust_request_id\": 1}}",
                          fake_env({}), &errors);
  CHECK_FALSE(bad);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "gb.json:2: log.format: must be text or json");
  CHECK(errors[1] == "gb.json:3: log.trust_request_id: must be true or false");
}

TEST_CASE("console.trusted_proxies holds addresses or ranges, each checked with its line",
          "[config]") {
  const char* text = R"({
  "console": {
    "trusted_proxies": ["10.0.0.7", "172.16.0.0/12", "fd00::/8",
      "proxy.example", "10.0.0.0/33"],
    "org_import_limit": 2048
  }
})";
  std::vector<std::string> errors;
  auto cfg = parse_config("c.json", text, fake_env({}), &errors);
  CHECK_FALSE(cfg);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].rfind("c.json:4: console.trusted_proxies[3]: \"proxy.example\" is not", 0) == 0);
  CHECK(errors[1].rfind("c.json:4: console.trusted_proxies[4]: \"10.0.0.0/33\" is not", 0) == 0);
  errors.clear();
  cfg = parse_config("c.json", R"({"console": {"trusted_proxies": ["10.0.0.7", "fd00::/8"]}})",
                     fake_env({}), &errors);
  REQUIRE(cfg);
  CHECK(cfg->console.trusted_proxies.size() == 2);
  CHECK(cfg->console.org_import_limit == 1024 * 1024);
}
