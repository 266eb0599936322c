#pragma once
// A small HTTP/1.1 server on 127.0.0.1 (port 0) for crawler tests: a handler decides each
// response, every request is logged (target and the headers a crawler sends), a response can be
// delayed (a slow page) or sent chunked (no Content-Length). One thread per connection.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace passage::test {

struct FixtureRequest {
  std::string target;             // "/a.html?x=1"
  std::string user_agent;
  std::string if_none_match;
  std::string if_modified_since;
};

struct FixtureResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;  // extra headers (ETag, Location, ...)
  std::chrono::milliseconds delay{0};          // wait this long before answering
  bool chunked = false;                        // send the body chunked, without Content-Length
};

class FixtureSite {
 public:
  using Handler = std::function<FixtureResponse(const FixtureRequest&)>;
  explicit FixtureSite(Handler handler);
  ~FixtureSite();
  FixtureSite(const FixtureSite&) = delete;
  FixtureSite& operator=(const FixtureSite&) = delete;

  unsigned short port() const { return port_; }
  /// "http://127.0.0.1:PORT"
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Every request so far, in arrival order.
  std::vector<FixtureRequest> requests() const;
  /// How many requests asked for target.
  std::size_t count(const std::string& target) const;
  void clear_requests();
  void set_handler(Handler handler);

 private:
  void serve(int fd);

  struct State;
  std::shared_ptr<State> state_;
  unsigned short port_ = 0;
  std::thread acceptor_;
};

}  // namespace passage::test
