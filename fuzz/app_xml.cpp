// WeCom app XML (docs/adapters/wecom.md "wecom_app"), read with pugixml: the input is tried as the
// decrypted message (encrypted for the corp id and wrapped in a signed <xml><Encrypt> envelope by
// the harness, so parse() reaches parse_message), and as the envelope itself (unsigned: parsed,
// then refused).
#include "adapters/common/text.hpp"
#include "adapters/wecom/app_adapter.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/wecom_support.hpp"

using namespace gridbot;
using gridbot::fuzz::kWecomNowMs;

namespace {

constexpr std::string_view kCorpId = "wx5823bf96d3bd56c7";

const adapters::wecom::AppAdapter& adapter() {
  static const auto* a = [] {
    adapters::wecom::AppOptions o;
    o.corp_id = std::string(kCorpId);
    o.agent_id = "218";
    o.other_bots = {"other-bot"};
    return new adapters::wecom::AppAdapter(fuzz::wecom_crypt(), o);
  }();
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::quiet_logs();
  const std::string xml(fuzz::as_text(data, size));

  const std::string enc =
      fuzz::wecom_crypt().encrypt_with_random_for_test(fuzz::kWecomRandom, xml, kCorpId);
  const std::string envelope = "<xml><ToUserName><![CDATA[" + std::string(kCorpId) +
                               "]]></ToUserName><Encrypt><![CDATA[" + enc +
                               "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
  auto parsed = adapter().parse(fuzz::signed_callback(envelope, enc), kWecomNowMs);
  if (parsed) {
    FUZZ_CHECK(parsed->reply.status == 200);
    FUZZ_CHECK(parsed->messages.size() <= 1);
    for (const auto& m : parsed->messages) {
      FUZZ_CHECK(!m.msg_id.empty() && !m.sender_id.empty() && m.chat_id == m.sender_id);
      FUZZ_CHECK(adapters::valid_utf8(m.text));
      FUZZ_CHECK(m.mentions_bot && m.received_at_ms == kWecomNowMs);
    }
  }

  FUZZ_CHECK(!adapter().parse(fuzz::unsigned_callback(xml), kWecomNowMs));
  return 0;
}
