#include "server/server.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <cassert>
#include <chrono>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

#include "core/log.hpp"
#include "query/searcher.hpp"
#include "server/listener.hpp"
#include "server/ops_routes.hpp"
#include "server/reindex_jobs.hpp"
#include "server/session.hpp"

namespace passage::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// How often a thread's searcher re-opens the index to see new commits.
constexpr std::chrono::seconds kReopenInterval{2};

// Each io_context thread serves with its own Searcher (Searcher is not thread-safe).
struct ThreadSearcher {
  query::Searcher* searcher = nullptr;
  std::chrono::steady_clock::time_point opened;
  std::uint64_t generation = 0;  // IndexGeneration::current() when it was last re-opened
  const std::atomic<std::uint64_t>* latest = nullptr;
};
thread_local ThreadSearcher t_searcher;

// The one place that decides when a thread's Searcher sees a newer index: every
// kReopenInterval (commits of any indexer), and before the first request after the server was
// told the index changed (a reindex job finished: the generation counter moved). Re-opening is
// per thread and between requests, so no request ever sees a handle change under it.
query::Searcher& current_searcher() {
  assert(t_searcher.searcher != nullptr && "handler ran outside a server thread");
  auto now = std::chrono::steady_clock::now();
  std::uint64_t latest = t_searcher.latest->load(std::memory_order_acquire);
  if (now - t_searcher.opened >= kReopenInterval || latest != t_searcher.generation) {
    t_searcher.opened = now;
    t_searcher.generation = latest;
    try {
      t_searcher.searcher->reopen();
    } catch (const std::exception& e) {
      log::warn("index_reopen_failed", {{"what", e.what()}});
    }
  }
  return *t_searcher.searcher;
}

std::string random_hex(std::size_t bytes) {
  std::random_device rd;
  std::string out;
  constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned v = rd() & 0xff;
    out += kHex[v >> 4];
    out += kHex[v & 0xf];
  }
  return out;
}

Result<tcp::endpoint> resolve_bind(net::io_context& ioc, const std::string& bind,
                                   unsigned short port) {
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(bind, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(bind, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "cannot resolve bind address '" + bind + "'");
  }
  return results.begin()->endpoint();
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  // Declared before the io_context: sessions destroyed with it still reach the registry.
  detail::SessionContext context;
  std::vector<std::unique_ptr<query::Searcher>> searchers;
  // Bumped when a reindex job succeeded: every thread re-opens before its next request.
  std::atomic<std::uint64_t> index_generation{0};
  std::unique_ptr<ReindexJobs> jobs;
  OpsContext ops;
  net::io_context ioc;
  std::shared_ptr<detail::Listener> listener;
  std::vector<std::thread> threads;
  std::atomic<bool> stop_requested{false};
  std::mutex join_mu;

  explicit Impl(unsigned thread_count) : ioc(static_cast<int>(thread_count)) {}

  ~Impl() {
    // Release I/O objects before the io_context they belong to.
    listener.reset();
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<Server>> Server::start(ServerOptions options) {
  unsigned thread_count =
      options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  if (thread_count == 0) thread_count = 1;

  auto impl = std::make_unique<Impl>(thread_count);
  for (unsigned i = 0; i < thread_count; ++i) {
    Result<std::unique_ptr<query::Searcher>> searcher = query::Searcher::open(options.index_dir);
    if (!searcher) return searcher.error();
    impl->searchers.push_back(std::move(*searcher));
  }
  impl->context.handler.cors_origins = options.cors_origins;
  impl->context.handler.document_roots = options.document_roots;
  impl->context.searcher = &current_searcher;
  impl->context.read_timeout = options.read_timeout;
  impl->context.request_id_prefix = random_hex(4);
  Impl* raw_impl = impl.get();
  if (!options.reindex_command.empty()) {
    impl->jobs = std::make_unique<ReindexJobs>(
        options.reindex_command, options.source_names,
        [raw_impl] { raw_impl->index_generation.fetch_add(1, std::memory_order_acq_rel); });
  }
  impl->ops.metrics = &impl->context.metrics;
  impl->ops.jobs = impl->jobs.get();
  impl->ops.admin_token = options.admin_token;
  impl->ops.index_dir = options.index_dir;
  impl->ops.worker_threads = thread_count;
  impl->ops.open_connections = [raw_impl] { return raw_impl->context.registry.size(); };
  impl->context.handler.extra_routes = [raw_impl](const auto& req, const Target& target,
                                                  query::Searcher& searcher) {
    return handle_ops_request(req, target, searcher, raw_impl->ops);
  };

  Result<tcp::endpoint> endpoint = resolve_bind(impl->ioc, options.bind, options.port);
  if (!endpoint) return endpoint.error();
  Result<std::shared_ptr<detail::Listener>> listener =
      detail::Listener::open(impl->ioc, *endpoint, impl->context);
  if (!listener) return listener.error();
  impl->listener = std::move(*listener);
  impl->listener->run();

  for (unsigned i = 0; i < thread_count; ++i) {
    query::Searcher* searcher = impl->searchers[i].get();
    Impl* raw = impl.get();
    impl->threads.emplace_back([raw, searcher] {
      t_searcher = {searcher, std::chrono::steady_clock::now(), raw->index_generation.load(),
                    &raw->index_generation};
      // Handlers catch their own exceptions; anything escaping is a bug worth surviving.
      for (;;) {
        try {
          raw->ioc.run();
          break;
        } catch (const std::exception& e) {
          log::error("http_server_thread_exception", {{"what", e.what()}});
        }
      }
      t_searcher = {};
    });
  }
  impl->options = std::move(options);
  log::info("http_server_started", {{"address", impl->options.bind},
                                    {"port", impl->listener->port()},
                                    {"threads", thread_count}});
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::~Server() {
  stop();
  wait();
}

unsigned short Server::port() const { return impl_->listener->port(); }

void Server::stop() {
  if (impl_->stop_requested.exchange(true)) return;
  log::info("http_server_stopping", {{"port", impl_->listener->port()}});
  impl_->listener->stop();
  impl_->context.registry.stop_all();
  // A running reindex job is stopped (its child gets SIGTERM; committed batches stay).
  if (impl_->jobs) impl_->jobs->shutdown();
  // With the acceptor closed and idle connections closed, the
  // io_context runs out of work once the requests in flight are written; the threads then exit.
}

void Server::wait() {
  std::lock_guard lock(impl_->join_mu);
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace passage::server
