// The real corpus beside the repository (../shared/corpus): every PDF, HTML, Markdown and text
// file is either indexed or reported with a reason, and searches in several languages find what
// they should. Skips loudly when the corpus is absent.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <xapian.h>

#include "core/schema.hpp"
#include "indexer/index_job.hpp"
#include "query/searcher.hpp"
#include "tests/test_support.hpp"

using namespace passage;

namespace {

struct ManifestRow {
  std::string path, format, language, title;
};

std::vector<ManifestRow> read_manifest(const std::filesystem::path& corpus) {
  std::ifstream in(corpus / "MANIFEST.tsv");
  std::vector<ManifestRow> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (cols.size() < 7) continue;
    rows.push_back({cols[0], cols[1], cols[2], cols[6]});
  }
  return rows;
}

}  // namespace

TEST_CASE("the shared corpus: every file indexed or reported, multilingual search", "[integration][corpus][slow]") {
  auto corpus = test::shared_corpus_dir();
  if (corpus.empty()) {
    WARN("SKIPPED: ../shared/corpus is absent; the real-corpus integration test did not run");
    return;
  }
  auto manifest = read_manifest(corpus);
  REQUIRE(manifest.size() > 1000);

  test::TempDir tmp;
  indexer::IndexOptions opts;
  opts.index_dir = tmp / "index";
  for (const char* part : {"pdf", "web", "seeds"}) {
    auto s = indexer::sources_for_folders({corpus / part}, "report");
    opts.sources.insert(opts.sources.end(), s.begin(), s.end());
  }
  auto report = indexer::run_index_job(opts).value_or_throw();

  std::set<std::string> failed;
  for (const auto& f : report.failed) {
    INFO(f.path);
    CHECK_FALSE(f.reason.empty());
    failed.insert(std::filesystem::path(f.path).lexically_relative(corpus).generic_string());
  }
  auto searcher = query::Searcher::open(opts.index_dir).value_or_throw();
  // Every manifest file of a supported format is a document (its id is the source folder plus
  // the path inside it), or a failure with a reason.
  Xapian::Database db(opts.index_dir.string());
  std::size_t supported = 0, missing = 0;
  for (const auto& row : manifest) {
    if (row.format != "pdf" && row.format != "html" && row.format != "md" && row.format != "txt") continue;
    ++supported;
    if (failed.count(row.path)) continue;
    if (db.get_termfreq(schema::id_term(row.path)) != 1) {
      ++missing;
      UNSCOPED_INFO("not indexed and not reported: " << row.path);
    }
  }
  CHECK(missing == 0);
  CHECK(supported >= 1750);
  CHECK(report.documents + report.failed.size() == report.found);
  CHECK(report.failed.size() <= 5);
  WARN("shared corpus: " << report.documents << " documents indexed, " << report.failed.size() << " failed, in "
                         << report.seconds << " s");

  // Searches in German, Spanish and Russian find documents in those languages.
  struct Row {
    const char* query;
    const char* lang;
  };
  const Row rows[] = {{"Asylantrag Ablehnung", "de"}, {"Ausbildungsduldung", "de"},
                      {"refugiados solicitud de asilo", "es"}, {"беженцы", "ru"},
                      {"migración irregular", "es"}};
  for (const auto& row : rows) {
    INFO(row.query);
    query::SearchRequest req;
    req.query = row.query;
    auto r = searcher->search(req);
    REQUIRE(r.has_value());
    REQUIRE_FALSE(r->hits.empty());
    CHECK(r->hits[0].language == row.lang);
  }
}
