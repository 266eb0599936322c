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
  const std::string web = "[[source]]\nname = \"w\"\nkind = \"blog\"\norganisation = \"X\"\n";  // lines 3-6
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
      // web sources
      {head + "[[source]]\nname = \"w\"\nkind = \"blog\"\norganisation = \"X\"\n", 3, "missing required key 'root'"},
      {head + web + "seeds = [\"example.org/a\"]\n", 7, "absolute http:// or https:// URLs"},
      {head + web + "seeds = [\"http://example.org/\"]\nroot = \"docs\"\n", 8, "either 'root'"},
      {head + web + "sitemap = \"ftp://example.org/sitemap.xml\"\n", 7, "'sitemap' must be an absolute"},
      {head + web + "seeds = []\n", 7, "'seeds' is empty"},
      {head + web + "seeds = [\"http://example.org/\"]\ninclude = [\"*.pdf\"]\n", 8, "'include_urls'"},
      {head + web + "seeds = [\"http://example.org/\"]\nexclude_urls = [\"(unclosed\"]\n", 8, "bad regular expression"},
      {head + web + "seeds = [\"http://example.org/\"]\nmax_pages = 0\n", 8, "'max_pages' must be at least 1"},
      {head + web + "seeds = [\"http://example.org/\"]\nmax_depth = \"deep\"\n", 8, "'max_depth' must be an integer"},
      {head + web + "seeds = [\"http://example.org/\"]\ndelay_ms = -5\n", 8, "'delay_ms' must be at least 0"},
      {head + web + "seeds = [\"http://example.org/\"]\ntimeout_s = 0\n", 8, "'timeout_s' must be"},
      {head + web + "seeds = [\"http://example.org/\"]\nmax_bytes = 10\n", 8, "'max_bytes' must be at least"},
      {head + web + "seeds = [\"http://example.org/\"]\nallow_hosts = [\"http://example.org\"]\n", 8, "bare host names"},
      {head + web + "seeds = [\"http://example.org/\"]\nuser_agent = \"\"\n", 8, "'user_agent' must be"},
      {head + web + "root = \"docs\"\nmax_depth = 2\n", 8, "'max_depth' needs a web source"},
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

TEST_CASE("a web source: seeds or a sitemap, crawl settings, defaults", "[config]") {
  TempDir dir;
  auto cfg = parse_config(R"(
[index]
path = "idx"

[[source]]
name = "site"
kind = "blog"
organisation = "X"
seeds = ["HTTP://Example.org/blog/", "https://www.example.org:8443/"]
sitemap = "https://cdn.example.net/sitemap.xml"
include_urls = ["/blog/", "\\.pdf$"]
exclude_urls = ["/tag/"]
max_depth = 2
max_pages = 50
delay_ms = 250
timeout_s = 2.5
max_bytes = 1048576
user_agent = "passage-test/1"

[[source]]
name = "minimal"
kind = "blog"
organisation = "Y"
sitemap = "http://example.com/sitemap.xml"
)", dir / "corpus.toml");
  REQUIRE(cfg.has_value());
  const auto& w = cfg->sources[0].web;
  CHECK(cfg->sources[0].is_web());
  CHECK(cfg->sources[0].root.empty());
  CHECK(w.seeds.size() == 2);
  CHECK(w.allow_hosts == std::vector<std::string>{"example.org", "www.example.org", "cdn.example.net"});
  CHECK(w.include_urls == std::vector<std::string>{"/blog/", "\\.pdf$"});
  CHECK(w.max_depth == 2);
  CHECK(w.max_pages == 50);
  CHECK(w.delay_ms == 250);
  CHECK(w.timeout_s == Approx(2.5));
  CHECK(w.max_bytes == 1048576);
  CHECK(w.user_agent == "passage-test/1");
  const auto& d = cfg->sources[1].web;
  CHECK(d.allow_hosts == std::vector<std::string>{"example.com"});
  CHECK(d.max_depth == 3);
  CHECK(d.max_pages == 1000);
  CHECK(d.delay_ms == 1000);
  CHECK(d.timeout_s == Approx(30));
  CHECK(d.max_bytes == 50u << 20);
  CHECK(d.user_agent == "passage-crawler/0.1");
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
  // Many `**` against a deep path: every way of splitting the path among them used to be tried
  // (40^30 here, found by the config fuzzer as a hang); now each (pattern, path) position once.
  std::string many, deep;
  for (int i = 0; i < 30; ++i) many += "**/";
  for (int i = 0; i < 40; ++i) deep += "d" + std::to_string(i) + "/";
  CHECK_FALSE(glob_match(many + "x.pdf", deep + "y.pdf"));
  CHECK(glob_match(many + "*.pdf", deep + "y.pdf"));
  CHECK(glob_match(many + "d7/**/d39/y.pdf", deep + "y.pdf"));
  CHECK_FALSE(glob_match(many + "d39/**/d7/y.pdf", deep + "y.pdf"));
}

