// Server operations against the real `passage serve`: /metrics, admin reindex jobs (token,
// states, report), reindex under client load, CORS from corpus-config, the access log,
// graceful SIGTERM and a clear error when the port is taken.

#include <signal.h>

#include <atomic>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/ops/server_process.hpp"
#include "tests/test_support.hpp"

namespace {

using namespace passage::test;
using json = nlohmann::json;
namespace fs = std::filesystem;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

const std::string kToken = "test-admin-token-0123456789abcdef";
const Headers kAuth = {{"Authorization", "Bearer " + kToken}};

// A private sample corpus with its index built.
struct Corpus {
  TempDir dir;
  fs::path config;
  explicit Corpus(const std::string& extra = "") {
    config = make_sample_config(dir.path(), extra);
    CommandResult r = run_command({passage_binary(), "index", "--config", config.string(), "-q"});
    if (r.exit_code != 0) throw std::runtime_error("indexing the sample corpus failed: " + r.err);
  }
};

// One read-only corpus for the tests that do not change it (indexing takes a few seconds).
const Corpus& shared_corpus() {
  static Corpus corpus(
      "[server]\nadmin_token_env = \"PASSAGE_TEST_TOKEN\"\ncors_origins = [\"https://a.example\"]\n");
  return corpus;
}

std::string header(const Response& res, std::string_view name) {
  auto it = res.find(name);
  return it == res.end() ? std::string() : std::string(it->value());
}

// ---- Prometheus text parsing -------------------------------------------------------------

struct Exposition {
  std::map<std::string, double> samples;     // "name{labels}" -> value
  std::map<std::string, std::string> types;  // family -> type
  double at(const std::string& key) const {
    auto it = samples.find(key);
    if (it == samples.end()) throw std::runtime_error("no sample " + key);
    return it->second;
  }
};

Exposition parse_exposition(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? (-?[0-9.eE+-]+|\+Inf)$)");
  const std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (std::regex_match(line, m, type)) {
      e.types[m[1]] = m[2];
      continue;
    }
    INFO(line);
    REQUIRE(std::regex_match(line, m, sample));
    std::string name = m[1];
    std::string family = std::regex_replace(name, std::regex("_(bucket|sum|count)$"), "");
    CHECK((e.types.count(name) == 1 || e.types.count(family) == 1));  // TYPE before samples
    e.samples[name + std::string(m[2])] = std::stod(m[4]);
  }
  return e;
}

