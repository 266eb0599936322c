#pragma once
// Accepts connections and starts a Session for each (internal to passage_server).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "core/error.hpp"
#include "server/session.hpp"

namespace passage::server::detail {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Opens, binds and listens at once, so that errors (address in use) reach the caller.
  static Result<std::shared_ptr<Listener>> open(net::io_context& ioc, const tcp::endpoint& endpoint,
                                                SessionContext& context);

  Listener(net::io_context& ioc, SessionContext& context);
  unsigned short port() const { return port_; }
  /// Starts accepting (on the listener's strand).
  void run();
  /// Thread-safe: closes the acceptor.
  void stop();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  SessionContext& context_;
  unsigned short port_ = 0;
  bool stopped_ = false;
};

}  // namespace passage::server::detail
