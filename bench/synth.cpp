// passage_synth: builds a synthetic corpus of any size from the text of a real one, for scale
// benchmarks. It reads the paragraphs stored in a Passage index of the real corpus (so PDF text
// is included), groups them by language, and writes N documents, each a deterministic random
// recombination of 2-12 paragraphs of one language, with varied metadata: title, author, year,
// language (HTML lang / front matter), format (HTML, Markdown, text) and source (kind and
// organisation, through a generated corpus-config).
//
//   passage_synth --from-index IDX --out DIR --docs 10000 [--seed 1] [--sources 12]
//
// DIR receives src-NN/NNN/doc-N.{html,md,txt} (1000 files per folder) and corpus.toml, which
// `passage index DIR/corpus.toml --index IDX2` indexes. The same seed and input give the same files.
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/schema.hpp"

namespace fs = std::filesystem;
using namespace passage;

namespace {

constexpr std::array<const char*, 4> kKinds{"working-paper", "blog", "report", "city-network-document"};
constexpr std::array<const char*, 12> kAuthors{"Anna Keller",   "Jonas Weber",  "Marie Dubois",  "Luca Rossi",
                                               "Elena García",  "Piotr Nowak",  "Sofia Almeida", "Jan de Vries",
                                               "Aisha Rahman",  "Tom Becker",   "Clara Martín",  "Ioana Popescu"};

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

// The first `n` words of a paragraph, cut at a UTF-8 boundary, as a title.
std::string title_from(const std::string& para, std::size_t n) {
  std::string out;
  std::size_t words = 0, i = 0;
  while (i < para.size() && words < n) {
    std::size_t e = para.find(' ', i);
    if (e == std::string::npos) e = para.size();
    if (e > i) {
      out += (out.empty() ? "" : " ") + para.substr(i, e - i);
      ++words;
    }
    i = e + 1;
  }
  if (out.size() > 120) {
    std::size_t cut = 120;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  for (char& c : out)
    if (c == '"' || c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"passage_synth: a synthetic corpus recombined from the paragraphs of a real corpus's index"};
  std::string index, out_dir;
  std::size_t docs = 10000;
  unsigned seed = 1;
  std::size_t nsources = 12;
  app.add_option("--from-index", index, "Passage index of the real corpus (its stored text is the material)")->required();
  app.add_option("--out", out_dir, "Folder to write (created; must be empty or absent)")->required();
  app.add_option("--docs", docs, "Number of documents")->capture_default_str();
  app.add_option("--seed", seed, "Random seed")->capture_default_str();
  app.add_option("--sources", nsources, "Number of sources (kind x organisation)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  Xapian::Database db(index);
  // Paragraphs per language, deduplicated; organisations from the index's facet.
  std::map<std::string, std::vector<std::string>> pool;
  std::unordered_set<std::string> seen;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    auto data = nlohmann::json::parse(db.get_document(*it).get_data(), nullptr, false);
    if (!data.is_object()) continue;
    std::string lang = data.value(std::string(schema::data::kLanguage), std::string());
    std::string text = data.value(std::string(schema::data::kText), std::string());
    if (lang.empty() || text.empty()) continue;
    std::size_t b = 0;
    while (b < text.size()) {
      std::size_t e = text.find('\n', b);
      if (e == std::string::npos) e = text.size();
      std::string para = trim(std::string_view(text).substr(b, e - b));
      b = e + 1;
      if (para.size() < 60 || para.size() > 4000) continue;
      if (seen.insert(para).second) pool[lang].push_back(std::move(para));
    }
  }
  std::vector<std::string> langs;
  std::vector<double> weights;
  for (const auto& [l, paras] : pool) {
    if (paras.size() < 3) continue;
    langs.push_back(l);
    weights.push_back(static_cast<double>(paras.size()));
  }
  if (langs.empty()) throw std::runtime_error("the index holds too little text to recombine: " + index);
  std::vector<std::string> orgs;
  const std::string org_prefix(schema::kOrganisationFacet.prefix);
  for (auto t = db.allterms_begin(org_prefix); t != db.allterms_end(org_prefix); ++t) {
    // Facet terms are lower-cased; the stored display value is what we want, so collect it lazily
    // from a document of the term.
    auto p = db.postlist_begin(*t);
    auto data = nlohmann::json::parse(db.get_document(*p).get_data(), nullptr, false);
    std::string o = data.is_object() ? data.value(std::string(schema::data::kOrganisation), std::string()) : "";
    if (!o.empty()) orgs.push_back(o);
  }
  for (std::size_t i = orgs.size(); i < nsources; ++i) orgs.push_back("Synthetic Institute " + std::to_string(i + 1));

  fs::path out(out_dir);
  if (fs::exists(out) && !fs::is_empty(out)) throw std::runtime_error("output folder is not empty: " + out_dir);
  fs::create_directories(out);
  std::ofstream toml(out / "corpus.toml");
  toml << "# Synthetic corpus written by passage_synth (seed " << seed << ", " << docs << " documents)\n"
       << "[index]\npath = \"index\"\n";
  for (std::size_t s = 0; s < nsources; ++s) {
    char name[32];
    std::snprintf(name, sizeof name, "src-%02zu", s);
    fs::create_directories(out / name);
    toml << "\n[[source]]\nname = \"" << name << "\"\nkind = \"" << kKinds[s % kKinds.size()] << "\"\norganisation = "
         << toml_string(orgs[s % orgs.size()]) << "\nroot = \"" << name << "\"\nlanguage = \"auto\"\n";
  }
  toml.close();
  if (!toml) throw std::runtime_error("cannot write " + (out / "corpus.toml").string());

  std::discrete_distribution<std::size_t> pick_lang(weights.begin(), weights.end());
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < docs; ++i) {
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + i);  // per document: sizes are prefixes of each other
    const std::string& lang = langs[pick_lang(rng)];
    const auto& paras = pool[lang];
    std::size_t n = 2 + rng() % 11;
    std::vector<const std::string*> body;
    for (std::size_t k = 0; k < n; ++k) body.push_back(&paras[rng() % paras.size()]);
    std::string title = title_from(*body[rng() % body.size()], 4 + rng() % 6);
    int year = 1995 + static_cast<int>(rng() % 32);
    int month = 1 + static_cast<int>(rng() % 12), day = 1 + static_cast<int>(rng() % 28);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
    const char* author = kAuthors[rng() % kAuthors.size()];
    std::size_t src = (i * 7 + rng() % 3) % nsources;
    unsigned fmt = static_cast<unsigned>(rng() % 10);
    char folder[64];
    std::snprintf(folder, sizeof folder, "src-%02zu/%03zu", src, i / 1000);
    fs::path dir = out / folder;
    fs::create_directories(dir);
    std::string file, content;
    if (fmt < 6) {
      file = "doc-" + std::to_string(i) + ".html";
      content = "<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
                "</title>\n<meta name=\"citation_author\" content=\"" + html_escape(author) +
                "\">\n<meta name=\"citation_publication_date\" content=\"" + date + "\">\n</head><body><main>\n<h1>" +
                html_escape(title) + "</h1>\n";
      for (const auto* p : body) content += "<p>" + html_escape(*p) + "</p>\n";
      content += "</main></body></html>\n";
    } else if (fmt < 9) {
      file = "doc-" + std::to_string(i) + ".md";
      content = "---\ntitle: \"" + title + "\"\ndate: " + date + "\nauthor: " + author + "\nlang: " + lang + "\n---\n\n# " +
                title + "\n";
      for (const auto* p : body) content += "\n" + *p + "\n";
    } else {
      file = "doc-" + std::to_string(i) + ".txt";
      content = title + "\n";
      for (const auto* p : body) content += "\n" + *p + "\n";
    }
    std::ofstream f(dir / file, std::ios::binary);
    f << content;
    if (!f) throw std::runtime_error("cannot write " + (dir / file).string());
    bytes += content.size();
  }
  std::cout << "passage_synth: wrote " << docs << " documents (" << bytes / 1024 / 1024 << " MB, " << langs.size()
            << " languages, " << nsources << " sources) to " << out_dir << "\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "passage_synth: error: " << e.what() << "\n";
  return 1;
}
