#pragma once
// Reindex jobs started over HTTP (POST /api/admin/reindex). A job runs `passage index --json`
// as a child process (the command is given by the program that starts the server) and is
// followed through its JSON lines on stdout: progress while it runs, the job report at the end.
//
// A child process rather than a thread in the server: a parser crash on a hostile file, or the
// memory an indexing run allocates, stays in the child, so the server's address space and
// resident size are the same after a job as before; a job can be stopped (SIGTERM) at shutdown
// without cooperation from the indexer; and the server library does not link the indexer.
// Jobs run one at a time; Xapian's write lock also keeps out a `passage index` started by hand.

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace passage::server {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed };
std::string_view job_state_name(JobState state);

struct JobStatus {
  std::uint64_t id = 0;
  JobState state = JobState::kQueued;
  std::string source;  // "" = every source
  bool full = false;   // a full rebuild into a new generation (switched to atomically at the end)
  std::string created, started, finished;  // ISO 8601 UTC ("" = not yet)
  std::size_t total = 0, done = 0, indexed = 0, failed = 0;
  nlohmann::json report;  // the indexer's report (null until the job succeeded)
  std::string error;      // why it failed
};

/// The JSON shape of GET /api/admin/jobs/{id}.
nlohmann::ordered_json to_json(const JobStatus& status);

class ReindexJobs {
 public:
  /// `command`: argv of the index command without per-job arguments, e.g.
  /// {"/usr/bin/passage", "index", "--config", "corpus.toml", "--index", "idx"}; the job adds
  /// "--json", "-q" and, for one source, "--source", NAME. `on_success` runs (on the job's
  /// thread) after a job succeeded and before its state says so.
  ReindexJobs(std::vector<std::string> command, std::vector<std::string> source_names,
              std::function<void()> on_success);
  /// Stops a running job (SIGTERM to the child) and waits for its thread.
  ~ReindexJobs();
  ReindexJobs(const ReindexJobs&) = delete;
  ReindexJobs& operator=(const ReindexJobs&) = delete;

  /// Starts a job for every source ("") or one. kInvalidArgument for an unknown source;
  /// kFailedPrecondition (with the running job's id in the message) while another job runs.
  Result<JobStatus> start(const std::string& source, bool full = false);
  /// kNotFound for an unknown id (only the last 32 jobs are kept).
  Result<JobStatus> status(std::uint64_t id) const;
  /// The id of the running job, if any.
  std::optional<std::uint64_t> running() const;
  std::uint64_t succeeded() const;
  std::uint64_t failed() const;
  /// Stops the running job, if any, and refuses new ones. Idempotent.
  void shutdown();

 private:
  void run(std::uint64_t id, std::vector<std::string> argv);
  void update(std::uint64_t id, const std::function<void(JobStatus&)>& fn);

  const std::vector<std::string> command_;
  const std::vector<std::string> source_names_;
  const std::function<void()> on_success_;
  mutable std::mutex mu_;
  std::map<std::uint64_t, JobStatus> jobs_;
  std::uint64_t next_id_ = 1;
  std::optional<std::uint64_t> running_;
  pid_t child_ = -1;
  bool shutting_down_ = false;
  std::uint64_t succeeded_ = 0, failed_ = 0;
  std::thread thread_;
};

}  // namespace passage::server
