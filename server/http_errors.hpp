#pragma once
// The one place where an ErrorCode becomes an HTTP status, and the builder of every JSON error
// body the server sends: {"error":{"code":"invalid_argument","message":"..."}}.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace passage::server {

namespace http = boost::beast::http;

/// The HTTP status for a domain error code.
http::status http_status(ErrorCode code);

/// The JSON error body: {"error":{"code":code,"message":message}}.
std::string error_body(std::string_view code, std::string_view message);

/// A complete JSON error response for a protocol-level failure (404, 405, 413, 431 ...), where
/// `code` is a short snake_case name such as "not_found" or "method_not_allowed".
http::response<http::string_body> error_response(http::status status, std::string_view code,
                                                 std::string_view message, unsigned version = 11,
                                                 bool keep_alive = false);

/// A complete JSON error response for a domain error. Messages of client errors (4xx) are passed
/// through; server errors (5xx) get a generic message so that no paths or internals leak (the
/// caller logs the original).
http::response<http::string_body> error_response(const Error& error, unsigned version = 11,
                                                 bool keep_alive = false);

}  // namespace passage::server
