#include <catch2/catch.hpp>
#include <xapian.h>

#include <algorithm>
#include <set>

#include "core/analysis/analyzer.hpp"
#include "core/analysis/language_id.hpp"
#include "core/analysis/stemmers.hpp"
#include "core/analysis/stopwords.hpp"

using namespace passage::analysis;

namespace {
std::vector<std::string> bases(Analyzer& a, std::string_view text) {
  std::vector<Word> words;
  a.words(text, words);
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.base);
  return out;
}
std::set<std::string> doc_terms(const Xapian::Document& d) {
  std::set<std::string> out;
  for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) out.insert(*t);
  return out;
}
}  // namespace

TEST_CASE("words: scripts, elisions, compounds, numbers", "[analyzer]") {
  Analyzer a;
  struct Row {
    const char* text;
    std::vector<std::string> expected;
  };
  const std::vector<Row> rows = {
      {"Migration policy, 2015.", {"migration", "policy", "2015"}},
      {"l'immigration et dell'Unione", {"immigration", "et", "unione"}},
      {"Europe's cities", {"europe", "cities"}},
      {"C-MISE network", {"c", "mise", "cmise", "network"}},
      {"multi-level governance", {"multi", "level", "multilevel", "governance"}},
      {"EU-Turkey statement", {"eu", "turkey", "euturkey", "statement"}},
      {"Réfugiés à Paris", {"refugies", "a", "paris"}},
      {"Μετανάστες στην Αθήνα", {"μεταναστεσ", "στην", "αθηνα"}},  // final sigma folds to σ
      {"Беженцы в Берлине", {"беженцы", "в", "берлине"}},
      {"Asylanträge in München", {"asylantrage", "in", "munchen"}},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(bases(a, r.text) == r.expected);
  }
}

TEST_CASE("words: URLs and e-mail addresses are also kept whole", "[analyzer]") {
  Analyzer a;
  struct Row {
    const char* text;
    std::vector<std::string> joined;  // the joined words, in order
  };
  const std::vector<Row> rows = {
      {"See https://www.eurocities.eu/migration. Thanks", {"https://www.eurocities.eu/migration"}},
      {"Write to info@stadt-koeln.de, please", {"info@stadtkoeln.de", "info@stadt-koeln.de"}},
      {"Visit www.integreat.app today", {}},  // ICU keeps it as one word already
      {"no links here: a@b and http:// alone", {}},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    std::vector<Word> words;
    a.words(r.text, words);
    std::vector<std::string> joined;
    for (const auto& w : words)
      if (w.joined) joined.push_back(w.base);
    CHECK(joined == r.joined);
  }
  // The parts are still there, in order, before the whole; a word ICU keeps whole is not doubled.
  std::vector<Word> words;
  a.words("mail info@city.de or https://city.de/asyl now", words);
  std::vector<std::string> b;
  for (const auto& w : words) b.push_back(w.base);
  CHECK(b == std::vector<std::string>{"mail", "info@city.de", "or", "https", "city.de", "asyl", "https://city.de/asyl", "now"});
}

TEST_CASE("stopwords are per language and accent-free", "[analyzer]") {
  struct Row {
    const char* word;
    const char* lang;
    bool stop;
  };
  const Row rows[] = {
      {"the", "en", true},   {"migration", "en", false}, {"die", "de", true},  {"die", "en", false},
      {"fur", "de", true},   {"les", "fr", true},        {"des", "es", false}, {"della", "it", true},
      {"и", "ru", true},     {"її", "uk", false},        {"іі", "uk", true},   {"the", "xx", false},
  };
  for (const auto& r : rows) {
    INFO(r.word << " in " << r.lang);
    CHECK(is_stopword(r.word, r.lang) == r.stop);
  }
}

TEST_CASE("words: CJK text is not dropped", "[analyzer]") {
  Analyzer a;
  auto b = bases(a, "难民政策");
  CHECK_FALSE(b.empty());
  std::string joined;
  for (const auto& s : b) joined += s;
  CHECK(joined == "难民政策");
}

TEST_CASE("stems unify inflections in each language, accent-free", "[analyzer]") {
  Analyzer a;
  struct Row {
    const char* lang;
    const char* one;
    const char* other;
  };
  const Row rows[] = {
      {"de", "Asylanträge", "Asylantrag"},
      {"de", "Asylantrage", "Asylantrag"},  // typed without the umlaut
      {"es", "refugiados", "refugiado"},
      {"fr", "réfugiés", "réfugié"},
      {"fr", "refugies", "réfugié"},
      {"en", "migrants", "migrant"},
      {"it", "migranti", "migrante"},
      {"pt", "refugiados", "refugiado"},
      {"ru", "беженцев", "беженцы"},
      {"el", "μετανάστες", "μετανάστης"},  // Greek via libstemmer
      {"hu", "menekülteknek", "menekültek"},
      {"tr", "şehirlerde", "şehirler"},
  };
  for (const auto& r : rows) {
    INFO(r.lang << ": " << r.one << " ~ " << r.other);
    std::vector<Word> w1, w2;
    a.words(r.one, w1);
    a.words(r.other, w2);
    REQUIRE(w1.size() == 1);
    REQUIRE(w2.size() == 1);
    const auto& s1 = a.stems(w1[0], r.lang);
    const auto& s2 = a.stems(w2[0], r.lang);
    REQUIRE_FALSE(s1.empty());
    bool shared = std::any_of(s1.begin(), s1.end(),
                              [&](const std::string& s) { return std::find(s2.begin(), s2.end(), s) != s2.end(); });
    CHECK(shared);
  }
}

TEST_CASE("languages without a stemmer are indexed unstemmed", "[analyzer]") {
  Analyzer a;
  std::vector<Word> w;
  a.words("migrantów", w);
  REQUIRE(w.size() == 1);
  CHECK(stemmer_algorithm("pl").empty());
  CHECK(a.stems(w[0], "pl").empty());
  CHECK(stemmer_algorithm("el") == "greek");
  CHECK(stemmer_algorithm("de") == "german");
}

TEST_CASE("index_text writes base, exact and stem terms", "[analyzer]") {
  Analyzer a;
  Xapian::Document doc;
  Xapian::termpos pos = 0;
  a.index_text(doc, "Die Asylanträge", {"", 1, true}, "de", pos);
  auto terms = doc_terms(doc);
  CHECK(terms.count("asylantrage"));
  CHECK(terms.count("XEasylanträge"));
  CHECK(terms.count("Zasylantrag"));
  CHECK(terms.count("die"));
  Xapian::Document title;
  pos = 0;
  a.index_text(title, "Asylanträge", {"S", 1, true}, "de", pos);
  auto tt = doc_terms(title);
  CHECK(tt.count("Sasylantrage"));
  CHECK(tt.count("ZSasylantrag"));
  CHECK_FALSE(tt.count("XEasylanträge"));  // exact forms only for body text
}

TEST_CASE("language identification on short texts", "[language]") {
  struct Row {
    const char* lang;
    const char* text;
  };
  const Row rows[] = {
      {"en", "The city council adopted a new strategy for the integration of refugees and asylum seekers."},
      {"de", "Die Stadt hat eine neue Strategie zur Integration von Geflüchteten und Asylsuchenden beschlossen."},
      {"fr", "La ville a adopté une nouvelle stratégie pour l'intégration des réfugiés et des demandeurs d'asile."},
      {"es", "El ayuntamiento aprobó una nueva estrategia para la integración de los refugiados y solicitantes de asilo."},
      {"it", "Il comune ha approvato una nuova strategia per l'integrazione dei rifugiati e dei richiedenti asilo."},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(detect_language(r.text).code == r.lang);
  }
  CHECK(normalize_language_tag("de-AT") == "de");
  CHECK(normalize_language_tag("EN_us") == "en");
  CHECK(normalize_language_tag("german") == "de");
  CHECK(normalize_language_tag("") == "");
  CHECK(normalize_language_tag("klingon-x") == "");
}
