// Media out (docs/media.md "Media out"): an image row of the outbox shows a stored photo on the
// platforms that can — a group robot's Base64 and MD5, an app chat's upload then its media_id, a
// bridge's `media` list — waits while the photo downloads, and fails with its reason (the link
// stands) when the platform cannot take it.
#include "bot/delivery/outbox.hpp"
#include "bot/delivery/post.hpp"

#include "adapters/bridge/adapter.hpp"
#include "adapters/wecom/appchat_adapter.hpp"
#include "adapters/wecom/customer_group_adapter.hpp"
#include "adapters/wecom/robot_adapter.hpp"

#include "../temp_dir.hpp"
#include "tests/support/fakes.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>

using namespace gridbot;
using namespace gridbot::delivery;
using gridbot::test::eventually;

namespace {

// A JPEG's first bytes and some more; its Base64, MD5 and SHA-256 computed apart from gridbot
// (Python's base64 and hashlib).
const std::string kPhoto = "\xFF\xD8\xFF\xE0gridbot photo";
constexpr const char* kPhotoBase64 = "/9j/4GdyaWRib3QgcGhvdG8=";
constexpr const char* kPhotoMd5 = "e4dd8c230b843db7c8a458256283777f";
constexpr const char* kPhotoSha =
    "4fc2d2ef288575baa41b18bc00e128a673901d661595e5480b36a66dd9e141aa";

struct ImageWorld {
  test::TempDir dir;
  std::unique_ptr<store::Store> store;
  channels::ChannelTable channels;
  test::FakeTransport transport;
  FakeClock clock;
  config::OutboxConfig cfg;
  std::mutex mu;
  std::map<int64_t, ImageLookup> media;  // what the image source answers, by media id
  std::unique_ptr<Outbox> outbox;

  ImageWorld() {
    std::string err;
    store = store::open_sqlite_store(dir.file("o.db"), {}, &err);
    REQUIRE(store);
    test::add_bridge(channels);
    channels.add_for_test(channel("robots", "wecom_robot"),
                          std::make_unique<adapters::wecom::RobotAdapter>(
                              adapters::wecom::RobotOptions{"https://127.0.0.1:9", {}}));
    channels.add_for_test(channel("appchat", "wecom_appchat"),
                          std::make_unique<adapters::wecom::AppchatAdapter>(
                              adapters::wecom::AppchatOptions{"https://127.0.0.1:9", "corp", "s"}));
    channels.add_for_test(
        channel("customer", "wecom_customer_group"),
        std::make_unique<adapters::wecom::CustomerGroupAdapter>(
            adapters::wecom::CustomerGroupOptions{"https://127.0.0.1:9", "corp", "secret"}));
    cfg.poll_ms = 10;
    cfg.image_poll_ms = 2'000;
    cfg.image_wait_ms = 60'000;
    transport.answer = [](const HttpRequest& r) {
      if (r.url.find("/gettoken") != std::string::npos)
        return TransportResult{
            {}, 200, {}, R"({"errcode":0,"access_token":"TK","expires_in":7200})"};
      if (r.url.find("/media/upload") != std::string::npos)
        return TransportResult{
            {}, 200, {}, R"({"errcode":0,"errmsg":"","type":"image","media_id":"MEDIA-9"})"};
      return TransportResult{{}, 200, {}, R"({"errcode":0,"errmsg":"ok"})"};
    };
    outbox = std::make_unique<Outbox>(cfg, channels, *store, transport, clock);
    outbox->set_image_source([this](int64_t id) {
      std::lock_guard lk(mu);
      auto it = media.find(id);
      return it == media.end() ? ImageLookup{ImageLookup::State::gone, {}, "no such medium"}
                               : it->second;
    });
  }
  ~ImageWorld() { outbox->stop(1000); }

