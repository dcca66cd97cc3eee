// What WeCom's servers answer (docs/adapters/wecom.md "Error codes", "Webhook or long
// connection"): the send answers every outbound type interprets, the gettoken answer, the
// customer-group task and confirmation answers, and the long connection's frames. The first input
// byte picks the HTTP status; the rest is the body (or the frame).
#include "adapters/wecom/access_token.hpp"
#include "adapters/wecom/appchat_adapter.hpp"
#include "adapters/wecom/customer_group_adapter.hpp"
#include "adapters/wecom/errcode.hpp"
#include "adapters/wecom/long_connection.hpp"
#include "fuzz/fuzz_support.hpp"

#include <rapidjson/document.h>

#include <array>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;

namespace {

constexpr int64_t kNowMs = 1'700'000'000'000;

void check_outcome(const SendOutcome& o) {
  FUZZ_CHECK(o.retry_after_ms >= 0);
  FUZZ_CHECK(static_cast<int>(o.verdict) >= static_cast<int>(Verdict::delivered) &&
             static_cast<int>(o.verdict) <= static_cast<int>(Verdict::awaiting));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::quiet_logs();
  if (size == 0) return 0;
  static constexpr std::array<int, 8> kStatus{200, 200, 200, 200, 429, 503, 400, 302};
  TransportResult r;
  r.status = kStatus[data[0] % kStatus.size()];
  r.body = std::string(fuzz::as_text(data + 1, size - 1));

  check_outcome(interpret_send_answer(r, SendTarget::robot_webhook));
  check_outcome(interpret_send_answer(r, SendTarget::response_url));
  (void)errcode_of(r.body);

  AccessToken token("https://qyapi.weixin.qq.com", "corp", "secret");
  if (token.accept(r, kNowMs)) {
    FUZZ_CHECK(!token.current().empty());
    (void)token.request(kNowMs);
  }

  AppchatAdapter appchat({"https://qyapi.weixin.qq.com", "corp", "secret", 300'000});
  check_outcome(appchat.interpret(r));
  if (appchat.accept_token(r, kNowMs)) (void)appchat.token_request(kNowMs);

  CustomerGroupAdapter group({"https://qyapi.weixin.qq.com", "corp", "secret"});
  check_outcome(group.interpret(r));
  OutboxItem awaiting;
  awaiting.chat_id = "owner1/wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA";
  awaiting.last_error = "task msgGCAAAXtWyujaWJHDDGi0mACAAAA";
  (void)group.interpret_confirmation(awaiting, r);
  (void)group.accept_token(r, kNowMs);

  if (auto frame = parse_long_conn_frame(r.body)) {
    FUZZ_CHECK(!frame->req_id.empty());
    if (!frame->body.empty()) {
      rapidjson::Document again;
      again.Parse<rapidjson::kParseIterativeFlag>(frame->body.data(), frame->body.size());
      FUZZ_CHECK(!again.HasParseError() && again.IsObject());
    }
  }
  return 0;
}
