#include "server/reindex_jobs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "core/log.hpp"

extern char** environ;

namespace passage::server {

namespace {

constexpr std::size_t kKeptJobs = 32;
constexpr std::size_t kMaxLine = 1 << 20;
constexpr std::string_view kErrorPrefix = "passage: error: ";

std::string iso_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::size_t count_at(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::size_t>() : 0;
}

// Splits what arrives on a pipe into lines.
struct LineBuffer {
  std::string pending;
  template <typename F>
  void feed(const char* data, std::size_t n, F&& on_line) {
    pending.append(data, n);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      on_line(std::string_view(pending).substr(start, nl - start));
    }
    pending.erase(0, start);
    if (pending.size() > kMaxLine) pending.clear();  // a runaway line is dropped, not buffered
  }
};

}  // namespace

std::string_view job_state_name(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
  }
  return "failed";
}

nlohmann::ordered_json to_json(const JobStatus& s) {
  auto time_or_null = [](const std::string& t) {
    return t.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t);
  };
  nlohmann::ordered_json j;
  j["id"] = std::to_string(s.id);
  j["state"] = job_state_name(s.state);
  j["source"] = s.source.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.source);
  j["full"] = s.full;
  j["created"] = time_or_null(s.created);
  j["started"] = time_or_null(s.started);
  j["finished"] = time_or_null(s.finished);
  j["progress"] = {{"total", s.total}, {"done", s.done}, {"indexed", s.indexed}, {"failed", s.failed}};
  j["report"] = s.report.is_null() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.report);
  j["error"] = s.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.error);
  return j;
}

ReindexJobs::ReindexJobs(std::vector<std::string> command, std::vector<std::string> source_names,
                         std::function<void()> on_success)
    : command_(std::move(command)),
      source_names_(std::move(source_names)),
      on_success_(std::move(on_success)) {}

ReindexJobs::~ReindexJobs() { shutdown(); }

void ReindexJobs::shutdown() {
  std::thread finished;
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
    if (child_ > 0) ::kill(child_, SIGTERM);
    finished = std::move(thread_);
  }
  if (finished.joinable()) finished.join();
}

Result<JobStatus> ReindexJobs::start(const std::string& source, bool full) {
  if (full && !source.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "a full rebuild indexes every source: give either source or full");
  if (!source.empty() &&
      std::find(source_names_.begin(), source_names_.end(), source) == source_names_.end()) {
    return make_error(ErrorCode::kInvalidArgument, "no source named '" + source + "' in the corpus-config");
  }
  std::lock_guard lock(mu_);
  if (shutting_down_) return make_error(ErrorCode::kUnavailable, "the server is stopping");
  if (running_) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "reindex job " + std::to_string(*running_) + " is still running");
  }
  // The previous job's thread has finished its work (running_ is reset at its very end).
  if (thread_.joinable()) thread_.join();

  JobStatus job;
  job.id = next_id_++;
  job.source = source;
  job.full = full;
  job.created = iso_now();
  jobs_[job.id] = job;
  while (jobs_.size() > kKeptJobs) jobs_.erase(jobs_.begin());
  running_ = job.id;

  std::vector<std::string> argv = command_;
  argv.insert(argv.end(), {"--json", "-q"});
  if (!source.empty()) argv.insert(argv.end(), {"--source", source});
  if (full) argv.emplace_back("--full");
  thread_ = std::thread([this, id = job.id, argv = std::move(argv)]() mutable { run(id, std::move(argv)); });
  log::info("reindex_job_queued", {{"job", job.id}, {"source", source}, {"full", full}});
  return job;
}

Result<JobStatus> ReindexJobs::status(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return make_error(ErrorCode::kNotFound, "no job with id " + std::to_string(id));
  return it->second;
}

std::optional<std::uint64_t> ReindexJobs::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

std::uint64_t ReindexJobs::succeeded() const {
  std::lock_guard lock(mu_);
  return succeeded_;
}

std::uint64_t ReindexJobs::failed() const {
  std::lock_guard lock(mu_);
  return failed_;
}

void ReindexJobs::update(std::uint64_t id, const std::function<void(JobStatus&)>& fn) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it != jobs_.end()) fn(it->second);
}

void ReindexJobs::run(std::uint64_t id, std::vector<std::string> argv) {
  auto finish = [&](bool ok, std::string error) {
    if (ok && on_success_) on_success_();
    std::lock_guard lock(mu_);
    if (auto it = jobs_.find(id); it != jobs_.end()) {
      it->second.state = ok ? JobState::kSucceeded : JobState::kFailed;
      it->second.finished = iso_now();
      it->second.error = std::move(error);
    }
    if (ok) {
      ++succeeded_;
    } else {
      ++failed_;
    }
    child_ = -1;
    running_.reset();
    log::write(ok ? log::Level::kInfo : log::Level::kError, "reindex_job_finished",
               {{"job", id}, {"state", ok ? "succeeded" : "failed"}});
  };

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return finish(false, "cannot create a pipe");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return finish(false, "cannot create a pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // The server blocks SIGTERM/SIGINT in its threads (a waiter thread takes them); the child must
  // not inherit that mask, or it could not be stopped. Its own process group keeps a terminal's
  // Ctrl-C for the server to decide.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = -1;
  int rc;
  {
    std::lock_guard lock(mu_);
    if (shutting_down_) {
      rc = ECANCELED;
    } else {
      rc = posix_spawn(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
      if (rc == 0) {
        child_ = pid;
        if (auto it = jobs_.find(id); it != jobs_.end()) {
          it->second.state = JobState::kRunning;
          it->second.started = iso_now();
        }
      }
    }
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return finish(false, rc == ECANCELED ? "the server is stopping"
                                         : "cannot start the index command: " + std::string(std::strerror(rc)));
  }
  log::info("reindex_job_started", {{"job", id}, {"pid", pid}});

  nlohmann::json report;
  std::string error;
  LineBuffer out_lines, err_lines;
  auto on_out = [&](std::string_view line) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return;
    if (auto p = j.find("progress"); p != j.end() && p->is_object()) {
      update(id, [&](JobStatus& s) {
        s.total = count_at(*p, "total");
        s.done = count_at(*p, "done");
        s.indexed = count_at(*p, "indexed");
        s.failed = count_at(*p, "failed");
      });
    } else if (auto r = j.find("report"); r != j.end() && r->is_object()) {
      report = *r;
    }
  };
  auto on_err = [&](std::string_view line) {
    // "passage: error: MESSAGE" and, for a config with several problems, one line per problem.
    if (line.starts_with(kErrorPrefix)) {
      error = std::string(line.substr(kErrorPrefix.size()));
    } else if (!error.empty() && !line.empty() && !line.starts_with("{")) {
      error.append("\n").append(line);
    }
    log::info("reindex_job_output", {{"job", id}, {"line", line}});
  };

  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[16 * 1024];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        if (i == 0) out_lines.feed(buf, static_cast<std::size_t>(n), on_out);
        else err_lines.feed(buf, static_cast<std::size_t>(n), on_err);
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& f : fds)
    if (f.fd >= 0) ::close(f.fd);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && report.is_object();
  if (!ok && error.empty()) {
    if (WIFSIGNALED(status)) {
      error = "the index job was stopped by signal " + std::to_string(WTERMSIG(status));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      error = "the index job exited with status " + std::to_string(WEXITSTATUS(status));
    } else {
      error = "the index job wrote no report";
    }
  }
  if (ok) {
    update(id, [&](JobStatus& s) {
      s.report = report;
      s.total = count_at(report, "found");
      s.done = s.total;
      s.indexed = count_at(report, "indexed");
      if (auto f = report.find("failed"); f != report.end() && f->is_array()) s.failed = f->size();
    });
  }
  finish(ok, error);
}

}  // namespace passage::server
