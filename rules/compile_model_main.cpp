// gridbot_compile_model RULES_DIR [OUT]: the build step that writes RULES_DIR/model.bin from
// RULES_DIR/model.json (docs/rules.md "The compact model"); `gridbot compile-model` is the same
// for a rules folder outside the build.
#include <iostream>

#include "rules/classifier.hpp"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: gridbot_compile_model RULES_DIR [OUT]\n";
    return 2;
  }
  return gridbot::rules::run_compile_model(argv[1], argc == 3 ? argv[2] : "", std::cout);
}
