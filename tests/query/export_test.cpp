// Exports of a result page (query/export.hpp): each format is parsed back by a small reader
// written here (BibTeX, RIS, CSV), nlohmann (CSL-JSON) or Boost.PropertyTree (Atom), and every
// field is compared with the hits, including values with braces, quotes, commas, newlines,
// LaTeX specials and non-ASCII text.

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "query/export.hpp"

using namespace passage::query;
using json = nlohmann::json;

namespace {

Hit make_hit(int rank, std::string id, std::string title, std::vector<std::string> authors, std::optional<int> year,
             std::string kind, std::string organisation, std::string language, std::string url, std::string snippet) {
  Hit h;
  h.rank = rank;
  h.id = std::move(id);
  h.title = std::move(title);
  h.authors = std::move(authors);
  h.year = year;
  h.kind = std::move(kind);
  h.organisation = std::move(organisation);
  h.language = std::move(language);
  h.url = std::move(url);
  h.snippet_html = std::move(snippet);
  return h;
}

// Three hits whose fields exercise every escaping rule.
SearchResult tricky_result() {
  SearchResult r;
  r.query = "asylum \"Zürich\" & more";
  r.hits.push_back(make_hit(1, "compas/wp-1.pdf", "Cities {and} the \"right\" to 100% & more_of it: ~#$^\\",
                            {"Hein de Haas", "Castles, Stephen"}, 2019, "working-paper", "COMPAS, Oxford",
                            "en", "https://example.org/a paper{1}.pdf",
                            "the <mark>asylum</mark> &amp; &quot;refugee&quot; line, here"));
  r.hits.push_back(make_hit(2, "blog/zürich.html", "Zürich: Asylanträge,\nneu gedacht", {"Łucja Wróbel"}, 2021,
                            "blog", "Migrationsblog", "de", "file:///corpus/blog/zürich.html",
                            "<mark>Asyl</mark> in Zürich &lt;2021&gt;"));
  r.hits.push_back(make_hit(3, "eurocities/x.md", "Solidarity cities", {"European Commission"}, std::nullopt,
                            "city-network-document", "Eurocities", "fr", "file:///corpus/x.md", ""));
  r.hits[0].facets = {{"country", "United Kingdom"}};
  r.hits[0].page = 4;
  return r;
}

// ---- BibTeX reader: entries of `@type{key, field = {value}, ...}` with nested braces ---------

struct BibEntry {
  std::string type, key;
  std::map<std::string, std::string> fields;  // braces kept as written inside the value
};

std::vector<BibEntry> parse_bibtex(const std::string& s) {
  std::vector<BibEntry> out;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  while ((i = s.find('@', i)) != std::string::npos) {
    BibEntry e;
    std::size_t brace = s.find('{', i);
    e.type = s.substr(i + 1, brace - i - 1);
    std::size_t comma = s.find(',', brace);
    e.key = s.substr(brace + 1, comma - brace - 1);
    i = comma + 1;
    for (;;) {
      skip_space();
      if (s[i] == '}') {
        ++i;
        break;
      }
      std::size_t eq = s.find('=', i);
      std::string name = s.substr(i, eq - i);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      i = eq + 1;
      skip_space();
      REQUIRE(s[i] == '{');
      int depth = 0;
      std::size_t start = i + 1;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\') {
          ++i;  // an escaped character never opens or closes a group
          continue;
        }
        if (s[i] == '{') ++depth;
        if (s[i] == '}' && --depth == 0) break;
      }
      REQUIRE(i < s.size());
      e.fields[name] = s.substr(start, i - start);
      ++i;
      skip_space();
      if (s[i] == ',') ++i;
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Undoes the LaTeX escapes the exporter writes.
std::string latex_decode(std::string v) {
  const std::vector<std::pair<std::string, std::string>> repl{
      {"\\textbackslash{}", "\\"}, {"\\textasciitilde{}", "~"}, {"\\textasciicircum{}", "^"}, {"\\{", "{"}, {"\\}", "}"},
      {"\\&", "&"},  {"\\%", "%"},  {"\\$", "$"},  {"\\#", "#"},  {"\\_", "_"}};
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    bool done = false;
    for (const auto& [from, to] : repl)
      if (v.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        done = true;
        break;
      }
    if (!done) out.push_back(v[i++]);
  }
  return out;
}

// ---- RIS reader -----------------------------------------------------------------------------

using RisRecord = std::multimap<std::string, std::string>;

std::vector<RisRecord> parse_ris(const std::string& s) {
  std::vector<RisRecord> out;
  RisRecord cur;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) {
    REQUIRE((!line.empty() && line.back() == '\r'));  // CRLF line ends
    line.pop_back();
    if (line.empty()) continue;
    REQUIRE(line.size() >= 6);
    REQUIRE(line.substr(2, 4) == "  - ");
    std::string tag = line.substr(0, 2), value = line.substr(6);
    if (tag == "ER") {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.emplace(tag, value);
    }
  }
  CHECK(cur.empty());
  return out;
}

