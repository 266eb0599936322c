#include "tests/ops/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <thread>

#include "tests/test_support.hpp"

namespace passage::test {

namespace fs = std::filesystem;
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

std::string passage_binary() { return PASSAGE_BINARY; }

ServerProcess::ServerProcess(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env) {
  static int counter = 0;
  err_file_ = fs::temp_directory_path() /
              ("passage-ops-serve-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".log");
  const fs::path out_file = err_file_.string() + ".out";
  std::vector<std::string> argv = {passage_binary(), "serve", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  // stdout: "passage: serving DIR on http://127.0.0.1:PORT/" once it listens.
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(out_file);
    out.assign(std::istreambuf_iterator<char>(in), {});
    if (out.find("/\n") != std::string::npos || wait(std::chrono::milliseconds(0)) >= 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::error_code ec;
  fs::remove(out_file, ec);
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(R"(http://127\.0\.0\.1:(\d+)/)"))) {
    wait(std::chrono::seconds(5));
    throw std::runtime_error("passage serve did not start: " + out + err());
  }
  port_ = static_cast<unsigned short>(std::stoi(m[1]));
}

ServerProcess::~ServerProcess() {
  if (exit_code_ < 0 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  fs::remove(err_file_, ec);
}

void ServerProcess::signal(int sig) const { ::kill(pid_, sig); }

int ServerProcess::wait(std::chrono::milliseconds limit) {
  if (exit_code_ >= 0) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string ServerProcess::err() const {
  std::ifstream in(err_file_);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

long ServerProcess::rss_kb() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

HttpClient::HttpClient(unsigned short port, std::chrono::seconds timeout) : stream_(ioc_), timeout_(timeout) {
  stream_.expires_after(timeout_);
  stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

Response HttpClient::request(http::verb method, std::string_view target, const Headers& headers) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.prepare_payload();
  stream_.expires_after(timeout_);
  http::write(stream_, req);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == http::verb::head) parser.skip(true);
  stream_.expires_after(timeout_);
  http::read(stream_, buffer_, parser);
  return parser.release();
}

void HttpClient::send_raw(std::string_view bytes) {
  stream_.expires_after(timeout_);
  net::write(stream_, net::buffer(bytes.data(), bytes.size()));
}

Response HttpClient::read() {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  stream_.expires_after(timeout_);
  http::read(stream_, buffer_, parser);
  return parser.release();
}

bool HttpClient::closed_by_server() {
  beast::error_code ec;
  char byte;
  stream_.expires_after(timeout_);
  stream_.read_some(net::buffer(&byte, 1), ec);
  return ec == net::error::eof || ec == net::error::connection_reset;
}

fs::path make_sample_config(const fs::path& dir, const std::string& extra) {
  fs::copy(sample_corpus_dir(), dir / "corpus", fs::copy_options::recursive);
  std::string config = read_file(sample_config());
  // Point the sample config's relative paths at the copy.
  config = std::regex_replace(config, std::regex(R"(\.\./sample-corpus/)"), (dir / "corpus").string() + "/");
  config = std::regex_replace(config, std::regex(R"(path = "\.\./build/sample-index")"),
                              "path = \"" + (dir / "index").string() + "\"");
  config = std::regex_replace(config, std::regex(R"(thesaurus = "thesaurus.toml")"),
                              "thesaurus = \"" + (sample_config().parent_path() / "thesaurus.toml").string() + "\"");
  fs::path file = dir / "corpus.toml";
  write_file(file, config + "\n" + extra + "\n");
  return file;
}

}  // namespace passage::test
