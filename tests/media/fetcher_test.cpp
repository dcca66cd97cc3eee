// The download job against stub platforms: an image encrypted the way WeCom's AI bot serves it,
// a page of HTML named .jpg, a medium over the limit, inline bytes, a stub that fails and then
// serves (retried durably across a restart), and a slow one on a real loopback server.
#include "bot/media/fetcher.hpp"

#include "adapters/common/crypto.hpp"
#include "adapters/wecom/aibot_adapter.hpp"
#include "bot/http/client.hpp"
#include "bot/http/server.hpp"
#include "tests/support/fakes.hpp"
#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace gridbot;
using namespace gridbot::media;

namespace {

const std::string kV1Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";  // the V1 vector's
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(200, 'p');

struct World {
  test::TempDir dir;
  FakeClock clock;
  channels::ChannelTable channels;
  std::unique_ptr<store::Store> store;
  MediaFiles files{dir.file("media")};
  FetcherOptions options;

  World() {
    test::add_bridge(channels);
    config::ChannelConfig cfg;
    cfg.name = "wecom-bot";
    cfg.type = "wecom_aibot";
    adapters::wecom::AibotOptions o;
    channels.add_for_test(cfg, std::make_unique<adapters::wecom::AibotAdapter>(
                                   *adapters::wecom::MsgCrypt::create("tok", kV1Key), o));
    options.backoff_initial_ms = 1000;
    open();
  }
  void open() {
    std::string err;
    store = store::open_sqlite_store(dir.file("gridbot.db"), {}, &err);
    REQUIRE(store);
  }
  /// Commits a message with one medium; returns the medium's row id.
  int64_t add(const std::string& channel, MediaRef ref) {
    InboundMessage m;
    m.channel = channel;
    m.chat_id = "room";
    m.msg_id = "m" + std::to_string(++seq);
    m.sender_id = "wxid_a";
    m.received_at_ms = clock.now_ms();
    m.media.push_back(std::move(ref));
    REQUIRE_FALSE(store->write_sync([&](store::WriteTx& tx) {
      const int64_t id = tx.insert_inbound(m);
      tx.add_media(id, m, m.received_at_ms);
    }));
    return static_cast<int64_t>(seq);  // one medium per message: row ids follow
  }
  Media row(int64_t id) {
    auto r = store->media(id);
    REQUIRE(r.has_value());
    return *r;
  }
  int seq = 0;
};

MediaRef url_ref(MediaKind kind, std::string url) {
  MediaRef r;
  r.kind = kind;
  r.url = std::move(url);
  return r;
}

// delivery::Transport over the real client, for the loopback server below.
class ClientTransport final : public delivery::Transport {
 public:
  explicit ClientTransport(http::Client& c) : c_(c) {}
  void send(HttpRequest r, int64_t timeout_ms, std::function<void(TransportResult)> done) override {
    c_.send(std::move(r), timeout_ms, std::move(done));
  }

 private:
  http::Client& c_;
};

}  // namespace

TEST_CASE("an AI-bot image is downloaded, decrypted and kept under its sha256", "[media]") {
  World w;
  test::FakeTransport transport;
  std::array<unsigned char, 32> key{};
  {
    auto c = adapters::wecom::MsgCrypt::create("tok", kV1Key);
    key = c->key();
  }
  const std::string cipher = adapters::wecom::encrypt_media_for_test(key, kPng);
  transport.answer = [&](const HttpRequest& r) {
    CHECK(r.method == "GET");
    CHECK(r.url == "https://cos.example/img?sign=1");
    return TransportResult{{}, 200, {{"Content-Type", "application/octet-stream"}}, cipher};
  };
  const int64_t id =
      w.add("wecom-bot", url_ref(MediaKind::image, "https://cos.example/img?sign=1"));
  CHECK(w.row(id).state == MediaState::pending);
  Fetcher f(w.options, w.channels, *w.store, transport, w.files, w.clock);
  f.step_for_test();  // starts (and, with the fake, completes) the download
  f.step_for_test();  // records it
  const auto r = w.row(id);
  CHECK(r.state == MediaState::stored);
  CHECK(r.mime == "image/png");
  CHECK(r.size == static_cast<int64_t>(kPng.size()));
  CHECK(r.sha256 == adapters::to_hex(adapters::sha256(kPng)));
  CHECK(w.files.read(r.sha256) == std::optional<std::string>(kPng));
}

