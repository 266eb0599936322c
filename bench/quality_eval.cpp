// Search-quality harness: simulates a researcher who half-remembers a document and types three
// of its words, in another inflection and without accents, and reports how often Passage ranks
// that document first and in the top 10 (overall and per language).
//
//   passage_quality --index DIR [--samples N] [--seed S] [--words 3] [--tsv queries.tsv]
//
// Words are drawn from the document's own text among those that are not too common in the
// index (document frequency <= --max-df); each word is replaced with probability 1/2 by another
// surface form found in the index that has the same stem in the document's language.
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "core/analysis/analyzer.hpp"
#include "core/schema.hpp"
#include "query/searcher.hpp"

using namespace passage;

namespace {

struct Stats {
  int n = 0, first = 0, top10 = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"passage_quality: first-rank rate of half-remembered three-word queries"};
  std::string index;
  int samples = 300;
  unsigned seed = 42;
  int nwords = 3;
  unsigned max_df = 30;
  std::string tsv;
  app.add_option("--index", index)->required();
  app.add_option("--samples", samples);
  app.add_option("--seed", seed);
  app.add_option("--words", nwords);
  app.add_option("--max-df", max_df);
  app.add_option("--tsv", tsv, "Write the queries and ranks here");
  CLI11_PARSE(app, argc, argv);

  Xapian::Database db(index);
  auto searcher = query::Searcher::open(index).value_or_throw();
  analysis::Analyzer analyzer;
  std::vector<Xapian::docid> ids;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
  std::shuffle(ids.begin(), ids.end(), std::mt19937(seed));

  std::ofstream out;
  if (!tsv.empty()) out.open(tsv);
  std::map<std::string, Stats> by_lang;
  Stats all;
  for (Xapian::docid did : ids) {
    if (all.n >= samples) break;
    std::mt19937 rng(seed * 1000003u + did);  // per document, so one change does not reshuffle the rest
    auto data = nlohmann::json::parse(db.get_document(did).get_data(), nullptr, false);
    if (!data.is_object()) continue;
    std::string text = data.value(std::string(schema::data::kText), std::string());
    std::string lang = data.value(std::string(schema::data::kLanguage), std::string());
    std::string id = data.value(std::string(schema::data::kId), std::string());
    std::vector<analysis::Word> words;
    analyzer.words(text, words);
    std::vector<const analysis::Word*> cands;
    std::set<std::string> seen;
    for (const auto& w : words) {
      if (w.numeric || w.joined || w.base.size() < 5 || !seen.insert(w.base).second) continue;
      if (w.base.find_first_of("0123456789.@_") != std::string::npos) continue;
      Xapian::doccount df = db.get_termfreq(w.base);
      if (df >= 1 && df <= max_df) cands.push_back(&w);
    }
    if (static_cast<int>(cands.size()) < nwords * 3) continue;
    std::shuffle(cands.begin(), cands.end(), rng);
    std::string q;
    for (int k = 0; k < nwords; ++k) {
      const analysis::Word& w = *cands[static_cast<std::size_t>(k)];
      std::string form = w.base;  // typed without accents
      if (rng() % 2 == 0) {
        // Another inflection: an index term with the same stem in the document's language.
        const auto& stems = analyzer.stems(w, lang);
        if (!stems.empty()) {
          std::string head = w.base.substr(0, std::min<std::size_t>(4, w.base.size()));
          std::vector<std::string> alts;
          for (auto t = db.allterms_begin(head); t != db.allterms_end(head); ++t) {
            std::string term = *t;
            if (term == w.base) continue;
            analysis::Word a;
            a.exact = a.base = term;
            const auto& s2 = analyzer.stems(a, lang);
            if (!s2.empty() && s2.front() == stems.front()) alts.push_back(term);
            if (alts.size() > 50) break;
          }
          if (!alts.empty()) form = alts[rng() % alts.size()];
        }
      }
      q += (k ? " " : "") + form;
    }
    query::SearchRequest req;
    req.query = q;
    req.size = 10;
    auto r = searcher->search(req);
    if (!r) {
      std::cerr << "query failed: " << q << ": " << r.error().message << "\n";
      continue;
    }
    int rank = 0;
    for (const auto& h : r->hits)
      if (h.id == id) {
        rank = h.rank;
        break;
      }
    Stats& s = by_lang[lang];
    for (Stats* st : {&s, &all}) {
      ++st->n;
      if (rank == 1) ++st->first;
      if (rank >= 1 && rank <= 10) ++st->top10;
    }
    if (out) out << lang << '\t' << id << '\t' << q << '\t' << rank << '\n';
  }
  auto pct = [](int a, int b) { return b ? 100.0 * a / b : 0.0; };
  std::printf("%-6s %5s %8s %8s\n", "lang", "n", "first%", "top10%");
  for (const auto& [l, s] : by_lang) std::printf("%-6s %5d %8.1f %8.1f\n", l.c_str(), s.n, pct(s.first, s.n), pct(s.top10, s.n));
  std::printf("%-6s %5d %8.1f %8.1f\n", "all", all.n, pct(all.first, all.n), pct(all.top10, all.n));
  return 0;
}
