// JsonSource: RapidJSON SAX parse forwarded into a Document while recording offsets per key path.
#include "rules/json_source.hpp"

#include <algorithm>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace gridbot::rules {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;

// Forwards SAX events to the Document and tracks the current key path.
class RecordingHandler {
 public:
  RecordingHandler(rapidjson::Document& doc, const rapidjson::StringStream& stream,
                   std::vector<std::pair<std::string, std::size_t>>& offsets)
      : doc_(doc), stream_(stream), offsets_(offsets) {}

  bool Null() { return value() && doc_.Null(); }
  bool Bool(bool b) { return value() && doc_.Bool(b); }
  bool Int(int i) { return value() && doc_.Int(i); }
  bool Uint(unsigned u) { return value() && doc_.Uint(u); }
  bool Int64(int64_t i) { return value() && doc_.Int64(i); }
  bool Uint64(uint64_t u) { return value() && doc_.Uint64(u); }
  bool Double(double d) { return value() && doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return value() && doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return value() && doc_.String(s, n, copy);
  }
  bool StartObject() {
    value();
    frames_.push_back({false, 0, path_.size()});
    return doc_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    path_.resize(frames_.back().base);
    if (!path_.empty()) path_.push_back('.');
    path_.append(s, n);
    offsets_.emplace_back(path_, stream_.Tell());
    return doc_.Key(s, n, copy);
  }
  bool EndObject(rapidjson::SizeType n) {
    path_.resize(frames_.back().base);
    frames_.pop_back();
    return doc_.EndObject(n);
  }
  bool StartArray() {
    value();
    frames_.push_back({true, 0, path_.size()});
    return doc_.StartArray();
  }
  bool EndArray(rapidjson::SizeType n) {
    path_.resize(frames_.back().base);
    frames_.pop_back();
    return doc_.EndArray(n);
  }

 private:
  struct Frame {
    bool array;
    std::size_t index;
    std::size_t base;  // path_ length of the container itself
  };

  // Array elements get their own path "a.b[3]"; object members were named by Key().
  bool value() {
    if (!frames_.empty() && frames_.back().array) {
      Frame& f = frames_.back();
      path_.resize(f.base);
      // Appended piecewise: `"[" + to_string(..)` trips GCC 12's false -Wrestrict at -O2.
      path_.push_back('[');
      path_ += std::to_string(f.index++);
      path_.push_back(']');
      offsets_.emplace_back(path_, stream_.Tell());
    }
    return true;
  }

  rapidjson::Document& doc_;
  const rapidjson::StringStream& stream_;
  std::vector<std::pair<std::string, std::size_t>>& offsets_;
  std::vector<Frame> frames_;
  std::string path_;
};

int line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

}  // namespace

struct JsonSource::Impl {
  rapidjson::Document doc;
};

JsonSource::JsonSource(std::string file, std::string text)
    : impl_(std::make_unique<Impl>()), file_(std::move(file)), text_(std::move(text)) {
  rapidjson::Reader reader;
  rapidjson::StringStream stream(text_.c_str());
  auto generator = [&](rapidjson::Document& doc) {
    RecordingHandler handler(doc, stream, offsets_);
    return !reader.Parse<kParseFlags>(stream, handler).IsError();
  };
  impl_->doc.Populate(generator);
  if (reader.HasParseError()) {
    error_ = file_ + ":" + std::to_string(line_at(text_, reader.GetErrorOffset())) +
             ": JSON syntax: " + rapidjson::GetParseError_En(reader.GetParseErrorCode());
  }
}

JsonSource::~JsonSource() = default;

int JsonSource::line_of(std::string_view path) const {
  while (true) {
    for (const auto& [p, offset] : offsets_) {
      if (p == path) return line_at(text_, offset);
    }
    const std::size_t cut = path.find_last_of(".[");
    if (cut == std::string_view::npos) return 1;
    path = path.substr(0, cut);
  }
}

std::string JsonSource::problem(std::string_view path, std::string_view what) const {
  return file_ + ":" + std::to_string(line_of(path)) + ": " + std::string(path) + ": " +
         std::string(what);
}

const void* JsonSource::document() const { return &impl_->doc; }

}  // namespace gridbot::rules
