// WXBizMsgCrypt against the published vectors (tests/data/wecom_vectors.json) and every bad input.
#include "adapters/wecom/msg_crypt.hpp"

#include "adapters/common/crypto.hpp"
#include "base/common/errors.hpp"
#include "tests/adapters/wecom/helpers.hpp"

#include <catch2/catch.hpp>

#include <cctype>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;
using namespace wecom_test;

namespace {

// Flips one byte inside the ciphertext's bytes and re-encodes, so Base64 stays valid.
std::string tamper(const std::string& b64, size_t byte_index, unsigned char mask) {
  auto raw = base64_decode(b64);
  REQUIRE(raw.has_value());
  (*raw)[byte_index] = static_cast<char>(static_cast<unsigned char>((*raw)[byte_index]) ^ mask);
  return base64_encode(*raw);
}

// Encrypts an arbitrary already-padded plaintext with the V1 key, bypassing seal()'s framing.
std::string raw_encrypt_v1(const std::string& plain_blocks) {
  return crypt_for("V1").encrypt_blocks_for_test(plain_blocks);
}

}  // namespace

TEST_CASE("the EncodingAESKey decodes to the published AES key", "[wecom][crypt]") {
  auto c = crypt_for("V1");
  std::string key(reinterpret_cast<const char*>(c.key().data()), c.key().size());
  CHECK(to_hex(key) == str(key_set("V1"), "aes_key_hex"));
}

TEST_CASE("signatures of the official vectors match", "[wecom][crypt]") {
  for (const auto& v : vectors()["url_verification"].GetArray()) {
    auto c = crypt_for(v["key"].GetString());
    CHECK(c.signature(str(v, "timestamp"), str(v, "nonce"), str(v, "echostr")) ==
          str(v, "msg_signature"));
  }
  for (const auto& v : vectors()["messages"].GetArray()) {
    auto c = crypt_for(v["key"].GetString());
    CHECK(c.verify_signature(str(v, "msg_signature"), str(v, "timestamp"), str(v, "nonce"),
                             str(v, "encrypt")));
  }
  for (const auto& v : vectors()["encrypt"].GetArray()) {
    if (!v.HasMember("msg_signature")) continue;
    auto c = crypt_for(v["key"].GetString());
    CHECK(c.signature(str(v, "timestamp"), str(v, "nonce"), str(v, "encrypt")) ==
          str(v, "msg_signature"));
  }
}

TEST_CASE("official echostr and message ciphertexts decrypt to the published plaintext",
          "[wecom][crypt]") {
  for (const char* group : {"url_verification", "messages"}) {
    for (const auto& v : vectors()[group].GetArray()) {
      INFO(str(v, "id"));
      auto c = crypt_for(v["key"].GetString());
      const char* field = std::string(group) == "messages" ? "encrypt" : "echostr";
      auto d = c.decrypt(str(v, field));
      REQUIRE(d.has_value());
      CHECK(d->message == str(v, "plain"));
      CHECK(d->receive_id == str(key_set(v["key"].GetString()), "receive_id"));
    }
  }
}

TEST_CASE("encryption with a fixed random reproduces the published ciphertexts", "[wecom][crypt]") {
  for (const auto& v : vectors()["encrypt"].GetArray()) {
    INFO(str(v, "id"));
    auto c = crypt_for(v["key"].GetString());
    CHECK(c.encrypt_with_random_for_test(str(v, "random"), str(v, "message"),
                                         str(v, "receive_id")) == str(v, "encrypt"));
    auto back = c.decrypt(str(v, "encrypt"), str(v, "receive_id"));
    REQUIRE(back.has_value());
    CHECK(*back == str(v, "message"));
  }
}

TEST_CASE("encrypt then decrypt round-trips every length across the 32-byte padding",
          "[wecom][crypt]") {
  auto c = crypt_for("V1");
  std::string msg;
  for (size_t n = 0; n <= 80; ++n) {
    INFO(n);
    auto d = c.decrypt(c.encrypt(msg, "corp"));
    REQUIRE(d.has_value());
    CHECK(d->message == msg);
    CHECK(d->receive_id == "corp");
    msg.push_back(static_cast<char>('a' + n % 26));
  }
  // Random prefixes differ, so two encryptions of one message differ.
  CHECK(c.encrypt("same", "") != c.encrypt("same", ""));
}

