// Load and soak (issue 7, reliability 2): wrk against the real `passage serve` on 127.0.0.1 with
// a Lua script cycling queries, while a reindex job switches the index midway. Zero non-2xx
// responses and zero socket errors; resident memory growth bounded. Short by default (CTest
// label `load`); PASSAGE_LOAD_SECONDS and PASSAGE_LOAD_CONNECTIONS make it longer/heavier.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/ops/server_process.hpp"
#include "tests/test_support.hpp"

namespace {

using namespace passage::test;
using json = nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kToken = "load-test-admin-token-0123456789";

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : fallback;
}

struct WrkResult {
  long requests = -1;
  long non_2xx = 0;
  long socket_errors = 0;
  std::string output;
};

WrkResult run_wrk(unsigned short port, const fs::path& script, int seconds, int connections) {
  CommandResult r = run_command({"/usr/bin/wrk", "-t2", "-c" + std::to_string(connections),
                                 "-d" + std::to_string(seconds) + "s", "--timeout", "10s", "-s", script.string(),
                                 "http://127.0.0.1:" + std::to_string(port)});
  WrkResult w;
  w.output = r.out + r.err;
  if (r.exit_code != 0) return w;
  std::smatch m;
  if (std::regex_search(r.out, m, std::regex(R"((\d+) requests in)"))) w.requests = std::stol(m[1]);
  if (std::regex_search(r.out, m, std::regex(R"(Non-2xx or 3xx responses: (\d+))"))) w.non_2xx = std::stol(m[1]);
  if (std::regex_search(r.out, m, std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))")))
    w.socket_errors = std::stol(m[1]) + std::stol(m[2]) + std::stol(m[3]) + std::stol(m[4]);
  return w;
}

TEST_CASE("load: wrk with a reindex midway: no non-2xx, no socket errors, bounded memory", "[load]") {
  if (!fs::exists("/usr/bin/wrk")) {
    WARN("SKIPPED: wrk is not installed (Debian package wrk; scripts/install-deps.sh installs it)");
    return;
  }
  const int seconds = env_int("PASSAGE_LOAD_SECONDS", 12);
  const int connections = env_int("PASSAGE_LOAD_CONNECTIONS", 64);
  TempDir dir;
  fs::path config = make_sample_config(dir.path());
  CommandResult indexed = run_command({passage_binary(), "index", "--config", config.string(), "-q"});
  REQUIRE(indexed.exit_code == 0);
  ServerProcess server({"--config", config.string()}, {{"PASSAGE_ADMIN_TOKEN", kToken}});

  write_file(dir / "cycle.lua", R"(
local paths = {
  "/api/search?q=asylum",
  "/api/search?q=integration+housing&filter=kind:blog",
  "/api/search?q=refugi%C3%A9s&lang=fr",
  "/api/search?q=%22irregular+migrants%22",
  "/api/search?q=migration&sort=date&size=20",
  "/api/search?q=concept:asylum-seekers",
  "/api/suggest?q=resett",
  "/healthz",
  "/api/search?q=quokkanomics",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
)");
  // Warm up (caches, allocator arenas), then take the baseline.
  WrkResult warm = run_wrk(server.port(), dir / "cycle.lua", 2, connections);
  INFO(warm.output);
  REQUIRE(warm.requests > 0);
  const long rss_before = server.rss_kb();
  REQUIRE(rss_before > 0);

  // Midway, a full rebuild with 200 new documents: a new generation the server switches to.
  for (int i = 0; i < 200; ++i) {
    write_file(dir / ("corpus/eurocities/added/q" + std::to_string(i) + ".md"),
               "# Quokkanomics note " + std::to_string(i) + "\n\nQuokkanomics of municipal integration budgets, part " +
                   std::to_string(i) + ".\n");
  }
  json job;
  std::thread admin([&] {
    std::this_thread::sleep_for(std::chrono::seconds(seconds / 3));
    HttpClient c(server.port());
    const Headers auth{{"Authorization", "Bearer " + kToken}};
    Response started = c.request(http::verb::post, "/api/admin/reindex?full=true", auth);
    if (started.result_int() != 202) {
      job = {{"state", "not started"}, {"body", started.body()}};
      return;
    }
    std::string id = json::parse(started.body())["id"];
    for (auto until = Clock::now() + std::chrono::seconds(seconds + 120); Clock::now() < until;) {
      job = json::parse(c.get("/api/admin/jobs/" + id, auth).body());
      if (job["state"] == "succeeded" || job["state"] == "failed") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  WrkResult run = run_wrk(server.port(), dir / "cycle.lua", seconds, connections);
  admin.join();
  const long rss_after = server.rss_kb();

  INFO(run.output);
  INFO("job: " << job.dump());
  INFO("RSS before " << rss_before << " kB, after " << rss_after << " kB");
  REQUIRE(run.requests > 0);
  CHECK(run.non_2xx == 0);
  CHECK(run.socket_errors == 0);
  CHECK(job["state"] == "succeeded");
  CHECK(rss_after < 2 * rss_before + 50 * 1024);
  HttpClient c(server.port());
  CHECK(json::parse(c.get("/api/search?q=quokkanomics").body())["total"] == 200);
  WARN("load: " << run.requests << " requests in " << seconds << " s over " << connections
                << " connections; RSS " << rss_before / 1024 << " -> " << rss_after / 1024 << " MB");
}

}  // namespace
