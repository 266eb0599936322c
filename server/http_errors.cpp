#include "server/http_errors.hpp"

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

namespace passage::server {

http::status http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return http::status::bad_request;
    case ErrorCode::kNotFound:
      return http::status::not_found;
    // Schema mismatch or a locked index: the server's state, not the client's request.
    case ErrorCode::kFailedPrecondition:
      return http::status::service_unavailable;
    case ErrorCode::kUnavailable:
      return http::status::service_unavailable;
    // The API takes no request bodies, so "unsupported" is about the parameters: a bad request.
    case ErrorCode::kUnsupported:
      return http::status::bad_request;
    case ErrorCode::kDataLoss:
      return http::status::internal_server_error;
    case ErrorCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

std::string error_body(std::string_view code, std::string_view message) {
  nlohmann::ordered_json body;
  body["error"]["code"] = code;
  body["error"]["message"] = message;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

http::response<http::string_body> error_response(http::status status, std::string_view code,
                                                 std::string_view message, unsigned version,
                                                 bool keep_alive) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = error_body(code, message);
  res.prepare_payload();
  return res;
}

http::response<http::string_body> error_response(const Error& error, unsigned version,
                                                 bool keep_alive) {
  http::status status = http_status(error.code);
  std::string_view message = error.message;
  if (http::to_status_class(status) == http::status_class::server_error) {
    message =
        status == http::status::service_unavailable ? "the index is unavailable" : "internal error";
  }
  return error_response(status, error_code_name(error.code), message, version, keep_alive);
}

}  // namespace passage::server
