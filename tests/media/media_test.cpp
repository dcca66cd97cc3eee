// The parts of the media library that need no network: type by magic bytes, the
// content-addressed files, signed links.
#include "bot/media/files.hpp"
#include "bot/media/signer.hpp"
#include "bot/media/sniff.hpp"

#include "adapters/common/crypto.hpp"
#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace gridbot;
using namespace gridbot::media;

TEST_CASE("a medium's type is read from its bytes, not its name", "[media]") {
  CHECK(sniff_mime("\xFF\xD8\xFF\xE0rest") == "image/jpeg");
  CHECK(sniff_mime(std::string("\x89PNG\r\n\x1A\n\0\0", 10)) == "image/png");
  CHECK(sniff_mime("GIF89a...") == "image/gif");
  CHECK(sniff_mime(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)) == "image/webp");
  CHECK(sniff_mime("#!AMR\nxx") == "audio/amr");
  CHECK(sniff_mime("\x02#!SILK_V3xx") == "audio/silk");
  CHECK(sniff_mime("ID3\x03") == "audio/mpeg");
  CHECK(sniff_mime("%PDF-1.7") == "application/pdf");
  CHECK(sniff_mime("  <!DOCTYPE html><html>") == "text/html");
  CHECK(sniff_mime("<HTML><body>404</body>") == "text/html");
  CHECK(sniff_mime("hello") == "");

  CHECK(allowed(MediaKind::image, "image/png"));
  CHECK_FALSE(allowed(MediaKind::image, "text/html"));
  CHECK_FALSE(allowed(MediaKind::image, "audio/amr"));
  CHECK_FALSE(allowed(MediaKind::image, ""));
  CHECK(allowed(MediaKind::voice, "audio/silk"));
  CHECK_FALSE(allowed(MediaKind::voice, "image/jpeg"));
  CHECK(allowed(MediaKind::file, "application/pdf"));
  CHECK_FALSE(allowed(MediaKind::file, "text/html"));
}

TEST_CASE("media files are named by their sha256 under two-letter folders", "[media]") {
  test::TempDir dir;
  MediaFiles files(dir.file("media"));
  std::error_code ec;
  const std::string sha = files.put("photo bytes", ec);
  REQUIRE_FALSE(ec);
  CHECK(sha == adapters::to_hex(adapters::sha256("photo bytes")));
  CHECK(files.path_of(sha) == dir.file("media") + "/" + sha.substr(0, 2) + "/" + sha.substr(2));
  CHECK(std::filesystem::exists(files.path_of(sha)));
  CHECK(files.read(sha) == std::optional<std::string>("photo bytes"));
  // The same bytes again: the same name, one file, no temporary left behind.
  CHECK(files.put("photo bytes", ec) == sha);
  size_t entries = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(dir.file("media") + "/" + sha.substr(0, 2))) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);
  files.remove(sha);
  CHECK_FALSE(files.read(sha).has_value());
  // Names that are not a sha256 never reach the disk.
  CHECK(files.path_of("../../etc/passwd").empty());
  CHECK(files.path_of(std::string(64, 'A')).empty());
}

TEST_CASE("signed media links expire and cannot be made without the secret", "[media]") {
  const UrlSigner signer("a-secret-of-16-bytes-or-more");
  const std::string sha(64, 'a');
  const std::string path = signer.path(sha, 1000, 60);
  const auto q = path.find('?');
  REQUIRE(path.substr(0, q) == "/media/" + sha);
  const auto exp = path.substr(q + 5, path.find('&') - q - 5);
  const auto sig = path.substr(path.find("sig=") + 4);
  CHECK(exp == "1060");
  CHECK(signer.verify(sha, exp, sig, 1000));
  CHECK(signer.verify(sha, exp, sig, 1060));
  CHECK_FALSE(signer.verify(sha, exp, sig, 1061));                   // expired
  CHECK_FALSE(signer.verify(sha, "9999999999", sig, 1000));          // a later exp is not signed
  CHECK_FALSE(signer.verify(std::string(64, 'b'), exp, sig, 1000));  // another file
  CHECK_FALSE(UrlSigner("another-secret-of-16-bytes").verify(sha, exp, sig, 1000));
  CHECK_FALSE(signer.verify(sha, exp, "", 1000));
}

TEST_CASE("the link secret is made once and kept", "[media]") {
  test::TempDir dir;
  std::string err;
  const auto a = load_or_create_secret(dir.file("m/url.key"), &err);
  REQUIRE(a.size() == 32);
  CHECK(load_or_create_secret(dir.file("m/url.key"), &err) == a);
  CHECK((std::filesystem::status(dir.file("m/url.key")).permissions() &
         std::filesystem::perms::others_read) == std::filesystem::perms::none);
}
