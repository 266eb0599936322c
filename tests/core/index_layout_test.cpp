// core/index_layout: the stub file, generations, shard routing and addresses.

#include <xapian.h>

#include <catch2/catch.hpp>

#include "core/index_layout.hpp"
#include "tests/test_support.hpp"

using namespace passage;
using passage::test::TempDir;
using passage::test::write_file;
namespace fs = std::filesystem;

TEST_CASE("a document's shard comes from a stable FNV-1a hash of its id", "[layout]") {
  // Published FNV-1a 64-bit test vectors: the routing is the same on every machine and run.
  CHECK(layout::id_hash("") == 0xcbf29ce484222325ULL);
  CHECK(layout::id_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(layout::id_hash("foobar") == 0x85944171f73967e8ULL);
  CHECK(layout::shard_of("anything", 1) == 0);
  std::vector<std::size_t> per_shard(4);
  for (int i = 0; i < 4000; ++i) ++per_shard[layout::shard_of("source/file-" + std::to_string(i) + ".pdf", 4)];
  for (std::size_t n : per_shard) CHECK((n > 850 && n < 1150));  // roughly even
}

TEST_CASE("shard addresses", "[layout]") {
  struct Row {
    const char* text;
    bool ok;
    const char* host;
    int port;
  };
  const Row rows[] = {{"127.0.0.1:33333", true, "127.0.0.1", 33333}, {"shard1.example.org:1", true, "shard1.example.org", 1},
                      {"[::1]:4000", true, "::1", 4000},             {"host", false, "", 0},
                      {":80", false, "", 0},                          {"host:0", false, "", 0},
                      {"host:65536", false, "", 0},                   {"host:12ab", false, "", 0},
                      {"a b:80", false, "", 0}};
  for (const auto& r : rows) {
    INFO(r.text);
    auto a = layout::parse_address(r.text);
    REQUIRE(a.has_value() == r.ok);
    if (r.ok) {
      CHECK(a->first == r.host);
      CHECK(a->second == r.port);
    }
  }
}

TEST_CASE("the layout stub round-trips and is a stub Xapian reads", "[layout]") {
  TempDir dir;
  layout::Layout l;
  l.generation = 7;
  l.shards.push_back({"shard-0", dir / "gen-7/shard-0", "", 0, layout::kDefaultTimeoutMs});
  l.shards.push_back({"shard-1", dir / "gen-7/shard-1", "10.1.2.3", 4711, 350});
  REQUIRE(layout::write_layout(dir.path(), l).has_value());
  std::string stub = test::read_file(dir / "XAPIANDB");
  CHECK_THAT(stub, Catch::Contains("auto gen-7/shard-0\n"));
  CHECK_THAT(stub, Catch::Contains("remote 10.1.2.3:4711\n"));
  CHECK(test::read_file(dir / "shard-1") == "auto gen-7/shard-1\n");
  auto back = layout::read_layout(dir.path());
  REQUIRE(back.has_value());
  CHECK(back->generation == 7);
  REQUIRE(back->shards.size() == 2);
  CHECK(back->shards[0].path == (dir / "gen-7/shard-0").lexically_normal());
  CHECK_FALSE(back->shards[0].remote());
  CHECK(back->shards[1].host == "10.1.2.3");
  CHECK(back->shards[1].port == 4711);
  CHECK(back->shards[1].timeout_ms == 350);
  CHECK(back->stub_text == stub);
  CHECK_FALSE(fs::exists(dir / "XAPIANDB.tmp"));

  // A local-only stub opens with plain Xapian, as xapian-delve would.
  layout::Layout local;
  local.generation = 1;
  local.shards.push_back({"shard-0", dir / "gen-1/shard-0", "", 0, layout::kDefaultTimeoutMs});
  fs::create_directories(dir / "gen-1/shard-0");
  {
    Xapian::WritableDatabase w((dir / "gen-1/shard-0").string(), Xapian::DB_CREATE_OR_OPEN);
    w.add_document(Xapian::Document());
    w.commit();
  }
  REQUIRE(layout::write_layout(dir.path(), local).has_value());
  CHECK(Xapian::Database(dir.path().string()).get_doccount() == 1);
}

TEST_CASE("no index and damaged stubs are clear errors", "[layout]") {
  TempDir dir;
  CHECK(layout::read_layout(dir / "missing").error().code == ErrorCode::kNotFound);
  fs::create_directories(dir / "empty");
  CHECK(layout::read_layout(dir / "empty").error().code == ErrorCode::kNotFound);
  write_file(dir / "bad/XAPIANDB", "# nothing\nchert\n");
  auto bad = layout::read_layout(dir / "bad");
  REQUIRE_FALSE(bad.has_value());
  CHECK_THAT(bad.error().message, Catch::Contains("XAPIANDB:2"));
  write_file(dir / "bad2/XAPIANDB", "remote nohost\n");
  CHECK_THAT(layout::read_layout(dir / "bad2").error().message, Catch::Contains("bad shard address"));
}

TEST_CASE("a shard's own folder belongs to one index only", "[layout][shards]") {
  TempDir dir;
  const fs::path folder = dir / "disk2" / "passage";
  REQUIRE(layout::claim_shard_folder(folder, dir / "index").has_value());
  CHECK(fs::exists(folder / layout::kShardOwnerFile));
  // The same index again (however its path is spelled) is fine, and so are its generations.
  fs::create_directories(folder / "gen-1" / "shard-1");
  CHECK(layout::claim_shard_folder(folder, dir / "." / "index").has_value());
  // Another index is refused, naming both.
  auto other = layout::claim_shard_folder(folder, dir / "other");
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().code == ErrorCode::kFailedPrecondition);
  CHECK_THAT(other.error().message,
             Catch::Contains("belongs to the index at " + (dir / "index").string()) &&
                 Catch::Contains((dir / "other").string()));
  // A folder holding something else is not taken over; a disk's lost+found is no obstacle.
  write_file(dir / "photos" / "holiday.jpg", "x");
  auto busy = layout::claim_shard_folder(dir / "photos", dir / "index");
  REQUIRE_FALSE(busy.has_value());
  CHECK_THAT(busy.error().message, Catch::Contains("is not empty (holiday.jpg)"));
  fs::create_directories(dir / "mount" / "lost+found");
  CHECK(layout::claim_shard_folder(dir / "mount", dir / "index").has_value());
}

TEST_CASE("the folder holding a shard's generations", "[layout][shards]") {
  CHECK(layout::shard_root_of("/d/idx/gen-3/shard-1") == "/d/idx");
  CHECK(layout::shard_root_of("/disk2/p/gen-12/shard-0") == "/disk2/p");
  CHECK(layout::shard_root_of("/d/idx").empty());
  CHECK(layout::shard_root_of("/d/gen-x/shard-1").empty());
  CHECK(layout::shard_root_of("/d/gen-3/other").empty());
}
