#include "server/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <cctype>
#include <chrono>

#include "core/log.hpp"

namespace passage::server::detail {
namespace {

std::string endpoint_text(const tcp::endpoint& endpoint) {
  std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(endpoint.port());
}

Error listen_error(const tcp::endpoint& endpoint, const beast::error_code& ec) {
  std::string reason = ec.message();
  if (!reason.empty())
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return make_error(ErrorCode::kUnavailable,
                    "cannot listen on " + endpoint_text(endpoint) + ": " + reason);
}

}  // namespace

Listener::Listener(net::io_context& ioc, SessionContext& context)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      context_(context) {}

Result<std::shared_ptr<Listener>> Listener::open(net::io_context& ioc,
                                                 const tcp::endpoint& endpoint,
                                                 SessionContext& context) {
  auto listener = std::make_shared<Listener>(ioc, context);
  tcp::acceptor& acceptor = listener->acceptor_;
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return listen_error(endpoint, ec);
  // Lets a restarted server bind while old connections are in TIME_WAIT; a live listener on
  // the port still makes bind fail with "address already in use".
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return listen_error(endpoint, ec);
  acceptor.bind(endpoint, ec);
  if (ec) return listen_error(endpoint, ec);
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return listen_error(endpoint, ec);
  listener->port_ = acceptor.local_endpoint(ec).port();
  if (ec) return listen_error(endpoint, ec);
  return listener;
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
}

void Listener::do_accept() {
  if (stopped_) return;
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopped_ || ec == net::error::operation_aborted) return;
  if (ec) {
    // E.g. out of file descriptors: back off briefly instead of spinning or giving up.
    log::warn("http_accept_failed", {{"error", ec.message()}});
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  std::make_shared<Session>(std::move(socket), context_)->run();
  do_accept();
}

}  // namespace passage::server::detail
