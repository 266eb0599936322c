// Hostile clients against the real `passage serve` (issue 7, reliability 3): slowloris, oversized
// headers and bodies, malformed HTTP, path traversal, huge and deeply nested queries, invalid
// UTF-8. Each gets the right 4xx or a closed connection, and a normal client is answered between
// and during the attacks. Bounded: at most 200 connections, about 15 s.

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/ops/server_process.hpp"
#include "tests/test_support.hpp"

namespace {

using namespace passage::test;
using json = nlohmann::json;
namespace fs = std::filesystem;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

using namespace std::string_literals;

struct HostileFixture {
  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  HostileFixture() {
    fs::path config = make_sample_config(dir.path());
    CommandResult r = run_command({passage_binary(), "index", "--config", config.string(), "-q"});
    if (r.exit_code != 0) throw std::runtime_error("indexing failed: " + r.err);
    // A short read timeout so that slowloris connections are cut within the test.
    server = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--config", config.string(), "-j", "2", "--read-timeout", "2"});
  }
  unsigned short port() const { return server->port(); }
};

// A normal client on a fresh connection: answered, correctly, within 2 s.
void check_normal_client(unsigned short port) {
  auto started = Clock::now();
  HttpClient c(port, seconds(5));
  Response res = c.get("/api/search?q=asylum");
  CHECK(res.result_int() == 200);
  CHECK(json::parse(res.body())["total"].get<int>() > 0);
  CHECK(Clock::now() - started < seconds(2));
}

// Sends raw bytes on a new connection and returns the status of the answer, or 0 when the
// server closed the connection without one.
unsigned raw_status(unsigned short port, const std::string& bytes, std::string* body = nullptr) {
  HttpClient c(port, seconds(5));
  try {
    c.send_raw(bytes);
    Response res = c.read();
    if (body != nullptr) *body = res.body();
    return res.result_int();
  } catch (const boost::system::system_error&) {
    return 0;
  }
}

TEST_CASE("hostile clients: every attack gets a 4xx or a closed connection and normal clients keep being served",
          "[ops][hostile]") {
  // One server for every section (each section re-enters the test case).
  static HostileFixture fx;
  const unsigned short port = fx.port();
  check_normal_client(port);

  SECTION("slowloris: 200 half-sent requests hold no worker and are cut after the read timeout") {
    net::io_context ioc;
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    for (int i = 0; i < 200; ++i) {
      auto s = std::make_unique<tcp::socket>(ioc);
      s->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
      std::string part = "GET /api/search?q=asylum HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
      net::write(*s, net::buffer(part));
      sockets.push_back(std::move(s));
    }
    // During the attack: served, and promptly.
    for (int i = 0; i < 3; ++i) {
      check_normal_client(port);
      for (int k = 0; k < 20; ++k) net::write(*sockets[static_cast<std::size_t>(k)], net::buffer("a", 1));  // dribble
      std::this_thread::sleep_for(milliseconds(300));
    }
    // After the 2 s read timeout (dribbling does not extend it) every one is closed.
    auto until = Clock::now() + seconds(8);
    std::size_t closed = 0;
    for (auto& s : sockets) {
      // Plain recv with a receive timeout: 0 = closed by the server.
      timeval tv{std::max<long>(1, std::chrono::duration_cast<seconds>(until - Clock::now()).count()), 0};
      setsockopt(s->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[256];
      ssize_t n = ::recv(s->native_handle(), buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) ++closed;
    }
    CHECK(closed == sockets.size());
    check_normal_client(port);
  }

  SECTION("oversized headers (431), bodies (413), malformed HTTP (400 or close)") {
    struct Row {
      std::string name;
      std::string bytes;
      std::vector<unsigned> statuses;  // accepted answers; 0 = connection closed without one
    };
    const std::vector<Row> rows{
        {"20 KB header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n", {431}},
        {"1000 headers", "GET /healthz HTTP/1.1\r\nHost: x\r\n" + [] {
           std::string h;
           for (int i = 0; i < 1000; ++i) h += "X-H" + std::to_string(i) + ": v\r\n";
           return h;
         }() + "\r\n", {431}},
        {"100 KB request line", "GET /api/search?q=" + std::string(100 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", {431}},
        {"2 MB body", "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n" + std::string(64 * 1024, 'x'), {413}},
        {"huge chunk", "POST /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n", {413, 400}},
        {"not HTTP", "NOT HTTP AT ALL\r\n\r\n", {400, 0}},
        {"binary", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(300, '\0') + "\r\n\r\n", {400, 0}},
        {"bad version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", {400, 0}},
        {"space in target", "GET /api/search?q=a b HTTP/1.1\r\nHost: x\r\n\r\n", {400, 0}},
        {"bad content-length", "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", {400, 0}},
        {"two content-lengths", "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", {400, 0}},
        {"header without colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", {400, 0}},
        {"bare LF and NUL", "GET /healthz HTTP/1.1\nHo\0st: x\n\n"s, {400, 0}},
    };
    for (const Row& row : rows) {
      INFO(row.name);
      unsigned status = raw_status(port, row.bytes);
      CHECK(std::find(row.statuses.begin(), row.statuses.end(), status) != row.statuses.end());
      check_normal_client(port);
    }
  }

  SECTION("path traversal in every path parameter and static path") {
    const std::vector<std::string> targets{
        "/api/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd/similar",
        "/api/documents/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/documents/../../../../etc/passwd",
        "/api/documents/%2Fetc%2Fpasswd",
        "/api/documents/..%5C..%5Cwindows%5Cwin.ini",
        "/api/admin/jobs/..%2F..%2Fetc%2Fpasswd",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/../../../../etc/passwd",
        "/index.html/../../../../etc/passwd",
        "/web/..%2F..%2F..%2Fetc%2Fpasswd",
        "//etc/passwd",
    };
    for (const std::string& target : targets) {
      INFO(target);
      std::string body;
      unsigned status = raw_status(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", &body);
      CHECK(status >= 400);
      CHECK(status < 500);
      CHECK(body.find("root:") == std::string::npos);
      CHECK((body.find("/etc/passwd") == std::string::npos || json::parse(body).contains("error")));
    }
    check_normal_client(port);
  }

  SECTION("huge, deeply nested and repeated query strings; invalid UTF-8: 400") {
    std::string nested = std::string(300, '(') + "asylum" + std::string(300, ')');
    std::string many_filters;
    for (int i = 0; i < 200; ++i) many_filters += "&filter=kind:blog";
    std::string many_params;
    for (int i = 0; i < 500; ++i) many_params += "&x" + std::to_string(i) + "=1";
    const std::vector<std::string> targets{
        "/api/search?q=" + std::string(3000, 'a'),
        "/api/search?q=" + nested,
        "/api/search?q=(((asylum",
        "/api/search?q=asylum" + many_filters,
        "/api/search?q=asylum" + many_params,
        "/api/search?q=a&q=b&q=c",
        "/api/suggest?q=" + std::string(2000, 'b'),
        "/api/search?q=%ff%fe",
        "/api/search?q=%C0%AF",
        "/api/search?q=%ED%A0%80",
        "/api/search?filter=kind:%c3",
        "/api/search?lang=%ff",
        "/api/search?q=asylum&%ff=1",
        "/api/suggest?q=%fe",
        "/api/documents/%ff%fe",
        "/api/documents/abc%ff/similar",
        "/api/search?q=%",
        "/api/search?q=a%00b",
    };
    for (const std::string& target : targets) {
      INFO(target.substr(0, 200));
      std::string body;
      unsigned status = raw_status(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", &body);
      CHECK(status == 400);
      if (status == 400) CHECK(json::parse(body)["error"]["code"] == "invalid_argument");
    }
    check_normal_client(port);
  }

  SECTION("attacks from several threads while a normal client keeps being served") {
    std::atomic<bool> stop{false};
    std::atomic<int> attacks{0}, wrong{0};
    std::vector<std::thread> attackers;
    for (int t = 0; t < 3; ++t) {
      attackers.emplace_back([&, t] {
        const std::vector<std::pair<std::string, unsigned>> mix{
            {"GET /healthz HTTP/1.1\r\nX-Big: " + std::string(16 * 1024, 'a') + "\r\n\r\n", 431},
            {"GET /api/search?q=%ff HTTP/1.1\r\nHost: x\r\n\r\n", 400},
            {"GET /api/documents/..%2Fetc%2Fpasswd HTTP/1.1\r\nHost: x\r\n\r\n", 404},
            {"POST /api/search HTTP/1.1\r\nContent-Length: 9999999\r\n\r\nxx", 413},
        };
        for (int i = 0; i < 60 && !stop; ++i) {
          const auto& [bytes, expected] = mix[static_cast<std::size_t>(t + i) % mix.size()];
          if (raw_status(port, bytes) != expected) ++wrong;
          ++attacks;
        }
      });
    }
    for (int i = 0; i < 10; ++i) {
      check_normal_client(port);
      std::this_thread::sleep_for(milliseconds(50));
    }
    stop = true;
    for (auto& a : attackers) a.join();
    CHECK(wrong == 0);
    CHECK(attacks > 0);
  }
  check_normal_client(port);
  CHECK(fx.server->wait(milliseconds(0)) == -1);  // still running
}

}  // namespace