  static config::ChannelConfig channel(const std::string& name, const std::string& type) {
    config::ChannelConfig cc;
    cc.name = name;
    cc.type = type;
    cc.rate_per_minute = 1000;
    return cc;
  }
  void set(int64_t id, ImageLookup l) {
    std::lock_guard lk(mu);
    media[id] = std::move(l);
  }
  static ImageLookup ready(std::string bytes, std::string mime = "image/jpeg") {
    ImageLookup l;
    l.state = ImageLookup::State::ready;
    l.image.bytes = std::move(bytes);
    l.image.mime = std::move(mime);
    l.image.sha256 = kPhotoSha;
    return l;
  }
  /// The relay's text, then photo `media_id` as an image, into `chat` on `channel`. Returns
  /// whether the image row was queued.
  bool relay_with_photo(const std::string& channel, const std::string& chat, int64_t media_id) {
    bool text = false, queued = false;
    REQUIRE_FALSE(store->write_sync([&](store::WriteTx& tx) {
      Poster out(channels, tx, clock.now_ms(), nullptr);
      text =
          out.post({{channel, chat}, "RELAY #1001 附图1张", {}, priority::kRoutine, "relay-1", {}});
      queued =
          out.post_image({{channel, chat}, {}, {}, priority::kRoutine, "photo-1", {}}, media_id);
    }));
    REQUIRE(text);
    return queued;
  }
  std::optional<OutboxItem> row(const std::string& key) {
    for (const auto& o : store->deliveries({"", std::nullopt, 0, 100}))
      if (o.idempotency_key == key) return o;
    return std::nullopt;
  }
  DeliveryState state_of(const std::string& key) {
    auto r = row(key);
    return r ? r->state : DeliveryState::pending;
  }
};

}  // namespace

TEST_CASE("a group robot shows a stored photo as an image: the bytes in Base64 with their MD5",
          "[delivery][media]") {
  ImageWorld w;
  w.set(7, ImageWorld::ready(kPhoto));
  REQUIRE(w.relay_with_photo("robots", "robot-key-1", 7));
  w.outbox->start();
  REQUIRE(w.transport.wait_for(2) == 2);
  const auto sent = w.transport.sent();
  CHECK(sent[0].body.find("RELAY #1001") != std::string::npos);  // the text first, then the photo
  CHECK(sent[1].url == "https://127.0.0.1:9/cgi-bin/webhook/send?key=robot-key-1");
  CHECK(sent[1].body == std::string(R"({"msgtype":"image","image":{"base64":")") + kPhotoBase64 +
                            R"(","md5":")" + kPhotoMd5 + R"("}})");
  CHECK(eventually([&] { return w.state_of("photo-1") == DeliveryState::delivered; }));
  CHECK(w.row("photo-1")->media_id == 7);
}

TEST_CASE("a photo a platform cannot take fails with the reason and sends nothing: the link stands",
          "[delivery][media]") {
  ImageWorld w;
  std::string reason;
  SECTION("over the group robot's 2 MB") {
    w.set(7, ImageWorld::ready(kPhoto + std::string(2 * 1024 * 1024, 'x')));
    reason = "over a group robot's 2 MB image limit (" +
             std::to_string(kPhoto.size() + 2 * 1024 * 1024) + " bytes): the link stands";
  }
  SECTION("a GIF, which a robot does not show") {
    w.set(7, ImageWorld::ready("GIF89a", "image/gif"));
    reason = "a group robot shows JPEG and PNG only, not image/gif: the link stands";
  }
  SECTION("a photo whose download failed") {
    w.set(7, ImageLookup{ImageLookup::State::gone, {}, "the photo is failed: HTTP 404"});
    reason = "the photo is failed: HTTP 404";
  }
  REQUIRE(w.relay_with_photo("robots", "robot-key-1", 7));
  w.outbox->start();
  REQUIRE(eventually([&] { return w.state_of("photo-1") == DeliveryState::failed; }));
  CHECK(w.state_of("relay-1") == DeliveryState::delivered);
  CHECK(w.transport.sent().size() == 1);  // the relay's text alone
  CHECK(w.row("photo-1")->last_error == reason);
}

