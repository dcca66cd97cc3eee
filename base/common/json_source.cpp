// JsonSource: RapidJSON's SAX reader feeding a Document through Populate(), with a handler in the
// middle that records the stream offset of every key path (RapidJSON's DOM keeps no positions).
#include "base/common/json_source.hpp"

#include "base/common/json_source_impl.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>

namespace gridbot {
namespace {

int line_at(const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// Forwards every event to the Document and notes where each path begins.
class Tracker {
 public:
  Tracker(rapidjson::Document& doc, rapidjson::StringStream& is, const std::string& text,
          std::unordered_map<std::string, int>& lines)
      : doc_(doc), is_(is), text_(text), lines_(lines) {}

  // Line of the stream's position: offsets only grow during a parse, so newlines are counted
  // from the previous position (linear in the file, not quadratic).
  int line_now() {
    const size_t offset = std::min(is_.Tell(), text_.size());
    if (offset >= counted_) {
      line_ += static_cast<int>(std::count(text_.begin() + static_cast<long>(counted_),
                                           text_.begin() + static_cast<long>(offset), '\n'));
    } else {
      line_ = line_at(text_, offset);
    }
    counted_ = offset;
    return line_;
  }

  bool Null() {
    before_value();
    return doc_.Null();
  }
  bool Bool(bool b) {
    before_value();
    return doc_.Bool(b);
  }
  bool Int(int i) {
    before_value();
    return doc_.Int(i);
  }
  bool Uint(unsigned u) {
    before_value();
    return doc_.Uint(u);
  }
  bool Int64(int64_t i) {
    before_value();
    return doc_.Int64(i);
  }
  bool Uint64(uint64_t u) {
    before_value();
    return doc_.Uint64(u);
  }
  bool Double(double d) {
    before_value();
    return doc_.Double(d);
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    before_value();
    return doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    before_value();
    return doc_.String(s, n, copy);
  }
  // Configuration and rule files are shallow; a file nested deeper than this is refused (each
  // level keeps its path, so depth would cost memory by its square).
  static constexpr size_t kMaxDepth = 64;

  bool StartObject() {
    if (frames_.size() >= kMaxDepth) return false;
    before_value();
    frames_.push_back({current_path(), false, 0});
    return doc_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    key_.assign(s, n);
    const auto& base = frames_.back().path;
    lines_[base.empty() ? key_ : base + "." + key_] = line_now();
    return doc_.Key(s, n, copy);
  }
  bool EndObject(rapidjson::SizeType n) {
    frames_.pop_back();
    return doc_.EndObject(n);
  }
  bool StartArray() {
    if (frames_.size() >= kMaxDepth) return false;
    before_value();
    frames_.push_back({current_path(), true, 0});
    return doc_.StartArray();
  }
  bool EndArray(rapidjson::SizeType n) {
    frames_.pop_back();
    return doc_.EndArray(n);
  }

 private:
  struct Frame {
    std::string path;
    bool array;
    size_t index;
  };

  // The path of the value about to start: the last key in an object, the next index in an array.
  std::string current_path() {
    if (frames_.empty()) return {};
    auto& f = frames_.back();
    if (f.array) return f.path + "[" + std::to_string(f.index - 1) + "]";
    return f.path.empty() ? key_ : f.path + "." + key_;
  }
  void before_value() {
    if (frames_.empty() || !frames_.back().array) return;
    auto& f = frames_.back();
    ++f.index;
    lines_[current_path()] = line_now();
  }

  rapidjson::Document& doc_;
  rapidjson::StringStream& is_;
  const std::string& text_;
  std::unordered_map<std::string, int>& lines_;
  size_t counted_ = 0;  // newlines of text_[0, counted_) are in line_
  int line_ = 1;
  std::vector<Frame> frames_;
  std::string key_;
};

}  // namespace

JsonSource::JsonSource() : impl_(std::make_unique<Impl>()) {}
JsonSource::~JsonSource() = default;

std::unique_ptr<JsonSource> JsonSource::parse(std::string file, std::string text,
                                              std::string* error) {
  std::unique_ptr<JsonSource> src(new JsonSource());
  src->file_ = std::move(file);
  auto& impl = *src->impl_;
  impl.text = std::move(text);
  rapidjson::StringStream is(impl.text.c_str());
  rapidjson::Reader reader;
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document& d) {
    Tracker tracker(d, is, impl.text, impl.lines);
    // Iterative: a deeply nested file must be an error, not a stack overflow.
    result = reader.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag |
                          rapidjson::kParseIterativeFlag>(is, tracker);
    return static_cast<bool>(result);
  };
  impl.doc.Populate(generate);
  if (!result) {
    *error = src->file_ + ":" + std::to_string(line_at(impl.text, result.Offset())) +
             ": syntax error: " + rapidjson::GetParseError_En(result.Code());
    return nullptr;
  }
  return src;
}

int JsonSource::line_of(const std::string& path) const {
  std::string p = path;
  for (;;) {
    auto it = impl_->lines.find(p);
    if (it != impl_->lines.end()) return it->second;
    if (p.empty()) return 1;
    auto cut = p.find_last_of(".[");
    p.resize(cut == std::string::npos ? 0 : cut);
  }
}

std::string JsonSource::error_at(const std::string& path, const std::string& what) const {
  return file_ + ":" + std::to_string(line_of(path)) + ": " + (path.empty() ? "(top)" : path) +
         ": " + what;
}

}  // namespace gridbot
