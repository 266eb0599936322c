#include "tests/web_fixture.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace passage::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct FixtureSite::State {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  mutable std::mutex mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  Handler handler;
  std::vector<FixtureRequest> log;
  std::vector<std::thread> connections;
};

FixtureSite::FixtureSite(Handler handler) : state_(std::make_shared<State>()) {
  state_->handler = std::move(handler);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(ep.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(ep);
  state_->acceptor.listen();
  port_ = state_->acceptor.local_endpoint().port();
  acceptor_ = std::thread([this] {
    for (;;) {
      tcp::socket socket(state_->ioc);
      beast::error_code ec;
      state_->acceptor.accept(socket, ec);
      std::lock_guard lock(state_->mu);
      if (state_->stopping) return;
      if (ec) continue;
      int fd = socket.release(ec);
      if (ec) continue;
      state_->connections.emplace_back([this, fd] { serve(fd); });
    }
  });
}

FixtureSite::~FixtureSite() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->stop_cv.notify_all();
  // Wake the blocking accept with one last connection.
  {
    asio::io_context ioc;
    tcp::socket s(ioc);
    beast::error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  }
  acceptor_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(state_->mu);
    connections.swap(state_->connections);
  }
  for (auto& t : connections) t.join();
}

void FixtureSite::serve(int fd) {
  asio::io_context ioc;
  tcp::socket socket(ioc, tcp::v4(), fd);
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  beast::error_code ec;
  http::read(socket, buffer, req, ec);
  if (ec) return;
  FixtureRequest r{std::string(req.target()), std::string(req[http::field::user_agent]),
                   std::string(req[http::field::if_none_match]), std::string(req[http::field::if_modified_since])};
  Handler handler;
  {
    std::lock_guard lock(state_->mu);
    state_->log.push_back(r);
    handler = state_->handler;
  }
  FixtureResponse f = handler(r);
  if (f.delay.count() > 0) {
    std::unique_lock lock(state_->mu);
    if (state_->stop_cv.wait_for(lock, f.delay, [&] { return state_->stopping; })) return;
  }
  http::response<http::string_body> res{static_cast<http::status>(f.status), 11};
  if (!f.content_type.empty()) res.set(http::field::content_type, f.content_type);
  for (const auto& [k, v] : f.headers) res.set(k, v);
  res.set(http::field::connection, "close");
  res.body() = std::move(f.body);
  if (f.chunked) {
    res.chunked(true);
  } else {
    res.prepare_payload();
  }
  http::write(socket, res, ec);  // the client may have hung up (timeout, too large): fine
  socket.shutdown(tcp::socket::shutdown_both, ec);
}

std::vector<FixtureRequest> FixtureSite::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->log;
}

std::size_t FixtureSite::count(const std::string& target) const {
  std::lock_guard lock(state_->mu);
  std::size_t n = 0;
  for (const auto& r : state_->log) n += r.target == target ? 1 : 0;
  return n;
}

void FixtureSite::clear_requests() {
  std::lock_guard lock(state_->mu);
  state_->log.clear();
}

void FixtureSite::set_handler(Handler handler) {
  std::lock_guard lock(state_->mu);
  state_->handler = std::move(handler);
}

}  // namespace passage::test
