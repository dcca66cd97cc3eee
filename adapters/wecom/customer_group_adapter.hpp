// WeCom customer groups (客户群: WeCom groups that admit residents' personal WeChat accounts),
// outbound only. Robots and app chats cannot post there; the official route is a group-send task
// (externalcontact/add_msg_template, chat_type "group") that the group's owner — usually the
// building head — confirms in the WeCom client. The outbox records such a row as
// awaiting_confirmation with the task id, so an operator sees what residents have not been shown.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/wecom/access_token.hpp"

#include <string>

namespace gridbot::adapters::wecom {

struct CustomerGroupOptions {
  std::string base_url = "https://qyapi.weixin.qq.com";
  std::string corp_id;
  std::string secret;  // the customer-contact (客户联系) secret, or an app's with that permission
};

inline constexpr size_t kCustomerGroupTextBytes = 4000;

/// The destination chat id of a customer group is "OWNER_USERID/CHAT_ID": the owner who must
/// confirm the task, and the group. Thread safety: as AccessToken.
/// The task id an awaiting row carries in last_error ("task <msgid>"), "" when none.
std::string task_of(const OutboxItem& item);

class CustomerGroupAdapter final : public Adapter {
 public:
  explicit CustomerGroupAdapter(CustomerGroupOptions options)
      : options_(std::move(options)),
        token_(options_.base_url, options_.corp_id, options_.secret) {}

  // Adapter
  std::string_view type() const override { return "wecom_customer_group"; }
  Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const override;
  /// {"chat_type":"group","sender":OWNER,"chat_id_list":[CHAT],"text":{"content"}}; bad_request
  /// without a token or when the chat id is not OWNER/CHAT.
  Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const override;
  /// errcode 0 → awaiting (detail "task <msgid>"); token errcodes → retry with a fresh token;
  /// the rest as the shared WeCom table.
  SendOutcome interpret(const TransportResult& result) const override;
  size_t max_text_bytes() const override { return kCustomerGroupTextBytes; }
  /// externalcontact/get_groupmsg_send_result for the row's task and owner; nullopt without a
  /// token or when the row names no task.
  std::optional<HttpRequest> confirmation_request(const OutboxItem& item,
                                                  int64_t now_ms) const override;
  /// The row's group in send_list: status 1 → confirmed at send_time; 0 or absent → pending;
  /// 2 (not a member) and 3 (the group's group-send quota is used up) → failed; token errcodes
  /// drop the token; anything else → unknown.
  ConfirmationOutcome interpret_confirmation(const OutboxItem& item,
                                             const TransportResult& result) const override;
  std::optional<HttpRequest> token_request(int64_t now_ms) const override {
    return token_.request(now_ms);
  }
  bool accept_token(const TransportResult& result, int64_t now_ms) const override {
    return token_.accept(result, now_ms);
  }

 private:
  CustomerGroupOptions options_;
  mutable AccessToken token_;
};

}  // namespace gridbot::adapters::wecom
