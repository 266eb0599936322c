// passage shard serve: one shard of a sharded index over Xapian's remote protocol, by running
// Debian's xapian-tcpsrv on the shard's stub (INDEX/shard-K), which follows full rebuilds.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/error.hpp"

namespace passage::app {
namespace {

struct ShardArgs {
  std::string shard;
  unsigned port = 0;
  std::string bind = "127.0.0.1";
  std::string program = "xapian-tcpsrv";
};

}  // namespace

Command add_shard_command(CLI::App& app) {
  auto a = std::make_shared<ShardArgs>();
  CLI::App* cmd =
      app.add_subcommand("shard", "Serve one shard of a sharded index to remote searchers");
  cmd->require_subcommand(1);
  CLI::App* serve = cmd->add_subcommand("serve",
                                        "Serve INDEX/shard-K (or a shard's database folder) with "
                                        "xapian-tcpsrv; it follows full rebuilds");
  serve
      ->add_option("shard", a->shard,
                   "The shard: INDEX/shard-K, the stub `passage index` writes for shard K")
      ->required();
  serve->add_option("-p,--port", a->port, "TCP port")->required()->check(CLI::Range(1, 65535));
  serve->add_option("--bind", a->bind, "Address to listen on")->capture_default_str();
  serve
      ->add_option("--tcpsrv", a->program,
                   "The xapian-tcpsrv program (Debian package xapian-tools)")
      ->capture_default_str();
  return [a]() -> int {
    std::error_code ec;
    const std::filesystem::path shard(a->shard);
    if (!std::filesystem::exists(shard, ec))
      throw PassageError(
          {ErrorCode::kNotFound,
           "no shard at " + a->shard + " (expected INDEX/shard-K written by `passage index`)"});
    if (std::filesystem::is_directory(shard, ec) &&
        !std::filesystem::exists(shard / "iamglass", ec))
      throw PassageError(
          {ErrorCode::kInvalidArgument,
           a->shard + " is a folder but not a shard: give INDEX/shard-K, the stub of one shard"});
    std::vector<std::string> args{a->program,    "--port", std::to_string(a->port),
                                  "--interface", a->bind,  a->shard};
    std::vector<char*> argv;
    for (std::string& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::fprintf(stderr, "passage: serving shard %s on %s:%u with %s\n", a->shard.c_str(),
                 a->bind.c_str(), a->port, a->program.c_str());
    std::fflush(stderr);
    // xapian-tcpsrv answers SIGTERM by signalling its whole process group (to stop its
    // per-connection children): started from a script or a service, it gets a group of its own
    // so stopping it does not stop its starter. On a terminal it stays in the foreground group,
    // so Ctrl-C reaches it.
    if (::isatty(STDIN_FILENO) == 0) ::setpgid(0, 0);
    ::execvp(argv[0], argv.data());
    const int err = errno;
    throw PassageError({ErrorCode::kUnavailable,
                        "cannot run " + a->program + ": " + std::strerror(err) +
                            (err == ENOENT ? " (install the Debian package xapian-tools)" : "")});
  };
}

}  // namespace passage::app
