// Long-connection frames: parsed with RapidJSON, written with the project's JsonWriter.
#include "adapters/wecom/long_connection.hpp"

#include "adapters/common/json.hpp"

#include "base/common/json_writer.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace gridbot::adapters::wecom {
namespace {

std::string str(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

}  // namespace

std::optional<LongConnFrame> parse_long_conn_frame(std::string_view text) {
  rapidjson::Document d;
  if (!parse_json_strict(text, d) || !d.IsObject()) return std::nullopt;
  LongConnFrame f;
  f.cmd = str(d, "cmd");
  auto h = d.FindMember("headers");
  if (h == d.MemberEnd()) return std::nullopt;
  f.req_id = str(h->value, "req_id");
  if (f.req_id.empty()) return std::nullopt;
  if (auto e = d.FindMember("errcode"); e != d.MemberEnd() && e->value.IsInt64()) {
    f.has_errcode = true;
    f.errcode = e->value.GetInt64();
  }
  f.errmsg = str(d, "errmsg");
  if (auto b = d.FindMember("body"); b != d.MemberEnd() && b->value.IsObject()) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    // A number past a double's range parses as infinity, which JSON cannot write back: such a
    // body is malformed, not a frame to pass on half-written.
    if (!b->value.Accept(w)) return std::nullopt;
    f.body.assign(buf.GetString(), buf.GetSize());
    if (auto ev = b->value.FindMember("event"); ev != b->value.MemberEnd())
      f.event_type = str(ev->value, "eventtype");
  }
  return f;
}

std::string subscribe_frame(std::string_view bot_id, std::string_view secret,
                            std::string_view req_id) {
  JsonWriter w;
  w.begin_object().key("cmd").value("aibot_subscribe");
  w.key("headers").begin_object().key("req_id").value(req_id).end_object();
  w.key("body").begin_object().key("bot_id").value(bot_id).key("secret").value(secret).end_object();
  w.end_object();
  return w.take();
}

std::string ping_frame(std::string_view req_id) {
  JsonWriter w;
  w.begin_object().key("cmd").value("ping");
  w.key("headers").begin_object().key("req_id").value(req_id).end_object();
  w.end_object();
  return w.take();
}

}  // namespace gridbot::adapters::wecom
