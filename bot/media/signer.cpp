// HMAC-signed media links and the secret file behind them.
#include "bot/media/signer.hpp"

#include "adapters/common/crypto.hpp"
#include "base/common/strict_int.hpp"

#include <fcntl.h>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gridbot::media {

std::string UrlSigner::sig(std::string_view name, std::string_view exp) const {
  std::string data = "media\n";
  data.append(name);
  data.push_back('\n');
  data.append(exp);
  return adapters::to_hex(adapters::hmac_sha256(secret_, data));
}

std::string UrlSigner::path(std::string_view name, int64_t now_s, int64_t ttl_s) const {
  const std::string exp = std::to_string(now_s + ttl_s);
  return "/media/" + std::string(name) + "?exp=" + exp + "&sig=" + sig(name, exp);
}

bool UrlSigner::verify(std::string_view name, std::string_view exp, std::string_view s,
                       int64_t now_s) const {
  const auto at = parse_int<int64_t>(exp);
  // The signature first: an unsigned probe learns nothing, not even whether it is expired.
  if (!at || !adapters::constant_time_equal(sig(name, exp), s)) return false;
  return *at >= now_s;
}

std::string load_or_create_secret(const std::string& file, std::string* error) {
  {
    std::ifstream in(file, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string s = std::move(ss).str();
      if (s.size() >= 16) return s;
      *error = file + ": the media link secret is shorter than 16 bytes";
      return {};
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  const std::string secret = adapters::random_bytes(32);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, secret.data(), secret.size()) != static_cast<ssize_t>(secret.size()) ||
      ::fsync(fd) != 0) {
    *error = file + ": cannot write the media link secret: " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return {};
  }
  ::close(fd);
  return secret;
}

}  // namespace gridbot::media
