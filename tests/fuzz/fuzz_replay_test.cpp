// Replays every saved fuzz input through the same function its libFuzzer target calls: the
// findings kept in fuzz/regressions/<target>/ (each once crashed, leaked, hung or broke an
// invariant), the seed corpus in fuzz/corpus/<target>/ and the seeds fuzz/seed_sources.txt names
// elsewhere in the repository. Runs in the normal (gcc, ASan +
// UBSan) build, so a finding stays fixed without clang. A crash or broken invariant aborts.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.hpp"
#include "tests/test_support.hpp"

namespace {

using Target = int (*)(std::string_view);

// Files of fuzz/<folder>/<target>/, sorted (missing folder: none).
std::vector<std::filesystem::path> inputs(const char* folder, const char* target) {
  std::vector<std::filesystem::path> out;
  const auto dir = passage::test::source_dir() / "fuzz" / folder / target;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md")
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The seeds fuzz/seed_sources.txt lists for a target (lines: target, folder, file suffix), sorted.
std::vector<std::filesystem::path> listed_seeds(const std::string& target) {
  std::vector<std::filesystem::path> out;
  const auto root = passage::test::source_dir();
  std::ifstream list(root / "fuzz" / "seed_sources.txt");
  std::string line;
  while (std::getline(list, line)) {
    std::istringstream fields(line);
    std::string name, folder, suffix;
    if (line.empty() || line[0] == '#' || !(fields >> name >> folder >> suffix) || name != target)
      continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / folder)) {
      const std::string file = entry.path().filename().string();
      if (entry.is_regular_file() && file.size() >= suffix.size() &&
          file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
        out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void replay(const char* target, Target run) {
  std::size_t replayed = 0;
  auto files = inputs("regressions", target);
  for (const auto& more : {inputs("corpus", target), listed_seeds(target)})
    files.insert(files.end(), more.begin(), more.end());
  for (const auto& file : files) {
    INFO(file.string());
    CHECK(run(passage::test::read_file(file)) == 0);
    ++replayed;
  }
  CHECK(replayed > 0);  // the seed corpus is never empty
}

}  // namespace

TEST_CASE("fuzz replay: html", "[fuzz]") { replay("html", passage::fuzz::html_extract); }
TEST_CASE("fuzz replay: markdown", "[fuzz]") {
  replay("markdown", passage::fuzz::markdown_extract);
}
TEST_CASE("fuzz replay: pdf", "[fuzz]") { replay("pdf", passage::fuzz::pdf_extract); }
TEST_CASE("fuzz replay: query", "[fuzz]") { replay("query", passage::fuzz::query_parse); }
TEST_CASE("fuzz replay: config", "[fuzz]") { replay("config", passage::fuzz::corpus_config); }
TEST_CASE("fuzz replay: query_string", "[fuzz]") {
  replay("query_string", passage::fuzz::query_string);
}
TEST_CASE("fuzz replay: http", "[fuzz]") { replay("http", passage::fuzz::http_request); }
