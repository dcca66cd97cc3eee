#include "base/common/ip_range.hpp"

#include "base/common/strict_int.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace gridbot {

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  IpAddress a{};
  unsigned char v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    a[10] = a[11] = 0xff;
    std::memcpy(a.data() + 12, v4, 4);
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.data()) == 1) return a;
  return std::nullopt;
}

std::optional<IpRange> parse_ip_range(std::string_view text) {
  const auto slash = text.find('/');
  auto a = parse_ip(text.substr(0, slash));
  if (!a) return std::nullopt;
  IpRange r;
  r.address = *a;
  if (slash == std::string_view::npos) return r;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  const auto bits = parse_int<int>(text.substr(slash + 1), 0, v4 ? 32 : 128);
  if (!bits) return std::nullopt;
  r.prefix_bits = v4 ? 96 + *bits : *bits;
  return r;
}

bool in_range(const IpRange& range, const IpAddress& address) {
  for (int bit = 0; bit < range.prefix_bits; ++bit) {
    const int byte = bit / 8;
    const int mask = 0x80 >> (bit % 8);
    if ((range.address[byte] & mask) != (address[byte] & mask)) return false;
  }
  return true;
}

std::string ip_to_string(const IpAddress& a) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char buf[INET6_ADDRSTRLEN] = {};
  if (std::memcmp(a.data(), kMapped, 12) == 0)
    inet_ntop(AF_INET, a.data() + 12, buf, sizeof buf);
  else
    inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
  return buf;
}

}  // namespace gridbot
