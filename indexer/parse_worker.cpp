#include "indexer/parse_worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

extern char** environ;

// AddressSanitizer reserves terabytes of shadow address space, so RLIMIT_AS cannot limit memory
// in sanitizer builds: there the parent's RSS watchdog alone enforces the memory limit.
#if defined(__SANITIZE_ADDRESS__)
#define PASSAGE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PASSAGE_ASAN 1
#endif
#endif

namespace passage::indexer {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kMaxFrameBytes = 1u << 30;
constexpr char kRequestPath = 'P';
constexpr char kRequestBytes = 'B';

// ---- codec ----------------------------------------------------------------------------------------

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint32_t u32() {
    std::string_view b = take(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[i])) << (8 * i);
    return v;
  }
  std::uint64_t u64() {
    std::string_view b = take(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
    return v;
  }
  std::string_view str() { return take(u32()); }

 private:
  // Never reads past the end: a short payload yields zeros and clears ok().
  std::string_view take(std::size_t n) {
    static const char kZeros[8] = {};
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return n <= sizeof kZeros ? std::string_view(kZeros, n) : std::string_view();
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// ---- I/O --------------------------------------------------------------------------------------------

std::string frame(std::string_view payload) {
  Writer w;
  w.str(payload);
  return w.take();
}

// Writes everything (the worker side: a dead parent ends the worker through SIGPIPE).
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads exactly n bytes; false on EOF or error.
bool read_exact(int fd, char* out, std::size_t n) {
  while (n > 0) {
    ssize_t got = ::read(fd, out, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

// Reads one frame's payload; nullopt on EOF, error or an oversized frame.
std::optional<std::string> read_frame(int fd) {
  char head[4];
  if (!read_exact(fd, head, 4)) return std::nullopt;
  const std::uint32_t n = Reader(std::string_view(head, 4)).u32();
  if (n > kMaxFrameBytes) return std::nullopt;
  std::string payload(n, '\0');
  if (n > 0 && !read_exact(fd, payload.data(), n)) return std::nullopt;
  return payload;
}

// ---- worker-side limits ---------------------------------------------------------------------------

// A /proc/self/status field in kB, read without allocating (also used from a signal handler).
long status_kb(const char* field) {
  int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char* at = std::strstr(buf, field);
  if (at == nullptr) return -1;
  at += std::strlen(field);
  while (*at == ':' || *at == ' ' || *at == '\t') ++at;
  long v = 0;
  while (*at >= '0' && *at <= '9') v = v * 10 + (*at++ - '0');
  return v;
}

[[maybe_unused]] long g_memory_floor_kb = 0;  // address space at start
[[maybe_unused]] long g_memory_limit_kb = 0;  // allowed beyond that

// C code (Poppler's gmalloc, gumbo) aborts or faults when malloc fails under RLIMIT_AS. When the
// address space peaked near the limit, such a death is reported as the memory limit.
[[maybe_unused]] void on_fatal_signal(int sig) {
  const long peak = status_kb("VmPeak");
  if (g_memory_limit_kb > 0 && peak - g_memory_floor_kb >= g_memory_limit_kb * 3 / 4)
    ::_exit(kWorkerExitMemoryLimit);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

[[maybe_unused]] [[noreturn]] void on_new_failure() { ::_exit(kWorkerExitMemoryLimit); }

void limit_memory([[maybe_unused]] std::size_t memory_mb) {
#ifndef PASSAGE_ASAN
  if (memory_mb == 0) return;
  g_memory_floor_kb = status_kb("VmSize");
  g_memory_limit_kb = static_cast<long>(memory_mb) * 1024;
  const rlim_t bytes = static_cast<rlim_t>(g_memory_floor_kb + g_memory_limit_kb) * 1024;
  const rlimit rl{bytes, bytes};
  ::setrlimit(RLIMIT_AS, &rl);
  std::set_new_handler(&on_new_failure);
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS}) ::signal(sig, &on_fatal_signal);
#endif
}

// RLIMIT_CPU counts the process's whole life, so each document gets the time used so far plus
// its allowance. SIGXCPU (default action: terminate) at the soft limit, SIGKILL at the hard one.
void limit_cpu_for_next_document(unsigned cpu_seconds) {
  if (cpu_seconds == 0) return;
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  const rlim_t used = static_cast<rlim_t>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
  const rlimit rl{used + cpu_seconds, used + cpu_seconds + 2};
  ::setrlimit(RLIMIT_CPU, &rl);
}

// ---- parent side ----------------------------------------------------------------------------------

std::string seconds_text(double s) {
  char buf[32];
  if (std::abs(s - std::round(s)) < 1e-9)
    std::snprintf(buf, sizeof buf, "%.0f s", s);
  else
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Resident memory of a process in MB, or -1.
long resident_mb(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/statm";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  long size = 0, resident = 0;
  if (std::sscanf(buf, "%ld %ld", &size, &resident) != 2) return -1;
  return resident * (::sysconf(_SC_PAGESIZE) / 1024) / 1024;
}

// The environment for a worker: ours, and in sanitizer builds ASan told to leave SIGSEGV and
// SIGBUS alone, so a crash is reported as the signal it is.
std::vector<std::string> worker_environment() {
  std::vector<std::string> env;
  bool asan_seen = false;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string v = *e;
#ifdef PASSAGE_ASAN
    if (v.rfind("ASAN_OPTIONS=", 0) == 0) {
      v += ":handle_segv=0:handle_sigbus=0";
      asan_seen = true;
    }
#endif
    env.push_back(std::move(v));
  }
#ifdef PASSAGE_ASAN
  if (!asan_seen) env.emplace_back("ASAN_OPTIONS=handle_segv=0:handle_sigbus=0");
#endif
  (void)asan_seen;
  return env;
}

}  // namespace

// ---- wire format --------------------------------------------------------------------------------

std::string encode_request(const ParseRequest& request) {
  Writer w;
  if (request.bytes) {
    w.u8(kRequestBytes);
    w.str(request.path.string());
    w.str(*request.bytes);
  } else {
    w.u8(kRequestPath);
    w.str(request.path.string());
  }
  return w.take();
}

std::string encode_reply(const Result<Extracted>& result) {
  Writer w;
  if (!result) {
    w.u8(1);
    w.u8(static_cast<std::uint8_t>(result.error().code));
    w.str(result.error().message);
    return w.take();
  }
  const Extracted& e = *result;
  w.u8(0);
  w.str(e.title);
  w.str(e.text);
  w.str(e.language);
  w.u8(e.year ? 1 : 0);
  w.u32(static_cast<std::uint32_t>(e.year.value_or(0)));
  w.u32(static_cast<std::uint32_t>(e.authors.size()));
  for (const std::string& a : e.authors) w.str(a);
  w.str(e.description);
  w.str(e.keywords);
  w.str(e.publisher);
  w.str(e.pdf_url);
  w.u32(static_cast<std::uint32_t>(e.pages));
  w.u32(static_cast<std::uint32_t>(e.page_offsets.size()));
  for (std::size_t o : e.page_offsets) w.u64(o);
  return w.take();
}

Result<Extracted> decode_reply(std::string_view payload) {
  Reader r(payload);
  const std::uint8_t status = r.u8();
  if (status == 1) {
    const std::uint8_t code = r.u8();
    std::string message(r.str());
    if (!r.ok() || !r.at_end() || code > static_cast<std::uint8_t>(ErrorCode::kInternal))
      return make_error(ErrorCode::kInternal, "malformed reply from the parse worker");
    return make_error(static_cast<ErrorCode>(code), std::move(message));
  }
  Extracted e;
  e.title = r.str();
  e.text = r.str();
  e.language = r.str();
  const bool has_year = r.u8() != 0;
  const auto year = static_cast<std::int32_t>(r.u32());
  if (has_year) e.year = year;
  const std::uint32_t authors = r.u32();
  for (std::uint32_t i = 0; i < authors && r.ok(); ++i) e.authors.emplace_back(r.str());
  e.description = r.str();
  e.keywords = r.str();
  e.publisher = r.str();
  e.pdf_url = r.str();
  e.pages = static_cast<int>(r.u32());
  const std::uint32_t offsets = r.u32();
  for (std::uint32_t i = 0; i < offsets && r.ok(); ++i) e.page_offsets.push_back(static_cast<std::size_t>(r.u64()));
  if (status != 0 || !r.ok() || !r.at_end())
    return make_error(ErrorCode::kInternal, "malformed reply from the parse worker");
  return e;
}

std::string serve_request(std::string_view payload, void (*before_parse)(std::string_view bytes)) {
  Reader r(payload);
  const char kind = static_cast<char>(r.u8());
  const std::filesystem::path name(std::string(r.str()));
  std::string_view bytes;
  std::string owned;
  if (kind == kRequestBytes) {
    bytes = r.str();
  } else if (kind == kRequestPath && r.ok()) {
    Result<std::string> read = read_input_file(name);
    if (!read) return encode_reply(read.error());
    owned = std::move(*read);
    bytes = owned;
  }
  if (!r.ok() || !r.at_end() || (kind != kRequestPath && kind != kRequestBytes))
    return encode_reply(make_error(ErrorCode::kInternal, "malformed request to the parse worker"));
  if (before_parse != nullptr) before_parse(bytes);
  return encode_reply(extract_named(name, bytes));
}

int run_parse_worker(int fd, const WorkerLimits& limits, void (*before_parse)(std::string_view bytes)) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // also the socket's EOF ends us when the indexer dies
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  limit_memory(limits.memory_mb);
  for (;;) {
    std::optional<std::string> request = read_frame(fd);
    if (!request) return 0;
    limit_cpu_for_next_document(limits.cpu_seconds);
    if (!write_all(fd, frame(serve_request(*request, before_parse)))) return 0;
  }
}

int parse_worker_main(int argc, char** argv, void (*before_parse)(std::string_view bytes)) {
  int fd = -1;
  WorkerLimits limits;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view key = argv[i];
    char* end = nullptr;
    const unsigned long value = std::strtoul(argv[i + 1], &end, 10);
    if (end == argv[i + 1] || *end != '\0') fd = -2;
    if (key == "--fd")
      fd = fd == -2 ? -2 : static_cast<int>(value);
    else if (key == "--cpu-seconds")
      limits.cpu_seconds = static_cast<unsigned>(value);
    else if (key == "--memory-mb")
      limits.memory_mb = value;
    else
      fd = -2;
  }
  if (fd < 0 || argc % 2 == 0) {
    std::fprintf(stderr,
                 "passage-parse-worker: started by `passage index`, not by hand "
                 "(usage: --fd N [--cpu-seconds N] [--memory-mb N])\n");
    return 2;
  }
  return run_parse_worker(fd, limits, before_parse);
}

// ---- IsolatedParser -------------------------------------------------------------------------------

IsolatedParser::IsolatedParser(IsolationOptions options) : options_(std::move(options)) {}

IsolatedParser::~IsolatedParser() {
  if (pid_ >= 0) stop(false);
}

Status IsolatedParser::start() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return make_error(ErrorCode::kUnavailable, std::string("cannot create a socket for the parse worker: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 3);  // dup2 clears close-on-exec
  posix_spawn_file_actions_adddup2(&actions, 2, 1);      // stray library output goes to stderr
  const std::string path = options_.worker.string();
  std::vector<std::string> args = {path, "--fd", "3", "--cpu-seconds", std::to_string(options_.limits.cpu_seconds),
                                   "--memory-mb", std::to_string(options_.limits.memory_mb)};
  std::vector<std::string> env = worker_environment();
  std::vector<char*> argv, envp;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return make_error(ErrorCode::kUnavailable, "cannot start the parse worker " + path + ": " + std::strerror(rc));
  }
  pid_ = pid;
  fd_ = sv[0];
  return Ok{};
}

std::string IsolatedParser::stop(bool kill_first) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (pid_ < 0) return {};
  if (kill_first) ::kill(pid_, SIGKILL);
  int status = 0;
  // A worker that closed its end is dying: give it a moment before forcing it.
  pid_t got = 0;
  for (int i = 0; i < 200 && (got = ::waitpid(pid_, &status, WNOHANG)) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (got == 0) {
    ::kill(pid_, SIGKILL);
    got = ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  if (got < 0) return "parse worker lost";
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU) return "CPU time limit exceeded (" + std::to_string(options_.limits.cpu_seconds) + " s)";
    return "parser crashed (signal " + std::to_string(sig) + ")";
  }
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    if (code == kWorkerExitMemoryLimit) return "memory limit exceeded (" + std::to_string(options_.limits.memory_mb) + " MB)";
    return "parser exited with status " + std::to_string(code);
  }
  return "parse worker ended";
}