TEST_CASE("shards: a count, a list with remote shard servers, and every mistake reported",
          "[config][shards]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "docs");
  const std::string sources =
      "[[source]]\nname = \"a\"\nkind = \"report\"\norganisation = \"X\"\nroot = \"docs\"\n";
  auto one = parse_config("[index]\npath = \"i\"\n" + sources, dir / "c.toml");
  REQUIRE(one.has_value());
  CHECK(one->shards.size() == 1);
  CHECK(one->shards[0].remote.empty());

  auto four = parse_config("[index]\npath = \"i\"\nshards = 4\n" + sources, dir / "c.toml");
  REQUIRE(four.has_value());
  CHECK(four->shards.size() == 4);

  auto listed = parse_config(
      "[index]\npath = \"i\"\nshards = 3\n"
      "[[index.shard]]\n"
      "[[index.shard]]\nremote = \"127.0.0.1:7301\"\ntimeout_ms = 500\n"
      "[[index.shard]]\nremote = \"shard-b.example.org:7302\"\n" +
          sources,
      dir / "c.toml");
  REQUIRE(listed.has_value());
  REQUIRE(listed->shards.size() == 3);
  CHECK(listed->shards[0].remote.empty());
  CHECK(listed->shards[1].remote == "127.0.0.1:7301");
  CHECK(listed->shards[1].timeout_ms == 500);
  CHECK(listed->shards[2].remote == "shard-b.example.org:7302");
  CHECK(listed->shards[2].timeout_ms == 2000);
  CHECK(listed->shards[0].path.empty());

  // A shard's own folder (another disk), relative to the config file, local or remote.
  auto placed = parse_config(
      "[index]\npath = \"i\"\n"
      "[[index.shard]]\n"
      "[[index.shard]]\npath = \"disk2/passage/\"\n"
      "[[index.shard]]\npath = \"/srv/disk3\"\nremote = \"127.0.0.1:7301\"\n" +
          sources,
      dir / "c.toml");
  REQUIRE(placed.has_value());
  CHECK(placed->shards[0].path.empty());
  CHECK(placed->shards[1].path == dir.path() / "disk2" / "passage");
  CHECK(placed->shards[2].path == "/srv/disk3");
  CHECK(placed->shards[2].remote == "127.0.0.1:7301");

  struct Bad {
    std::string index;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {"shards = 0\n", "'shards' must be at least 1"},
      {"shards = 65\n", "'shards' must be at most 64"},
      {"shards = \"4\"\n", "'shards' must be an integer"},
      {"shards = 3\n[[index.shard]]\n[[index.shard]]\n", "shards = 3 but 2 [[index.shard]] tables"},
      {"[[index.shard]]\nremote = \"127.0.0.1\"\n", "bad shard address '127.0.0.1'"},
      {"[[index.shard]]\nremote = \"127.0.0.1:0\"\n", "bad shard address"},
      {"[[index.shard]]\nremote = \"h:7301\"\n[[index.shard]]\nremote = \"h:7301\"\n",
       "[[index.shard]] 1: remote 'h:7301' is already shard 0"},
      {"[[index.shard]]\ntimeout_ms = 100\n", "'timeout_ms' applies to a remote shard only"},
      {"[[index.shard]]\nremote = \"h:1\"\ntimeout_ms = 0\n", "'timeout_ms' must be at least 1"},
      {"[[index.shard]]\nhost = \"h\"\n", "unknown key 'host'"},
      {"[[index.shard]]\npath = \"d\"\n[[index.shard]]\npath = \"./d/\"\n",
       "[[index.shard]] 1: path './d/' is already shard 0's folder"},
      {"[[index.shard]]\npath = \"i\"\n", "'path' is the index folder itself"},
      {"[[index.shard]]\npath = \"\"\n", "'path' must not be empty"},
      {"[[index.shard]]\npath = 3\n", "'path' must be a string"},
      {"shard = 3\n", "'shard' must be an array of tables"},
  };
  for (const Bad& b : bad) {
    INFO(b.index);
    auto problems = check_config("[index]\npath = \"i\"\n" + b.index + sources, dir / "c.toml");
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].message, Catch::Contains(b.message));
    CHECK(problems[0].line >= 1);
    CHECK_FALSE(
        parse_config("[index]\npath = \"i\"\n" + b.index + sources, dir / "c.toml").has_value());
  }
}
