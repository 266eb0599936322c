#include <catch2/catch.hpp>

#include "core/config/corpus_config.hpp"
#include "tests/test_support.hpp"

using namespace passage::config;
using passage::test::TempDir;

namespace {
const char* kValid = R"(
kinds = ["guidance"]
[index]
path = "idx"

[[source]]
name = "compas"
kind = "working-paper"
organisation = "COMPAS"
root = "docs"
include = ["**/*.pdf"]
exclude = ["drafts/**"]
language = "auto"
[source.facets]
network = "Eurocities"
country = "UK"

[[source]]
name = "city-guides"
kind = "guidance"
organisation = "City of Ghent"
root = "docs"
language = "nl"
)";
}  // namespace

TEST_CASE("a valid config parses into plain structs", "[config]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "docs");
  auto cfg = parse_config(kValid, dir / "corpus.toml");
  REQUIRE(cfg.has_value());
  CHECK(cfg->index_path == (dir / "idx").lexically_normal());
  REQUIRE(cfg->sources.size() == 2);
  CHECK(cfg->sources[0].name == "compas");
  CHECK(cfg->sources[0].kind == "working-paper");
  CHECK(cfg->sources[0].root == (dir / "docs").lexically_normal());
  CHECK(cfg->sources[0].include == std::vector<std::string>{"**/*.pdf"});
  CHECK(cfg->sources[0].facets.at("network") == "Eurocities");
  CHECK(cfg->sources[1].language == "nl");
  CHECK(cfg->facet_names() == std::vector<std::string>{"country", "network"});
  CHECK(cfg->server.cors_origins.empty());
  CHECK(cfg->server.admin_token_env.empty());

  auto with_server = parse_config(std::string(kValid) +
                                      "[server]\ncors_origins = [\"https://a.example\", \"https://b.example\"]\n"
                                      "admin_token_env = \"PASSAGE_TOKEN\"\n",
                                  dir / "corpus.toml");
  REQUIRE(with_server.has_value());
  CHECK(with_server->server.cors_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(with_server->server.admin_token_env == "PASSAGE_TOKEN");
}

TEST_CASE("every config problem is reported with its line", "[config]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "docs");
  struct Row {
    std::string toml;
    int line;
    std::string message_part;
  };
  const std::string head = "[index]\npath = \"i\"\n";
  const std::vector<Row> rows = {
      {head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\ncolour = \"red\"\n", 8, "unknown key 'colour'"},
      {head + "[[source]]\nname = \"a\"\nkind = \"podcast\"\norganisation = \"X\"\nroot = \"docs\"\n", 5, "bad kind 'podcast'"},
      {head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"missing\"\n", 7, "root folder does not exist"},
      {head + "[[source]]\nname = \"a\"\nkind = \"blog\"\nroot = \"docs\"\n", 3, "missing required key 'organisation'"},
      {head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\nlanguage = \"German\"\n", 8, "language must be"},
      {head + "[[source]]\nname = \"Bad Name\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n", 4, "name must use only"},
      {head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n[source.facets]\nkind = \"x\"\n", 9, "built in"},
      {head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n", 9, "duplicate source name"},
      {"[server]\ncors_origin = []\n" + head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n", 2, "[server]: unknown key 'cors_origin'"},
      {"[server]\nadmin_token = \"short\"\n" + head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n", 2, "at least 16"},
      {"[server]\ncors_origins = [1]\n" + head + "[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n", 2, "only strings"},
      {"[index]\npath = \n", 2, "TOML syntax error"},
      {"[index]\npath = \"i\"\n", 1, "no [[source]]"},
      {"[[source]]\nname = \"a\"\nkind = \"blog\"\norganisation = \"X\"\nroot = \"docs\"\n", 1, "missing [index]"},
  };
  for (const auto& r : rows) {
    INFO(r.toml);
    auto problems = check_config(r.toml, dir / "c.toml");
    REQUIRE_FALSE(problems.empty());
    bool found = false;
    for (const auto& p : problems)
      if (p.line == r.line && p.message.find(r.message_part) != std::string::npos) found = true;
    if (!found)
      for (const auto& p : problems) UNSCOPED_INFO(p.line << ": " << p.message);
    CHECK(found);
    auto parsed = parse_config(r.toml, dir / "c.toml");
    CHECK_FALSE(parsed.has_value());
  }
}

TEST_CASE("several problems are all reported at once", "[config]") {
  TempDir dir;
  auto problems = check_config("[index]\npath = \"i\"\n[[source]]\nname = \"a\"\nkind = \"podcast\"\norganisation = \"X\"\nroot = \"nowhere\"\nfoo = 1\n",
                               dir / "c.toml");
  CHECK(problems.size() == 3);
}

TEST_CASE("glob matching", "[config]") {
  struct Row {
    const char* pattern;
    const char* path;
    bool match;
  };
  const Row rows[] = {
      {"**/*.pdf", "a.pdf", true},        {"**/*.pdf", "x/y/a.pdf", true},  {"*.pdf", "x/a.pdf", false},
      {"*.pdf", "a.pdf", true},           {"drafts/**", "drafts/a/b.md", true}, {"drafts/**", "final/a.md", false},
      {"report-20[12]?.txt", "report-2019.txt", true}, {"report-20[12]?.txt", "report-2030.txt", false},
      {"a?c", "abc", true},               {"a?c", "a/c", false},             {"**", "anything/at/all", true},
  };
  for (const auto& r : rows) {
    INFO(r.pattern << " vs " << r.path);
    CHECK(glob_match(r.pattern, r.path) == r.match);
  }
}
