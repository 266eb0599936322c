// corpus-config TOML: validation, parsing and the globs of include/exclude.

#include "core/config/corpus_config.hpp"
#include "fuzz/fuzz_targets.hpp"

namespace passage::fuzz {

int corpus_config(std::string_view bytes) {
  // Relative roots resolve against a folder that does not exist, so no real folder is walked.
  const std::filesystem::path file = "/nonexistent/passage-fuzz/corpus.toml";
  const auto problems = config::check_config(bytes, file);
  const auto parsed = config::parse_config(bytes, file);
  require(parsed.has_value() == problems.empty(), "config: parse fails exactly when check finds problems");
  for (const auto& problem : problems) {
    require(!problem.message.empty() && problem.line >= 0, "config: problems have a message");
  }
  // Globs of the input against paths taken from the input itself.
  const std::size_t cut = bytes.find('\n');
  const std::string_view pattern = bytes.substr(0, cut);
  const std::string_view path = cut == std::string_view::npos ? bytes : bytes.substr(cut + 1);
  (void)config::glob_match(pattern, path);
  (void)config::glob_match(pattern, "a/b/c/d.pdf");
  return 0;
}

}  // namespace passage::fuzz

#ifdef PASSAGE_FUZZ_ENTRY
#include "fuzz/fuzz_entry.hpp"
PASSAGE_FUZZ_ENTRY_POINT(passage::fuzz::corpus_config)
#endif
