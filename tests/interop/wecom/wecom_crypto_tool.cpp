// gridbot's side of the @wecom/crypto interop test: a tiny CLI over MsgCrypt and the callback
// adapters, driven by interop.mjs. Messages and bodies come on stdin so any bytes pass unharmed.
//
//   wecom_crypto_tool sign TOKEN TIMESTAMP NONCE ENCRYPT
//   wecom_crypto_tool encrypt AESKEY RECEIVE_ID            < message      → Base64
//   wecom_crypto_tool decrypt AESKEY RECEIVE_ID CIPHERTEXT                 → message
//   wecom_crypto_tool aibot TOKEN AESKEY NOW_MS METHOD TARGET            < body → JSON
//   wecom_crypto_tool app TOKEN AESKEY CORP_ID NOW_MS METHOD TARGET      < body → JSON
// Exit 0 on success, 2 on a refused input (the reason on stderr), 64 on bad usage.
#include "adapters/wecom/aibot_adapter.hpp"
#include "adapters/wecom/app_adapter.hpp"
#include "adapters/wecom/msg_crypt.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"

#include <iostream>
#include <iterator>
#include <string>
#include <vector>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;

namespace {

std::string read_stdin() {
  return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

int usage() {
  std::cerr << "usage: wecom_crypto_tool sign|encrypt|decrypt|aibot|app … (see the source)\n";
  return 64;
}

// Prints a parse outcome as {"status","body","messages":[…]} for the script to compare.
int print_parse(const Result<ParseResult>& r) {
  JsonWriter w;
  w.begin_object();
  if (!r) {
    w.key("status").value(http_status(r.error()));
    w.key("error").value(r.error().message());
  } else {
    w.key("status").value(r->reply.status);
    w.key("body").value(r->reply.body);
    w.key("messages").begin_array();
    for (const auto& m : r->messages) {
      w.begin_object();
      w.key("msg_id").value(m.msg_id);
      w.key("chat_id").value(m.chat_id);
      w.key("sender_id").value(m.sender_id);
      w.key("text").value(m.text);
      w.key("mentions_bot").value(m.mentions_bot);
      w.key("reply_token").value(m.reply_token);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  std::cout << w.take();
  return 0;
}

Result<MsgCrypt> crypt_or_complain(const std::string& token, const std::string& key) {
  auto c = MsgCrypt::create(token, key);
  if (!c) std::cerr << "bad key: " << c.error().message() << "\n";
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.empty()) return usage();
  const std::string& cmd = a[0];
  if (cmd == "sign" && a.size() == 5) {
    std::cout << compute_signature(a[1], a[2], a[3], a[4]);
    return 0;
  }
  if (cmd == "encrypt" && a.size() == 3) {
    auto c = crypt_or_complain("", a[1]);
    if (!c) return 2;
    std::cout << c->encrypt(read_stdin(), a[2]);
    return 0;
  }
  if (cmd == "decrypt" && a.size() == 4) {
    auto c = crypt_or_complain("", a[1]);
    if (!c) return 2;
    auto m = c->decrypt(a[3], a[2]);
    if (!m) {
      std::cerr << m.error().message() << "\n";
      return 2;
    }
    std::cout << *m;
    return 0;
  }
  if (cmd == "aibot" && a.size() == 6) {
    auto c = crypt_or_complain(a[1], a[2]);
    if (!c) return 2;
    AibotAdapter adapter(std::move(*c), AibotOptions{});
    HttpRequest req{a[4], a[5], {}, read_stdin(), {}, {}};
    return print_parse(adapter.parse(req, std::stoll(a[3])));
  }
  if (cmd == "app" && a.size() == 7) {
    auto c = crypt_or_complain(a[1], a[2]);
    if (!c) return 2;
    AppOptions o;
    o.corp_id = a[3];
    AppAdapter adapter(std::move(*c), o);
    HttpRequest req{a[5], a[6], {}, read_stdin(), {}, {}};
    return print_parse(adapter.parse(req, std::stoll(a[4])));
  }
  return usage();
}
