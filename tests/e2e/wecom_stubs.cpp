// The WeCom stub platform: certificates from the openssl CLI, and a TLS stub that checks what a
// real WeCom would refuse (docs/adapters/wecom.md "Replies", "Webhook or long connection",
// "wecom_robot").
#include "wecom_stubs.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>

namespace gridbot::test {
namespace {

void run(const std::string& cmd) {
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  INFO(cmd);
  REQUIRE(rc == 0);
}

std::string query_value(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return {};
  const std::string query = target.substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    const size_t amp = std::min(query.find('&', pos), query.size());
    const std::string part = query.substr(pos, amp - pos);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = amp + 1;
  }
  return {};
}

std::string str_member(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return {};
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string{};
}

// The robot's text body (WC-99110): msgtype text, text.content a non-empty string of at most 2048
// bytes, mentioned_list / mentioned_mobile_list arrays of strings when present, nothing else.
std::string robot_shape_problem(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject()) return "not a JSON object";
  if (str_member(d, "msgtype") != "text") return "msgtype is not text";
  auto t = d.FindMember("text");
  if (t == d.MemberEnd() || !t->value.IsObject()) return "no text object";
  const std::string content = str_member(t->value, "content");
  if (content.empty() || content.size() > 2048) return "bad text.content";
  for (auto it = t->value.MemberBegin(); it != t->value.MemberEnd(); ++it) {
    const std::string k = it->name.GetString();
    if (k == "content") continue;
    if (k != "mentioned_list" && k != "mentioned_mobile_list") return "unknown key " + k;
    if (!it->value.IsArray() || it->value.Empty()) return k + " is not a non-empty array";
    for (const auto& e : it->value.GetArray())
      if (!e.IsString()) return k + " holds a non-string";
  }
  return {};
}

std::string ack(const std::string& req_id, int errcode, const std::string& errmsg) {
  return R"({"headers":{"req_id":")" + req_id + R"("},"errcode":)" + std::to_string(errcode) +
         R"(,"errmsg":")" + errmsg + R"("})";
}

}  // namespace

TestPki::TestPki(const TempDir& d) : ca_file(d.file("ca.pem")), dir(d.path().string()) {
  // EC keys: fast to make. The CA is marked as one, as OpenSSL's verifier requires.
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -keyout " +
      dir + "/ca.key -out " + ca_file +
      " -subj '/CN=gridbot test CA'"
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
}

void TestPki::issue(const std::string& name, const std::string& san) {
  const std::string base = dir + "/" + name;
  {
    std::ofstream ext(base + ".ext");
    ext << "subjectAltName=" << san << "\nbasicConstraints=CA:FALSE\n"
        << "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n";
  }
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + base +
      ".key -out " + base + ".csr -subj '/CN=" + name + "'");
  run("openssl x509 -req -in " + base + ".csr -CA " + ca_file + " -CAkey " + dir +
      "/ca.key -CAcreateserial -days 2 -out " + base + ".pem -extfile " + base + ".ext");
}

WecomStub::WecomStub(http::Runtime& runtime, const TestPki& pki, const std::string& cert) {
  http::TlsServerOptions o;
  o.cert_file = pki.dir + "/" + cert + ".pem";
  o.key_file = pki.dir + "/" + cert + ".key";
  http::WsHandlers ws;
  ws.on_open = [this](const std::shared_ptr<http::WsPeer>& p) {
    std::lock_guard lk(mu_);
    peers_.push_back(p);
    ++ws_opened_;
  };
  ws.on_text = [this](const std::shared_ptr<http::WsPeer>& p, std::string text) {
    on_ws_text(p, text);
  };
  server_ = std::make_unique<http::TlsServer>(
      runtime, o,
      [this](HttpRequest req, std::function<void(HttpResponse)> reply) { reply(on_http(req)); },
      std::move(ws));
  REQUIRE_FALSE(server_->listen());
}

HttpResponse WecomStub::on_http(const HttpRequest& req) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  std::lock_guard lk(mu_);
  if (path == "/cgi-bin/webhook/send") {
    const std::string key = query_value(req.target, "key");
    const auto now = std::chrono::steady_clock::now();
    if (req.method != "POST") violations_.push_back("robot: method " + req.method);
    if (key.empty()) {
      violations_.push_back("robot: no key");
      return json_response(200, R"({"errcode":93000,"errmsg":"invalid webhook url"})");
    }
    if (auto why = robot_shape_problem(req.body); !why.empty())
      violations_.push_back("robot: " + why + ": " + req.body);
    size_t last_minute = 0;
    for (const auto& p : robot_)
      if (p.key == key && now - p.at < std::chrono::seconds(60)) ++last_minute;
    if (last_minute >= 20) {  // WeCom's per-robot limit: the 21st in a minute is refused
      violations_.push_back("robot: over 20 a minute for " + key);
      return json_response(200, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
    }
    robot_.push_back({key, req.body, now});
    return json_response(200, R"({"errcode":0,"errmsg":"ok"})");
  }
  if (path == "/cgi-bin/aibot/response") {
    auto& used = responses_[query_value(req.target, "response_code")];
    used.push_back(req.body);
    if (used.size() > 1)  // a response_url is one-shot
      return json_response(200, R"({"errcode":40001,"errmsg":"response_code used"})");
    return json_response(200, R"({"errcode":0,"errmsg":"ok"})");
  }
  if (path == "/cgi-bin/gettoken" || path.rfind("/cgi-bin/externalcontact/", 0) == 0)
    return on_customer_group(path, req);
  return json_response(404, R"({"errcode":404})");
}

