#pragma once
// Server metrics in the Prometheus text format (version 0.0.4), served at GET /metrics:
// requests by route and status, a latency histogram, requests in flight, open connections,
// index size and freshness, reindex jobs and uptime. Thread-safe; one instance per server.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace passage::server {

/// What /metrics reports about the index and the process besides request counts.
struct ServerStats {
  std::size_t documents = 0;
  std::uint64_t index_bytes = 0;      // size of the index folder on disk
  std::string last_indexed;           // ISO 8601 UTC from the index metadata, "" when unknown
  unsigned worker_threads = 0;
  std::size_t open_connections = 0;
  std::uint64_t jobs_succeeded = 0;
  std::uint64_t jobs_failed = 0;
  bool job_running = false;
};

class Metrics {
 public:
  /// Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
  static constexpr std::array<double, 13> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1,    2.5, 10};

  Metrics();

  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  /// Counts a finished request; `route` should come from route_label().
  void request_finished(std::string_view route, unsigned status, double seconds);

  /// A bounded label for a request path: a fixed name for every known route, the path itself
  /// for other successful paths (an attacker cannot mint labels with 4xx paths), else "other".
  static std::string route_label(std::string_view path, unsigned status);

  /// The whole exposition text.
  std::string render(const ServerStats& stats) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
  std::array<std::uint64_t, kBuckets.size() + 1> buckets_{};  // non-cumulative; last is +Inf
  double sum_seconds_ = 0;
  std::uint64_t count_ = 0;
  std::atomic<std::int64_t> in_flight_{0};
  std::chrono::steady_clock::time_point started_;
};

/// Seconds since the Unix epoch of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ", or -1.
double parse_iso_utc(std::string_view text);

}  // namespace passage::server
