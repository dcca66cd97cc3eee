// A small streaming JSON writer over RapidJSON's Writer, behind a pimpl so that callers do not
// include RapidJSON (docs/conventions.md "Heavy headers"). Strings are UTF-8 and written unescaped
// where JSON allows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gridbot {

/// Thread safety: none; one writer per thread.
class JsonWriter {
 public:
  JsonWriter();
  ~JsonWriter();
  JsonWriter(JsonWriter&&) noexcept;
  JsonWriter& operator=(JsonWriter&&) noexcept;

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  /// Inserts an already-serialised JSON value.
  JsonWriter& raw(std::string_view json);

  /// The document written so far; the writer is left empty.
  std::string take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridbot
