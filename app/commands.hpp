#pragma once
// The `passage` sub-commands: each registers its options on the CLI11 app and returns the
// function that runs it (returning the process exit status).

#include <CLI/CLI.hpp>
#include <functional>

namespace passage::app {

using Command = std::function<int()>;

Command add_index_command(CLI::App& app);
Command add_search_command(CLI::App& app);
Command add_serve_command(CLI::App& app);
Command add_config_command(CLI::App& app);
Command add_shard_command(CLI::App& app);

}  // namespace passage::app
