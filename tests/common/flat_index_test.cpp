#include "base/common/flat_index.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace gridbot;

TEST_CASE("a flat index finds, replaces and refuses to outgrow its size", "[common]") {
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("k" + std::to_string(i));
  FlatIndex index;
  index.reset(keys.size() + 1);
  const std::hash<std::string> hash;
  for (uint32_t i = 0; i < keys.size(); ++i)
    CHECK(index.put(hash(keys[i]), i, [&](uint32_t j) { return keys[j] == keys[i]; }) ==
          FlatIndex::npos);
  CHECK(index.size() == keys.size());
  for (uint32_t i = 0; i < keys.size(); ++i)
    CHECK(index.find(hash(keys[i]), [&](uint32_t j) { return keys[j] == keys[i]; }) == i);
  const std::string absent = "nope";
  CHECK(index.find(hash(absent), [&](uint32_t j) { return keys[j] == absent; }) == FlatIndex::npos);
  // The same key again replaces the element and answers the old one.
  keys.push_back("k7");
  const auto last = static_cast<uint32_t>(keys.size() - 1);
  CHECK(index.put(hash(keys[last]), last, [&](uint32_t j) { return keys[j] == "k7"; }) == 7);
  CHECK(index.find(hash(keys[last]), [&](uint32_t j) { return keys[j] == "k7"; }) == last);
  CHECK(index.size() == 1000);
  FlatIndex small;
  small.reset(1);
  for (uint32_t i = 0; i < 8; ++i) small.put(i, i, [](uint32_t) { return false; });
  CHECK_THROWS_AS(small.put(99, 99, [](uint32_t) { return false; }), std::length_error);
  FlatIndex empty;
  CHECK(empty.find(1, [](uint32_t) { return true; }) == FlatIndex::npos);
}
