#pragma once
// The HTTP server: an Asio io_context run by N threads, a listener accepting connections and one
// asynchronous session per connection (keep-alive, 8 KB header limit, 1 MB body limit, 15 s per
// read). Requests are answered by handle_request (request_handler.hpp) with the calling thread's
// own query::Searcher, re-opened every few seconds to see newly indexed documents, and at once
// after a reindex job (ops_routes.hpp: /metrics, /api/admin/*) succeeded.
//
//   auto server = passage::server::Server::start({.index_dir = "index", .port = 8080});
//   if (!server) ... server.error() ...
//   (*server)->wait();   // until another thread (e.g. one waiting for SIGTERM) calls stop()

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace passage::server {

struct ServerOptions {
  std::filesystem::path index_dir;
  std::string bind = "127.0.0.1";         // an IP address or a host name
  unsigned short port = 8080;             // 0 = pick a free port
  unsigned threads = 0;                   // 0 = hardware concurrency
  std::vector<std::string> cors_origins;  // allowed Origins for CORS ("*" allowed)
  /// Time allowed to read one request (idle keep-alive wait included).
  std::chrono::milliseconds read_timeout = std::chrono::seconds(15);
  /// Bearer token for /api/admin/*; empty disables the admin endpoints (403).
  std::string admin_token;
  /// The index command a reindex job runs (see ReindexJobs), e.g. {passage, "index", "--config",
  /// FILE, "--index", DIR}; empty when the server has no corpus-config (reindex answers 409).
  std::vector<std::string> reindex_command;
  /// Source names of the corpus-config, for POST /api/admin/reindex?source=NAME.
  std::vector<std::string> source_names;
  std::vector<std::filesystem::path> document_roots;  // files served by /api/documents/{id}/file
};

class Server {
 public:
  /// Opens one Searcher per thread, binds, listens and starts serving. Fails with the Searcher's
  /// error when the index cannot be opened, kUnavailable when the address cannot be bound
  /// ("cannot listen on 127.0.0.1:8080: address already in use") and kInvalidArgument for a bad
  /// bind address.
  static Result<std::unique_ptr<Server>> start(ServerOptions options);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  /// Stops and waits.
  ~Server();

  /// The bound port (useful with port 0).
  unsigned short port() const;

  /// Graceful stop, returns at once: stops accepting, closes idle connections, lets requests in
  /// flight finish and be written. Thread-safe; may be called from any thread and more than once.
  void stop();

  /// Blocks until the server has stopped and its threads have exited. Do not call from a
  /// request handler.
  void wait();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace passage::server
