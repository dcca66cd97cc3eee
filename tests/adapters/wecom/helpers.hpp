// Shared by the WeCom tests: the published vectors file, URL escaping, and signed callbacks.
#pragma once

#include "adapters/wecom/msg_crypt.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace wecom_test {

/// tests/data/wecom_vectors.json (docs/adapters/wecom.md "Test vectors"), parsed once.
inline const rapidjson::Document& vectors() {
  static const rapidjson::Document doc = [] {
    std::ifstream in(std::string(GRIDBOT_TEST_DATA) + "/wecom_vectors.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    rapidjson::Document d;
    d.Parse(text.data(), text.size());
    if (d.HasParseError() || !d.IsObject())
      throw std::runtime_error("wecom_vectors.json unreadable");
    return d;
  }();
  return doc;
}

inline std::string str(const rapidjson::Value& v, const char* key) {
  const auto& m = v[key];
  return {m.GetString(), m.GetStringLength()};
}

inline const rapidjson::Value& key_set(const char* id) { return vectors()["keys"][id]; }

/// Percent-encodes everything outside RFC 3986's unreserved set, as WeCom does for echostr.
inline std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

inline gridbot::adapters::wecom::MsgCrypt crypt_for(const char* id) {
  const auto& k = key_set(id);
  auto c = gridbot::adapters::wecom::MsgCrypt::create(str(k, "token"), str(k, "encoding_aes_key"));
  if (!c) throw std::runtime_error("bad vector key");
  return *c;
}

/// The query of a signed callback.
inline std::string callback_target(const std::string& sig, const std::string& ts,
                                   const std::string& nonce, const std::string& echostr = {}) {
  std::string t = "/hook/wecom?msg_signature=" + sig + "&timestamp=" + ts + "&nonce=" + nonce;
  if (!echostr.empty()) t += "&echostr=" + url_encode(echostr);
  return t;
}

}  // namespace wecom_test