// Called with mu_ held. Checks what WeCom checks: the corp secret, the token, the task's JSON.
HttpResponse WecomStub::on_customer_group(const std::string& path, const HttpRequest& req) {
  if (path == "/cgi-bin/gettoken") {
    if (query_value(req.target, "corpid") != corp_id ||
        query_value(req.target, "corpsecret") != corp_secret) {
      violations_.push_back("gettoken: wrong corp id or secret: " + req.target);
      return json_response(200, R"({"errcode":40001,"errmsg":"invalid credential"})");
    }
    return json_response(200, R"({"errcode":0,"errmsg":"ok","access_token":")" + access_token_ +
                                  R"(","expires_in":7200})");
  }
  if (req.method != "POST") violations_.push_back("customer group: method " + req.method);
  if (query_value(req.target, "access_token") != access_token_) {
    violations_.push_back("customer group: bad access_token: " + req.target);
    return json_response(200, R"({"errcode":40014,"errmsg":"invalid access_token"})");
  }
  rapidjson::Document d;
  d.Parse(req.body.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    violations_.push_back("customer group: not JSON: " + req.body);
    return json_response(200, R"({"errcode":47001,"errmsg":"data format error"})");
  }
  if (path == "/cgi-bin/externalcontact/add_msg_template") {
    auto list = d.FindMember("chat_id_list");
    auto text = d.FindMember("text");
    if (str_member(d, "chat_type") != "group" || str_member(d, "sender").empty() ||
        list == d.MemberEnd() || !list->value.IsArray() || list->value.Size() != 1 ||
        !list->value[0].IsString() || text == d.MemberEnd() ||
        str_member(text->value, "content").empty()) {
      violations_.push_back("add_msg_template: bad shape: " + req.body);
      return json_response(200, R"({"errcode":40058,"errmsg":"invalid parameter"})");
    }
    Task t{"msgTASK" + std::to_string(tasks_.size() + 1), str_member(d, "sender"),
           list->value[0].GetString(), str_member(text->value, "content")};
    tasks_.push_back(t);
    return json_response(
        200, R"({"errcode":0,"errmsg":"ok","fail_list":[],"msgid":")" + t.msgid + R"("})");
  }
  if (path == "/cgi-bin/externalcontact/get_groupmsg_send_result") {
    ++confirmation_queries_;
    const std::string msgid = str_member(d, "msgid"), user = str_member(d, "userid");
    for (const auto& t : tasks_)
      if (t.msgid == msgid && t.sender == user) {
        std::string entry = R"({"chat_id":")" + t.chat + R"(","userid":")" + t.sender +
                            R"(","status":)" + (t.confirmed ? "1" : "0");
        if (t.confirmed) entry += R"(,"send_time":1763900000)";
        return json_response(
            200, R"({"errcode":0,"errmsg":"ok","next_cursor":"","send_list":[)" + entry + "}]}");
      }
    violations_.push_back("get_groupmsg_send_result: unknown task or owner: " + req.body);
    return json_response(200, R"({"errcode":41063,"errmsg":"invalid msgid"})");
  }
  violations_.push_back("customer group: unknown path " + path);
  return json_response(404, R"({"errcode":404})");
}

void WecomStub::on_ws_text(const std::shared_ptr<http::WsPeer>& peer, const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  std::string cmd, req_id;
  if (!d.HasParseError() && d.IsObject()) {
    cmd = str_member(d, "cmd");
    auto h = d.FindMember("headers");
    if (h != d.MemberEnd()) req_id = str_member(h->value, "req_id");
  }
  std::string answer;
  {
    std::lock_guard lk(mu_);
    frames_.push_back(text);
    if (cmd == "aibot_subscribe") {
      auto b = d.FindMember("body");
      const bool ok = b != d.MemberEnd() && str_member(b->value, "secret") == secret &&
                      !str_member(b->value, "bot_id").empty();
      answer = ok ? ack(req_id, 0, "ok") : ack(req_id, 853000, "invalid bot_id or secret");
    } else if (!cmd.empty()) {
      answer = ack(req_id, 0, "ok");
    }
  }
  if (!answer.empty()) peer->send(answer);
}

std::vector<WecomStub::RobotPost> WecomStub::robot_posts() const {
  std::lock_guard lk(mu_);
  return robot_;
}
std::vector<std::string> WecomStub::violations() const {
  std::lock_guard lk(mu_);
  return violations_;
}
std::map<std::string, std::vector<std::string>> WecomStub::responses() const {
  std::lock_guard lk(mu_);
  return responses_;
}
std::vector<WecomStub::Task> WecomStub::tasks() const {
  std::lock_guard lk(mu_);
  return tasks_;
}
void WecomStub::confirm(const std::string& msgid) {
  std::lock_guard lk(mu_);
  for (auto& t : tasks_)
    if (t.msgid == msgid) t.confirmed = true;
}
size_t WecomStub::confirmation_queries() const {
  std::lock_guard lk(mu_);
  return confirmation_queries_;
}
std::vector<std::string> WecomStub::ws_frames() const {
  std::lock_guard lk(mu_);
  return frames_;
}
size_t WecomStub::ws_connections() const {
  std::lock_guard lk(mu_);
  return ws_opened_;
}
void WecomStub::ws_push(const std::string& frame) {
  std::shared_ptr<http::WsPeer> p;
  {
    std::lock_guard lk(mu_);
    if (peers_.empty()) return;
    p = peers_.back();
  }
  p->send(frame);
}
void WecomStub::ws_drop() {
  std::shared_ptr<http::WsPeer> p;
  {
    std::lock_guard lk(mu_);
    if (peers_.empty()) return;
    p = peers_.back();
  }
  p->drop();
}

}  // namespace gridbot::test
