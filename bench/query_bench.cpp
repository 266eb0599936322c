// passage_bench_query: the query mix and the in-process query benchmark.
//
//   passage_bench_query gen --index IDX --out mix.tsv [--paths mix.paths] [--count 240] [--seed 7]
//   passage_bench_query run --index IDX --mix mix.tsv [--reps 3]
//
// `gen` draws a fixed mix of queries from the index deterministically (same index and seed, same
// mix): single words, word lists, phrases, boolean, NEAR, wildcards, title/author fields, year
// ranges and facet selections (kind, language, organisation), cycling through the index's
// languages. Every query is checked to run. mix.tsv rows: category, language, query, filters...
// (tab-separated); mix.paths holds the same queries as /api/search URLs for wrk (bench/wrk_mix.lua).
//
// `run` times each query in process: Searcher::search (facets, snippets, collapse: what the server
// does per request) against a bare Xapian Enquire::get_mset(0, 10) of the very same Xapian query
// (Searcher::xapian_query), interleaved, median of --reps per query after one untimed pass. It prints a table and
// key=value lines (ours_p50_ms, floor_p50_ms, overhead_mean, ...) for scripts.
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "core/analysis/analyzer.hpp"
#include "core/schema.hpp"
#include "query/searcher.hpp"

using namespace passage;

namespace {

struct MixRow {
  std::string category, language, query;
  std::vector<std::string> filters;  // facet:value
};

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Words of a document usable in queries: letters only, 4+ bytes, neither rare nor everywhere.
struct DocWords {
  std::vector<std::string> words;  // in text order, exact forms (accents kept)
  std::vector<std::string> title;
  std::string kind, organisation;
  int year = 0;
};

DocWords doc_words(const Xapian::Database& db, Xapian::docid did, analysis::Analyzer& analyzer) {
  DocWords d;
  auto data = nlohmann::json::parse(db.get_document(did).get_data(), nullptr, false);
  if (!data.is_object()) return d;
  std::string text = data.value(std::string(schema::data::kText), std::string());
  if (text.size() > 20000) text.resize(20000);
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  std::vector<analysis::Word> ws;
  analyzer.words(text, ws);
  Xapian::doccount n = db.get_doccount();
  for (const auto& w : ws) {
    if (w.numeric || w.joined || w.base.size() < 4) continue;
    if (w.base.find_first_of("0123456789.@_/:'") != std::string::npos) continue;
    Xapian::doccount df = db.get_termfreq(w.base);
    if (df < 2 || df > n / 2 + 1) continue;
    d.words.push_back(w.exact);
  }
  std::vector<analysis::Word> tw;
  analyzer.words(data.value(std::string(schema::data::kTitle), std::string()), tw);
  for (const auto& w : tw)
    if (!w.numeric && !w.joined && w.base.size() >= 4 && w.base.find_first_of("0123456789.@_/:'") == std::string::npos)
      d.title.push_back(w.exact);
  d.kind = data.value(std::string(schema::data::kKind), std::string());
  d.organisation = data.value(std::string(schema::data::kOrganisation), std::string());
  if (auto y = data.find(schema::data::kYear); y != data.end() && y->is_number_integer()) d.year = y->get<int>();
  return d;
}

query::SearchRequest request_of(const MixRow& r) {
  query::SearchRequest req;
  req.query = r.query;
  for (const auto& f : r.filters) req.filters.push_back(query::parse_filter(f).value_or_throw());
  req.size = 10;
  return req;
}

int generate(const std::string& index, const std::string& out_path, const std::string& paths_path, std::size_t count,
             unsigned seed) {
  Xapian::Database db(index);
  auto searcher = query::Searcher::open(index).value_or_throw();
  analysis::Analyzer analyzer;
  std::mt19937 rng(seed);
  // Documents per language (the language facet's terms), shuffled deterministically.
  const std::string lp(schema::kLanguageFacet.prefix);
  std::vector<std::pair<std::string, std::vector<Xapian::docid>>> by_lang;
  for (auto t = db.allterms_begin(lp); t != db.allterms_end(lp); ++t) {
    std::vector<Xapian::docid> ids;
    for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) ids.push_back(*p);
    std::shuffle(ids.begin(), ids.end(), rng);
    by_lang.emplace_back((*t).substr(lp.size()), std::move(ids));
  }
  if (by_lang.empty()) throw std::runtime_error("the index has no documents: " + index);
  // Every language gets a turn, the big ones more often: the rotation lists each language once
  // per 50 of its documents (at least once), capped at 4 turns.
  std::vector<std::size_t> rotation;
  for (std::size_t i = 0; i < by_lang.size(); ++i)
    for (std::size_t k = 0; k < std::clamp<std::size_t>(by_lang[i].second.size() / 50, 1, 4); ++k) rotation.push_back(i);
  std::shuffle(rotation.begin(), rotation.end(), rng);
  std::vector<std::string> languages;
  for (const auto& [l, ids] : by_lang) languages.push_back(l);

