// wecom_customer_group: group-send tasks the owner confirms.
#include "adapters/wecom/customer_group_adapter.hpp"

#include "adapters/wecom/errcode.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"

#include <rapidjson/document.h>

namespace gridbot::adapters::wecom {

namespace {
// "OWNER/CHAT" → {OWNER, CHAT}; empty parts when the chat id is not of that form.
std::pair<std::string, std::string> owner_and_chat(const std::string& chat_id) {
  const auto slash = chat_id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == chat_id.size()) return {};
  return {chat_id.substr(0, slash), chat_id.substr(slash + 1)};
}
// POST base/cgi-bin/externalcontact/<api>?access_token=… with a JSON body.
HttpRequest post_json(const std::string& base, const char* api, const std::string& token,
                      std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.url = base + "/cgi-bin/externalcontact/" + api + "?access_token=" + query_escape(token);
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}
}  // namespace

Result<ParseResult> CustomerGroupAdapter::parse(const HttpRequest&, int64_t) const {
  return make_error_code(errc::method_not_allowed);
}

Result<HttpRequest> CustomerGroupAdapter::build_send(const OutboxItem& item, int64_t) const {
  const std::string token = token_.current();
  const auto [owner, chat] = owner_and_chat(item.chat_id);
  if (token.empty() || owner.empty()) return make_error_code(errc::bad_request);
  JsonWriter w;
  w.begin_object();
  w.key("chat_type").value("group");
  w.key("sender").value(owner);
  w.key("chat_id_list").begin_array().value(chat).end_array();
  w.key("text").begin_object().key("content").value(item.text).end_object();
  w.end_object();
  return post_json(options_.base_url, "add_msg_template", token, w.take());
}

SendOutcome CustomerGroupAdapter::interpret(const TransportResult& result) const {
  if (!result.error && result.status == 200) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(result.body.data(), result.body.size());
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("errcode") &&
        doc["errcode"].IsInt64()) {
      const int64_t code = doc["errcode"].GetInt64();
      if (code == 0 && doc.HasMember("msgid") && doc["msgid"].IsString()) {
        // fail_list names the targets WeCom will not send to (the group is gone, or not the
        // sender's): the task exists but will never reach this group.
        auto fail = doc.FindMember("fail_list");
        if (fail != doc.MemberEnd() && fail->value.IsArray() && !fail->value.Empty())
          return {Verdict::failed, 0,
                  std::string("task ") + doc["msgid"].GetString() +
                      ": WeCom cannot send to this group (fail_list)"};
        return {Verdict::awaiting, 0, std::string("task ") + doc["msgid"].GetString()};
      }
      if (AccessToken::is_token_error(code)) {
        token_.drop();
        return {Verdict::retry, 1, "errcode " + std::to_string(code) + ": access token refreshed"};
      }
    }
  }
  return interpret_send_answer(result, SendTarget::response_url);
}

std::string task_of(const OutboxItem& item) {
  constexpr std::string_view kPrefix = "task ";
  if (item.last_error.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  std::string task = item.last_error.substr(kPrefix.size());
  return task.substr(0, task.find(':'));
}

std::optional<HttpRequest> CustomerGroupAdapter::confirmation_request(const OutboxItem& item,
                                                                      int64_t) const {
  const std::string token = token_.current();
  const std::string task = task_of(item);
  const auto [owner, chat] = owner_and_chat(item.chat_id);
  if (token.empty() || task.empty() || owner.empty()) return std::nullopt;
  JsonWriter w;
  w.begin_object();
  w.key("msgid").value(task);
  w.key("userid").value(owner);
  w.key("limit").value(int64_t{1000});
  w.end_object();
  return post_json(options_.base_url, "get_groupmsg_send_result", token, w.take());
}

ConfirmationOutcome CustomerGroupAdapter::interpret_confirmation(
    const OutboxItem& item, const TransportResult& result) const {
  using C = Confirmation;
  if (result.error) return {C::unknown, 0, result.error.message()};
  if (result.status != 200) return {C::unknown, 0, "HTTP " + std::to_string(result.status)};
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(result.body.data(), result.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("errcode") ||
      !doc["errcode"].IsInt64())
    return {C::unknown, 0, "not a WeCom answer"};
  const int64_t code = doc["errcode"].GetInt64();
  if (code != 0) {
    if (AccessToken::is_token_error(code)) token_.drop();
    return {C::unknown, 0, "errcode " + std::to_string(code)};
  }
  const std::string chat = owner_and_chat(item.chat_id).second;
  auto list = doc.FindMember("send_list");
  if (list == doc.MemberEnd() || !list->value.IsArray()) return {C::pending, 0, ""};
  for (const auto& e : list->value.GetArray()) {
    if (!e.IsObject()) continue;
    auto c = e.FindMember("chat_id");
    if (c == e.MemberEnd() || !c->value.IsString() || c->value.GetString() != chat) continue;
    auto st = e.FindMember("status");
    const int64_t status = st != e.MemberEnd() && st->value.IsInt64() ? st->value.GetInt64() : 0;
    const std::string task = task_of(item);
    if (status == 1) {
      auto t = e.FindMember("send_time");
      const int64_t at =
          t != e.MemberEnd() && t->value.IsUint() ? int64_t{t->value.GetUint()} * 1000 : 0;
      return {C::confirmed, at, "task " + task + " sent by the owner"};
    }
    if (status == 2) return {C::failed, 0, "task " + task + ": the group is not the owner's"};
    if (status == 3)
      return {C::failed, 0, "task " + task + ": the group's group-send quota is used up"};
    return {C::pending, 0, ""};
  }
  return {C::pending, 0, ""};
}

}  // namespace gridbot::adapters::wecom
