// Bridge JSON (docs/adapters/bridge.md): the body of a POST /hook/<bridge channel>. The harness
// signs each input with the channel's secret, so every input passes the HMAC and replay checks
// and reaches the JSON parser.
#include "adapters/bridge/adapter.hpp"
#include "adapters/common/text.hpp"
#include "fuzz/fuzz_support.hpp"

using namespace gridbot;

namespace {

constexpr std::string_view kSecret = "fuzz-bridge-secret";
constexpr int64_t kNowMs = 1'700'000'000'000;

const adapters::bridge::BridgeAdapter& adapter() {
  static const auto* a = [] {
    adapters::bridge::Options o;
    o.secret = std::string(kSecret);
    o.outbound_url = "http://127.0.0.1:9/send";
    o.bot_id = "wxid_gridbot";
    o.other_bots = {"wxid_other_bot"};
    return new adapters::bridge::BridgeAdapter(o);
  }();
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::quiet_logs();
  HttpRequest req;
  req.method = "POST";
  req.target = "/hook/bridge";
  req.body = std::string(fuzz::as_text(data, size));
  const std::string ts = std::to_string(kNowMs / 1000);
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Gridbot-Timestamp", ts},
                 {"X-Gridbot-Signature", adapters::bridge::sign(kSecret, ts, req.body)}};
  auto parsed = adapter().parse(req, kNowMs);
  if (!parsed) return 0;
  FUZZ_CHECK(parsed->messages.size() == 1);
  FUZZ_CHECK(parsed->reply.status == 200);
  const InboundMessage& m = parsed->messages[0];
  for (const std::string* id : {&m.msg_id, &m.chat_id, &m.sender_id})
    FUZZ_CHECK(!id->empty() && id->size() <= 256);
  FUZZ_CHECK(adapters::valid_utf8(m.text));
  FUZZ_CHECK(m.received_at_ms == kNowMs);
  return 0;
}
