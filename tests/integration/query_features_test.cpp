// Query-side features on the indexed sample corpus: "did you mean" from the index's spelling
// data, the year histogram, counting without hits, bounded wildcards, city/country fields, and
// exports from the command line.
#include <catch2/catch.hpp>
#include <xapian.h>

#include <nlohmann/json.hpp>

#include "core/schema.hpp"
#include "query/searcher.hpp"
#include "tests/integration/sample_index.hpp"
#include "tests/test_support.hpp"

using namespace passage;
using passage::test::sample_index;

namespace {

query::Searcher& searcher() {
  static std::unique_ptr<query::Searcher> s = query::Searcher::open(sample_index().dir).value_or_throw();
  return *s;
}

query::SearchResult run(const std::string& q, std::vector<query::FacetFilter> filters = {}) {
  query::SearchRequest req;
  req.query = q;
  req.filters = std::move(filters);
  auto r = searcher().search(req);
  if (!r) FAIL("search '" << q << "' failed: " << r.error().message);
  return std::move(r).value_or_throw();
}

const query::FacetResult& facet(const query::SearchResult& r, const std::string& name) {
  for (const auto& f : r.facets)
    if (f.name == name) return f;
  throw std::runtime_error("no facet " + name);
}

// How often the spelling data counts a word (Xapian 1.4 has no direct getter; 0 = absent).
Xapian::doccount spelling_frequency(const Xapian::Database& db, const std::string& word) {
  for (auto t = db.spellings_begin(); t != db.spellings_end(); ++t)
    if (*t == word) return t.get_termfreq();
  return 0;
}

}  // namespace

TEST_CASE("the index holds spelling data that follows the documents", "[integration][spelling]") {
  Xapian::Database db(sample_index().dir.string());
  // Folded, accent-free forms as the analyzer indexes them; counted once per document.
  CHECK(spelling_frequency(db, "migration") == db.get_termfreq("migration"));
  CHECK(spelling_frequency(db, "refugies") == db.get_termfreq("refugies"));
  CHECK(spelling_frequency(db, "réfugiés") == 0);
  CHECK(spelling_frequency(db, "2019") == 0);

  // Reindexing after a file changed or disappeared gives its words back.
  test::TempDir dir;
  test::write_file(dir / "docs/a.txt", "Zanzibar quokka migration");
  test::write_file(dir / "docs/b.txt", "Zanzibar wombat migration");
  config::Source src;
  src.name = "docs";
  src.kind = "report";
  src.organisation = "X";
  src.root = dir / "docs";
  indexer::IndexOptions opts;
  opts.index_dir = dir / "index";
  opts.sources = {src};
  opts.threads = 1;
  REQUIRE(indexer::run_index_job(opts));
  auto freq = [&](const std::string& w) { return spelling_frequency(Xapian::Database((dir / "index").string()), w); };
  CHECK(freq("zanzibar") == 2);
  CHECK(freq("quokka") == 1);
  std::filesystem::remove(dir / "docs/b.txt");
  test::write_file(dir / "docs/a.txt", "Zanzibar numbat, a longer text now");
  REQUIRE(indexer::run_index_job(opts));
  CHECK(freq("zanzibar") == 1);
  CHECK(freq("quokka") == 0);
  CHECK(freq("wombat") == 0);
  CHECK(freq("numbat") == 1);
}

TEST_CASE("did you mean corrects misspelt words and keeps the rest of the query", "[integration][spelling]") {
  struct Row {
    std::string query;
    std::string expected;  // "" = no suggestion
  };
  const std::vector<Row> rows{
      {"migraton", "migration"},
      {"Migraton policy", "Migration policy"},
      {"title:resettelment year:2015..2024", "title:resettlement year:2015..2024"},
      {"\"irregular migrnts\" AND +housing", "\"irregular migrants\" AND +housing"},
      {"integraton -kind:blog", "integration -kind:blog"},
      {"migration", ""},                  // a frequent word
      {"refugiado", ""},                  // absent as typed, but its stem matches
      {"resettlement pathways", ""},
      {"kind:report", ""},                // filters only
      {"integrat*", ""},                  // wildcards are left alone
  };
  for (const Row& row : rows) {
    INFO(row.query);
    query::SearchResult r = run(row.query);
    if (row.expected.empty()) {
      CHECK_FALSE(r.did_you_mean);
    } else {
      REQUIRE(r.did_you_mean);
      CHECK(*r.did_you_mean == row.expected);
      // The correction finds more.
      CHECK(run(*r.did_you_mean).total > r.total);
    }
  }
}