std::vector<std::string> all(const RisRecord& r, const std::string& tag) {
  std::vector<std::string> out;
  for (auto [it, end] = r.equal_range(tag); it != end; ++it) out.push_back(it->second);
  return out;
}

// ---- CSV reader (RFC 4180) ------------------------------------------------------------------

std::vector<std::vector<std::string>> parse_csv(const std::string& s) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      REQUIRE(field.empty());  // a quote only opens a field
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\r') {
      REQUIRE((i + 1 < s.size() && s[i + 1] == '\n'));
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      REQUIRE(c != '\n');  // a bare newline only inside quotes
      REQUIRE_FALSE(was_quoted);
      field.push_back(c);
    }
  }
  REQUIRE_FALSE(quoted);
  REQUIRE(rows.back().empty());  // the file ends with CRLF
  rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("export: author names split into family and given", "[export]") {
  struct Row {
    std::string name, family, given, literal;
  };
  const std::vector<Row> rows{
      {"Hein de Haas", "de Haas", "Hein", ""},
      {"de Haas, Hein", "de Haas", "Hein", ""},
      {"Ludwig van der Berg", "van der Berg", "Ludwig", ""},
      {"Łucja Wróbel", "Wróbel", "Łucja", ""},
      {"Mary Anne Smith", "Smith", "Mary Anne", ""},
      {"  Castles ,  Stephen ", "Castles", "Stephen", ""},
      {"UNHCR", "", "", "UNHCR"},
      {"European Commission", "", "", "European Commission"},
      {"Smith, J., Jones, K.", "", "", "Smith, J., Jones, K."},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    PersonName p = split_person_name(row.name);
    CHECK(p.family == row.family);
    CHECK(p.given == row.given);
    CHECK(p.literal == row.literal);
  }
}

TEST_CASE("export: format names", "[export]") {
  CHECK(export_format("bibtex") == ExportFormat::kBibtex);
  CHECK(export_format("ris") == ExportFormat::kRis);
  CHECK(export_format("csljson") == ExportFormat::kCslJson);
  CHECK(export_format("csv") == ExportFormat::kCsv);
  CHECK(export_format("atom") == ExportFormat::kAtom);
  CHECK_FALSE(export_format("BibTeX"));
  CHECK_FALSE(export_format("json"));  // the API's own shape, not an export
}

TEST_CASE("export: BibTeX parses back with every field", "[export]") {
  SearchResult r = tricky_result();
  auto entries = parse_bibtex(export_results(r, ExportFormat::kBibtex));
  REQUIRE(entries.size() == 3);
  const BibEntry& wp = entries[0];
  CHECK(wp.type == "techreport");
  CHECK(wp.key == "dehaas2019cities");
  CHECK(wp.fields.at("author") == "de Haas, Hein and Castles, Stephen");
  CHECK(latex_decode(wp.fields.at("title")) == r.hits[0].title);
  CHECK(wp.fields.at("year") == "2019");
  CHECK(latex_decode(wp.fields.at("institution")) == "COMPAS, Oxford");
  CHECK(wp.fields.at("type") == "Working Paper");
  CHECK(wp.fields.at("url") == "https://example.org/a%20paper%7B1%7D.pdf");
  CHECK(wp.fields.at("language") == "en");

  const BibEntry& blog = entries[1];
  CHECK(blog.type == "online");
  CHECK(blog.fields.at("author") == "Wróbel, Łucja");
  CHECK(blog.fields.at("title") == "Zürich: Asylanträge, neu gedacht");  // one line, UTF-8 kept
  CHECK(blog.fields.at("organization") == "Migrationsblog");

  const BibEntry& misc = entries[2];
  CHECK(misc.type == "misc");
  CHECK(misc.fields.at("author") == "{European Commission}");  // a literal name stays one name
  CHECK(misc.fields.count("year") == 0);
  CHECK(misc.fields.at("publisher") == "Eurocities");
  CHECK(misc.key != wp.key);
}

