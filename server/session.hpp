#pragma once
// One HTTP connection (internal to passage_server): read a request, answer it with
// handle_request, write the response, repeat while keep-alive. Modelled on Beast's
// http_server_async example.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/searcher.hpp"
#include "server/metrics.hpp"
#include "server/request_handler.hpp"

namespace passage::server::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

inline constexpr std::uint32_t kHeaderLimit = 8 * 1024;
inline constexpr std::uint64_t kBodyLimit = 1024 * 1024;
/// Default time allowed for reading one request, idle keep-alive wait included; a slow client
/// (slowloris) is cut off after it. Reads are asynchronous: a waiting client holds no thread.
inline constexpr std::chrono::seconds kReadTimeout{15};
inline constexpr std::chrono::seconds kWriteTimeout{15};
/// After an error response we stop sending but keep reading (and discarding) for this long, so
/// the client sees the response instead of a connection reset.
inline constexpr std::chrono::seconds kLingerTimeout{5};

class Session;

/// Every live session of one server, so that stop() can close idle connections.
class SessionRegistry {
 public:
  /// Returns the session's id, or 0 once stopping (the session should close).
  std::uint64_t add(const std::shared_ptr<Session>& session);
  void remove(std::uint64_t id);
  /// Marks the registry stopping and asks every session to close once its response is written.
  void stop_all();
  bool stopping() const;
  /// Live sessions (open connections).
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  bool stopping_ = false;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
};

/// What sessions share; owned by the server and outlives every session.
struct SessionContext {
  HandlerOptions handler;
  SessionRegistry registry;
  /// The calling thread's searcher (each io_context thread has its own).
  std::function<query::Searcher&()> searcher;
  Metrics metrics;
  std::chrono::milliseconds read_timeout = kReadTimeout;
  /// Request ids: this prefix (random per server start) and a counter.
  std::string request_id_prefix;
  std::atomic<std::uint64_t> next_request{1};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, SessionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Starts reading on the session's strand.
  void run();
  /// Thread-safe: closes the connection if it is waiting for a request, otherwise after the
  /// response in progress has been written.
  void stop();

 private:
  using Clock = std::chrono::steady_clock;

  void start();
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void send_read_error(beast::http::status status, std::string_view code, std::string_view message);
  void do_write(bool close, bool linger);
  void on_write(bool close, bool linger, beast::error_code ec, std::size_t bytes);
  void do_close();
  void do_linger();
  void on_linger(beast::error_code ec, std::size_t bytes);
  void begin_request(std::string_view client_id);
  void log_request();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  SessionContext& context_;
  std::uint64_t id_ = 0;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  beast::http::response<beast::http::string_body> response_;
  bool reading_ = false;
  bool stopping_ = false;
  // For the access log line of the request in progress.
  std::string method_;
  std::string target_;  // path and query, for error logs only
  std::string path_;    // path without the query (which may hold secrets), for the access log
  std::string request_id_;
  bool counted_ = false;  // request_started() called for the request in progress
  Clock::time_point started_;
  std::vector<char> drain_;
};

}  // namespace passage::server::detail
