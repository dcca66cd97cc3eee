// Aho-Corasick automaton: every occurrence of every pattern, overlapping ones included.
#include "rules/aho_corasick.hpp"
#include "rules/utf8.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>
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

TEST_CASE("automaton matches exactly what a byte search finds, also in invalid UTF-8") {
  // Pieces: ASCII, Chinese, a 2-byte and a 4-byte character, stray and truncated bytes.
  const std::vector<std::string> pieces{"a", "b", "0",    "水",   "管",       "停",   "电", "梯",
                                        "é", "😀", "\x80", "\xE6", "\xE6\xB0", "\xF8", " ",  "水管"};
  std::mt19937 rng(7);
  const auto pick = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    return s;
  };
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> patterns;
    for (int i = 0; i < 20; ++i) {
      std::string p = pick(1 + rng() % 3);
      if (p.find_first_of("\x80\xE6\xF8") != std::string::npos && p.size() < 4) p = "水" + p;
      patterns.push_back(p);
    }
    // Patterns are valid UTF-8 in practice (normalised JSON keys): keep only those.
    std::erase_if(patterns, [](const std::string& p) {
      for (std::size_t i = 0; i < p.size();) {
        std::uint32_t w = 0;
        std::memcpy(&w, p.data() + i, std::min<std::size_t>(4, p.size() - i));
        std::uint32_t len;
        utf8::char_key(w, len);
        if (len == 1 && static_cast<unsigned char>(p[i]) >= 0x80) return true;
        i += len;
      }
      return false;
    });
    const AhoCorasick ac(patterns);
    for (int t = 0; t < 20; ++t) {
      const std::string text = pick(rng() % 12);
      std::set<std::pair<std::uint32_t, std::size_t>> want;
      for (std::uint32_t id = 0; id < patterns.size(); ++id) {
        for (std::size_t at = text.find(patterns[id]); at != std::string::npos;
             at = text.find(patterns[id], at + 1)) {
          // A byte match that starts inside a character is not a character match.
          const auto b = static_cast<unsigned char>(text[at]);
          if (b >= 0x80 && b < 0xC0 && at > 0) {
            std::size_t lead = at;
            while (lead > 0 && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
            std::size_t pos = 0;
            bool inside = false;
            while (pos < text.size()) {
              std::uint32_t w = 0;
              std::memcpy(&w, text.data() + pos, std::min<std::size_t>(4, text.size() - pos));
              std::uint32_t len;
              utf8::char_key(w, len);
              if (pos < at && at < pos + len) inside = true;
              pos += len;
            }
            if (inside) continue;
          }
          want.emplace(id, at + patterns[id].size());
        }
      }
      INFO("round " << round << " text " << text);
      CHECK(matches(ac, text) == want);
    }
  }
}

TEST_CASE("char_key: lengths, and invalid sequences are one byte") {
  std::uint32_t len = 0;
  CHECK(utf8::char_key('a', len) == 'a');
  CHECK(len == 1);
  std::uint32_t w = 0;
  std::memcpy(&w, "水x", 4);
  CHECK(utf8::char_key(w, len) == (w & 0xFFFFFF));
  CHECK(len == 3);
  std::memcpy(&w,
              "\xE6\xB0"
              "a",
              3);
  utf8::char_key(w, len);
  CHECK(len == 1);
}

}  // namespace
}  // namespace gridbot::rules
