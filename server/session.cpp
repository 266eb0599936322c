#include "server/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <algorithm>
#include <cmath>
#include <exception>

#include "core/log.hpp"
#include "server/http_errors.hpp"

namespace passage::server::detail {

namespace http = beast::http;

namespace {

constexpr std::size_t kMaxLoggedTarget = 2048;
constexpr std::size_t kDrainChunk = 64 * 1024;

// A client-chosen X-Request-Id is kept when it is short and plain; otherwise we make one.
bool usable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::string path_of(std::string_view target) { return std::string(target.substr(0, target.find('?'))); }

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

}  // namespace

// ---- SessionRegistry ------------------------------------------------------------------------

std::uint64_t SessionRegistry::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mu_);
  if (stopping_) return 0;
  std::uint64_t id = next_id_++;
  sessions_.emplace(id, session);
  return id;
}

void SessionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

void SessionRegistry::stop_all() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->stop();
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

bool SessionRegistry::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

// ---- Session --------------------------------------------------------------------------------

Session::Session(tcp::socket&& socket, SessionContext& context)
    : stream_(std::move(socket)), context_(context) {}

Session::~Session() {
  if (id_ != 0) context_.registry.remove(id_);
}

void Session::run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::start, shared_from_this()));
}

void Session::start() {
  id_ = context_.registry.add(shared_from_this());
  if (id_ == 0) return do_close();
  do_read();
}

void Session::stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    // Waiting for a request (idle keep-alive or a slow client): nothing is in flight.
    if (self->reading_) self->stream_.cancel();
  });
}

void Session::do_read() {
  if (stopping_) return do_close();
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(kBodyLimit);
  reading_ = true;
  stream_.expires_after(context_.read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

void Session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  reading_ = false;
  if (ec) {
    if (ec == http::error::header_limit) {
      return send_read_error(
          http::status::request_header_fields_too_large, "header_fields_too_large",
          "request headers are larger than " + std::to_string(kHeaderLimit) + " bytes");
    }
    if (ec == http::error::body_limit) {
      return send_read_error(
          http::status::payload_too_large, "payload_too_large",
          "request body is larger than " + std::to_string(kBodyLimit) + " bytes");
    }
    // The client went away, timed out or we are stopping: nobody to answer.
    if (stopping_ || ec == http::error::end_of_stream || ec == http::error::partial_message ||
        !is_http_error(ec)) {
      if (ec == beast::error::timeout) log::debug("http_read_timeout", {{"session", id_}});
      return do_close();
    }
    return send_read_error(http::status::bad_request, "bad_request", "malformed HTTP request");
  }

  started_ = Clock::now();
  http::request<http::string_body> request = parser_->release();
  method_ = std::string(request.method_string());
  target_ = std::string(request.target().substr(0, kMaxLoggedTarget));
  path_ = path_of(target_);
  auto client_id = request["X-Request-Id"];
  begin_request(std::string_view(client_id.data(), client_id.size()));
  try {
    response_ = handle_request(request, context_.searcher(), context_.handler);
  } catch (const std::exception& e) {
    // handle_request does not throw; the searcher lookup (re-open) might.
    log::error("http_handler_exception", {{"target", target_}, {"what", e.what()}});
    response_ = error_response(http::status::internal_server_error, "internal", "internal error",
                               request.version(), false);
  }
  response_.set("X-Request-Id", request_id_);
  do_write(response_.need_eof() || stopping_, false);
}

void Session::send_read_error(http::status status, std::string_view code,
                              std::string_view message) {
  started_ = Clock::now();
  method_ = "-";
  target_ = "-";
  if (parser_ && parser_->is_header_done()) {
    method_ = std::string(parser_->get().method_string());
    target_ = std::string(parser_->get().target().substr(0, kMaxLoggedTarget));
  }
  path_ = path_of(target_);
  begin_request({});
  response_ = error_response(status, code, message, 11, false);
  response_.set(http::field::server, "passage");
  response_.set("X-Request-Id", request_id_);
  // Unread request bytes may follow: linger so the client gets the response, not a reset.
  do_write(true, true);
}

void Session::do_write(bool close, bool linger) {
  stream_.expires_after(kWriteTimeout);
  http::async_write(
      stream_, response_,
      beast::bind_front_handler(&Session::on_write, shared_from_this(), close, linger));
}

void Session::on_write(bool close, bool linger, beast::error_code ec, std::size_t /*bytes*/) {
  log_request();
  if (ec) {
    log::debug("http_write_failed", {{"session", id_}, {"error", ec.message()}});
    return do_close();
  }
  if (close || stopping_) return linger ? do_linger() : do_close();
  response_ = {};
  do_read();
}

void Session::begin_request(std::string_view client_id) {
  request_id_ = usable_request_id(client_id)
                    ? std::string(client_id)
                    : context_.request_id_prefix + "-" +
                          std::to_string(context_.next_request.fetch_add(1, std::memory_order_relaxed));
  context_.metrics.request_started();
  counted_ = true;
}

void Session::log_request() {
  if (!counted_) return;
  counted_ = false;
  double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  unsigned status = response_.result_int();
  context_.metrics.request_finished(Metrics::route_label(path_, status), status, seconds);
  log::info("http_request", {{"id", request_id_},
                             {"method", method_},
                             {"path", path_},
                             {"status", status},
                             {"duration_ms", std::round(seconds * 1e6) / 1000},
                             {"bytes", response_.body().size()}});
}

void Session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  // The socket is closed when the last handler lets go of the session.
}

void Session::do_linger() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return;
  drain_.resize(kDrainChunk);
  reading_ = true;  // stop() may cut the drain short
  stream_.expires_after(kLingerTimeout);
  stream_.async_read_some(net::buffer(drain_),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void Session::on_linger(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return;  // end of stream, timeout or reset: done
  stream_.async_read_some(net::buffer(drain_),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

}  // namespace passage::server::detail
