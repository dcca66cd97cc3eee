#include "base/config/config.hpp"

#include <catch2/catch.hpp>

using namespace gridbot::config;

namespace {
EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

TEST_CASE("the incidents section: secret from the environment, skew and hotline",
          "[config][incidents]") {
  std::vector<std::string> errors;
  auto cfg = parse_config("c.json", R"({
  "incidents": { "secret": "${INC_SECRET}", "max_skew_s": 120, "hotline": "95598-1" },
})",
                          env({{"INC_SECRET", "incident-secret-0123"}}), &errors);
  INFO((errors.empty() ? "" : errors[0]));
  REQUIRE(cfg);
  CHECK(cfg->incidents.secret == "incident-secret-0123");
  CHECK(cfg->incidents.max_skew_s == 120);
  CHECK(cfg->incidents.hotline == "95598-1");
  auto plain = parse_config("c.json", "{}", env({}), &errors);
  REQUIRE(plain);
  CHECK(plain->incidents.secret.empty());  // the POST API is closed
  CHECK(plain->incidents.hotline == "95598");
}

TEST_CASE("the incidents section: a short secret, a bad skew and an unknown key are errors",
          "[config][incidents]") {
  std::vector<std::string> errors;
  auto cfg = parse_config("c.json", R"({
  "incidents": {
    "secret": "short",
    "max_skew_s": 0,
    "hotlien": "95598"
  }
})",
                          env({}), &errors);
  CHECK_FALSE(cfg);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == "c.json:4: incidents.max_skew_s: must be an integer in [1, 86400]");
  CHECK(errors[1] == "c.json:5: incidents.hotlien: unknown key");
  CHECK(errors[2].rfind("c.json:3: incidents.secret: must be at least 16 characters", 0) == 0);
}