  const std::vector<std::string> categories{"word", "words", "word", "phrase", "boolean", "near", "wildcard",
                                            "title", "author", "year-range", "facet", "facets", "lang-filter", "browse"};
  std::vector<MixRow> rows;
  std::map<std::string, std::size_t> next_doc;
  std::size_t attempts = 0;
  while (rows.size() < count && attempts < count * 20) {
    ++attempts;
    const auto& [lang, ids] = by_lang[rotation[attempts % rotation.size()]];
    std::size_t& cursor = next_doc[lang];
    Xapian::docid did = ids[cursor++ % ids.size()];
    DocWords d = doc_words(db, did, analyzer);
    const std::string& cat = categories[rows.size() % categories.size()];
    if (d.words.size() < 6 && cat != "browse") continue;
    auto word = [&] { return d.words[rng() % d.words.size()]; };
    MixRow r;
    r.category = cat;
    r.language = lang;
    if (cat == "word") {
      r.query = word();
    } else if (cat == "words") {
      r.query = word() + " " + word() + (rng() % 2 ? " " + word() : "");
    } else if (cat == "phrase") {
      std::size_t i = rng() % (d.words.size() - 1);
      r.query = "\"" + d.words[i] + " " + d.words[i + 1] + "\"";
    } else if (cat == "boolean") {
      static const std::vector<std::string> forms{"@1 AND @2", "@1 OR @2", "@1 NOT @2", "+@1 -@2",
                                                  "(@1 OR @2) AND @3"};
      std::string f = forms[rng() % forms.size()];
      for (const char* slot : {"@1", "@2", "@3"})
        if (auto at = f.find(slot); at != std::string::npos) f.replace(at, 2, word());
      r.query = f;
    } else if (cat == "near") {
      std::size_t i = rng() % (d.words.size() - 3);
      r.query = d.words[i] + " NEAR/5 " + d.words[i + 2 + rng() % 2];
    } else if (cat == "wildcard") {
      std::string w = word();
      std::size_t cut = std::min<std::size_t>(w.size(), 4 + rng() % 3);
      while (cut < w.size() && (static_cast<unsigned char>(w[cut]) & 0xC0) == 0x80) ++cut;
      r.query = w.substr(0, cut) + "*";
    } else if (cat == "title") {
      if (d.title.empty()) continue;
      r.query = "title:" + d.title[rng() % d.title.size()] + " " + word();
    } else if (cat == "author") {
      const std::string ap(schema::kAuthorPrefix);
      std::vector<std::string> authors;
      for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t)
        if ((*t).rfind(ap, 0) == 0 && (*t).size() > ap.size() + 3 && std::islower(static_cast<unsigned char>((*t)[ap.size()])))
          authors.push_back((*t).substr(ap.size()));
      r.query = authors.empty() ? word() + " " + word() : "author:" + authors[rng() % authors.size()];
    } else if (cat == "year-range") {
      int from = d.year ? d.year - static_cast<int>(rng() % 6) : 2010;
      int to = from + static_cast<int>(rng() % 8);
      if (rng() % 2)
        r.query = word() + " year:" + std::to_string(from) + ".." + std::to_string(to);
      else
        r.filters.push_back("year:" + std::to_string(from) + ".." + std::to_string(to)), r.query = word();
    } else if (cat == "facet") {
      r.query = word();
      if (!d.kind.empty() && rng() % 2)
        r.filters.push_back("kind:" + d.kind);
      else if (!d.organisation.empty())
        r.filters.push_back("organisation:" + d.organisation);
      else
        r.filters.push_back("language:" + lang);
    } else if (cat == "facets") {
      r.query = word() + " " + word();
      if (!d.kind.empty()) r.filters.push_back("kind:" + d.kind);
      r.filters.push_back("language:" + lang);
      r.filters.push_back("language:" + languages[rng() % languages.size()]);
    } else if (cat == "lang-filter") {
      r.query = word();
      r.filters.push_back("language:" + lang);
    } else {  // browse: filters only, sorted by date
      if (!d.kind.empty()) r.filters.push_back("kind:" + d.kind);
      r.filters.push_back("language:" + lang);
    }
    auto res = searcher->search(request_of(r));
    if (!res) continue;  // e.g. a word the query syntax reads differently: draw another
    rows.push_back(std::move(r));
  }
  if (rows.size() < count) throw std::runtime_error("could only draw " + std::to_string(rows.size()) + " queries from " + index);
  std::ofstream out(out_path);
  out << "# passage_bench_query gen --seed " << seed << " --count " << count << "\n";
  for (const auto& r : rows) {
    out << r.category << '\t' << r.language << '\t' << r.query;
    for (const auto& f : r.filters) out << '\t' << f;
    out << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + out_path);
  if (!paths_path.empty()) {
    std::ofstream paths(paths_path);
    for (const auto& r : rows) {
      paths << "/api/search?q=" << url_encode(r.query);
      for (const auto& f : r.filters) paths << "&filter=" << url_encode(f);
      paths << '\n';
    }
    if (!paths) throw std::runtime_error("cannot write " + paths_path);
  }
  std::map<std::string, int> per_cat;
  for (const auto& r : rows) ++per_cat[r.category];
  std::cout << "passage_bench_query: " << rows.size() << " queries in " << by_lang.size() << " languages to " << out_path << " (";
  bool first = true;
  for (const auto& [c, n] : per_cat) std::cout << (first ? "" : ", ") << c << " " << n, first = false;
  std::cout << ")\n";
  return 0;
}

