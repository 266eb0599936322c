#include "indexer/crawl/fetcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>

#include "indexer/crawl/url.hpp"

namespace passage::crawl {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 64 * 1024;

struct Request {
  UrlParts url;
  Validators validators;
  std::string user_agent;
  std::chrono::milliseconds timeout;
  std::size_t max_bytes;
};

std::string too_large(std::size_t max_bytes) { return "too large (over " + std::to_string(max_bytes) + " bytes)"; }

void set_error(FetchResult& out, const beast::error_code& ec, std::size_t max_bytes) {
  if (ec == beast::error::timeout) {
    out.outcome = FetchOutcome::kTimeout;
    out.error = "timeout";
  } else if (ec == http::error::body_limit) {
    out.outcome = FetchOutcome::kTooLarge;
    out.error = too_large(max_bytes);
  } else if (ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category()) {
    out.outcome = FetchOutcome::kError;
    out.error = "TLS: " + ec.message();
  } else {
    out.outcome = FetchOutcome::kError;
    out.error = ec.message();
    if (!out.error.empty()) out.error[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out.error[0])));
  }
}

http::request<http::empty_body> make_request(const Request& r) {
  http::request<http::empty_body> req{http::verb::get, r.url.path_and_query, 11};
  std::string host = r.url.host;
  if (r.url.port != (r.url.scheme == "https" ? "443" : "80")) host += ":" + r.url.port;
  req.set(http::field::host, host);
  req.set(http::field::user_agent, r.user_agent);
  req.set(http::field::accept, "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5");
  req.set(http::field::connection, "close");
  if (!r.validators.etag.empty()) req.set(http::field::if_none_match, r.validators.etag);
  if (!r.validators.last_modified.empty()) req.set(http::field::if_modified_since, r.validators.last_modified);
  return req;
}

// Sends the request and reads the response on a connected stream.
template <class Stream>
asio::awaitable<void> exchange(Stream& stream, const Request& r, FetchResult& out) {
  beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
  beast::error_code ec;
  auto req = make_request(r);
  lowest.expires_after(r.timeout);
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return set_error(out, ec, r.max_bytes);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(r.max_bytes);
  lowest.expires_after(r.timeout);
  co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return set_error(out, ec, r.max_bytes);
  const auto& head = parser.get();
  out.status = static_cast<int>(head.result_int());
  out.content_type = std::string(head[http::field::content_type]);
  out.etag = std::string(head[http::field::etag]);
  out.last_modified = std::string(head[http::field::last_modified]);
  out.location = std::string(head[http::field::location]);
  if (out.status == 304) {
    out.outcome = FetchOutcome::kNotModified;
    co_return;
  }
  if (out.status >= 300 && out.status < 400 && !out.location.empty()) {
    out.outcome = FetchOutcome::kRedirect;
    co_return;
  }
  if (out.status < 200 || out.status >= 300) {
    out.outcome = FetchOutcome::kHttpError;
    out.error = "HTTP " + std::to_string(out.status);
    co_return;
  }
  if (parser.content_length() && *parser.content_length() > r.max_bytes) {
    out.outcome = FetchOutcome::kTooLarge;
    out.error = too_large(r.max_bytes);
    co_return;
  }
  while (!parser.is_done()) {
    lowest.expires_after(r.timeout);
    co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return set_error(out, ec, r.max_bytes);
  }
  out.body = std::move(parser.get().body());
  out.outcome = FetchOutcome::kOk;
}

asio::awaitable<void> fetch(ssl::context& tls, Request r, FetchResult& out) {
  auto executor = co_await asio::this_coro::executor;
  beast::error_code ec;
  tcp::resolver resolver(executor);
  std::string host = r.url.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto endpoints = co_await resolver.async_resolve(host, r.url.port, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    out.error = "cannot resolve host " + host + ": " + ec.message();
    co_return;
  }
  if (r.url.scheme == "https") {
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
      out.error = "TLS: cannot set the server name";
      co_return;
    }
    stream.set_verify_callback(ssl::host_name_verification(host));
    beast::get_lowest_layer(stream).expires_after(r.timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return set_error(out, ec, r.max_bytes);
    beast::get_lowest_layer(stream).expires_after(r.timeout);
    co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return set_error(out, ec, r.max_bytes);
    co_await exchange(stream, r, out);
  } else {
    beast::tcp_stream stream(executor);
    stream.expires_after(r.timeout);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return set_error(out, ec, r.max_bytes);
    co_await exchange(stream, r, out);
  }
  // Connection: close was asked for; the stream is closed by its destructor.
}

}  // namespace

struct Fetcher::Impl {
  FetchOptions options;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
};

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->tls.set_default_verify_paths();
  impl_->tls.set_verify_mode(ssl::verify_peer);
}

Fetcher::~Fetcher() = default;

FetchResult Fetcher::get(std::string_view url, const Validators& validators, std::size_t max_bytes) {
  FetchResult out;
  std::optional<UrlParts> parts = url_parts(url);
  if (!parts) {
    out.error = "not an http(s) URL";
    return out;
  }
  Request r{*parts, validators, impl_->options.user_agent, impl_->options.timeout,
            max_bytes != 0 ? max_bytes : impl_->options.max_bytes};
  std::exception_ptr failure;
  asio::co_spawn(impl_->ioc, fetch(impl_->tls, std::move(r), out), [&](std::exception_ptr e) { failure = e; });
  impl_->ioc.restart();
  impl_->ioc.run();
  if (failure) {
    // Only unexpected library failures get here (e.g. out of memory); report, do not crash the job.
    out = FetchResult{};
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      out.error = std::string("fetch failed: ") + e.what();
    }
  }
  return out;
}

}  // namespace passage::crawl