TEST_CASE("a 2 MB photo exactly is still sent to a group robot", "[delivery][media]") {
  ImageWorld w;
  const std::string bytes = kPhoto + std::string(2 * 1024 * 1024 - kPhoto.size(), 'x');
  w.set(7, ImageWorld::ready(bytes));
  REQUIRE(w.relay_with_photo("robots", "robot-key-1", 7));
  w.outbox->start();
  REQUIRE(w.transport.wait_for(2) == 2);
  CHECK(w.transport.sent()[1].body.find(R"("msgtype":"image")") != std::string::npos);
}

TEST_CASE("a photo still downloading holds its row without an attempt, and goes once stored",
          "[delivery][media]") {
  ImageWorld w;
  w.set(7, ImageLookup{ImageLookup::State::pending, {}, {}});
  REQUIRE(w.relay_with_photo("robots", "robot-key-1", 7));
  w.outbox->start();
  REQUIRE(w.transport.wait_for(1) == 1);
  REQUIRE(eventually([&] { return w.state_of("relay-1") == DeliveryState::delivered; }));
  w.clock.advance_ms(2'000);
  w.outbox->wake_for_test();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(w.transport.sent().size() == 1);  // still downloading: nothing sent, nothing spent
  CHECK(w.row("photo-1")->state == DeliveryState::pending);
  CHECK(w.row("photo-1")->attempts == 0);
  SECTION("stored: sent once") {
    w.set(7, ImageWorld::ready(kPhoto));
    w.clock.advance_ms(2'000);
    w.outbox->wake_for_test();
    REQUIRE(w.transport.wait_for(2) == 2);
    CHECK(eventually([&] { return w.state_of("photo-1") == DeliveryState::delivered; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(w.transport.sent().size() == 2);
  }
  SECTION("not stored within image_wait_ms: failed, the link stands") {
    w.clock.advance_ms(60'000);
    w.outbox->wake_for_test();
    REQUIRE(eventually([&] { return w.state_of("photo-1") == DeliveryState::failed; }));
    CHECK(w.row("photo-1")->last_error.find("not downloaded in time") != std::string::npos);
    CHECK(w.transport.sent().size() == 1);
  }
}

TEST_CASE("a photo still downloading steps aside: the group's later messages go before it",
          "[delivery][media]") {
  ImageWorld w;
  w.set(7, ImageLookup{ImageLookup::State::pending, {}, {}});
  REQUIRE(w.relay_with_photo("robots", "robot-key-1", 7));
  w.outbox->start();
  REQUIRE(eventually([&] { return w.state_of("relay-1") == DeliveryState::delivered; }));
  // A resident's acknowledgement queued after the photo, into the same group.
  REQUIRE_FALSE(w.store->write_sync([&](store::WriteTx& tx) {
    Poster out(w.channels, tx, w.clock.now_ms(), nullptr);
    REQUIRE(out.post({{"robots", "robot-key-1"}, "ACK", {}, priority::kRoutine, "ack-1", {}}));
  }));
  w.outbox->wake_for_test();
  REQUIRE(eventually([&] { return w.state_of("ack-1") == DeliveryState::delivered; }));
  CHECK(w.row("photo-1")->state == DeliveryState::pending);
  // Once stored, the photo goes after it.
  w.set(7, ImageWorld::ready(kPhoto));
  w.clock.advance_ms(2'000);
  w.outbox->wake_for_test();
  REQUIRE(eventually([&] { return w.state_of("photo-1") == DeliveryState::delivered; }));
  const auto sent = w.transport.sent();
  REQUIRE(sent.size() == 3);
  CHECK(sent[1].body.find("ACK") != std::string::npos);
  CHECK(sent[2].body.find(kPhotoMd5) != std::string::npos);
}

TEST_CASE("an app chat uploads the photo with its token, then sends the media_id it was given",
          "[delivery][media]") {
  ImageWorld w;
  w.set(7, ImageWorld::ready(kPhoto));
  REQUIRE(w.relay_with_photo("appchat", "chat-1", 7));
  w.outbox->start();
  REQUIRE(w.transport.wait_for(4) == 4);  // token, text, upload, image
  const auto sent = w.transport.sent();
  CHECK(sent[0].url.find("/cgi-bin/gettoken") != std::string::npos);
  CHECK(sent[1].url == "https://127.0.0.1:9/cgi-bin/appchat/send?access_token=TK");
  const HttpRequest& up = sent[2];
  CHECK(up.url == "https://127.0.0.1:9/cgi-bin/media/upload?access_token=TK&type=image");
  const std::string boundary = std::string("gridbot-") + std::string(kPhotoSha).substr(0, 32);
  CHECK(header_value(up.headers, "Content-Type") == "multipart/form-data; boundary=" + boundary);
  CHECK(up.body == "--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"media\"; "
                       "filename=\"4fc2d2ef288575ba.jpg\"; filelength=" +
                       std::to_string(kPhoto.size()) + "\r\nContent-Type: image/jpeg\r\n\r\n" +
                       kPhoto + "\r\n--" + boundary + "--\r\n");
  CHECK(sent[3].url == "https://127.0.0.1:9/cgi-bin/appchat/send?access_token=TK");
  CHECK(sent[3].body ==
        R"({"chatid":"chat-1","msgtype":"image","image":{"media_id":"MEDIA-9"},"safe":0})");
  CHECK(eventually([&] { return w.state_of("photo-1") == DeliveryState::delivered; }));
}

TEST_CASE("an app chat's failed upload retries the row and sends no image", "[delivery][media]") {
  ImageWorld w;
  w.set(7, ImageWorld::ready(kPhoto));
  auto normal = w.transport.answer;
  w.transport.answer = [normal](const HttpRequest& r) {
    if (r.url.find("/media/upload") != std::string::npos)
      return TransportResult{{}, 200, {}, R"({"errcode":-1,"errmsg":"system busy"})"};
    return normal(r);
  };
  REQUIRE(w.relay_with_photo("appchat", "chat-1", 7));
  w.outbox->start();
  REQUIRE(w.transport.wait_for(3) == 3);
  REQUIRE(eventually([&] { return w.row("photo-1")->attempts == 1; }));
  CHECK(w.row("photo-1")->state == DeliveryState::pending);
  for (const auto& r : w.transport.sent())
    CHECK(r.body.find(R"("msgtype":"image")") == std::string::npos);
}

TEST_CASE("a bridge gets the photo in its body's media list, signed", "[delivery][media]") {
  ImageWorld w;
  w.set(7, ImageWorld::ready(kPhoto));
  REQUIRE(w.relay_with_photo("bridge", "room-g1", 7));
  w.outbox->start();
  REQUIRE(w.transport.wait_for(2) == 2);
  const HttpRequest r = w.transport.sent()[1];
  CHECK(r.body == std::string(R"({"id":"photo-1","room":"room-g1","text":"","mentions":[],)") +
                      R"("media":[{"type":"image","mime":"image/jpeg","size":)" +
                      std::to_string(kPhoto.size()) + R"(,"sha256":")" + kPhotoSha +
                      R"(","data":")" + kPhotoBase64 + R"("}]})");
  CHECK(header_value(r.headers, "X-Gridbot-Signature") ==
        adapters::bridge::sign(test::kSecret, header_value(r.headers, "X-Gridbot-Timestamp"),
                               r.body));
}

TEST_CASE("no image row is queued where the platform shows no images", "[delivery][media]") {
  ImageWorld w;
  CHECK_FALSE(w.relay_with_photo("customer", "owner/chat", 7));
  CHECK_FALSE(w.row("photo-1").has_value());
  CHECK(w.row("relay-1").has_value());
}
