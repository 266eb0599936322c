#pragma once
// Helpers for the operations tests: the real `passage serve` as a child process, a small
// synchronous HTTP client, and a corpus-config over a private copy of the sample corpus.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace passage::test {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;
using Headers = std::vector<std::pair<std::string, std::string>>;

/// `passage serve ARGS --port 0` started as a child; the port is read from its first stdout
/// line. stderr (the JSON access log) goes to a file. The destructor kills it if still running.
class ServerProcess {
 public:
  ServerProcess(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// Sends a signal.
  void signal(int sig) const;
  /// Waits for the exit (at most `limit`); returns the exit code, 128+signal, or -1 on timeout.
  int wait(std::chrono::milliseconds limit);
  /// What it wrote on stderr so far.
  std::string err() const;
  /// VmRSS in kB from /proc/PID/status.
  long rss_kb() const;

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path err_file_;
  int exit_code_ = -1;
};

/// One keep-alive connection to 127.0.0.1:port.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port, std::chrono::seconds timeout = std::chrono::seconds(30));
  Response request(http::verb method, std::string_view target, const Headers& headers = {});
  Response get(std::string_view target, const Headers& headers = {}) {
    return request(http::verb::get, target, headers);
  }
  /// Writes raw bytes (no response read).
  void send_raw(std::string_view bytes);
  /// Reads one response.
  Response read();
  /// True when the server closed the connection (EOF or reset) within the client's timeout.
  bool closed_by_server();

 private:
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::chrono::seconds timeout_;
};

/// A private copy of sample-corpus/ and a corpus-config over it (index inside dir), so tests can
/// change the corpus. `extra` is appended to the config (e.g. a [server] table).
std::filesystem::path make_sample_config(const std::filesystem::path& dir, const std::string& extra = "");

/// The `passage` binary.
std::string passage_binary();

}  // namespace passage::test
