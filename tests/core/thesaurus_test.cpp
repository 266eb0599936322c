#include <catch2/catch.hpp>

#include <set>

#include "core/analysis/thesaurus.hpp"
#include "tests/test_support.hpp"

using namespace passage::analysis;

namespace {
const char* kToml = R"(
[[concept]]
id = "irregular-migrants"
en = ["irregular migrants", "undocumented migrants"]
de = ["irreguläre Migranten", "Menschen ohne Papiere"]
fr = ["migrants en situation irrégulière", "sans-papiers"]

[[concept]]
id = "asylum-seekers"
en = ["asylum seekers"]
de = ["Asylsuchende"]
fr = ["demandeurs d'asile"]
)";

std::set<std::string> concepts_in(const Thesaurus& t, Analyzer& a, std::string_view text, std::string_view lang) {
  std::vector<Word> words;
  a.words(text, words);
  std::set<std::string> out;
  for (const auto& h : t.find(words, lang, a)) out.insert(t.concepts()[h.concept_index].id);
  return out;
}
}  // namespace

TEST_CASE("thesaurus labels are found in text, inflected in their own language", "[thesaurus]") {
  auto t = Thesaurus::parse(kToml, "test.toml");
  REQUIRE(t.has_value());
  CHECK(t->concepts().size() == 2);
  Analyzer a;
  struct Row {
    const char* text;
    const char* lang;
    std::set<std::string> expected;
  };
  const std::vector<Row> rows = {
      {"Support for irregular migrants in cities", "en", {"irregular-migrants"}},
      {"an irregular migrant was heard", "en", {"irregular-migrants"}},          // singular via stem
      {"Beratung für irreguläre Migranten", "de", {"irregular-migrants"}},
      {"Beratung für irregulären Migranten", "de", {"irregular-migrants"}},     // inflected adjective
      {"Beratung fur irregulare Migranten", "de", {"irregular-migrants"}},      // without umlauts
      {"des migrants en situation irrégulière et des demandeurs d'asile", "fr", {"irregular-migrants", "asylum-seekers"}},
      {"Les sans-papiers", "fr", {"irregular-migrants"}},
      {"ehemalige Asylsuchende", "de", {"asylum-seekers"}},
      {"migrants and irregular work", "en", {}},                                 // words apart: no match
      {"", "en", {}},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(concepts_in(*t, a, r.text, r.lang) == r.expected);
  }
}

TEST_CASE("queries recognise labels of any language", "[thesaurus]") {
  auto t = Thesaurus::parse(kToml, "test.toml");
  REQUIRE(t.has_value());
  Analyzer a;
  std::vector<Word> words;
  a.words("asylum seekers housing", words);
  auto hits = t->find_in_query(words, a);
  REQUIRE(hits.size() == 1);
  CHECK(t->concepts()[hits[0].concept_index].id == "asylum-seekers");
}

TEST_CASE("thesaurus round-trips through the index metadata form", "[thesaurus]") {
  auto t = Thesaurus::parse(kToml, "test.toml");
  REQUIRE(t.has_value());
  auto back = Thesaurus::from_json(t->to_json());
  REQUIRE(back.has_value());
  REQUIRE(back->concepts().size() == 2);
  Analyzer a;
  CHECK(concepts_in(*back, a, "ehemalige Asylsuchende", "de") == std::set<std::string>{"asylum-seekers"});
}

TEST_CASE("thesaurus errors name the file and line", "[thesaurus]") {
  auto r = Thesaurus::parse("[[concept]]\nen = [\"x\"]\n", "bad.toml");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("bad.toml:1: concept without an id") != std::string::npos);
  auto dup = Thesaurus::parse("[[concept]]\nid = \"a\"\nen = [\"x\"]\n[[concept]]\nid = \"a\"\nen = [\"y\"]\n", "d.toml");
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().message.find("duplicate concept id 'a'") != std::string::npos);
  auto syntax = Thesaurus::parse("[[concept]\n", "s.toml");
  REQUIRE_FALSE(syntax.has_value());
  CHECK(syntax.error().message.find("TOML syntax error") != std::string::npos);
}

TEST_CASE("the bundled thesaurus is valid and multilingual", "[thesaurus]") {
  auto t = Thesaurus::load(passage::test::source_dir() / "corpus-config" / "thesaurus.toml");
  REQUIRE(t.has_value());
  CHECK(t->concepts().size() >= 40);
  for (const auto& c : t->concepts()) {
    std::set<std::string> langs;
    for (const auto& l : c.labels) langs.insert(l.lang);
    INFO(c.id);
    CHECK(langs.size() >= 6);
  }
}
