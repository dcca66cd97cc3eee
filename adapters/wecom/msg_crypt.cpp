// WXBizMsgCrypt on EVP: AES-256-CBC with OpenSSL's padding off and the 32-byte PKCS#7 done here,
// because WeCom pads to 32-byte blocks (pad values up to 32) where EVP would pad to 16.
#include "adapters/wecom/msg_crypt.hpp"

#include "adapters/common/crypto.hpp"
#include "base/common/errors.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>

namespace gridbot::adapters::wecom {
namespace {

constexpr size_t kBlock = 32;  // WeCom's PKCS#7 block, not AES's 16
constexpr size_t kRandomLen = 16;
constexpr size_t kHeaderLen = 20;  // random + 4-byte length

class CryptCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "wecom-crypt"; }
  std::string message(int ev) const override {
    switch (static_cast<crypt_errc>(ev)) {
      case crypt_errc::bad_aes_key:
        return "EncodingAESKey must be 43 Base64 characters that decode to 32 bytes";
      case crypt_errc::bad_signature:
        return "msg_signature does not match";
      case crypt_errc::bad_base64:
        return "ciphertext is not Base64";
      case crypt_errc::bad_block_length:
        return "ciphertext is not a whole number of 32-byte blocks";
      case crypt_errc::bad_padding:
        return "PKCS#7 padding is not 1..32 equal bytes";
      case crypt_errc::bad_length_field:
        return "message length field runs past the plaintext";
      case crypt_errc::receive_id_mismatch:
        return "receive id is not this channel's";
      case crypt_errc::cipher_failure:
        return "AES-256-CBC failed";
    }
    return "unknown wecom crypt error";
  }
};

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

bool is_b64_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// One AES-256-CBC pass with padding disabled; input must be block-aligned.
bool aes_cbc(bool encrypt, const std::array<unsigned char, 32>& key, std::string_view in,
             std::string& out) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return false;
  // The IV is the key's first 16 bytes (WC-91144): fixed, not random.
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), key.data(),
                        encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
    return false;
  out.resize(in.size());
  int n1 = 0, n2 = 0;
  if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n1,
                       reinterpret_cast<const unsigned char*>(in.data()),
                       static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n1, &n2) != 1)
    return false;
  out.resize(static_cast<size_t>(n1 + n2));
  return true;
}

// WeCom's PKCS#7 to 32-byte blocks: a pad of 1..32 equal bytes, removed; false when it is not.
bool strip_pad(std::string& plain) {
  const auto pad = static_cast<unsigned char>(plain.back());
  if (pad < 1 || pad > kBlock) return false;
  for (size_t i = plain.size() - pad; i < plain.size(); ++i)
    if (static_cast<unsigned char>(plain[i]) != pad) return false;
  plain.resize(plain.size() - pad);
  return true;
}

}  // namespace

const std::error_category& crypt_category() noexcept {
  static const CryptCategory category;
  return category;
}

std::error_code to_gridbot_errc(std::error_code ec) noexcept {
  if (ec.category() != crypt_category()) return ec;
  if (static_cast<crypt_errc>(ec.value()) == crypt_errc::bad_signature)
    return gridbot::make_error_code(errc::bad_signature);
  if (static_cast<crypt_errc>(ec.value()) == crypt_errc::cipher_failure)
    return gridbot::make_error_code(errc::internal);
  return gridbot::make_error_code(errc::malformed);
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return make_error_code(crypt_errc::bad_base64);
  size_t pad = 0;
  while (pad < 2 && text[text.size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; i < text.size() - pad; ++i)
    if (!is_b64_char(static_cast<unsigned char>(text[i])))
      return make_error_code(crypt_errc::bad_base64);
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return make_error_code(crypt_errc::bad_base64);
  // EVP_DecodeBlock's quirk: it counts the '=' padding as zero bytes of output; drop them.
  out.resize(out.size() - pad);
  // Canonical form only: stray low bits before the '=' would let two texts mean the same bytes.
  if (base64_encode(out) != text) return make_error_code(crypt_errc::bad_base64);
  return out;
}

Result<std::array<unsigned char, 32>> media_key(std::string_view aeskey) {
  std::string padded(aeskey);
  if (padded.size() == 43) padded.push_back('=');
  if (padded.size() != 44 || padded.back() != '=') return make_error_code(crypt_errc::bad_aes_key);
  for (size_t i = 0; i + 1 < padded.size(); ++i)
    if (!is_b64_char(static_cast<unsigned char>(padded[i])))
      return make_error_code(crypt_errc::bad_aes_key);
  // Leniently, as MsgCrypt::create: a 43-character key's two spare bits need not be zero.
  unsigned char raw[33];
  if (EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(padded.data()), 44) != 33)
    return make_error_code(crypt_errc::bad_aes_key);
  std::array<unsigned char, 32> key{};
  std::copy(raw, raw + 32, key.begin());
  return key;
}

Result<std::string> decrypt_media(const std::array<unsigned char, 32>& key,
                                  std::string_view cipher) {
  if (cipher.empty() || cipher.size() % kBlock != 0)
    return make_error_code(crypt_errc::bad_block_length);
  std::string plain;
  if (!aes_cbc(false, key, cipher, plain)) return make_error_code(crypt_errc::cipher_failure);
  if (!strip_pad(plain)) return make_error_code(crypt_errc::bad_padding);
  return plain;
}

