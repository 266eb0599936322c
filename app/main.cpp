// passage: index, search and serve migration-policy literature.
#include <cstdio>
#include <exception>

#include "app/commands.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"passage: full-text search over migration-policy literature"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "passage 0.1.0");
  std::vector<std::pair<CLI::App*, passage::app::Command>> commands;
  auto add = [&](passage::app::Command (*fn)(CLI::App&)) {
    std::size_t before = app.get_subcommands({}).size();
    passage::app::Command c = fn(app);
    commands.emplace_back(app.get_subcommands({})[before], std::move(c));
  };
  try {
    add(passage::app::add_index_command);
    add(passage::app::add_search_command);
    add(passage::app::add_serve_command);
    add(passage::app::add_config_command);
    add(passage::app::add_shard_command);
    app.parse(argc, argv);
    for (auto& [sub, run] : commands)
      if (sub->parsed()) return run();
    return 2;
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const passage::PassageError& e) {
    std::fprintf(stderr, "passage: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "passage: error: %s\n", e.what());
    return 1;
  }
}
