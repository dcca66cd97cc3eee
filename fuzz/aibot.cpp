// WeCom AI-bot JSON (docs/adapters/wecom.md "wecom_aibot"): the decrypted message JSON, reached
// two ways that must agree — parse_pushed (the long connection's frame body) and parse() on a
// callback whose {"encrypt"} envelope the harness encrypts and signs. The raw input is also tried
// as the envelope itself, unsigned.
#include "adapters/common/text.hpp"
#include "adapters/wecom/aibot_adapter.hpp"
#include "adapters/wecom/long_connection.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/wecom_support.hpp"

using namespace gridbot;
using gridbot::fuzz::kWecomNowMs;

namespace {

const adapters::wecom::AibotAdapter& adapter() {
  static const auto* a = [] {
    adapters::wecom::AibotOptions o;
    o.bot_name = "网格助手";
    o.other_bots = {"other-bot"};
    return new adapters::wecom::AibotAdapter(fuzz::wecom_crypt(), o);
  }();
  return *a;
}

void check_message(const InboundMessage& m) {
  FUZZ_CHECK(!m.msg_id.empty() && !m.sender_id.empty() && !m.chat_id.empty());
  FUZZ_CHECK(adapters::valid_utf8(m.text));
  FUZZ_CHECK(m.mentions_bot);
  FUZZ_CHECK(m.received_at_ms == kWecomNowMs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::quiet_logs();
  const std::string json(fuzz::as_text(data, size));

  auto pushed = adapter().parse_pushed(json, "req-1", kWecomNowMs);
  if (pushed) {
    FUZZ_CHECK(pushed->size() <= 1);
    for (const auto& m : *pushed) {
      check_message(m);
      FUZZ_CHECK(m.reply_token == std::string(adapters::wecom::kWsReplyPrefix) + "req-1");
    }
  }

  // The same JSON inside a signed, encrypted callback.
  const std::string enc = fuzz::wecom_crypt().encrypt_with_random_for_test(fuzz::kWecomRandom, json,
                                                                           /*receive_id=*/"");
  auto called =
      adapter().parse(fuzz::signed_callback(R"({"encrypt":")" + enc + R"("})", enc), kWecomNowMs);
  FUZZ_CHECK(called.has_value() == pushed.has_value());
  if (called) {
    FUZZ_CHECK(called->reply.status == 200);
    FUZZ_CHECK(called->messages.size() == pushed->size());
    for (size_t i = 0; i < called->messages.size(); ++i) {
      const InboundMessage& a = called->messages[i];
      const InboundMessage& b = (*pushed)[i];
      check_message(a);
      FUZZ_CHECK(a.msg_id == b.msg_id && a.chat_id == b.chat_id && a.sender_id == b.sender_id &&
                 a.text == b.text && a.sent_at_s == b.sent_at_s && a.from_bot == b.from_bot);
    }
  }

  // The input as the envelope: parsed, then refused on the signature.
  FUZZ_CHECK(!adapter().parse(fuzz::unsigned_callback(json), kWecomNowMs));
  return 0;
}
