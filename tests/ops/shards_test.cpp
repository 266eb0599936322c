// Sharded indexes over Xapian's remote backend: the sample corpus indexed once as one database
// and once as 4 shards, two of them served by `passage shard serve` (xapian-tcpsrv) on loopback
// ports; the real server answers exactly the same over both. Then the remote shards are killed,
// stalled and restarted under a bounded load: no request fails, answers are partial (and say so)
// only while a shard is away, and whole again once it is back.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/index_layout.hpp"
#include "tests/ops/server_process.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace passage::test;
using Clock = std::chrono::steady_clock;

namespace {

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool port_open(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// `passage shard serve SHARD --port N` as a child process (it execs xapian-tcpsrv).
class ShardServer {
 public:
  ShardServer(fs::path shard, unsigned short port) : shard_(std::move(shard)), port_(port) {
    start();
  }
  ~ShardServer() { stop(SIGKILL); }
  void start() {
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::setpgid(0, 0);  // its own group: the per-connection children die with it
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
      const std::string bin = passage_binary(), port = std::to_string(port_);
      ::execl(bin.c_str(), bin.c_str(), "shard", "serve", shard_.c_str(), "--port", port.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (auto until = Clock::now() + std::chrono::seconds(20); Clock::now() < until;) {
      if (port_open(port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("shard server on port " << port_ << " did not start");
  }
  void stop(int sig) {
    if (pid_ <= 0) return;
    ::kill(-pid_, sig);
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  void pause() { ::kill(-pid_, SIGSTOP); }
  void resume() { ::kill(-pid_, SIGCONT); }

 private:
  fs::path shard_;
  unsigned short port_;
  pid_t pid_ = -1;
};

// Shards 0 and 1 local, 2 and 3 remote; with `disk`, shards 1 and 3 live in folders of their own
// there (as on other disks) instead of the index folder.
std::string shard_tables(unsigned short p2, unsigned short p3, int timeout_ms,
                         const fs::path& disk = {}) {
  auto own = [&](const char* name) {
    return disk.empty() ? std::string() : "path = \"" + (disk / name).string() + "\"\n";
  };
  return "[[index.shard]]\n[[index.shard]]\n" + own("one") +
         "[[index.shard]]\nremote = \"127.0.0.1:" + std::to_string(p2) +
         "\"\ntimeout_ms = " + std::to_string(timeout_ms) +
         "\n[[index.shard]]\nremote = \"127.0.0.1:" + std::to_string(p3) +
         "\"\ntimeout_ms = " + std::to_string(timeout_ms) + "\n" + own("three");
}

void index_config(const fs::path& config) {
  CommandResult r = run_command({passage_binary(), "index", "--config", config.string(), "-q"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

// What must be identical between one index and its shards: ranked ids with scores, totals,
// facet counts, the year histogram.
json comparable(const std::string& body) {
  json j = json::parse(body);
  json hits = json::array();
  // Scores to 9 significant digits: the shards' partial sums add up in another order.
  auto score = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return std::string(buf);
  };
  for (const json& h : j["results"])
    hits.push_back({h["id"], h["rank"], score(h["score"]), h["snippet"], h["page"]});
  return {{"total", j["total"]},
          {"hits", hits},
          {"facets", j["facets"]},
          {"years", j["year_histogram"]},
          {"did_you_mean", j.value("did_you_mean", "")}};
}

}  // namespace

TEST_CASE(
    "shards: 4 shards, 2 of them remote and 2 in folders of their own, answer exactly like one "
    "index",
    "[ops][shards]") {
  // One copy of the corpus, indexed twice: into one database and into 4 shards.
  TempDir one_dir;
  const fs::path one = make_sample_config(one_dir.path());
  const unsigned short p2 = free_port(), p3 = free_port();
  const fs::path sharded = one_dir / "sharded.toml";
  {
    std::string text = read_file(one);
    const std::string index_line = "path = \"" + (one_dir / "index").string() + "\"";
    REQUIRE(text.find(index_line) != std::string::npos);
    text.replace(text.find(index_line), index_line.size(),
                 "path = \"" + (one_dir / "sharded").string() + "\"");
    write_file(sharded, text + shard_tables(p2, p3, 2000, one_dir / "disk2"));
  }
  CommandResult check = run_command({passage_binary(), "config", "check", sharded.string()});
  INFO(check.out << check.err);
  REQUIRE(check.exit_code == 0);
  index_config(one);
  index_config(sharded);
  const fs::path index = one_dir / "sharded";
  for (int k = 0; k < 4; ++k) REQUIRE(fs::exists(index / ("shard-" + std::to_string(k))));
  // Shards 1 and 3 are written in their own folders, claimed for this index.
  CHECK(fs::exists(one_dir / "disk2" / "one" / "gen-1" / "shard-1" / "iamglass"));
  CHECK(fs::exists(one_dir / "disk2" / "three" / "gen-1" / "shard-3" / "iamglass"));
  CHECK(fs::exists(one_dir / "disk2" / "one" / "passage-shard-of"));
  CHECK_FALSE(fs::exists(index / "gen-1" / "shard-1"));
  CHECK(fs::exists(index / "gen-1" / "shard-2" / "iamglass"));
  ShardServer s2(index / "shard-2", p2), s3(index / "shard-3", p3);

  ServerProcess a({"--index", (one_dir / "index").string(), "-j", "1"});
  ServerProcess b({"--index", index.string(), "-j", "1"});
  HttpClient ca(a.port()), cb(b.port());
  const std::vector<std::string> mix{"q=migration",
                                     "q=asylum%20seekers",
                                     "q=integration%20courses&page=2&size=3",
                                     "q=refugiados",
                                     "q=Asylantr%C3%A4ge",
                                     "q=%22irregular%20migrants%22",
                                     "q=asylum%20AND%20(city%20OR%20municipality)",
                                     "q=integrat*",
                                     "q=migration&sort=date",
                                     "q=year:2015..2020%20migration",
                                     "q=concept:asylum-seekers",
                                     "q=refugees&filter=kind:report&filter=kind:blog",
                                     "q=migration&filter=language:de",
                                     "q=housing%20-Dublin",
                                     "q=title:sanctuary",
                                     "q=",
                                     "q=migraton",
                                     "q=refugee%20integration%20housing&lang=en,de"};
  for (const std::string& params : mix) {
    INFO(params);
    Response ra = ca.get("/api/search?" + params), rb = cb.get("/api/search?" + params);
    REQUIRE(ra.result_int() == 200);
    REQUIRE(rb.result_int() == 200);
    CHECK(json::parse(rb.body())["partial"] == false);
    const json ja = comparable(ra.body()), jb = comparable(rb.body());
    for (const auto& [key, value] : ja.items()) {
      INFO(key);
      CHECK(value == jb[key]);
    }
    Response fa = ca.get("/api/facets?" + params), fb = cb.get("/api/facets?" + params);
    CHECK(fa.result_int() == fb.result_int());
    if (fa.result_int() == 200) CHECK(json::parse(fa.body()) == json::parse(fb.body()));
  }
  // Documents and suggestions are found on whichever shard holds them.
  json first = json::parse(ca.get("/api/search?q=migration&size=50").body());
  for (const json& h : first["results"]) {
    const std::string id = h["id"];
    Response da = ca.get("/api/documents/" + id), db = cb.get("/api/documents/" + id);
    CHECK(da.result_int() == 200);
    CHECK(da.body() == db.body());
  }
  CHECK(ca.get("/api/suggest?q=mig").body() == cb.get("/api/suggest?q=mig").body());
  json health = json::parse(cb.get("/healthz").body());
  CHECK(health["status"] == "ok");
  CHECK(health["documents"] == json::parse(ca.get("/healthz").body())["documents"]);
  REQUIRE(health["shards"].size() == 4);
  CHECK(health["shards"][2]["remote"] == true);
  CHECK(health["shards"][2]["address"] == "127.0.0.1:" + std::to_string(p2));
  CHECK(health["shards"][3]["state"] == "up");

  // passage search opens the set as one database too.
  CommandResult cli_one = run_command(
      {passage_binary(), "search", "--index", (one_dir / "index").string(), "--json", "asylum"});
  CommandResult cli_sharded =
      run_command({passage_binary(), "search", "--index", index.string(), "--json", "asylum"});
  REQUIRE(cli_one.exit_code == 0);
  REQUIRE(cli_sharded.exit_code == 0);
  CHECK(comparable(cli_one.out) == comparable(cli_sharded.out));

  // Incremental runs update each document in its own shard; a changed shard count needs --full.
  fs::remove(one_dir / "corpus" / "migration-blog" /
             fs::directory_iterator(one_dir / "corpus" / "migration-blog")->path().filename());
  CommandResult again =
      run_command({passage_binary(), "index", "--config", sharded.string(), "--json", "-q"});
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("\"deleted\":1"));
  std::string text = read_file(sharded);
  const std::string two_local = "[[index.shard]]\n[[index.shard]]\n";
  REQUIRE(text.find(two_local) != std::string::npos);
  text.erase(text.find(two_local), two_local.size());
  write_file(sharded, text);
  CommandResult fewer =
      run_command({passage_binary(), "index", "--config", sharded.string(), "-q"});
  CHECK(fewer.exit_code == 1);
  CHECK_THAT(fewer.err, Catch::Contains("has 4 shard(s) but the config asks for 2") &&
                            Catch::Contains("--full"));
}

TEST_CASE(
    "shards: a remote shard killed, stalled and restarted under load: partial answers, no failures",
    "[ops][shards]") {
  TempDir dir;
  const unsigned short p2 = free_port(), p3 = free_port();
  const fs::path config = make_sample_config(dir.path(), shard_tables(p2, p3, 300));
  index_config(config);
  const fs::path index = dir / "index";
  auto s2 = std::make_unique<ShardServer>(index / "shard-2", p2);
  auto s3 = std::make_unique<ShardServer>(index / "shard-3", p3);
  ServerProcess server({"--index", index.string(), "-j", "2"});
  HttpClient probe(server.port());
  const int whole = json::parse(probe.get("/api/search?q=").body())["total"];
  REQUIRE(whole > 0);

  // Bounded load: 3 keep-alive clients until told to stop (at most 90 s or 20000 requests).
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, partial{0}, failed{0};
  std::vector<std::string> failures;
  std::mutex mu;
  const std::vector<std::string> targets{
      "/api/search?q=migration", "/api/search?q=asylum&filter=kind:report",
      "/api/facets?q=refugees", "/healthz", "/api/suggest?q=mig"};
  const auto deadline = Clock::now() + std::chrono::seconds(90);
  std::vector<std::thread> load;
  for (int t = 0; t < 3; ++t)
    load.emplace_back([&, t] {
      try {
        HttpClient c(server.port());
        for (int i = 0; !stop && ok + failed < 20000 && Clock::now() < deadline; ++i) {
          Response r = c.get(targets[(t + i) % targets.size()]);
          if (r.result_int() != 200) {
            ++failed;
            std::lock_guard lock(mu);
            failures.push_back(std::to_string(r.result_int()) + " " + r.body());
            continue;
          }
          ++ok;
          json j = json::parse(r.body());
          if (j.value("partial", false) || j.value("status", "") == "degraded") ++partial;
        }
      } catch (const std::exception& e) {
        ++failed;
        std::lock_guard lock(mu);
        failures.push_back(e.what());
      }
    });
  auto settle = [&](auto pred) {
    for (auto until = Clock::now() + std::chrono::seconds(20); Clock::now() < until;) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  auto search = [&] { return json::parse(probe.get("/api/search?q=").body()); };
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CHECK(partial == 0);

  // Killed: answers from the other shards, marked partial and naming the missing one.
  s3->stop(SIGKILL);
  CHECK(settle([&] { return search()["partial"] == true; }));
  json p = search();
  CHECK(p["total"].get<int>() < whole);
  REQUIRE(p["missing_shards"].size() == 1);
  CHECK_THAT(p["missing_shards"][0].get<std::string>(),
             Catch::Contains("shard-3") && Catch::Contains(std::to_string(p3)));
  json h = json::parse(probe.get("/healthz").body());
  CHECK(h["status"] == "degraded");
  CHECK(h["shards"][3]["state"] == "down");
  std::this_thread::sleep_for(std::chrono::seconds(2));

  // Back: whole again.
  s3 = std::make_unique<ShardServer>(index / "shard-3", p3);
  CHECK(settle([&] {
    json j = search();
    return j["partial"] == false && j["total"] == whole;
  }));
  CHECK(json::parse(probe.get("/healthz").body())["status"] == "ok");

  // Stalled past its timeout: the same, then whole again once it answers.
  s2->pause();
  CHECK(settle([&] { return search()["partial"] == true; }));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  s2->resume();
  CHECK(settle([&] {
    json j = search();
    return j["partial"] == false && j["total"] == whole;
  }));

  stop = true;
  for (auto& t : load) t.join();
  INFO("failures: " << (failures.empty() ? std::string() : failures.front()));
  CHECK(failed == 0);
  CHECK(ok > 100);
  CHECK(partial > 0);
  WARN("shard faults: " << ok << " requests, " << partial << " partial, " << failed << " failed");
}

TEST_CASE(
    "shards: a shard in a folder of its own follows rebuilds, moves only with --full, and "
    "belongs to one index",
    "[ops][shards]") {
  TempDir dir;
  const fs::path base = make_sample_config(dir.path());
  index_config(base);
  const auto reference = index_contents(dir / "index");
  REQUIRE_FALSE(reference.empty());
  const fs::path index = dir / "placed";
  // The same corpus as 2 shards, shard 1 in `folder` (as on another disk), indexed into `into`.
  auto write_config = [&](const fs::path& file, const fs::path& into, const fs::path& folder) {
    std::string text = read_file(base);
    const std::string index_line = "path = \"" + (dir / "index").string() + "\"";
    REQUIRE(text.find(index_line) != std::string::npos);
    text.replace(text.find(index_line), index_line.size(), "path = \"" + into.string() + "\"");
    write_file(file, text + "[[index.shard]]\n[[index.shard]]\npath = \"" + folder.string() + "\"\n");
  };
  const fs::path config = dir / "placed.toml";
  auto run = [&](const fs::path& file, bool full) {
    std::vector<std::string> argv{passage_binary(), "index", "--config", file.string(), "-q"};
    if (full) argv.push_back("--full");
    return run_command(argv);
  };
  auto ok = [&](bool full) {
    CommandResult r = run(config, full);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  };
  const fs::path d1 = dir / "d1", d2 = dir / "d2";
  write_config(config, index, d1);
  ok(false);
  CHECK(index_contents(index) == reference);
  CHECK(fs::exists(d1 / "gen-1" / "shard-1" / "iamglass"));
  CHECK(fs::exists(index / "gen-1" / "shard-0" / "iamglass"));
  CHECK_FALSE(fs::exists(index / "gen-1" / "shard-1"));

  // Rebuilds switch both folders together; the previous generation stays one rebuild longer.
  ok(true);
  CHECK(fs::exists(d1 / "gen-1"));
  CHECK(fs::exists(d1 / "gen-2" / "shard-1" / "iamglass"));
  ok(true);
  CHECK_FALSE(fs::exists(d1 / "gen-1"));
  CHECK_FALSE(fs::exists(index / "gen-1"));
  CHECK(fs::exists(d1 / "gen-3" / "shard-1" / "iamglass"));
  CHECK(index_contents(index) == reference);

  // Moving the shard: an incremental run refuses, a rebuild moves it, the next one clears d1.
  write_config(config, index, d2);
  CommandResult moved = run(config, false);
  CHECK(moved.exit_code == 1);
  CHECK_THAT(moved.err, Catch::Contains("shard 1 of index") &&
                            Catch::Contains("is in " + (d1 / "gen-3" / "shard-1").string()) &&
                            Catch::Contains("--full"));
  ok(true);
  CHECK(fs::exists(d2 / "gen-4" / "shard-1" / "iamglass"));
  CHECK(index_contents(index) == reference);
  CHECK(fs::exists(d1 / "gen-3"));  // for readers still on the previous generation
  ok(true);
  CHECK_FALSE(fs::exists(d1 / "gen-3"));
  CHECK(fs::exists(d2 / "gen-5" / "shard-1" / "iamglass"));
  ok(false);  // incremental, in place
  CHECK(index_contents(index) == reference);

  // Another index naming the same folder is refused before it writes anything.
  const fs::path other = dir / "other.toml";
  write_config(other, dir / "other-index", d2);
  CommandResult clash = run(other, false);
  CHECK(clash.exit_code == 1);
  CHECK_THAT(clash.err, Catch::Contains("belongs to the index at " + index.string()));
  CHECK(passage::layout::generations_on_disk(d2).size() == 2);  // gen-4 and gen-5, untouched
}
