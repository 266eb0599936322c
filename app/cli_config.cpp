#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.hpp"
#include "core/config/corpus_config.hpp"

namespace passage::app {

Command add_config_command(CLI::App& app) {
  CLI::App* config = app.add_subcommand("config", "Work with corpus-config files");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand("check", "Validate a corpus-config file and list every problem with its line");
  auto file = std::make_shared<std::string>();
  check->add_option("file", *file, "The TOML file to check")->required();
  return [file, check]() -> int {
    if (!check->parsed()) return 2;
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      std::cerr << "passage: error: cannot read config file " << *file << "\n";
      return 1;
    }
    std::ostringstream s;
    s << in.rdbuf();
    auto problems = config::check_config(s.str(), std::filesystem::absolute(*file));
    if (problems.empty()) {
      auto cfg = config::parse_config(s.str(), *file).value_or_throw();
      std::cout << *file << ": OK (" << cfg.sources.size() << (cfg.sources.size() == 1 ? " source" : " sources")
                << ", index " << cfg.index_path.string() << ")\n";
      return 0;
    }
    for (const auto& p : problems) std::cerr << *file << ":" << p.line << ": " << p.message << "\n";
    std::cerr << *file << ": " << problems.size() << (problems.size() == 1 ? " problem" : " problems") << "\n";
    return 1;
  };
}

}  // namespace passage::app
