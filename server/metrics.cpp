#include "server/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace passage::server {

namespace {

bool label_safe(std::string_view path) {
  if (path.empty() || path.size() > 48 || path.front() != '/') return false;
  return std::all_of(path.begin(), path.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '-' ||
           c == '_';
  });
}

// Shortest text that reads back as the same double (timestamps keep every digit).
std::string number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

}  // namespace

Metrics::Metrics() : started_(std::chrono::steady_clock::now()) {}

void Metrics::request_finished(std::string_view route, unsigned status, double seconds) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  std::size_t bucket = static_cast<std::size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
  ++buckets_[bucket];
  sum_seconds_ += seconds;
  ++count_;
}

std::string Metrics::route_label(std::string_view path, unsigned status) {
  constexpr std::string_view kDocuments = "/api/documents/";
  constexpr std::string_view kJobs = "/api/admin/jobs/";
  if (path == "/" || path == "/index.html") return "page";
  if (path == "/api/search") return "search";
  if (path == "/api/suggest") return "suggest";
  if (path == "/healthz") return "health";
  if (path == "/metrics") return "metrics";
  if (path == "/api/admin/reindex") return "admin_reindex";
  if (path.starts_with(kJobs)) return "admin_job";
  if (path.starts_with(kDocuments)) return path.ends_with("/similar") ? "similar" : "document";
  if (status < 400 && label_safe(path)) return std::string(path);
  return "other";
}

double parse_iso_utc(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      static_cast<std::size_t>(consumed) != s.size()) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm));
}

std::string Metrics::render(const ServerStats& stats) const {
  std::ostringstream out;
  auto header = [&](std::string_view name, std::string_view type, std::string_view help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  {
    std::lock_guard lock(mu_);
    header("passage_http_requests_total", "counter", "HTTP requests answered, by route and status.");
    for (const auto& [key, count] : requests_) {
      out << "passage_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
          << "\"} " << count << '\n';
    }
    header("passage_http_request_duration_seconds", "histogram",
           "Time from a request read to its response written.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += buckets_[i];
      out << "passage_http_request_duration_seconds_bucket{le=\"" << number(kBuckets[i]) << "\"} "
          << cumulative << '\n';
    }
    cumulative += buckets_.back();
    out << "passage_http_request_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << '\n'
        << "passage_http_request_duration_seconds_sum " << number(sum_seconds_) << '\n'
        << "passage_http_request_duration_seconds_count " << count_ << '\n';
  }
  header("passage_http_requests_in_flight", "gauge", "Requests being answered now.");
  out << "passage_http_requests_in_flight " << in_flight_.load(std::memory_order_relaxed) << '\n';
  header("passage_http_connections_open", "gauge", "Open client connections.");
  out << "passage_http_connections_open " << stats.open_connections << '\n';
  header("passage_worker_threads", "gauge", "Threads serving requests, each with its own index handle.");
  out << "passage_worker_threads " << stats.worker_threads << '\n';
  header("passage_index_documents", "gauge", "Documents in the index.");
  out << "passage_index_documents " << stats.documents << '\n';
  header("passage_index_size_bytes", "gauge", "Size of the index folder on disk.");
  out << "passage_index_size_bytes " << stats.index_bytes << '\n';
  double last = parse_iso_utc(stats.last_indexed);
  if (last >= 0) {
    header("passage_index_last_indexed_timestamp_seconds", "gauge",
           "When the last indexing job completed (Unix time).");
    out << "passage_index_last_indexed_timestamp_seconds " << number(last) << '\n';
  }
  header("passage_reindex_jobs_total", "counter", "Reindex jobs run by this server, by outcome.");
  out << "passage_reindex_jobs_total{state=\"succeeded\"} " << stats.jobs_succeeded << '\n'
      << "passage_reindex_jobs_total{state=\"failed\"} " << stats.jobs_failed << '\n';
  header("passage_reindex_job_running", "gauge", "1 while a reindex job runs.");
  out << "passage_reindex_job_running " << (stats.job_running ? 1 : 0) << '\n';
  header("passage_uptime_seconds", "gauge", "Seconds since the server started.");
  out << "passage_uptime_seconds "
      << number(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count())
      << '\n';
  return out.str();
}

}  // namespace passage::server
