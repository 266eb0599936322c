#include <catch2/catch.hpp>

#include "core/analysis/normalize.hpp"

using passage::analysis::fold;
using passage::analysis::sanitize_utf8;
using passage::analysis::strip_accents;

TEST_CASE("fold applies NFKC and full case folding", "[normalize]") {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"Migration", "migration"},
      {"ASYLANTRÄGE", "asylanträge"},
      {"Straße", "strasse"},
      {"ＡＢＣ１２", "abc12"},          // full-width forms (NFKC)
      {"ΣΟΦΙΑ", "σοφια"},              // Greek capital sigma folds to σ
      {"ΜΙΓΡΑΝΤΕΣ", "μιγραντεσ"},
      {"Беженцы", "беженцы"},
      {"ﬁnancement", "financement"},   // ligature
      {"İstanbul", "i̇stanbul"},       // dotted capital I keeps its dot as a combining mark
  };
  for (const auto& r : rows) {
    INFO(r.in);
    CHECK(fold(r.in) == r.out);
  }
}

TEST_CASE("strip_accents removes combining marks only", "[normalize]") {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"réfugiés", "refugies"},
      {"migrationsbehörde", "migrationsbehorde"},
      {"situación", "situacion"},
      {"ёлка", "елка"},
      {"μετανάστες", "μεταναστες"},
      {"łódź", "łodz"},  // ł is a letter of its own, not l + mark
      {"plain", "plain"},
      {"i̇stanbul", "istanbul"},
  };
  for (const auto& r : rows) {
    INFO(r.in);
    CHECK(strip_accents(r.in) == r.out);
  }
}

TEST_CASE("sanitize_utf8 repairs invalid bytes and control characters", "[normalize]") {
  CHECK(sanitize_utf8("ok") == "ok");
  CHECK(sanitize_utf8(std::string("a\xff" "b", 3)) == "a\xEF\xBF\xBD" "b");
  CHECK(sanitize_utf8(std::string("a\0b", 3)) == "a b");
  CHECK(sanitize_utf8("line\nnext\ttab") == "line\nnext\ttab");
  CHECK(sanitize_utf8("caf\xC3") == "caf\xEF\xBF\xBD");  // truncated sequence
}
