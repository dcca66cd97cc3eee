// Commented JSON with positions: parses with comments and trailing commas allowed and remembers the
// line of every key path, so that each configuration error names file, line and key.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace gridbot {

/// A parsed JSON file. Values are reached through JsonCursor (json_cursor.hpp).
/// Thread safety: none needed; built once at start-up.
class JsonSource {
 public:
  ~JsonSource();
  /// Parses `text` (the file's bytes). On a syntax error returns nullptr and sets *error to
  /// "FILE:LINE: syntax error: …".
  static std::unique_ptr<JsonSource> parse(std::string file, std::string text, std::string* error);
  /// Reads `file` from disk, then as parse(); a file that cannot be read is "FILE:0: cannot read
  /// the file".
  static std::unique_ptr<JsonSource> load(const std::string& file, std::string* error);

  /// The 1-based line where `path` ("channels[0].secret") was written, or the nearest enclosing
  /// path's line, or 0.
  int line_of(const std::string& path) const;
  const std::string& file() const { return file_; }
  /// Formats "FILE:LINE: PATH: what".
  std::string error_at(const std::string& path, const std::string& what) const;

  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  JsonSource();
  std::string file_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridbot
