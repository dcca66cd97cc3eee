// The one Catch2 main, compiled once into catch_main (docs/conventions.md "Heavy headers": 12-20 s
// per compile).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
