// The real `passage` binary: exit codes, messages and output of each sub-command.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/test_support.hpp"

using passage::test::run_command;
using passage::test::TempDir;

namespace {
const std::string kBin = PASSAGE_BINARY;
}

TEST_CASE("passage config check accepts the sample and example configs", "[cli]") {
  for (const char* name : {"sample.toml", "example.toml"}) {
    auto r = run_command({kBin, "config", "check", (passage::test::source_dir() / "corpus-config" / name).string()});
    INFO(name << ": " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("OK") != std::string::npos);
  }
}

TEST_CASE("passage config check lists every problem with its line", "[cli]") {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "docs");
  passage::test::write_file(tmp / "bad.toml",
                            "[index]\npath = \"i\"\n[[source]]\nname = \"a\"\nkind = \"podcast\"\n"
                            "organisation = \"X\"\nroot = \"nowhere\"\nlanguag = \"de\"\n");
  auto r = run_command({kBin, "config", "check", (tmp / "bad.toml").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("bad.toml:5: source 'a': bad kind 'podcast'") != std::string::npos);
  CHECK(r.err.find("bad.toml:7: source 'a': root folder does not exist") != std::string::npos);
  CHECK(r.err.find("bad.toml:8: source 'a': unknown key 'languag'") != std::string::npos);
  CHECK(r.err.find("3 problems") != std::string::npos);
}

TEST_CASE("passage index, then search, ad hoc over a folder", "[cli]") {
  TempDir tmp;
  auto idx = (tmp / "idx").string();
  auto folder = (passage::test::sample_corpus_dir() / "icmpd-reports").string();
  auto r = run_command({kBin, "index", "--index", idx, folder, "--report", (tmp / "report.json").string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("indexed 4") != std::string::npos);
  CHECK(r.out.find("failed 1") != std::string::npos);
  CHECK(r.out.find("broken.pdf") != std::string::npos);
  auto report = nlohmann::json::parse(passage::test::read_file(tmp / "report.json"));
  CHECK(report["indexed"] == 4);
  REQUIRE(report["failed"].size() == 1);
  CHECK_FALSE(report["failed"][0]["reason"].get<std::string>().empty());

  auto s = run_command({kBin, "search", "--index", idx, "--json", "resettlement"});
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  auto j = nlohmann::json::parse(s.out);
  CHECK(j["total"] == 1);
  CHECK(j["results"][0]["title"].get<std::string>().find("Resettlement") != std::string::npos);
  CHECK(j["facets"]["kind"][0]["value"] == "report");
  CHECK(j["results"][0]["page"].is_number_integer());  // the hit is a PDF: its snippet's page
  CHECK(j["expanded_concepts"].is_array());

  auto text = run_command({kBin, "search", "--index", idx, "voluntary", "return"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("Facets:") != std::string::npos);
  CHECK(text.out.find("[[") != std::string::npos);
}

TEST_CASE("passage reports bad input with a message and a non-zero status", "[cli]") {
  TempDir tmp;
  struct Row {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Row> rows = {
      {{"index"}, "give --config FILE"},
      {{"index", "--index", (tmp / "i").string(), (tmp / "no-such-folder").string()}, "not a folder"},
      {{"index", "--config", (tmp / "missing.toml").string()}, "cannot read config file"},
      {{"search", "--index", (tmp / "no-index").string(), "x"}, "no index at"},
      {{"search", "--index", (passage::test::sample_corpus_dir()).string(), "x"}, "no index at"},
  };
  for (const auto& row : rows) {
    std::vector<std::string> argv{kBin};
    argv.insert(argv.end(), row.args.begin(), row.args.end());
    auto r = run_command(argv);
    INFO(row.args[0] << " -> " << r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find(row.message) != std::string::npos);
  }
  auto idx = (tmp / "idx").string();
  REQUIRE(run_command({kBin, "index", "--index", idx, (passage::test::sample_corpus_dir() / "migration-blog").string()}).exit_code == 0);
  auto bad = run_command({kBin, "search", "--index", idx, "(asylum"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("query syntax error") != std::string::npos);
  auto bad_filter = run_command({kBin, "search", "--index", idx, "--filter", "nocolon", "x"});
  CHECK(bad_filter.exit_code != 0);
  CHECK(bad_filter.err.find("facet:value") != std::string::npos);
}
