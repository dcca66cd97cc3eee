// Text that crosses the process boundary whatever the platform: UTF-8 checking and repair of
// what comes in, @-mention stripping, and the splitting of what goes out to a platform's byte limit
// (docs/design.md "Never the same thing twice, never nothing"). The first two input bytes pick the
// limit; the rest is the text.
#include "adapters/common/text.hpp"
#include "base/common/mentions.hpp"
#include "fuzz/fuzz_support.hpp"

#include <algorithm>

using namespace gridbot;

namespace {

bool is_suffix(std::string_view whole, std::string_view part) {
  return part.size() <= whole.size() && whole.substr(whole.size() - part.size()) == part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t max_bytes = 32 + (size_t{data[0]} << 8 | data[1]) % 1024;
  const std::string_view text = fuzz::as_text(data + 2, size - 2);

  const std::string clean = adapters::sanitize_utf8(text);
  FUZZ_CHECK(adapters::valid_utf8(clean));
  FUZZ_CHECK(adapters::valid_utf8(text) == (clean == text));

  const auto pieces = adapters::split_text(text, max_bytes);
  FUZZ_CHECK(!pieces.empty());
  std::string joined;
  for (const auto& p : pieces) {
    FUZZ_CHECK(p.size() <= max_bytes);
    FUZZ_CHECK(adapters::valid_utf8(p));
    if (pieces.size() == 1) {
      joined = p;
      continue;
    }
    // Each of several pieces ends with its "（i/n）" marker.
    const auto open = p.rfind("（");
    FUZZ_CHECK(open != std::string::npos && is_suffix(p, "）"));
    joined += p.substr(0, open);
  }
  FUZZ_CHECK(joined == clean);

  for (std::string_view out :
       {gridbot::strip_leading_mentions(text), gridbot::skip_mention_spaces(text),
        gridbot::strip_leading_mention(text, "网格助手"), gridbot::strip_leading_mention(text, "")})
    FUZZ_CHECK(is_suffix(text, out));
  return 0;
}
