// JsonSource's private state; included only by base/config/*.cpp (it pulls in RapidJSON).
#pragma once

#include "base/common/json_source.hpp"

#include <rapidjson/document.h>

#include <unordered_map>

namespace gridbot {

struct JsonSource::Impl {
  std::string text;
  rapidjson::Document doc;
  std::unordered_map<std::string, int> lines;
};

}  // namespace gridbot
