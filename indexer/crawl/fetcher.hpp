#pragma once
// One HTTP(S) GET at a time with Boost.Beast: connect and read timeouts, a body size limit that
// aborts the transfer, conditional requests (If-None-Match / If-Modified-Since), no redirect
// following (the crawler re-checks the scope of every hop). https verifies the server's
// certificate and host name against the system CA store (OpenSSL's default paths).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace passage::crawl {

struct FetchOptions {
  std::string user_agent = "passage-crawler/0.1";
  /// Connect (and TLS handshake) timeout, and the longest silence while sending or reading.
  std::chrono::milliseconds timeout{30000};
  std::size_t max_bytes = 50u << 20;  // bodies above this are aborted (kTooLarge)
};

/// Validators of a copy we already have, sent to get 304 Not Modified back.
struct Validators {
  std::string etag;
  std::string last_modified;
};

enum class FetchOutcome { kOk, kNotModified, kRedirect, kHttpError, kTooLarge, kTimeout, kError };

struct FetchResult {
  FetchOutcome outcome = FetchOutcome::kError;
  int status = 0;              // HTTP status when a response header arrived
  std::string body;            // kOk only
  std::string content_type;    // Content-Type header
  std::string etag;            // ETag header
  std::string last_modified;   // Last-Modified header
  std::string location;        // Location header (kRedirect)
  std::string error;           // short reason for every outcome but kOk/kNotModified/kRedirect
};

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  /// GETs an absolute http(s) URL. max_bytes 0 means the options' limit. Never throws for
  /// network or protocol problems: they are outcomes with a reason ("timeout", "HTTP 404",
  /// "too large (over N bytes)", "connection refused", "TLS: certificate verify failed", ...).
  FetchResult get(std::string_view url, const Validators& validators = {}, std::size_t max_bytes = 0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace passage::crawl
