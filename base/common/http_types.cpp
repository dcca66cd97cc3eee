// Helpers on the plain HTTP structs.
#include "base/common/http_types.hpp"

#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"

#include <algorithm>
#include <cctype>

namespace gridbot {

bool is_valid_header(std::string_view name, std::string_view value) {
  static constexpr std::string_view kTokenPunct = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && kTokenPunct.find(c) == std::string_view::npos) return false;
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

namespace {
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::string_view header_value(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (same_name(k, name)) return v;
  return {};
}

std::vector<std::string_view> header_values(const Headers& headers, std::string_view name) {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : headers)
    if (same_name(k, name)) out.push_back(v);
  return out;
}

HttpResponse error_response(std::error_code ec, std::string_view detail) {
  JsonWriter w;
  w.begin_object();
  w.key("error").value(ec.message());
  if (!detail.empty()) w.key("detail").value(detail);
  w.end_object();
  return json_response(http_status(ec), w.take());
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.body = std::move(body);
  return r;
}

}  // namespace gridbot