TEST_CASE("year histogram counts like the year facet, ascending, multi-select", "[integration][facets]") {
  query::SearchResult all = run("");
  REQUIRE(all.year_histogram.size() == 10);  // 2015..2024 (sample-corpus/README.md)
  std::size_t sum = 0;
  for (std::size_t i = 0; i < all.year_histogram.size(); ++i) {
    if (i > 0) CHECK(all.year_histogram[i - 1].year < all.year_histogram[i].year);
    sum += all.year_histogram[i].count;
  }
  CHECK(all.year_histogram.front().year == 2015);
  CHECK(sum == 17);  // 22 documents, 5 without a year
  for (const auto& v : facet(all, "year").values) {
    auto it = std::find_if(all.year_histogram.begin(), all.year_histogram.end(),
                           [&](const query::YearCount& y) { return std::to_string(y.year) == v.value; });
    REQUIRE(it != all.year_histogram.end());
    CHECK(it->count == v.count);
  }
  // A selected year keeps the other years' counts.
  query::SearchResult selected = run("", {{"year", "2019"}});
  CHECK(selected.total == 2);
  CHECK(selected.year_histogram.size() == all.year_histogram.size());
  // ...while another facet's selection narrows it.
  query::SearchResult blogs = run("", {{"kind", "blog"}});
  std::size_t blog_sum = 0;
  for (const auto& y : blogs.year_histogram) blog_sum += y.count;
  CHECK(blog_sum == 5);
}

TEST_CASE("counting without hits gives the same total and facets", "[integration][facets]") {
  query::SearchRequest req;
  req.query = "migration";
  req.filters = {{"language", "en"}};
  query::SearchResult full = searcher().search(req).value_or_throw();
  req.hits = false;
  query::SearchResult counts = searcher().search(req).value_or_throw();
  CHECK(counts.hits.empty());
  CHECK(counts.total == full.total);
  CHECK(counts.total > 0);
  REQUIRE(counts.facets.size() == full.facets.size());
  for (std::size_t i = 0; i < counts.facets.size(); ++i) {
    CHECK(counts.facets[i].name == full.facets[i].name);
    CHECK(counts.facets[i].values.size() == full.facets[i].values.size());
  }
  CHECK(counts.year_histogram.size() == full.year_histogram.size());
}

TEST_CASE("exports may ask for more hits than a page", "[integration][search]") {
  query::SearchRequest req;
  req.size = 500;
  CHECK_FALSE(searcher().search(req));  // a normal page: at most 100
  req.max_size = query::kMaxExportSize;
  auto r = searcher().search(req);
  REQUIRE(r);
  CHECK(r->hits.size() <= 22);
  req.size = query::kMaxExportSize + 1;
  CHECK_FALSE(searcher().search(req));
}

TEST_CASE("a wildcard that expands too far is an error naming it", "[integration][query]") {
  // Find a one-letter prefix with more expansions than the bound, from the index itself.
  Xapian::Database db(sample_index().dir.string());
  std::string wide;
  for (char c = 'a'; c <= 'z' && wide.empty(); ++c) {
    std::size_t n = 0;
    std::string p(1, c);
    for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t) ++n;
    if (n > query::kMaxWildcardTerms) wide = p;
  }
  REQUIRE_FALSE(wide.empty());
  query::SearchRequest req;
  req.query = "policy " + wide + "*";
  auto r = searcher().search(req);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kInvalidArgument);
  CHECK_THAT(r.error().message, Catch::Contains("'" + wide + "*'") && Catch::Contains("more than 200"));
  CHECK(run("integrat*").total > 0);
  CHECK(run("title:integrat*").total > 0);
}