Result<Extracted> IsolatedParser::parse(const ParseRequest& request) {
  const std::string name = request.path.filename().string();
  const std::string message = frame(encode_request(request));
  // A worker that died while idle is not this document's fault: start a fresh one once more.
  bool sent = false;
  start_failed_ = false;
  for (int attempt = 0; attempt < 2 && !sent; ++attempt) {
    if (pid_ < 0) {
      Status st = start();
      if (!st) {
        start_failed_ = true;
        return st.error();
      }
    }
    sent = send_all(fd_, message);
    if (!sent) stop(true);
  }
  if (!sent) return make_error(ErrorCode::kUnavailable, name + ": the parse worker does not accept requests");

  const auto deadline = Clock::now() + options_.timeout;
  const long memory_limit_mb = static_cast<long>(options_.limits.memory_mb);
  std::string buffer(4, '\0');
  std::size_t have = 0;
  bool have_length = false;
  while (have < buffer.size()) {
    const auto now = Clock::now();
    if (now >= deadline) {
      stop(true);
      return make_error(ErrorCode::kDataLoss,
                        name + ": timed out after " +
                            seconds_text(std::chrono::duration<double>(options_.timeout).count()));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left + 1, 100)));
    if (ready < 0 && errno != EINTR) {
      const std::string why = stop(true);
      return make_error(ErrorCode::kUnavailable, name + ": lost the parse worker (" + why + ")");
    }
    if (ready <= 0) {
      // The memory watchdog: the only memory limit in sanitizer builds, a backstop otherwise.
      if (memory_limit_mb > 0 && resident_mb(pid_) > memory_limit_mb) {
        stop(true);
        return make_error(ErrorCode::kDataLoss, name + ": memory limit exceeded (" + std::to_string(memory_limit_mb) + " MB)");
      }
      continue;
    }
    const ssize_t n = ::recv(fd_, buffer.data() + have, buffer.size() - have, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = stop(false);
      return make_error(ErrorCode::kDataLoss, name + ": " + (why.empty() ? "parse worker ended" : why));
    }
    have += static_cast<std::size_t>(n);
    if (!have_length && have == 4) {
      const std::uint32_t len = Reader(buffer).u32();
      if (len > kMaxFrameBytes) {
        stop(true);
        return make_error(ErrorCode::kInternal, name + ": malformed reply from the parse worker");
      }
      have_length = true;
      buffer.resize(4 + static_cast<std::size_t>(len));
    }
  }
  return decode_reply(std::string_view(buffer).substr(4));
}

}  // namespace passage::indexer
