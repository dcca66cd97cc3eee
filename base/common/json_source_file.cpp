// JsonSource::load: the file-reading front of parse(), shared by every rule and config loader.
#include "base/common/json_source.hpp"

#include <fstream>
#include <sstream>

namespace gridbot {

std::unique_ptr<JsonSource> JsonSource::load(const std::string& file, std::string* error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *error = file + ":0: cannot read the file";
    return nullptr;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(file, ss.str(), error);
}

}  // namespace gridbot
