#include "server/ops_routes.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <system_error>

#include "server/http_errors.hpp"
#include "server/json_codec.hpp"

namespace passage::server {
namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::string_view kAdminPrefix = "/api/admin/";
constexpr std::string_view kJobsPrefix = "/api/admin/jobs/";

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

Response method_not_allowed(const Request& req, std::string_view allowed) {
  Response res = error_response(http::status::method_not_allowed, "method_not_allowed",
                                "method " + std::string(sv(req.method_string())) + " is not allowed",
                                req.version(), req.keep_alive());
  res.set(http::field::allow, allowed);
  return res;
}

Response json_response(const Request& req, http::status status, const nlohmann::ordered_json& body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = dump_json(body);
  return res;
}

std::uint64_t folder_size(const std::filesystem::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      std::uintmax_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

Response metrics(const Request& req, const Target& target, query::Searcher& searcher,
                 const OpsContext& ctx) {
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return method_not_allowed(req, "GET, HEAD");
  if (!target.params.empty()) {
    return error_response(make_error(ErrorCode::kInvalidArgument,
                                     "unknown parameter '" + target.params.front().first + "'"),
                          req.version(), req.keep_alive());
  }
  ServerStats stats;
  stats.documents = searcher.document_count();
  stats.last_indexed = searcher.last_indexed();
  stats.index_bytes = folder_size(ctx.index_dir);
  stats.worker_threads = ctx.worker_threads;
  if (ctx.open_connections) stats.open_connections = ctx.open_connections();
  if (ctx.jobs != nullptr) {
    stats.jobs_succeeded = ctx.jobs->succeeded();
    stats.jobs_failed = ctx.jobs->failed();
    stats.job_running = ctx.jobs->running().has_value();
  }
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = ctx.metrics->render(stats);
  return res;
}

// nullopt when the request carries the admin token; otherwise the refusal.
std::optional<Response> check_admin(const Request& req, const OpsContext& ctx) {
  if (ctx.admin_token.empty()) {
    return error_response(http::status::forbidden, "forbidden",
                          "admin endpoints are disabled: the server has no admin token configured",
                          req.version(), req.keep_alive());
  }
  std::string_view auth = sv(req[http::field::authorization]);
  constexpr std::string_view kScheme = "bearer ";
  bool bearer = auth.size() > kScheme.size();
  for (std::size_t i = 0; bearer && i < kScheme.size(); ++i) {
    bearer = static_cast<char>(std::tolower(static_cast<unsigned char>(auth[i]))) == kScheme[i];
  }
  if (!bearer) {
    Response res = error_response(http::status::unauthorized, "unauthorized",
                                  "admin endpoints need an 'Authorization: Bearer TOKEN' header",
                                  req.version(), req.keep_alive());
    res.set(http::field::www_authenticate, "Bearer realm=\"passage-admin\"");
    return res;
  }
  std::string_view token = auth.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (!constant_time_equal(token, ctx.admin_token)) {
    return error_response(http::status::forbidden, "forbidden", "wrong admin token", req.version(),
                          req.keep_alive());
  }
  return std::nullopt;
}

Response reindex(const Request& req, const Target& target, const OpsContext& ctx) {
  if (req.method() != http::verb::post) return method_not_allowed(req, "POST");
  std::string source;
  std::optional<bool> full;
  for (const auto& [name, value] : target.params) {
    const bool repeated = name == "source" ? !source.empty()
                          : name == "full" ? full.has_value()
                                           : false;
    if ((name != "source" && name != "full") || repeated) {
      return error_response(
          make_error(ErrorCode::kInvalidArgument, "unknown or repeated parameter '" + name + "'"),
          req.version(), req.keep_alive());
    }
    if (name == "source") {
      source = value;
    } else if (value == "true" || value == "1") {
      full = true;
    } else if (value == "false" || value == "0") {
      full = false;
    } else {
      return error_response(make_error(ErrorCode::kInvalidArgument,
                                       "full must be true or false, not '" + value + "'"),
                            req.version(), req.keep_alive());
    }
  }
  if (ctx.jobs == nullptr) {
    return error_response(http::status::conflict, "conflict",
                          "this server was started without --config: there is no corpus-config to "
                          "reindex",
                          req.version(), req.keep_alive());
  }
  Result<JobStatus> job = ctx.jobs->start(source, full.value_or(false));
  if (!job) {
    if (job.error().code == ErrorCode::kFailedPrecondition) {
      return error_response(http::status::conflict, "conflict", job.error().message, req.version(),
                            req.keep_alive());
    }
    return error_response(job.error(), req.version(), req.keep_alive());
  }
  Response res = json_response(req, http::status::accepted, to_json(*job));
  res.set(http::field::location, std::string(kJobsPrefix) + std::to_string(job->id));
  return res;
}

Response job(const Request& req, const Target& target, const OpsContext& ctx) {
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return method_not_allowed(req, "GET, HEAD");
  std::string_view text = std::string_view(target.path).substr(kJobsPrefix.size());
  std::uint64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !target.params.empty()) {
    return error_response(http::status::not_found, "not_found", "no such job", req.version(),
                          req.keep_alive());
  }
  if (ctx.jobs == nullptr) {
    return error_response(http::status::not_found, "not_found", "no such job", req.version(),
                          req.keep_alive());
  }
  Result<JobStatus> status = ctx.jobs->status(id);
  if (!status) return error_response(status.error(), req.version(), req.keep_alive());
  return json_response(req, http::status::ok, to_json(*status));
}

}  // namespace

bool constant_time_equal(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

std::optional<Response> handle_ops_request(const Request& req, const Target& target,
                                           query::Searcher& searcher, const OpsContext& ctx) {
  if (target.path == "/metrics") {
    if (ctx.metrics == nullptr) return std::nullopt;
    return metrics(req, target, searcher, ctx);
  }
  if (!std::string_view(target.path).starts_with(kAdminPrefix)) return std::nullopt;
  bool is_reindex = target.path == "/api/admin/reindex";
  bool is_job = std::string_view(target.path).starts_with(kJobsPrefix);
  if (!is_reindex && !is_job) {
    return error_response(http::status::not_found, "not_found", "no such path: " + target.path,
                          req.version(), req.keep_alive());
  }
  if (auto refused = check_admin(req, ctx)) return refused;
  return is_reindex ? reindex(req, target, ctx) : job(req, target, ctx);
}

}  // namespace passage::server