std::vector<MixRow> read_mix(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<MixRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (cols.size() < 3) throw std::runtime_error("bad mix line: " + line);
    rows.push_back({cols[0], cols[1], cols[2], {cols.begin() + 3, cols.end()}});
  }
  return rows;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int run(const std::string& index, const std::string& mix_path, int reps) {
  auto rows = read_mix(mix_path);
  auto searcher = query::Searcher::open(index).value_or_throw();
  Xapian::Database db(index);
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::vector<double> ours, floor;
  std::map<std::string, std::pair<double, double>> per_cat;  // sum ours, sum floor
  std::size_t errors = 0, hits = 0;
  // One untimed pass over the mix first: caches warm, as in a server that has been running.
  for (const auto& r : rows) (void)searcher->search(request_of(r));
  for (const auto& r : rows) {
    auto req = request_of(r);
    auto serialised = searcher->xapian_query(req);
    if (!serialised) {
      ++errors;
      continue;
    }
    Xapian::Query q = Xapian::Query::unserialise(*serialised);
    std::vector<double> o, f;
    for (int k = 0; k < reps; ++k) {
      auto t0 = Clock::now();
      auto res = searcher->search(req);
      auto t1 = Clock::now();
      Xapian::Enquire enquire(db);
      enquire.set_query(q);
      Xapian::MSet mset = enquire.get_mset(0, 10);
      auto t2 = Clock::now();
      if (!res) {
        ++errors;
        break;
      }
      if (k == 0 && !res->hits.empty()) ++hits;
      o.push_back(ms(t1 - t0));
      f.push_back(ms(t2 - t1));
    }
    if (o.empty()) continue;
    ours.push_back(percentile(o, 50));
    floor.push_back(percentile(f, 50));
    per_cat[r.category].first += ours.back();
    per_cat[r.category].second += floor.back();
  }
  double so = 0, sf = 0;
  for (double v : ours) so += v;
  for (double v : floor) sf += v;
  double n = std::max<double>(1, static_cast<double>(ours.size()));
  double overhead = sf > 0 ? so / sf : 0;
  std::printf("| measure | Searcher::search (facets + snippets) | bare Xapian Enquire (floor) | ratio |\n|---|---|---|---|\n");
  std::printf("| mean ms | %.3f | %.3f | %.2f |\n", so / n, sf / n, overhead);
  for (double p : {50.0, 90.0, 99.0}) {
    double a = percentile(ours, p), b = percentile(floor, p);
    std::printf("| p%.0f ms | %.3f | %.3f | %.2f |\n", p, a, b, b > 0 ? a / b : 0);
  }
  std::printf("\n| category | queries share | mean ms ours | mean ms floor | ratio |\n|---|---|---|---|---|\n");
  std::map<std::string, int> cat_n;
  for (const auto& r : rows) ++cat_n[r.category];
  for (const auto& [c, s] : per_cat)
    std::printf("| %s | %d | %.3f | %.3f | %.2f |\n", c.c_str(), cat_n[c], s.first / cat_n[c], s.second / cat_n[c],
                s.second > 0 ? s.first / s.second : 0);
  std::printf("\nqueries=%zu\nerrors=%zu\nwith_hits=%zu\nours_mean_ms=%.3f\nfloor_mean_ms=%.3f\nours_p50_ms=%.3f\n"
              "ours_p99_ms=%.3f\nfloor_p50_ms=%.3f\nfloor_p99_ms=%.3f\noverhead_mean=%.2f\n",
              ours.size(), errors, hits, so / n, sf / n, percentile(ours, 50), percentile(ours, 99), percentile(floor, 50),
              percentile(floor, 99), overhead);
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"passage_bench_query: query mix generator and in-process query benchmark"};
  app.require_subcommand(1);
  std::string index, out, paths, mix;
  std::size_t count = 240;
  unsigned seed = 7;
  int reps = 3;
  CLI::App* gen = app.add_subcommand("gen", "Draw a fixed query mix from an index");
  gen->add_option("--index", index, "Passage index")->required();
  gen->add_option("--out", out, "Mix file to write (TSV)")->required();
  gen->add_option("--paths", paths, "Also write the mix as /api/search URLs, one a line");
  gen->add_option("--count", count, "Number of queries")->capture_default_str();
  gen->add_option("--seed", seed, "Random seed")->capture_default_str();
  CLI::App* rn = app.add_subcommand("run", "Time the mix: Searcher::search vs bare Xapian Enquire");
  rn->add_option("--index", index, "Passage index")->required();
  rn->add_option("--mix", mix, "Mix file (from gen)")->required();
  rn->add_option("--reps", reps, "Runs of each query (median taken)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (*gen) return generate(index, out, paths, count, seed);
  return run(index, mix, std::max(1, reps));
} catch (const std::exception& e) {
  std::cerr << "passage_bench_query: error: " << e.what() << "\n";
  return 1;
}
