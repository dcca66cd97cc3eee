// IP addresses and ranges ("10.0.0.7", "10.0.0.0/8", "::1", "fd00::/8"): the console's trusted
// proxies (docs/console.md "Behind a reverse proxy"). IPv4 is kept as IPv4-mapped IPv6, so
// "10.0.0.7" and "::ffff:10.0.0.7" (a dual-stack listener's peer) are the same address.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridbot {

using IpAddress = std::array<uint8_t, 16>;

struct IpRange {
  IpAddress address{};
  int prefix_bits = 128;  // of the 128 of the mapped form
};

/// A literal IPv4 or IPv6 address (no port, no brackets, no zone), or nullopt.
std::optional<IpAddress> parse_ip(std::string_view text);
/// An address ("10.0.0.7": that one address) or a range with a prefix length ("10.0.0.0/8",
/// "fd00::/8"), or nullopt.
std::optional<IpRange> parse_ip_range(std::string_view text);
bool in_range(const IpRange& range, const IpAddress& address);
/// The address as text: dotted IPv4 for IPv4 and mapped addresses, else IPv6.
std::string ip_to_string(const IpAddress& address);

}  // namespace gridbot