TEST_CASE("export: BibTeX keys are unique", "[export]") {
  SearchResult r;
  for (int i = 0; i < 3; ++i)
    r.hits.push_back(make_hit(i + 1, "s/" + std::to_string(i), "Same title", {"Ann Lee"}, 2020, "report", "X", "en", "", ""));
  auto entries = parse_bibtex(export_results(r, ExportFormat::kBibtex));
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].key == "lee2020same");
  CHECK(entries[1].key == "lee2020samea");
  CHECK(entries[2].key == "lee2020sameb");
}

TEST_CASE("export: RIS parses back with every field", "[export]") {
  SearchResult r = tricky_result();
  auto records = parse_ris(export_results(r, ExportFormat::kRis));
  REQUIRE(records.size() == 3);
  CHECK(all(records[0], "TY") == std::vector<std::string>{"RPRT"});
  CHECK(all(records[0], "AU") == std::vector<std::string>{"de Haas, Hein", "Castles, Stephen"});
  CHECK(all(records[0], "TI") == std::vector<std::string>{r.hits[0].title});
  CHECK(all(records[0], "PY") == std::vector<std::string>{"2019"});
  CHECK(all(records[0], "PB") == std::vector<std::string>{"COMPAS, Oxford"});
  CHECK(all(records[0], "UR") == std::vector<std::string>{"https://example.org/a%20paper%7B1%7D.pdf"});
  CHECK(all(records[0], "LA") == std::vector<std::string>{"en"});
  CHECK(all(records[1], "TY") == std::vector<std::string>{"BLOG"});
  CHECK(all(records[1], "TI") == std::vector<std::string>{"Zürich: Asylanträge, neu gedacht"});
  CHECK(all(records[1], "T2") == std::vector<std::string>{"Migrationsblog"});
  CHECK(all(records[2], "TY") == std::vector<std::string>{"GEN"});
  CHECK(all(records[2], "AU") == std::vector<std::string>{"European Commission"});
  CHECK(all(records[2], "PY").empty());
}

TEST_CASE("export: CSL-JSON parses back with every field", "[export]") {
  SearchResult r = tricky_result();
  json items = json::parse(export_results(r, ExportFormat::kCslJson));
  REQUIRE(items.is_array());
  REQUIRE(items.size() == 3);
  const json& wp = items[0];
  CHECK(wp["id"] == "compas/wp-1.pdf");
  CHECK(wp["type"] == "report");
  CHECK(wp["genre"] == "Working Paper");
  CHECK(wp["title"] == r.hits[0].title);
  CHECK(wp["author"][0] == json{{"family", "de Haas"}, {"given", "Hein"}});
  CHECK(wp["author"][1] == json{{"family", "Castles"}, {"given", "Stephen"}});
  CHECK(wp["issued"]["date-parts"][0][0] == 2019);
  CHECK(wp["publisher"] == "COMPAS, Oxford");
  CHECK(wp["URL"] == "https://example.org/a%20paper%7B1%7D.pdf");
  CHECK(wp["language"] == "en");
  CHECK(items[1]["type"] == "post-weblog");
  CHECK(items[1]["container-title"] == "Migrationsblog");
  CHECK(items[1]["title"] == "Zürich: Asylanträge,\nneu gedacht");
  CHECK(items[2]["type"] == "document");
  CHECK(items[2]["author"][0] == json{{"literal", "European Commission"}});
  CHECK_FALSE(items[2].contains("issued"));
}