TEST_CASE("bad ciphertexts are refused with a precise error that maps to 400", "[wecom][crypt]") {
  auto c = crypt_for("V1");
  const auto& v1b = vectors()["messages"][0];
  const std::string good = str(v1b, "encrypt");
  auto expect = [&](const std::string& cipher, crypt_errc want) {
    auto d = c.decrypt(cipher);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error() == make_error_code(want));
    CHECK(http_status(to_gridbot_errc(d.error())) == 400);
  };
  SECTION("not Base64") {
    expect("not base64!!", crypt_errc::bad_base64);
    expect(good.substr(0, good.size() - 1), crypt_errc::bad_base64);  // length not 4k
    expect("", crypt_errc::bad_base64);
    expect("QUJD=A==", crypt_errc::bad_base64);    // '=' inside
    expect("QUJE", crypt_errc::bad_block_length);  // valid Base64, 3 bytes
  }
  SECTION("non-canonical Base64 (spare bits set)") { expect("QUJDRB==", crypt_errc::bad_base64); }
  SECTION("not a whole number of 32-byte blocks") {
    expect(base64_encode(std::string(16, 'x')), crypt_errc::bad_block_length);
    expect(base64_encode(std::string(48, 'x')), crypt_errc::bad_block_length);
  }
  SECTION("padding outside 1..32 or uneven") {
    expect(raw_encrypt_v1(std::string(63, 'a') + '\0'), crypt_errc::bad_padding);
    expect(raw_encrypt_v1(std::string(63, 'a') + '\x21'), crypt_errc::bad_padding);
    expect(raw_encrypt_v1(std::string(61, 'a') + "\x02\x03\x03"), crypt_errc::bad_padding);
  }
  SECTION("length field past the plaintext") {
    // 16 random + length 0xFFFF + 10 bytes, padded to 32.
    std::string p(16, 'r');
    p += std::string("\x00\x00\xff\xff", 4) + std::string(10, 'm');
    p.append(32 - p.size(), static_cast<char>(32 - p.size()));
    expect(raw_encrypt_v1(p), crypt_errc::bad_length_field);
    // Shorter than the 20-byte header once unpadded.
    expect(raw_encrypt_v1(std::string(10, 'r') + std::string(22, '\x16')),
           crypt_errc::bad_length_field);
  }
  SECTION("a flipped bit before the last block corrupts the pad byte") {
    // CBC: flipping byte i of block n-1 flips byte i of plaintext block n, here the pad value.
    const size_t raw_size = base64_decode(good)->size();
    expect(tamper(good, raw_size - 33, 0x40), crypt_errc::bad_padding);
  }
}

TEST_CASE("a ciphertext for another receive id is refused", "[wecom][crypt]") {
  auto c = crypt_for("V1");
  const auto& v1b = vectors()["messages"][0];
  auto d = c.decrypt(str(v1b, "encrypt"), "ww-someone-else");
  REQUIRE_FALSE(d.has_value());
  CHECK(d.error() == make_error_code(crypt_errc::receive_id_mismatch));
  CHECK(http_status(to_gridbot_errc(d.error())) == 400);
  // The AI bot expects "": an app's ciphertext is not one of its own.
  CHECK_FALSE(c.decrypt(str(v1b, "encrypt"), "").has_value());
}

TEST_CASE("signature checks are exact and case-insensitive on hex", "[wecom][crypt]") {
  auto c = crypt_for("V1");
  const auto& v = vectors()["url_verification"][0];
  std::string sig = str(v, "msg_signature");
  CHECK(c.verify_signature(sig, str(v, "timestamp"), str(v, "nonce"), str(v, "echostr")));
  std::string upper = sig;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  CHECK(c.verify_signature(upper, str(v, "timestamp"), str(v, "nonce"), str(v, "echostr")));
  sig[0] = sig[0] == '5' ? '6' : '5';
  CHECK_FALSE(c.verify_signature(sig, str(v, "timestamp"), str(v, "nonce"), str(v, "echostr")));
  CHECK_FALSE(c.verify_signature("", str(v, "timestamp"), str(v, "nonce"), str(v, "echostr")));
  CHECK(to_gridbot_errc(make_error_code(crypt_errc::bad_signature)) ==
        gridbot::make_error_code(errc::bad_signature));
}

TEST_CASE("EncodingAESKeys that are not 43 Base64 characters are refused", "[wecom][crypt]") {
  const std::string good = str(key_set("V1"), "encoding_aes_key");
  CHECK(MsgCrypt::create("t", good).has_value());
  CHECK(MsgCrypt::create("t", good.substr(0, 42)).error() ==
        make_error_code(crypt_errc::bad_aes_key));
  CHECK(MsgCrypt::create("t", good + "A").error() == make_error_code(crypt_errc::bad_aes_key));
  std::string bad = good;
  bad[5] = '!';
  CHECK(MsgCrypt::create("t", bad).error() == make_error_code(crypt_errc::bad_aes_key));
}

TEST_CASE("Base64 round-trips every length with EVP_DecodeBlock's padding corrected",
          "[wecom][crypt]") {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    if (!bytes.empty()) {
      auto back = base64_decode(base64_encode(bytes));
      REQUIRE(back.has_value());
      CHECK(*back == bytes);
    }
    bytes.push_back(static_cast<char>(n * 37));
  }
  CHECK(base64_encode("ab") == "YWI=");
  CHECK(*base64_decode("YWI=") == "ab");
  CHECK(*base64_decode("YQ==") == "a");
}
