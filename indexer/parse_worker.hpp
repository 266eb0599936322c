#pragma once
// Parsing in a separate process. A document that crashes, hangs or balloons a parser (Poppler on
// a hostile PDF) must cost that document only, so the indexer hands each document to a worker
// process (`passage-parse-worker`) over a socket: length-framed requests (a file to read, or
// bytes already fetched) and replies (the Extracted fields, or an Error). The worker runs each
// document under a CPU-time limit and its whole life under a memory limit; the parent enforces
// a wall-clock timeout and restarts a worker that died, naming the reason.
//
// The wire format (all integers little-endian): a frame is a u32 payload length and the payload.
// Request: u8 'P' + str path (the worker reads the file), or u8 'B' + str name + str bytes.
// Reply: u8 0 + the Extracted fields, or u8 1 + u8 ErrorCode + str message; str = u32 + bytes.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "indexer/extract/extractor.hpp"

namespace passage::indexer {

/// One document to parse: a file the worker reads, or content already in memory (fetched from
/// the web) named by its URL path (for the format hint and error messages).
struct ParseRequest {
  std::filesystem::path path;
  std::optional<std::string_view> bytes;  // when set, parse these instead of reading `path`
};

/// Limits a worker applies to itself.
struct WorkerLimits {
  unsigned cpu_seconds = 30;      // CPU time per document (RLIMIT_CPU); 0 = none
  std::size_t memory_mb = 1024;   // address space beyond the worker's own at start; 0 = none
};

/// How the indexer parses: in its own process (worker empty: tests, fuzzing) or in workers.
struct IsolationOptions {
  std::filesystem::path worker;                    // the passage-parse-worker executable
  WorkerLimits limits;
  std::chrono::milliseconds timeout{60'000};       // wall-clock time per document
};

/// A worker exits with this status when an allocation failed under its memory limit.
inline constexpr int kWorkerExitMemoryLimit = 86;

// ---- wire format ---------------------------------------------------------------------------------

std::string encode_request(const ParseRequest& request);
std::string encode_reply(const Result<Extracted>& result);
/// Decodes a reply; a malformed payload is a kInternal error.
Result<Extracted> decode_reply(std::string_view payload);

/// What a worker does with one request payload: decode it, read the file if needed, extract,
/// and encode the reply. A pure function on bytes (no limits, no I/O besides reading the named
/// file), so fuzzers and tests can drive the worker's whole path in-process. `before_parse`, when
/// set, sees the document's bytes first (test workers use it to crash, spin or balloon).
std::string serve_request(std::string_view payload, void (*before_parse)(std::string_view bytes) = nullptr);

/// The worker's main loop on a connected socket: applies `limits`, then answers requests until
/// the other end closes. Returns the process exit status.
int run_parse_worker(int fd, const WorkerLimits& limits, void (*before_parse)(std::string_view bytes) = nullptr);

/// The whole worker program: `passage-parse-worker --fd N [--cpu-seconds N] [--memory-mb N]`
/// (as IsolatedParser starts it). Returns the exit status (2 on bad arguments).
int parse_worker_main(int argc, char** argv, void (*before_parse)(std::string_view bytes) = nullptr);

/// Parent side: one worker process, started on first use and restarted after it died. Not
/// thread-safe; the indexer gives each parser thread its own.
class IsolatedParser {
 public:
  explicit IsolatedParser(IsolationOptions options);
  ~IsolatedParser();
  IsolatedParser(const IsolatedParser&) = delete;
  IsolatedParser& operator=(const IsolatedParser&) = delete;

  /// Parses one document in the worker. Errors are the extractor's own, or the worker's fate:
  /// "parser crashed (signal 11)", "timed out after 30 s", "CPU time limit exceeded (30 s)",
  /// "memory limit exceeded (1024 MB)" (kDataLoss; the worker is restarted for the next one), or
  /// kUnavailable when no worker can be started at all.
  Result<Extracted> parse(const ParseRequest& request);

  /// The running worker's process id, or -1.
  pid_t pid() const { return pid_; }
  /// Whether the last parse failed because no worker could be started (a job-level problem).
  bool start_failed() const { return start_failed_; }

 private:
  Status start();
  // Kills (when still running) and reaps the worker; returns the reason it ended, if abnormal.
  std::string stop(bool kill_first);

  IsolationOptions options_;
  pid_t pid_ = -1;
  int fd_ = -1;
  bool start_failed_ = false;
};

}  // namespace passage::indexer
