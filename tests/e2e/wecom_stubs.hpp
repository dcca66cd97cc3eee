// WeCom stub platform for the end-to-end tests: a test CA and server certificate made with the
// openssl CLI at test time, and one HTTPS/WSS stub on 127.0.0.1:0 that plays the group-robot
// webhook, the AI bot's response_url, and the AI bot's long-connection endpoint.
#pragma once

#include "../temp_dir.hpp"
#include "bot/http/runtime.hpp"
#include "bot/http/tls_server.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

namespace gridbot::test {

/// A CA and certificates signed by it, in `dir`: ca.pem, and per name `<name>.pem` + `<name>.key`.
struct TestPki {
  explicit TestPki(const TempDir& dir);
  /// Issues a server certificate for the given subjectAltName ("DNS:localhost,IP:127.0.0.1").
  void issue(const std::string& name, const std::string& san);
  std::string ca_file, dir;
};

/// What the stub platform saw. Thread safety: all methods lock.
class WecomStub {
 public:
  struct RobotPost {
    std::string key, body;
    std::chrono::steady_clock::time_point at;
  };

  WecomStub(http::Runtime& runtime, const TestPki& pki, const std::string& cert_name);
  uint16_t port() const { return server_->port(); }
  std::string base_url() const { return "https://localhost:" + std::to_string(port()); }

  // Group robot: POST /cgi-bin/webhook/send?key=…
  std::vector<RobotPost> robot_posts() const;
  /// Requests that broke the robot contract (bad key, bad JSON shape, over 20 a minute per key).
  std::vector<std::string> violations() const;
  // AI bot response_url: POST /cgi-bin/aibot/response?response_code=…
  std::map<std::string, std::vector<std::string>> responses() const;

  // Customer groups: GET /cgi-bin/gettoken, POST /cgi-bin/externalcontact/add_msg_template and
  // …/get_groupmsg_send_result. A task stays unsent until the test confirms it as its owner would.
  struct Task {
    std::string msgid, sender, chat, text;
    bool confirmed = false;
  };
  std::vector<Task> tasks() const;
  void confirm(const std::string& msgid);
  size_t confirmation_queries() const;
  std::string corp_id = "wwcorp0123", corp_secret = "contact-secret";

  // Long connection.
  std::vector<std::string> ws_frames() const;  // every frame received, in order
  size_t ws_connections() const;
  void ws_push(const std::string& frame);  // to the newest live connection
  void ws_drop();                          // drops the newest connection (no close frame)
  std::string secret = "ws-secret-0123";   // the subscription is accepted for this secret

 private:
  HttpResponse on_http(const HttpRequest& req);
  HttpResponse on_customer_group(const std::string& path, const HttpRequest& req);
  void on_ws_text(const std::shared_ptr<http::WsPeer>& peer, const std::string& text);

  mutable std::mutex mu_;
  std::vector<RobotPost> robot_;
  std::vector<std::string> violations_;
  std::map<std::string, std::vector<std::string>> responses_;
  std::vector<std::string> frames_;
  std::vector<Task> tasks_;
  size_t confirmation_queries_ = 0;
  const std::string access_token_ = "stub-access-token";
  std::vector<std::shared_ptr<http::WsPeer>> peers_;
  size_t ws_opened_ = 0;
  std::unique_ptr<http::TlsServer> server_;
};

}  // namespace gridbot::test
