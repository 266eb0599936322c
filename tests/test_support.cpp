#include "tests/test_support.hpp"

#include "core/schema.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xapian.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace passage::test {

namespace fs = std::filesystem;

fs::path source_dir() { return fs::path(PASSAGE_SOURCE_DIR); }
fs::path sample_corpus_dir() { return source_dir() / "sample-corpus"; }
fs::path sample_config() { return source_dir() / "corpus-config" / "sample.toml"; }

fs::path shared_corpus_dir() {
  fs::path p = source_dir().parent_path() / "shared" / "corpus";
  if (fs::is_directory(p)) return p;
  return {};
}

TempDir::TempDir() {
  std::random_device rd;
  fs::path base = fs::temp_directory_path();
  for (int i = 0; i < 100; ++i) {
    fs::path p = base / ("passage-test-" + std::to_string(rd()));
    if (fs::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

namespace {
std::string drain(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}
}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[0]);
    close(err_pipe[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult r;
  std::thread t([&] { r.err = drain(err_pipe[0]); });
  r.out = drain(out_pipe[0]);
  t.join();
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::map<std::string, std::string> index_contents(const fs::path& index) {
  std::map<std::string, std::string> out;
  Xapian::Database db(index.string());
  const std::string prefix(schema::kIdPrefix);
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Xapian::Document d = db.get_document(*it);
    std::string id;
    auto t = d.termlist_begin();
    t.skip_to(prefix);
    for (; t != d.termlist_end(); ++t) {
      const std::string term = *t;
      if (term.rfind(prefix, 0) != 0) break;
      id = term.substr(prefix.size());
    }
    out[id] = d.get_value(schema::kSlotContentHash) + "\n" + d.get_data();
  }
  return out;
}

bool children_gone(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const pid_t got = ::waitpid(-1, nullptr, WNOHANG);
    if (got < 0 && errno == ECHILD) return true;
    if (got > 0) continue;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace passage::test