std::string encrypt_media_for_test(const std::array<unsigned char, 32>& key,
                                   std::string_view plain) {
  std::string padded(plain);
  const size_t pad = kBlock - padded.size() % kBlock;
  padded.append(pad, static_cast<char>(pad));
  std::string cipher;
  if (!aes_cbc(true, key, padded, cipher)) throw std::runtime_error("AES-256-CBC encrypt failed");
  return cipher;
}

std::string compute_signature(std::string_view token, std::string_view timestamp,
                              std::string_view nonce, std::string_view encrypt) {
  std::array<std::string_view, 4> parts{token, timestamp, nonce, encrypt};
  std::sort(parts.begin(), parts.end());  // byte-wise, as the official samples do
  std::string joined;
  joined.reserve(token.size() + timestamp.size() + nonce.size() + encrypt.size());
  for (auto p : parts) joined.append(p);
  return to_hex(sha1(joined));
}

Result<MsgCrypt> MsgCrypt::create(std::string token, std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != 43) return make_error_code(crypt_errc::bad_aes_key);
  // Decoded leniently: 43 characters carry 258 bits for 256, and console keys (the official
  // sample's among them) do not zero the 2 spare bits, so the canonical check of base64_decode
  // would refuse them.
  for (char c : encoding_aes_key)
    if (!is_b64_char(static_cast<unsigned char>(c)))
      return make_error_code(crypt_errc::bad_aes_key);
  const std::string padded = std::string(encoding_aes_key) + "=";
  unsigned char raw[33];
  if (EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(padded.data()), 44) != 33)
    return make_error_code(crypt_errc::bad_aes_key);
  MsgCrypt c;
  c.token_ = std::move(token);
  std::copy(raw, raw + 32, c.key_.begin());
  return c;
}

std::string MsgCrypt::signature(std::string_view timestamp, std::string_view nonce,
                                std::string_view encrypt) const {
  return compute_signature(token_, timestamp, nonce, encrypt);
}

bool MsgCrypt::verify_signature(std::string_view sig, std::string_view timestamp,
                                std::string_view nonce, std::string_view encrypt) const {
  std::string lower(sig);
  for (char& c : lower)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return constant_time_equal(signature(timestamp, nonce, encrypt), lower);
}

Result<Decrypted> MsgCrypt::decrypt(std::string_view ciphertext) const {
  auto bytes = base64_decode(ciphertext);
  if (!bytes) return bytes.error();
  if (bytes->empty() || bytes->size() % kBlock != 0)
    return make_error_code(crypt_errc::bad_block_length);
  std::string plain;
  if (!aes_cbc(false, key_, *bytes, plain)) return make_error_code(crypt_errc::cipher_failure);

  if (!strip_pad(plain)) return make_error_code(crypt_errc::bad_padding);

  if (plain.size() < kHeaderLen) return make_error_code(crypt_errc::bad_length_field);
  const auto* p = reinterpret_cast<const unsigned char*>(plain.data()) + kRandomLen;
  const uint64_t len =
      (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | uint64_t{p[3]};
  if (len > plain.size() - kHeaderLen) return make_error_code(crypt_errc::bad_length_field);
  Decrypted d;
  d.message = plain.substr(kHeaderLen, static_cast<size_t>(len));
  d.receive_id = plain.substr(kHeaderLen + static_cast<size_t>(len));
  return d;
}

Result<std::string> MsgCrypt::decrypt(std::string_view ciphertext,
                                      std::string_view expected_receive_id) const {
  auto d = decrypt(ciphertext);
  if (!d) return d.error();
  if (d->receive_id != expected_receive_id) return make_error_code(crypt_errc::receive_id_mismatch);
  return std::move(d->message);
}

std::string MsgCrypt::encrypt(std::string_view message, std::string_view receive_id) const {
  unsigned char random[kRandomLen];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("RAND_bytes failed");
  return seal({reinterpret_cast<const char*>(random), sizeof random}, message, receive_id);
}

std::string MsgCrypt::encrypt_with_random_for_test(std::string_view random,
                                                   std::string_view message,
                                                   std::string_view receive_id) const {
  if (random.size() != kRandomLen) throw std::invalid_argument("random must be 16 bytes");
  return seal(random, message, receive_id);
}

std::string MsgCrypt::encrypt_blocks_for_test(std::string_view aligned) const {
  if (aligned.size() % 16 != 0) throw std::invalid_argument("not block-aligned");
  std::string cipher;
  if (!aes_cbc(true, key_, aligned, cipher)) throw std::runtime_error("AES-256-CBC encrypt failed");
  return base64_encode(cipher);
}

std::string MsgCrypt::seal(std::string_view random, std::string_view message,
                           std::string_view receive_id) const {
  if (message.size() > 0xffffffffu) throw std::length_error("message over 4 GiB");
  std::string plain;
  plain.reserve(kHeaderLen + message.size() + receive_id.size() + kBlock);
  plain.append(random);
  const auto len = static_cast<uint32_t>(message.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    plain.push_back(static_cast<char>((len >> shift) & 0xffu));
  plain.append(message);
  plain.append(receive_id);
  const size_t pad = kBlock - plain.size() % kBlock;  // 1..32: an aligned text gets a full block
  plain.append(pad, static_cast<char>(pad));
  std::string cipher;
  if (!aes_cbc(true, key_, plain, cipher)) throw std::runtime_error("AES-256-CBC encrypt failed");
  return base64_encode(cipher);
}

}  // namespace gridbot::adapters::wecom
