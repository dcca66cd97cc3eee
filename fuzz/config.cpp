// gridbot.json (docs/configuration.md): commented JSON with ${VAR} and ${VAR:-default}, read by
// `gridbot serve` and `gridbot check`. The input is the file's text; the environment is a fixed
// fake (FUZZ_SET_* variables are set, everything else is unset). Paths it names are resolved
// against a directory that does not exist, so nothing on disk is read.
#include "base/config/config.hpp"
#include "fuzz/fuzz_support.hpp"

using namespace gridbot;

namespace {

std::optional<std::string> fake_env(const std::string& name) {
  if (name.rfind("FUZZ_SET_", 0) == 0) return "value-of-" + name;
  if (name == "GRIDBOT_SECRET") return "s3cr3t-0123456789";
  if (name == "GRIDBOT_PORT") return "8080";
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::quiet_logs();
  const std::string text(fuzz::as_text(data, size));
  std::string missing;
  (void)config::substitute_env(text, fake_env, &missing);

  std::vector<std::string> errors;
  auto cfg =
      config::parse_config("/nonexistent-gridbot-fuzz/gridbot.json", text, fake_env, &errors);
  if (cfg)
    FUZZ_CHECK(errors.empty());
  else
    FUZZ_CHECK(!errors.empty());
  return 0;
}
