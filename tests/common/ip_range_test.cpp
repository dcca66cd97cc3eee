#include "base/common/ip_range.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;

TEST_CASE("addresses and ranges: IPv4 as mapped IPv6, prefixes, nothing else", "[ip]") {
  const auto a = parse_ip("10.1.2.3");
  REQUIRE(a);
  CHECK(ip_to_string(*a) == "10.1.2.3");
  CHECK(parse_ip("::ffff:10.1.2.3") == a);
  CHECK(ip_to_string(*parse_ip("2001:db8::1")) == "2001:db8::1");
  for (const char* bad : {"", "10.1.2", "10.1.2.3:80", "[::1]", "fe80::1%eth0", "host", " 1.2.3.4"})
    CHECK_FALSE(parse_ip(bad));
  const auto net = parse_ip_range("10.0.0.0/8");
  REQUIRE(net);
  CHECK(in_range(*net, *a));
  CHECK_FALSE(in_range(*net, *parse_ip("11.0.0.1")));
  CHECK_FALSE(in_range(*net, *parse_ip("::a00:1")));  // IPv4-compatible is not IPv4
  const auto one = parse_ip_range("192.168.1.10");
  REQUIRE(one);
  CHECK(in_range(*one, *parse_ip("192.168.1.10")));
  CHECK_FALSE(in_range(*one, *parse_ip("192.168.1.11")));
  CHECK(in_range(*parse_ip_range("fd00::/8"), *parse_ip("fd12::5")));
  CHECK(in_range(*parse_ip_range("0.0.0.0/0"), *a));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "fd00::/129", "x/8", "10/8"})
    CHECK_FALSE(parse_ip_range(bad));
}
