// Signed, expiring links to media files (docs/media.md "Links"): /media/<name>?exp=<unix
// s>&sig=<hex of HMAC-SHA256(secret, "media\n" + name + "\n" + exp)>. Without the server's secret
// nobody can make one, and a link stops working at exp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gridbot::media {

/// Thread safety: immutable after construction.
class UrlSigner {
 public:
  /// `secret`: at least 16 bytes.
  explicit UrlSigner(std::string secret) : secret_(std::move(secret)) {}

  /// "/media/<name>?exp=…&sig=…", good until now_s + ttl_s.
  std::string path(std::string_view name, int64_t now_s, int64_t ttl_s) const;
  /// Whether `sig` signs (name, exp) and exp is not past now_s. Constant-time comparison.
  bool verify(std::string_view name, std::string_view exp, std::string_view sig,
              int64_t now_s) const;

 private:
  std::string sig(std::string_view name, std::string_view exp) const;
  std::string secret_;
};

/// The signing secret kept in `file`: read when it exists, else 32 random bytes written there
/// (mode 0600) so links stay valid across restarts. Returns "" and sets *error on failure.
std::string load_or_create_secret(const std::string& file, std::string* error);

}  // namespace gridbot::media
