// Content-addressed files: temp file, fsync, rename, fsync of the folder (POSIX).
#include "bot/media/files.hpp"

#include "adapters/common/crypto.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gridbot::media {
namespace {

namespace fs = std::filesystem;

std::error_code last_error() { return {errno, std::generic_category()}; }

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// fsync of a folder makes a rename in it durable.
std::error_code sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_error();
  const int rc = ::fsync(fd);
  const auto ec = rc == 0 ? std::error_code{} : last_error();
  ::close(fd);
  return ec;
}

}  // namespace

bool MediaFiles::is_sha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string MediaFiles::path_of(std::string_view sha) const {
  if (!is_sha256(sha)) return {};
  return (fs::path(dir_) / std::string(sha.substr(0, 2)) / std::string(sha.substr(2))).string();
}

std::string MediaFiles::put(std::string_view bytes, std::error_code& ec) const {
  ec.clear();
  const std::string sha = adapters::to_hex(adapters::sha256(bytes));
  const fs::path final_path = path_of(sha);
  const fs::path sub = final_path.parent_path();
  fs::create_directories(sub, ec);
  if (ec) return {};
  // Unique per process and call, so two downloads of the same bytes never share a temporary.
  static std::atomic<uint64_t> counter{0};
  const fs::path tmp =
      sub / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    ec = last_error();
    return {};
  }
  const bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  if (!ok) ec = last_error();
  ::close(fd);
  if (!ec && std::rename(tmp.c_str(), final_path.c_str()) != 0) ec = last_error();
  if (ec) {
    std::error_code ignored;  // the temporary is garbage whatever happened
    fs::remove(tmp, ignored);
    return {};
  }
  ec = sync_dir(sub);
  return ec ? std::string{} : sha;
}

std::optional<std::string> MediaFiles::read(std::string_view sha) const {
  const std::string path = path_of(sha);
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

void MediaFiles::remove(std::string_view sha) const {
  const std::string path = path_of(sha);
  if (path.empty()) return;
  std::error_code ignored;  // already gone is what we want
  fs::remove(path, ignored);
}

}  // namespace gridbot::media
