// Language identification accuracy on held-out samples written for Passage (tests/data/langid).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "core/analysis/language_id.hpp"
#include "tests/test_support.hpp"

namespace {

struct Accuracy {
  int total = 0, correct = 0;
  std::map<std::string, std::pair<int, int>> per_lang;  // lang -> (correct, total)
  std::vector<std::string> misses;
};

Accuracy measure(const std::string& file) {
  std::ifstream in(passage::test::source_dir() / "tests" / "data" / "langid" / file);
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  Accuracy a;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string lang = line.substr(0, tab), text = line.substr(tab + 1);
    std::string got = passage::analysis::detect_language(text).code;
    ++a.total;
    ++a.per_lang[lang].second;
    if (got == lang) {
      ++a.correct;
      ++a.per_lang[lang].first;
    } else {
      a.misses.push_back(lang + " detected as " + (got.empty() ? "?" : got) + ": " + text.substr(0, 60));
    }
  }
  return a;
}

}  // namespace

TEST_CASE("language identification: >= 95% on held-out paragraphs in 16 languages", "[language]") {
  Accuracy a = measure("paragraphs.tsv");
  REQUIRE(a.total >= 200);
  REQUIRE(a.per_lang.size() >= 10);
  double accuracy = static_cast<double>(a.correct) / a.total;
  for (const auto& m : a.misses) UNSCOPED_INFO(m);
  WARN("paragraph accuracy: " << a.correct << "/" << a.total << " = " << accuracy * 100 << "%");
  CHECK(accuracy >= 0.95);
}

TEST_CASE("language identification: single sentences", "[language]") {
  Accuracy a = measure("sentences.tsv");
  REQUIRE(a.total >= 100);
  double accuracy = static_cast<double>(a.correct) / a.total;
  for (const auto& m : a.misses) UNSCOPED_INFO(m);
  WARN("sentence accuracy: " << a.correct << "/" << a.total << " = " << accuracy * 100 << "%");
  CHECK(accuracy >= 0.90);
}