TEST_CASE("export: CSV is RFC 4180 with a header row", "[export]") {
  SearchResult r = tricky_result();
  auto rows = parse_csv(export_results(r, ExportFormat::kCsv));
  REQUIRE(rows.size() == 4);
  const std::vector<std::string> header{"rank", "id",  "title", "authors",  "year",  "kind",   "organisation",
                                        "language", "url", "page",  "duplicates", "facets", "snippet"};
  REQUIRE(rows[0] == header);
  for (const auto& row : rows) REQUIRE(row.size() == header.size());
  CHECK(rows[1][0] == "1");
  CHECK(rows[1][2] == r.hits[0].title);
  CHECK(rows[1][3] == "Hein de Haas; Castles, Stephen");
  CHECK(rows[1][4] == "2019");
  CHECK(rows[1][6] == "COMPAS, Oxford");
  CHECK(rows[1][9] == "4");
  CHECK(rows[1][11] == "country=United Kingdom");
  CHECK(rows[1][12] == "the asylum & \"refugee\" line, here");
  CHECK(rows[2][2] == "Zürich: Asylanträge,\nneu gedacht");  // newline kept inside quotes
  CHECK(rows[2][12] == "Asyl in Zürich <2021>");
  CHECK(rows[3][4].empty());
}

TEST_CASE("export: Atom 1.0 feed parses back with every required element", "[export]") {
  namespace pt = boost::property_tree;
  SearchResult r = tricky_result();
  FeedInfo feed;
  feed.id = "http://127.0.0.1:8080/api/search?q=asylum&format=atom";
  feed.self_url = feed.id;
  feed.alternate_url = "http://127.0.0.1:8080/?q=asylum";
  feed.updated = "2026-11-25T15:00:00Z";
  feed.document_base = "http://127.0.0.1:8080/api/documents/";
  std::istringstream in(export_results(r, ExportFormat::kAtom, feed));
  pt::ptree tree;
  REQUIRE_NOTHROW(pt::read_xml(in, tree));
  const pt::ptree& f = tree.get_child("feed");
  CHECK(f.get<std::string>("<xmlattr>.xmlns") == "http://www.w3.org/2005/Atom");
  CHECK(f.get<std::string>("id") == feed.id);
  CHECK(f.get<std::string>("title") == "Passage: asylum \"Zürich\" & more");
  CHECK(f.get<std::string>("updated") == feed.updated);
  CHECK(f.get<std::string>("author.name") == "Passage");
  std::map<std::string, std::string> links;
  std::vector<const pt::ptree*> entries;
  for (const auto& [name, child] : f) {
    if (name == "link") links[child.get<std::string>("<xmlattr>.rel")] = child.get<std::string>("<xmlattr>.href");
    if (name == "entry") entries.push_back(&child);
  }
  CHECK(links["self"] == feed.id);
  CHECK(links["alternate"] == feed.alternate_url);
  REQUIRE(entries.size() == 3);
  const pt::ptree& e = *entries[0];
  CHECK(e.get<std::string>("id") == "http://127.0.0.1:8080/api/documents/compas%2Fwp-1.pdf");
  CHECK(e.get<std::string>("title") == r.hits[0].title);
  CHECK(e.get<std::string>("link.<xmlattr>.href") == "https://example.org/a%20paper%7B1%7D.pdf");
  CHECK(e.get<std::string>("updated") == "2019-01-01T00:00:00Z");
  CHECK(e.get<std::string>("summary") == "the asylum & \"refugee\" line, here");
  CHECK(e.get<std::string>("category.<xmlattr>.term") == "working-paper");
  CHECK(entries[1]->get<std::string>("id") == "http://127.0.0.1:8080/api/documents/blog%2Fz%C3%BCrich.html");
  CHECK(entries[1]->get<std::string>("summary") == "Asyl in Zürich <2021>");
  CHECK(entries[2]->get<std::string>("updated") == feed.updated);  // no year: the index's time
}
