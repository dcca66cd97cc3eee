// A parsed JSON rule file that remembers the line of every key path, for error messages.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::rules {

/// One rule file, parsed with comments and trailing commas allowed.
///
/// RapidJSON's DOM keeps no positions, so parsing runs the SAX Reader through a handler that
/// records the byte offset of each key path ("categories.water.keywords.停水", "x.y[2]") and
/// forwards every event to the Document (Document::Populate).
///
/// The Document type stays out of this header (STYLE.md §4); rule_loader.cpp reaches it through
/// document(), declared with an opaque pointer.
class JsonSource {
 public:
  /// Parses `text` read from `file`. On a syntax error ok() is false and error() reads
  /// "FILE:LINE: what is wrong".
  JsonSource(std::string file, std::string text);
  ~JsonSource();
  JsonSource(const JsonSource&) = delete;
  JsonSource& operator=(const JsonSource&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& file() const { return file_; }

  /// 1-based line of `path` (or of its nearest recorded ancestor; 1 when none).
  int line_of(std::string_view path) const;

  /// Formats "FILE:LINE: PATH: what" for the value at `path`.
  std::string problem(std::string_view path, std::string_view what) const;

  /// The parsed document (a rapidjson::Document); valid only when ok().
  const void* document() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string file_;
  std::string text_;
  std::string error_;
  std::vector<std::pair<std::string, std::size_t>> offsets_;  // key path -> byte offset
};

}  // namespace gridbot::rules
