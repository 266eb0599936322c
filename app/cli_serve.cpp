#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "core/config/corpus_config.hpp"
#include "core/log.hpp"
#include "server/server.hpp"

namespace passage::app {
namespace {

struct ServeArgs {
  std::string index;
  std::string config;
  std::string bind = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;
  double read_timeout = 15;
  std::vector<std::string> cors;
  std::vector<std::string> document_roots;
};

// The admin token: $PASSAGE_ADMIN_TOKEN, else the variable named by [server] admin_token_env,
// else [server] admin_token. Empty disables the admin endpoints.
std::string admin_token(const config::ServerSettings& settings) {
  if (const char* env = std::getenv("PASSAGE_ADMIN_TOKEN"); env != nullptr && *env != '\0') return env;
  if (!settings.admin_token_env.empty()) {
    if (const char* env = std::getenv(settings.admin_token_env.c_str()); env != nullptr && *env != '\0') return env;
    log::warn("admin_token_env_unset", {{"variable", settings.admin_token_env}});
  }
  return settings.admin_token;
}

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve an index over HTTP: search page at /, JSON API at /api/search");
  cmd->add_option("-i,--index", a->index, "Index folder (default: the config's index path)");
  cmd->add_option("-c,--config", a->config,
                  "corpus-config TOML: its index, [server] settings, and what POST /api/admin/reindex indexes");
  cmd->add_option("--bind", a->bind, "Address to listen on")->capture_default_str();
  cmd->add_option("-p,--port", a->port, "Port (0 picks a free one)")->capture_default_str();
  cmd->add_option("-j,--threads", a->threads, "Worker threads (default: all cores)");
  cmd->add_option("--read-timeout", a->read_timeout, "Seconds allowed to read one request, idle keep-alive included")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--cors-origin", a->cors, "Origin allowed to call the API from a browser (repeatable, * for any; adds to [server] cors_origins)");
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
    config::ServerSettings settings;
    if (!a->config.empty()) {
      config::CorpusConfig cfg = config::load_config(a->config).value_or_throw();
      settings = cfg.server;
      opts.index_dir = a->index.empty() ? cfg.index_path : std::filesystem::path(a->index);
      std::error_code ec;
      std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
      if (ec) throw PassageError({ErrorCode::kUnavailable, "cannot find the passage executable: " + ec.message()});
      opts.reindex_command = {self.string(), "index", "--config", std::filesystem::absolute(a->config).string(),
                              "--index", std::filesystem::absolute(opts.index_dir).string()};
      for (const auto& s : cfg.sources) opts.source_names.push_back(s.name);
    } else if (a->index.empty()) {
      throw PassageError({ErrorCode::kInvalidArgument, "give --index DIR or --config FILE"});
    } else {
      opts.index_dir = a->index;
    }
    opts.bind = a->bind;
    opts.port = a->port;
    opts.threads = a->threads;
    opts.read_timeout = std::chrono::milliseconds(static_cast<long>(a->read_timeout * 1000));
    opts.cors_origins = settings.cors_origins;
    opts.cors_origins.insert(opts.cors_origins.end(), a->cors.begin(), a->cors.end());
    opts.document_roots.assign(a->document_roots.begin(), a->document_roots.end());
    opts.admin_token = admin_token(settings);
    const std::string index_text = opts.index_dir.string();
    const bool admin = !opts.admin_token.empty();
    auto srv = server::Server::start(std::move(opts)).value_or_throw();
    std::string host = a->bind.find(':') != std::string::npos ? "[" + a->bind + "]" : a->bind;
    std::cout << "passage: serving " << index_text << " on http://" << host << ":" << srv->port() << "/\n"
              << "  search page: http://" << host << ":" << srv->port() << "/\n"
              << "  JSON API:    http://" << host << ":" << srv->port() << "/api/search?q=migration\n"
              << "  metrics:     http://" << host << ":" << srv->port() << "/metrics\n"
              << "  admin API:   " << (admin ? "enabled (bearer token)" : "disabled (no admin token)") << "\n"
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