TEST_CASE("city and country fields from declared facets", "[integration][facets]") {
  query::SearchResult all = run("");
  auto count = [&](const std::string& name, const std::string& value) {
    for (const auto& v : facet(all, name).values)
      if (v.value == value) return v.count;
    return std::size_t{0};
  };
  CHECK(count("country", "Austria") == 4);   // the ICMPD reports
  CHECK(count("city", "Brussels") == 8);     // the Eurocities documents
  CHECK(count("country", "United Kingdom") == 4);
  CHECK(run("country:austria").total == 4);
  CHECK(run("migration city:Vienna").total <= 4);
  CHECK(run("country:Belgium OR country:Austria").total == 12);
  CHECK(run("", {{"city", "Oxford"}}).total == 4);
  query::SearchRequest req;
  req.query = "region:europe";
  auto r = searcher().search(req);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("unknown field 'region:'") && Catch::Contains("city"));
}

TEST_CASE("syntax errors say what is wrong", "[integration][query]") {
  const std::vector<std::pair<std::string, std::string>> rows{
      {"(asylum", "missing ')'"},
      {"asylum)", "unbalanced ')'"},
      {"\"irregular migrants", "unterminated phrase"},
      {"year:20x9", "year"},
      {"year:2020..2010", "ends before it starts"},
      {"AND asylum", "operator"},
      {"asylum NEAR/0 city", "NEAR/n"},
      {"in*ter", "only allowed at the end"},
      {"kind:", "has no value"},
  };
  for (const auto& [q, part] : rows) {
    INFO(q);
    query::SearchRequest req;
    req.query = q;
    auto r = searcher().search(req);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    CHECK_THAT(r.error().message, Catch::Contains(part));
  }
}

TEST_CASE("passage search --format exports from the command line", "[integration][cli]") {
  const std::string index = sample_index().dir.string();
  auto bib = test::run_command({PASSAGE_BINARY, "search", "--index", index, "--format", "bibtex", "migration"});
  REQUIRE(bib.exit_code == 0);
  CHECK(bib.out.find("@techreport{") != std::string::npos);
  CHECK(bib.out.find("  institution = {ICMPD},") != std::string::npos);
  auto ris = test::run_command({PASSAGE_BINARY, "search", "--index", index, "--format", "ris", "--size", "2", "migration"});
  REQUIRE(ris.exit_code == 0);
  std::size_t records = 0;
  for (std::size_t p = ris.out.find("ER  - "); p != std::string::npos; p = ris.out.find("ER  - ", p + 1)) ++records;
  CHECK(records == 2);
  auto csl = test::run_command({PASSAGE_BINARY, "search", "--index", index, "--format", "csljson", "--filter", "kind:blog"});
  REQUIRE(csl.exit_code == 0);
  auto items = nlohmann::json::parse(csl.out);
  CHECK(items.size() == 6);  // every blog post: exports default to 100 hits
  for (const auto& item : items) CHECK(item["type"] == "post-weblog");
  auto atom = test::run_command({PASSAGE_BINARY, "search", "--index", index, "--format", "atom", "migration"});
  REQUIRE(atom.exit_code == 0);
  CHECK(atom.out.find("<feed xmlns=\"http://www.w3.org/2005/Atom\">") != std::string::npos);
  auto typo = test::run_command({PASSAGE_BINARY, "search", "--index", index, "migraton"});
  REQUIRE(typo.exit_code == 0);
  CHECK(typo.out.find("Did you mean: migration") != std::string::npos);
  auto bad = test::run_command({PASSAGE_BINARY, "search", "--index", index, "--format", "docx", "migration"});
  CHECK(bad.exit_code != 0);
}
