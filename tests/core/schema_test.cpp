#include <catch2/catch.hpp>

#include "core/schema.hpp"

using namespace passage::schema;

TEST_CASE("facet terms are prefixed and case-folded", "[schema]") {
  CHECK(facet_term(kKindFacet, "Working-Paper") == "XKworking-paper");
  CHECK(facet_term(kLanguageFacet, "de") == "Lde");
  CHECK(facet_term(kYearFacet, "2019") == "Y2019");
  CHECK(facet_term(kOrganisationFacet, "COMPAS") == "XOcompas");
  CHECK(extra_facet_term("Network", "Eurocities") == "XFnetwork:eurocities");
  CHECK(id_term("src/a.pdf") == "Qsrc/a.pdf");
}

TEST_CASE("facets are found by name", "[schema]") {
  REQUIRE(find_facet("kind") != nullptr);
  CHECK(find_facet("kind")->slot == kSlotKind);
  CHECK(find_facet("year")->prefix == "Y");
  CHECK(find_facet("nope") == nullptr);
}

TEST_CASE("long urls stay under Xapian's term limit and stay unique", "[schema]") {
  std::string a = "https://example.org/" + std::string(400, 'a') + "1";
  std::string b = "https://example.org/" + std::string(400, 'a') + "2";
  CHECK(url_term(a).size() <= 240);
  CHECK(url_term(a) != url_term(b));
  CHECK(url_term("file:///x.pdf") == "Ufile:///x.pdf");
}

TEST_CASE("schema version is checked", "[schema]") {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  CHECK(version_compatible(db));
  db.set_metadata(std::string(kSchemaVersionKey), std::to_string(kSchemaVersion));
  CHECK(version_compatible(db));
  db.set_metadata(std::string(kSchemaVersionKey), "0");
  std::string found;
  CHECK_FALSE(version_compatible(db, &found));
  CHECK(found == "0");
}

TEST_CASE("web page signatures round-trip and never look like a file's", "[schema]") {
  using passage::schema::WebSignature;
  const WebSignature rows[] = {
      {"\"abc\"", "Tue, 03 Sep 2024 10:00:00 GMT", "0123456789abcdef", 2},
      {"W/\"weak\"", "", "ff", 0},
      {"", "", "", 17},
  };
  for (const WebSignature& s : rows) {
    std::string encoded = passage::schema::web_signature(s);
    auto back = passage::schema::parse_web_signature(encoded);
    REQUIRE(back.has_value());
    CHECK(back->etag == s.etag);
    CHECK(back->last_modified == s.last_modified);
    CHECK(back->body_hash == s.body_hash);
    CHECK(back->depth == s.depth);
  }
  CHECK_FALSE(passage::schema::parse_web_signature("1234:1700000000"));
  CHECK_FALSE(passage::schema::parse_web_signature(""));
  CHECK_FALSE(passage::schema::parse_web_signature("http\x1f" "a\x1f" "b\x1f" "c\x1f" "x"));
}