TEST_CASE("a page of HTML named .jpg is refused and recorded as failed", "[media]") {
  World w;
  test::FakeTransport transport;
  transport.answer = [](const HttpRequest&) {
    return TransportResult{{},
                           200,
                           {{"Content-Type", "image/jpeg"}},
                           "<!DOCTYPE html><html><body>login</body></html>"};
  };
  const int64_t id = w.add("bridge", url_ref(MediaKind::image, "https://bridge.local/photo.jpg"));
  Fetcher f(w.options, w.channels, *w.store, transport, w.files, w.clock);
  f.step_for_test();
  f.step_for_test();
  const auto r = w.row(id);
  CHECK(r.state == MediaState::failed);
  CHECK_THAT(r.last_error, Catch::Contains("text/html"));
  CHECK(r.sha256.empty());
  CHECK_FALSE(std::filesystem::exists(w.dir.file("media")));
  // Failed for good: never fetched again.
  w.clock.advance_ms(3'600'000);
  f.step_for_test();
  CHECK(transport.sent().size() == 1);
}

TEST_CASE("a medium over the size limit is refused", "[media]") {
  World w;
  w.options.max_bytes = 1024;
  test::FakeTransport transport;
  transport.answer = [](const HttpRequest&) {
    return TransportResult{{}, 200, {}, "\xFF\xD8\xFF" + std::string(2000, 'j')};
  };
  const int64_t id = w.add("bridge", url_ref(MediaKind::image, "https://bridge.local/big.jpg"));
  Fetcher f(w.options, w.channels, *w.store, transport, w.files, w.clock);
  f.step_for_test();
  f.step_for_test();
  CHECK(w.row(id).state == MediaState::failed);
  CHECK_THAT(w.row(id).last_error, Catch::Contains("size limit"));
}

TEST_CASE("inline bytes are stored without a download", "[media]") {
  World w;
  test::FakeTransport transport;
  MediaRef ref;
  ref.kind = MediaKind::voice;
  ref.data = "#!SILK_V3 voice";
  const int64_t id = w.add("bridge", ref);
  Fetcher f(w.options, w.channels, *w.store, transport, w.files, w.clock);
  f.step_for_test();
  CHECK(transport.sent().empty());
  CHECK(w.row(id).state == MediaState::stored);
  CHECK(w.row(id).mime == "audio/silk");
}

TEST_CASE("a failed download is retried with backoff, after a restart too", "[media]") {
  World w;
  test::FakeTransport transport;
  int status = 503;
  transport.answer = [&](const HttpRequest&) {
    return TransportResult{{}, status, {}, status == 200 ? kPng : "busy"};
  };
  const int64_t id = w.add("bridge", url_ref(MediaKind::image, "https://bridge.local/1.png"));
  {
    Fetcher f(w.options, w.channels, *w.store, transport, w.files, w.clock);
    f.step_for_test();
    f.step_for_test();
    const auto r = w.row(id);
    CHECK(r.state == MediaState::pending);
    CHECK(r.attempts == 1);
    CHECK(r.last_error == "HTTP 503");
    CHECK(r.next_try_ms == w.clock.now_ms() + 1000);
    f.step_for_test();  // not due yet: nothing sent
    CHECK(transport.sent().size() == 1);
  }
  // The process goes away with the row pending (as after kill -9) and comes back.
  w.store->close();
  w.store.reset();
  w.open();
  status = 200;
  w.clock.advance_ms(1000);
  Fetcher f(w.options, w.channels, *w.store, transport, w.files, w.clock);
  f.step_for_test();
  f.step_for_test();
  CHECK(transport.sent().size() == 2);
  CHECK(w.row(id).state == MediaState::stored);
  CHECK(w.row(id).attempts == 2);
}

TEST_CASE("a slow download times out and is retried, and a loopback stub serves it later",
          "[media]") {
  World w;
  w.options.timeout_ms = 200;
  std::atomic<bool> slow{true};
  http::Runtime runtime;
  http::Server server(runtime, {"127.0.0.1", 0}, [&](HttpRequest, auto reply) {
    if (!slow) return reply(HttpResponse{200, {{"Content-Type", "image/png"}}, kPng});
    std::thread([reply] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      reply(HttpResponse{200, {{"Content-Type", "image/png"}}, kPng});
    }).detach();
  });
  REQUIRE_FALSE(server.listen());
  runtime.start(1);
  http::Client client(runtime, {"", 1 << 20});
  ClientTransport transport(client);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/slow.png";
  const int64_t id = w.add("bridge", url_ref(MediaKind::image, url));
  {
    Fetcher f(w.options, w.channels, *w.store, transport, w.files, w.clock);
    f.step_for_test();
    REQUIRE(test::eventually([&] { return f.step_for_test() == 0; }));
    const auto r = w.row(id);
    CHECK(r.state == MediaState::pending);
    CHECK(r.attempts == 1);
    CHECK_THAT(r.last_error, Catch::StartsWith("transport"));
    slow = false;
    w.clock.advance_ms(1000);
    f.step_for_test();
    REQUIRE(test::eventually([&] { return f.step_for_test() == 0; }));
    CHECK(w.row(id).state == MediaState::stored);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // the slow reply has gone out
  server.drain();
  runtime.stop();
}
