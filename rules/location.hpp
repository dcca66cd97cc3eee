// Where a report happens: building, unit and room as normalised strings.
#pragma once

#include <string>

namespace gridbot::rules {

/// A place inside an estate. Each part is ASCII digits ("3", "12", "501") or, for lettered
/// buildings such as 「A栋」, an upper-case ASCII letter; an unknown part is "".
struct Location {
  std::string building;
  std::string unit;
  std::string room;

  /// True when no part is known.
  bool empty() const { return building.empty() && unit.empty() && room.empty(); }

  friend bool operator==(const Location&, const Location&) = default;
};

}  // namespace gridbot::rules
