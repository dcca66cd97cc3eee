// Aho-Corasick automaton: every occurrence of every pattern, overlapping ones included.
#include "rules/aho_corasick.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <utility>

namespace gridbot::rules {
namespace {

std::set<std::pair<std::uint32_t, std::size_t>> matches(const AhoCorasick& ac, std::string_view t) {
  std::set<std::pair<std::uint32_t, std::size_t>> out;
  ac.scan(t, [&](std::uint32_t id, std::size_t end) { out.emplace(id, end); });
  return out;
}

TEST_CASE("automaton reports overlapping and nested patterns with their end offsets") {
  const AhoCorasick ac({"he", "she", "his", "hers"});
  const auto m = matches(ac, "ushers");
  CHECK(m == std::set<std::pair<std::uint32_t, std::size_t>>{{1, 4}, {0, 4}, {3, 6}});
}

TEST_CASE("automaton matches UTF-8 Chinese keywords inside longer text") {
  const AhoCorasick ac({"停水", "水管爆", "水"});
  const auto m = matches(ac, "五栋水管爆了，又停水");
  std::multiset<std::uint32_t> ids;
  for (const auto& [id, end] : m) ids.insert(id);
  CHECK(ids.count(0) == 1);
  CHECK(ids.count(1) == 1);
  CHECK(ids.count(2) == 2);
}

TEST_CASE("automaton reports repeated occurrences and nothing for absent patterns") {
  const AhoCorasick ac({"ab", "zz"});
  CHECK(matches(ac, "abab").size() == 2);
  CHECK(matches(ac, "").empty());
  CHECK(matches(ac, "xyz").empty());
}

TEST_CASE("automaton with no patterns matches nothing") {
  const AhoCorasick ac({});
  CHECK(matches(ac, "anything").empty());
  CHECK(ac.state_count() == 1);
}

}  // namespace
}  // namespace gridbot::rules
