#pragma once
// Operations endpoints, answered before the search API's routes:
//
//   GET  /metrics                  Prometheus text format (metrics.hpp)
//   POST /api/admin/reindex        [?source=NAME] starts a reindex job: 202 + the job
//   GET  /api/admin/jobs/{id}      a job's state, progress and final report
//
// Admin endpoints need `Authorization: Bearer TOKEN`: 401 (with WWW-Authenticate) without it,
// 403 with a wrong one (compared in constant time), 403 for every request when the server has no
// token configured (the endpoints are disabled), 409 while a job runs or when the server has no
// corpus-config to reindex.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "query/searcher.hpp"
#include "server/metrics.hpp"
#include "server/query_string.hpp"
#include "server/reindex_jobs.hpp"

namespace passage::server {

namespace http = boost::beast::http;

struct OpsContext {
  Metrics* metrics = nullptr;
  ReindexJobs* jobs = nullptr;  // null: the server has no corpus-config to reindex
  std::string admin_token;      // empty: admin endpoints disabled
  std::filesystem::path index_dir;
  unsigned worker_threads = 0;
  std::function<std::size_t()> open_connections;
};

/// True when `given` equals `expected`, in time that depends only on expected's length.
bool constant_time_equal(std::string_view given, std::string_view expected);

/// The response for an operations path, or nullopt when the path is not one of them.
std::optional<http::response<http::string_body>> handle_ops_request(
    const http::request<http::string_body>& request, const Target& target,
    query::Searcher& searcher, const OpsContext& context);

}  // namespace passage::server
