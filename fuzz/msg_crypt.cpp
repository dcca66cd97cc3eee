// WXBizMsgCrypt (docs/adapters/wecom.md "The callback crypto"). The first input byte picks what the
// rest is:
//   0: a ciphertext as sent (Base64 text) → decrypt, both overloads;
//   1: plaintext blocks → AES-encrypted as they are (encrypt_blocks_for_test, zero-filled to a
//      multiple of 32 bytes) → decrypt, which must then judge padding, length field and receive id
//      of arbitrary bytes;
//   2: Base64 text → base64_decode, which must only accept canonical text;
//   3: a message → encrypt, then decrypt gives it back;
//   4: a callback request target → read_callback_query and query_param.
#include "adapters/wecom/callback.hpp"
#include "adapters/wecom/msg_crypt.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/wecom_support.hpp"

#include <algorithm>

using namespace gridbot;
using namespace gridbot::adapters::wecom;

namespace {

constexpr std::string_view kReceiveId = "wx5823bf96d3bd56c7";

void check_decrypt(std::string_view ciphertext) {
  const MsgCrypt& c = fuzz::wecom_crypt();
  auto d = c.decrypt(ciphertext);
  auto m = c.decrypt(ciphertext, kReceiveId);
  if (!d) {
    FUZZ_CHECK(!m && m.error() == d.error());
    FUZZ_CHECK(d.error().category() == crypt_category());
    return;
  }
  FUZZ_CHECK(m.has_value() == (d->receive_id == kReceiveId));
  if (m) FUZZ_CHECK(*m == d->message);
  // What decrypts, encrypts and decrypts again to the same message and receive id.
  const std::string again =
      c.encrypt_with_random_for_test(fuzz::kWecomRandom, d->message, d->receive_id);
  auto back = c.decrypt(again);
  FUZZ_CHECK(back && back->message == d->message && back->receive_id == d->receive_id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::quiet_logs();
  if (size == 0) return 0;
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  const MsgCrypt& c = fuzz::wecom_crypt();
  switch (data[0] % 5) {
    case 0:
      check_decrypt(rest);
      break;
    case 1: {
      std::string blocks(rest);
      blocks.resize(std::max<size_t>(32, (blocks.size() + 31) / 32 * 32), '\0');
      check_decrypt(c.encrypt_blocks_for_test(blocks));
      break;
    }
    case 2: {
      auto bytes = base64_decode(rest);
      if (bytes) FUZZ_CHECK(base64_encode(*bytes) == rest);
      break;
    }
    case 3: {
      // rest = receive id length byte, receive id, message.
      if (rest.empty()) break;
      const size_t id_len = std::min<size_t>(static_cast<unsigned char>(rest[0]), rest.size() - 1);
      const std::string_view id = rest.substr(1, id_len);
      const std::string_view msg = rest.substr(1 + id_len);
      const std::string enc = c.encrypt_with_random_for_test(fuzz::kWecomRandom, msg, id);
      auto d = c.decrypt(enc, id);
      FUZZ_CHECK(d && *d == msg);
      FUZZ_CHECK(c.verify_signature(c.signature("1", "n", enc), "1", "n", enc));
      break;
    }
    default: {
      auto q = read_callback_query(rest, false);
      auto qe = read_callback_query(rest, true);
      if (qe) FUZZ_CHECK(q && q->msg_signature == qe->msg_signature && !qe->echostr.empty());
      if (q) FUZZ_CHECK(!q->msg_signature.empty() && !q->timestamp.empty() && !q->nonce.empty());
      (void)query_param(rest, "echostr");
      break;
    }
  }
  return 0;
}