TEST_CASE("ops: /metrics in Prometheus text format", "[ops]") {
  const Corpus& corpus = shared_corpus();
  ServerProcess server({"--config", corpus.config.string(), "-j", "2"});
  HttpClient client(server.port());
  const double documents = json::parse(client.get("/healthz").body())["documents"].get<double>();
  for (int i = 0; i < 5; ++i) REQUIRE(client.get("/api/search?q=asylum").result_int() == 200);
  REQUIRE(client.get("/api/search?page=0").result_int() == 400);
  REQUIRE(client.get("/no/such/path").result_int() == 404);

  Response res = client.get("/metrics");
  REQUIRE(res.result_int() == 200);
  CHECK_THAT(header(res, "Content-Type"), Catch::StartsWith("text/plain; version=0.0.4"));
  Exposition m = parse_exposition(res.body());
  CHECK(m.at(R"(passage_http_requests_total{route="search",status="200"})") == 5);
  CHECK(m.at(R"(passage_http_requests_total{route="search",status="400"})") == 1);
  CHECK(m.at(R"(passage_http_requests_total{route="other",status="404"})") == 1);
  CHECK(m.at(R"(passage_http_requests_total{route="health",status="200"})") == 1);
  CHECK(m.types.at("passage_http_request_duration_seconds") == "histogram");
  // Buckets are cumulative and end with +Inf == count == the 8 requests before this one.
  double previous = 0;
  for (const auto& [key, value] : m.samples) {
    if (key.rfind("passage_http_request_duration_seconds_bucket", 0) != 0) continue;
    CHECK(value >= 0);
    if (key.find("+Inf") == std::string::npos) previous = std::max(previous, value);
  }
  CHECK(m.at(R"(passage_http_request_duration_seconds_bucket{le="+Inf"})") == 8);
  CHECK(previous <= 8);
  CHECK(m.at("passage_http_request_duration_seconds_count") == 8);
  CHECK(m.at("passage_http_request_duration_seconds_sum") > 0);
  CHECK(m.at("passage_http_requests_in_flight") == 1);  // this scrape
  CHECK(m.at("passage_http_connections_open") >= 1);
  CHECK(m.at("passage_worker_threads") == 2);
  CHECK(m.at("passage_index_documents") == documents);
  std::uintmax_t on_disk = 0;
  for (const auto& f : fs::recursive_directory_iterator(corpus.dir / "index"))
    if (f.is_regular_file()) on_disk += f.file_size();
  CHECK(m.at("passage_index_size_bytes") == static_cast<double>(on_disk));
  double now = static_cast<double>(std::time(nullptr));
  CHECK(m.at("passage_index_last_indexed_timestamp_seconds") > now - 600);
  CHECK(m.at("passage_index_last_indexed_timestamp_seconds") <= now + 1);
  CHECK(m.at(R"(passage_reindex_jobs_total{state="succeeded"})") == 0);
  double uptime = m.at("passage_uptime_seconds");
  CHECK(uptime > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Exposition again = parse_exposition(client.get("/metrics").body());
  CHECK(again.at("passage_uptime_seconds") > uptime);
  CHECK(again.at(R"(passage_http_requests_total{route="metrics",status="200"})") == 1);
}

TEST_CASE("ops: admin endpoints need the bearer token", "[ops]") {
  const Corpus& corpus = shared_corpus();
  SECTION("no token configured: disabled") {
    ServerProcess server({"--config", corpus.config.string(), "-j", "1"});
    HttpClient client(server.port());
    Response res = client.request(http::verb::post, "/api/admin/reindex", kAuth);
    CHECK(res.result_int() == 403);
    CHECK_THAT(json::parse(res.body())["error"]["message"].get<std::string>(), Catch::Contains("disabled"));
    CHECK(client.get("/api/admin/jobs/1", kAuth).result_int() == 403);
  }
  for (const auto& env : std::vector<std::pair<std::string, std::string>>{{"PASSAGE_ADMIN_TOKEN", kToken},
                                                                         {"PASSAGE_TEST_TOKEN", kToken}}) {
    DYNAMIC_SECTION("token from " << env.first) {
      ServerProcess server({"--config", corpus.config.string(), "-j", "1"}, {env});
      HttpClient client(server.port());
      Response none = client.request(http::verb::post, "/api/admin/reindex");
      CHECK(none.result_int() == 401);
      CHECK_THAT(header(none, "WWW-Authenticate"), Catch::StartsWith("Bearer"));
      Response basic = client.request(http::verb::post, "/api/admin/reindex", {{"Authorization", "Basic YTpi"}});
      CHECK(basic.result_int() == 401);
      for (const std::string& wrong : std::vector<std::string>{kToken + "x", kToken.substr(0, kToken.size() - 1), "x",
                                                               "test-admin-token-0123456789abcdeF"}) {
        INFO(wrong);
        Response res = client.request(http::verb::post, "/api/admin/reindex", {{"Authorization", "Bearer " + wrong}});
        CHECK(res.result_int() == 403);
        CHECK(json::parse(res.body())["error"]["code"] == "forbidden");
      }
      CHECK(client.get("/api/admin/jobs/42", kAuth).result_int() == 404);
      CHECK(client.get("/api/admin/reindex", kAuth).result_int() == 405);
      Response unknown = client.request(http::verb::post, "/api/admin/reindex?source=no-such-source", kAuth);
      CHECK(unknown.result_int() == 400);
      CHECK_THAT(json::parse(unknown.body())["error"]["message"].get<std::string>(), Catch::Contains("no-such-source"));
      Response bad_full = client.request(http::verb::post, "/api/admin/reindex?full=maybe", kAuth);
      CHECK(bad_full.result_int() == 400);
      CHECK_THAT(json::parse(bad_full.body())["error"]["message"].get<std::string>(),
                 Catch::Contains("full must be"));
      Response both =
          client.request(http::verb::post, "/api/admin/reindex?full=true&source=x", kAuth);
      CHECK(both.result_int() == 400);
      CHECK_THAT(json::parse(both.body())["error"]["message"].get<std::string>(),
                 Catch::Contains("every source"));
    }
  }
  SECTION("no corpus-config: reindex is a 409 conflict") {
    ServerProcess server({"--index", (corpus.dir / "index").string(), "-j", "1"}, {{"PASSAGE_ADMIN_TOKEN", kToken}});
    HttpClient client(server.port());
    Response res = client.request(http::verb::post, "/api/admin/reindex", kAuth);
    CHECK(res.result_int() == 409);
    CHECK_THAT(json::parse(res.body())["error"]["message"].get<std::string>(), Catch::Contains("--config"));
  }
}

int job_generation(const json& report) { return report["generation"].get<int>(); }

// Generated documents with a word found nowhere else, so they can be counted after a reindex.
void add_documents(const fs::path& folder, int count) {
  for (int i = 0; i < count; ++i) {
    write_file(folder / ("added-" + std::to_string(i) + ".html"),
               "<!doctype html><html lang=\"en\"><head><title>Zephyrion report " + std::to_string(i) +
                   "</title></head><body><p>The zephyrion municipal reception programme number " +
                   std::to_string(i) + " supports refugees and asylum seekers with housing.</p></body></html>\n");
  }
}

TEST_CASE("ops: reindex job under client load: zero failed requests, new documents searchable", "[ops]") {
  Corpus corpus;
  ServerProcess server({"--config", corpus.config.string(), "-j", "2"}, {{"PASSAGE_ADMIN_TOKEN", kToken}});
  HttpClient admin(server.port());
  REQUIRE(json::parse(admin.get("/api/search?q=zephyrion").body())["total"] == 0);
  constexpr int kAdded = 150;
  add_documents(corpus.dir / "corpus/migration-blog", kAdded);

  // Bounded load: 3 threads on keep-alive connections until the job is done (at most 6000
  // requests or 120 s in all).
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::string> failures;
  std::mutex failures_mu;
  const std::vector<std::string> targets{"/api/search?q=asylum", "/api/search?q=integration&filter=kind:blog",
                                         "/api/suggest?q=mig", "/healthz", "/api/search?q=refugees&sort=date",
                                         "/api/search?q=zephyrion"};
  auto deadline = Clock::now() + seconds(120);
  std::vector<std::thread> load;
  for (int t = 0; t < 3; ++t) {
    load.emplace_back([&, t] {
      try {
        HttpClient c(server.port());
        for (int i = 0; !stop && ok + failed < 6000 && Clock::now() < deadline; ++i) {
          Response res = c.get(targets[(t + i) % targets.size()]);
          if (res.result_int() == 200) {
            ++ok;
          } else {
            ++failed;
            std::lock_guard lock(failures_mu);
            failures.push_back(std::to_string(res.result_int()) + " " + res.body());
          }
        }
      } catch (const std::exception& e) {
        ++failed;
        std::lock_guard lock(failures_mu);
        failures.push_back(e.what());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  Response started = admin.request(http::verb::post, "/api/admin/reindex", kAuth);
  REQUIRE(started.result_int() == 202);
  json job = json::parse(started.body());
  const std::string id = job["id"];
  CHECK(header(started, "Location") == "/api/admin/jobs/" + id);
  CHECK((job["state"] == "queued" || job["state"] == "running"));
  // One job at a time.
  Response second = admin.request(http::verb::post, "/api/admin/reindex", kAuth);
  CHECK(second.result_int() == 409);
  CHECK_THAT(json::parse(second.body())["error"]["message"].get<std::string>(), Catch::Contains("job " + id));

  std::set<std::string> states;
  while (Clock::now() < deadline) {
    job = json::parse(admin.get("/api/admin/jobs/" + id, kAuth).body());
    states.insert(job["state"].get<std::string>());
    if (job["state"] == "succeeded" || job["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // A little more load on the new index, then stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (auto& t : load) t.join();

  INFO(job.dump(2));
  REQUIRE(job["state"] == "succeeded");
  CHECK(states.count("running") == 1);
  CHECK(job["error"].is_null());
  CHECK(job["finished"].is_string());
  const json report = job["report"];  // a copy: `job` is reassigned below
  CHECK(report["indexed"] == kAdded);
  CHECK(report["found"].get<int>() == report["indexed"].get<int>() + report["unchanged"].get<int>() +
                                           static_cast<int>(report["failed"].size()));
  CHECK(report["documents"].get<int>() >= kAdded + 20);
  CHECK(job["progress"]["done"] == report["found"]);
  CHECK(job["progress"]["indexed"] == kAdded);

  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failed == 0);
  CHECK(ok > 50);
  // Searchable at once after the job said it succeeded (every worker re-opens first).
  for (int i = 0; i < 4; ++i) {
    HttpClient c(server.port());
    json found = json::parse(c.get("/api/search?q=zephyrion").body());
    CHECK(found["total"] == kAdded);
  }
  Exposition m = parse_exposition(admin.get("/metrics").body());
  CHECK(m.at(R"(passage_reindex_jobs_total{state="succeeded"})") == 1);
  CHECK(m.at("passage_index_documents") == report["documents"].get<double>());

  // A job for one source: its files only.
  fs::remove(corpus.dir / "corpus/migration-blog/added-0.html");
  Response one = admin.request(http::verb::post, "/api/admin/reindex?source=migration-blog", kAuth);
  REQUIRE(one.result_int() == 202);
  const std::string one_id = json::parse(one.body())["id"];
  for (auto until = Clock::now() + seconds(60); Clock::now() < until;) {
    job = json::parse(admin.get("/api/admin/jobs/" + one_id, kAuth).body());
    if (job["state"] == "succeeded" || job["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(job["state"] == "succeeded");
  CHECK(job["source"] == "migration-blog");
  CHECK(job["report"]["deleted"] == 1);
  CHECK(job["report"]["found"].get<int>() < report["found"].get<int>());
  CHECK(json::parse(admin.get("/api/search?q=zephyrion").body())["total"] == kAdded - 1);
  CHECK(json::parse(admin.get("/healthz").body())["documents"] == report["documents"].get<int>() - 1);

  // A full rebuild: a new generation, switched to when complete.
  fs::remove(corpus.dir / "corpus/migration-blog/added-1.html");
  Response full = admin.request(http::verb::post, "/api/admin/reindex?full=true", kAuth);
  REQUIRE(full.result_int() == 202);
  CHECK(json::parse(full.body())["full"] == true);
  const std::string full_id = json::parse(full.body())["id"];
  for (auto until = Clock::now() + seconds(120); Clock::now() < until;) {
    job = json::parse(admin.get("/api/admin/jobs/" + full_id, kAuth).body());
    if (job["state"] == "succeeded" || job["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(job["state"] == "succeeded");
  CHECK(job["report"]["generation"].get<int>() == job_generation(report) + 1);
  CHECK(job["report"]["deleted"] == 1);
  CHECK(job["report"]["unchanged"] == 0);
  CHECK(json::parse(admin.get("/api/search?q=zephyrion").body())["total"] == kAdded - 2);
  CHECK(json::parse(admin.get("/healthz").body())["documents"] ==
        report["documents"].get<int>() - 2);
}

TEST_CASE("ops: a failing reindex job reports why", "[ops]") {
  Corpus corpus;
  ServerProcess server({"--config", corpus.config.string(), "-j", "1"}, {{"PASSAGE_ADMIN_TOKEN", kToken}});
  HttpClient admin(server.port());
  // The config becomes invalid after start-up: the job (which reads it afresh) fails.
  write_file(corpus.config, read_file(corpus.config) + "\n[[source]]\nname = \"broken\"\n");
  Response started = admin.request(http::verb::post, "/api/admin/reindex", kAuth);
  REQUIRE(started.result_int() == 202);
  const std::string id = json::parse(started.body())["id"];
  json job;
  for (auto until = Clock::now() + seconds(60); Clock::now() < until;) {
    job = json::parse(admin.get("/api/admin/jobs/" + id, kAuth).body());
    if (job["state"] == "succeeded" || job["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(job.dump());
  CHECK(job["state"] == "failed");
  CHECK_THAT(job["error"].get<std::string>(), Catch::Contains("missing required key"));
  CHECK(job["report"].is_null());
  CHECK(admin.get("/healthz").result_int() == 200);
  CHECK(parse_exposition(admin.get("/metrics").body()).at(R"(passage_reindex_jobs_total{state="failed"})") == 1);
}

TEST_CASE("ops: CORS origins from corpus-config and --cors-origin", "[ops]") {
  const Corpus& corpus = shared_corpus();
  ServerProcess server({"--config", corpus.config.string(), "-j", "1", "--cors-origin", "https://b.example"});
  HttpClient client(server.port());
  for (const std::string origin : {"https://a.example", "https://b.example"}) {
    Response res = client.get("/api/search?q=asylum", {{"Origin", origin}});
    CHECK(header(res, "Access-Control-Allow-Origin") == origin);
    CHECK(header(res, "Vary") == "Origin");
    Response pre = client.request(http::verb::options, "/api/search",
                                  {{"Origin", origin}, {"Access-Control-Request-Method", "GET"}});
    CHECK(pre.result_int() == 204);
    CHECK(header(pre, "Access-Control-Allow-Origin") == origin);
    CHECK_THAT(header(pre, "Access-Control-Allow-Methods"), Catch::Contains("GET"));
  }
  Response other = client.get("/api/search?q=asylum", {{"Origin", "https://evil.example"}});
  CHECK(header(other, "Access-Control-Allow-Origin").empty());
  CHECK(header(other, "Vary") == "Origin");
}

TEST_CASE("ops: JSON access log with request id and no query string", "[ops]") {
  const Corpus& corpus = shared_corpus();
  ServerProcess server({"--config", corpus.config.string(), "-j", "1"});
  {
    HttpClient client(server.port());
    Response mine = client.get("/api/search?q=secretword", {{"X-Request-Id", "trace-abc.123"}});
    CHECK(header(mine, "X-Request-Id") == "trace-abc.123");
    Response made = client.get("/healthz", {{"X-Request-Id", std::string(100, 'x')}});
    CHECK(header(made, "X-Request-Id").size() < 40);
    CHECK_FALSE(header(made, "X-Request-Id").empty());
    CHECK(client.get("/nope").result_int() == 404);
  }
  server.signal(SIGTERM);
  REQUIRE(server.wait(seconds(10)) == 0);
  std::istringstream log(server.err());
  std::string line;
  std::vector<json> requests;
  while (std::getline(log, line)) {
    INFO(line);
    json j = json::parse(line);  // every line is one JSON object
    REQUIRE(j.is_object());
    if (j["event"] == "http_request") requests.push_back(j);
  }
  REQUIRE(requests.size() == 3);
  CHECK(requests[0]["id"] == "trace-abc.123");
  CHECK(requests[0]["method"] == "GET");
  CHECK(requests[0]["path"] == "/api/search");
  CHECK(requests[0]["status"] == 200);
  CHECK(requests[0]["bytes"].get<int>() > 0);
  CHECK(requests[0]["duration_ms"].get<double>() >= 0);
  CHECK(requests[1]["id"] != requests[2]["id"]);
  CHECK(requests[2]["status"] == 404);
  CHECK(server.err().find("secretword") == std::string::npos);
}

TEST_CASE("ops: SIGTERM lets requests in flight finish, closes idle connections, exits 0", "[ops]") {
  Corpus corpus;
  ServerProcess server({"--config", corpus.config.string(), "-j", "2"}, {{"PASSAGE_ADMIN_TOKEN", kToken}});
  HttpClient idle(server.port());
  REQUIRE(idle.get("/healthz").result_int() == 200);
  // A reindex job is running too: it must not hold up the shutdown.
  add_documents(corpus.dir / "corpus/migration-blog", 100);
  REQUIRE(idle.request(http::verb::post, "/api/admin/reindex", kAuth).result_int() == 202);

  std::atomic<int> ok{0}, refused{0}, bad{0};
  std::atomic<bool> signalled{false};
  std::atomic<int> ok_after_signal{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      for (int i = 0; i < 400; ++i) {
        bool after = signalled;
        try {
          HttpClient c(server.port(), seconds(10));  // a new connection each time
          Response res = c.get("/api/search?q=asylum+refugees&size=20");
          if (res.result_int() == 200 && json::parse(res.body()).contains("results")) {
            ++ok;
            if (after) ++ok_after_signal;
          } else {
            ++bad;
          }
        } catch (const boost::system::system_error& e) {
          // Refused or closed before a response started: the server is going away. A response
          // cut short (partial_message) would be a failure.
          if (e.code() == http::error::partial_message) ++bad;
          else ++refused;
          if (!signalled) ++bad;
          return;
        }
      }
    });
  }
  while (ok < 40) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto sent = Clock::now();
  signalled = true;
  server.signal(SIGTERM);
  int code = server.wait(seconds(15));
  auto took = Clock::now() - sent;
  for (auto& t : load) t.join();
  CHECK(code == 0);
  CHECK(took < seconds(5));
  CHECK(bad == 0);
  CHECK(idle.closed_by_server());
  CHECK(server.err().find("http_server_stopping") != std::string::npos);
}

TEST_CASE("ops: a port in use is a clear error and exit 1", "[ops]") {
  const Corpus& corpus = shared_corpus();
  ServerProcess first({"--config", corpus.config.string(), "-j", "1"});
  CommandResult second = run_command({passage_binary(), "serve", "--config", corpus.config.string(), "--port",
                                      std::to_string(first.port())});
  CHECK(second.exit_code == 1);
  // The last line of stderr (a warning log line about the unset token variable may come first).
  CHECK_THAT(second.err, Catch::EndsWith("\npassage: error: cannot listen on 127.0.0.1:" +
                                         std::to_string(first.port()) + ": address already in use\n"));
  CHECK(HttpClient(first.port()).get("/healthz").result_int() == 200);
  CommandResult neither = run_command({passage_binary(), "serve", "--port", "0"});
  CHECK(neither.exit_code == 1);
  CHECK_THAT(neither.err, Catch::Contains("give --index DIR or --config FILE"));
}

}  // namespace
