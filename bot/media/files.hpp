// The media files on disk, named by content (docs/media.md "Where"): <dir>/ab/cdef… where
// abcdef… is the sha256 of the bytes, so the same photo sent twice is kept once and a name says
// nothing about who sent it. Written to a temporary file, fsynced, renamed, and the folder fsynced:
// a crash leaves the whole file or none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace gridbot::media {

/// Thread safety: every method is safe from any thread (files are written under fresh temporary
/// names and renamed; a rename over the same content is harmless).
class MediaFiles {
 public:
  /// `dir` is created on first use.
  explicit MediaFiles(std::string dir) : dir_(std::move(dir)) {}

  /// Stores `bytes`; returns their sha256 (lower-case hex) or the disk's error.
  std::string put(std::string_view bytes, std::error_code& ec) const;
  /// The file's bytes, or nullopt when it is not there.
  std::optional<std::string> read(std::string_view sha256) const;
  /// Deletes the file (absent is fine).
  void remove(std::string_view sha256) const;
  /// <dir>/ab/cdef…; "" when `sha256` is not 64 lower-case hex digits.
  std::string path_of(std::string_view sha256) const;
  const std::string& dir() const { return dir_; }

  /// Whether `s` is 64 lower-case hex digits (a name a URL may carry).
  static bool is_sha256(std::string_view s);

 private:
  std::string dir_;
};

}  // namespace gridbot::media
