#include <csignal>
#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "server/server.hpp"

namespace passage::app {
namespace {

struct ServeArgs {
  std::string index;
  std::string bind = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;
  std::vector<std::string> cors;
  std::vector<std::string> document_roots;
};

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve an index over HTTP: search page at /, JSON API at /api/search");
  cmd->add_option("-i,--index", a->index, "Index folder")->required();
  cmd->add_option("--bind", a->bind, "Address to listen on")->capture_default_str();
  cmd->add_option("-p,--port", a->port, "Port (0 picks a free one)")->capture_default_str();
  cmd->add_option("-j,--threads", a->threads, "Worker threads (default: all cores)");
  cmd->add_option("--cors-origin", a->cors, "Origin allowed to call the API from a browser (repeatable, * for any)");
  cmd->add_option("--document-root", a->document_roots,
                  "Folder whose indexed files the page may open via /api/documents/{id}/file (repeatable)")
      ->check(CLI::ExistingDirectory);
  return [a]() -> int {
    // Block SIGINT/SIGTERM in every thread; a dedicated thread waits for them and stops the server.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    server::ServerOptions opts;
    opts.index_dir = a->index;
    opts.bind = a->bind;
    opts.port = a->port;
    opts.threads = a->threads;
    opts.cors_origins = a->cors;
    opts.document_roots.assign(a->document_roots.begin(), a->document_roots.end());
    auto srv = server::Server::start(opts).value_or_throw();
    std::string host = a->bind.find(':') != std::string::npos ? "[" + a->bind + "]" : a->bind;
    std::cout << "passage: serving " << a->index << " on http://" << host << ":" << srv->port() << "/\n"
              << "  search page: http://" << host << ":" << srv->port() << "/\n"
              << "  JSON API:    http://" << host << ":" << srv->port() << "/api/search?q=migration\n"
              << "  Ctrl-C or SIGTERM stops it.\n"
              << std::flush;
    std::thread waiter([&srv, set] {
      int sig = 0;
      sigwait(&set, &sig);
      srv->stop();
    });
    srv->wait();
    // The waiter is still in sigwait when the server stopped for another reason: wake it.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return 0;
  };
}

}  // namespace passage::app
