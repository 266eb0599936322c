#include "query/export.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/analysis/normalize.hpp"
#include "query/snippets.hpp"

namespace passage::query {
namespace {

// ---- Shared helpers ---------------------------------------------------------------------------

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Line breaks, tabs and other control characters become spaces (one-line fields).
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == '\x7f' ? ' ' : c);
  return out;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Kinds that are reports (built-in "report" and "working-paper").
bool is_report(const Hit& h) { return h.kind == "report" || h.kind == "working-paper"; }
bool is_blog(const Hit& h) { return h.kind == "blog"; }

std::string year_text(const Hit& h) { return h.year ? std::to_string(*h.year) : std::string(); }

// ---- BibTeX -----------------------------------------------------------------------------------

// A braced BibTeX value: LaTeX specials escaped so braces stay balanced and nothing is a command.
std::string bibtex_escape(std::string_view s) {
  std::string out;
  for (char c : one_line(s)) {
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '{': out += "\\{"; break;
      case '}': out += "\\}"; break;
      case '&': out += "\\&"; break;
      case '%': out += "\\%"; break;
      case '$': out += "\\$"; break;
      case '#': out += "\\#"; break;
      case '_': out += "\\_"; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// A citation key: ASCII letters of the first author's family name (or the organisation), the
// year and the first long title word, e.g. dehaas2019migration; unique within the export.
std::string citation_key(const Hit& h, std::set<std::string>& used) {
  auto letters = [](std::string_view s, std::size_t max) {
    std::string out;
    for (char c : analysis::strip_accents(analysis::fold(s)))
      if (c >= 'a' && c <= 'z' && out.size() < max) out.push_back(c);
    return out;
  };
  std::string who;
  if (!h.authors.empty()) {
    PersonName p = split_person_name(h.authors.front());
    who = letters(p.literal.empty() ? p.family : p.literal, 20);
  }
  if (who.empty()) who = letters(h.organisation, 20);
  if (who.empty()) who = "passage";
  std::string word;
  for (const std::string& w : split_words(h.title)) {
    word = letters(w, 20);
    if (word.size() >= 4) break;
  }
  std::string key = who + year_text(h) + word;
  std::string unique = key;
  for (char suffix = 'a'; !used.insert(unique).second; ++suffix) {
    if (suffix > 'z') {
      key += 'z';
      suffix = 'a';
    }
    unique = key + suffix;
  }
  return unique;
}

std::string bibtex_person(const std::string& author) {
  PersonName p = split_person_name(author);
  if (!p.literal.empty()) {
    // Braces: one literal name. Appended piecewise: g++ 12 -O3 warns falsely on "{" + string.
    std::string out = "{";
    out += bibtex_escape(p.literal);
    out += '}';
    return out;
  }
  std::string out = bibtex_escape(p.family);
  if (!p.given.empty()) {
    out += ", ";
    out += bibtex_escape(p.given);
  }
  return out;
}

std::string export_bibtex(const SearchResult& r) {
  std::string out;
  std::set<std::string> used;
  for (const Hit& h : r.hits) {
    std::string type = is_report(h) ? "techreport" : is_blog(h) ? "online" : "misc";
    out += "@" + type + "{" + citation_key(h, used) + ",\n";
    auto field = [&](std::string_view name, const std::string& value) {
      if (!value.empty()) out += "  " + std::string(name) + " = {" + value + "},\n";
    };
    std::string authors;
    for (const std::string& a : h.authors) authors += (authors.empty() ? "" : " and ") + bibtex_person(a);
    field("author", authors);
    field("title", bibtex_escape(h.title));
    field("year", year_text(h));
    if (is_report(h)) {
      field("institution", bibtex_escape(h.organisation));
      if (h.kind == "working-paper") field("type", "Working Paper");
    } else if (is_blog(h)) {
      field("organization", bibtex_escape(h.organisation));
    } else {
      field("publisher", bibtex_escape(h.organisation));
      field("howpublished", bibtex_escape(h.kind));
    }
    // The url package reads urls verbatim: only what would unbalance braces is encoded.
    field("url", uri_escape(h.url));
    field("language", bibtex_escape(h.language));
    out += "}\n\n";
  }
  return out;
}

// ---- RIS --------------------------------------------------------------------------------------

std::string export_ris(const SearchResult& r) {
  std::string out;
  auto tag = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    out += std::string(name) + "  - " + one_line(value) + "\r\n";
  };
  for (const Hit& h : r.hits) {
    tag("TY", is_report(h) ? "RPRT" : is_blog(h) ? "BLOG" : "GEN");
    for (const std::string& a : h.authors) {
      PersonName p = split_person_name(a);
      tag("AU", p.literal.empty() ? (p.given.empty() ? p.family : p.family + ", " + p.given) : p.literal);
    }
    tag("TI", h.title);
    tag("PY", year_text(h));
    if (is_blog(h)) {
      tag("T2", h.organisation);  // the blog's title
    } else {
      tag("PB", h.organisation);  // institution of a report, publisher otherwise
    }
    if (h.kind == "working-paper") tag("M3", "Working Paper");
    tag("UR", uri_escape(h.url));
    tag("LA", h.language);
    tag("ID", h.id);
    out += "ER  - \r\n\r\n";
  }
  return out;
}

// ---- CSL-JSON ---------------------------------------------------------------------------------

std::string export_csljson(const SearchResult& r) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const Hit& h : r.hits) {
    nlohmann::ordered_json item;
    item["id"] = h.id;
    item["type"] = is_report(h) ? "report" : is_blog(h) ? "post-weblog" : "document";
    item["title"] = h.title;
    nlohmann::ordered_json authors = nlohmann::ordered_json::array();
    for (const std::string& a : h.authors) {
      PersonName p = split_person_name(a);
      if (!p.literal.empty()) {
        authors.push_back({{"literal", p.literal}});
      } else {
        nlohmann::ordered_json name{{"family", p.family}};
        if (!p.given.empty()) name["given"] = p.given;
        authors.push_back(std::move(name));
      }
    }
    if (!authors.empty()) item["author"] = std::move(authors);
    if (h.year) item["issued"] = {{"date-parts", {{*h.year}}}};
    if (!h.url.empty()) item["URL"] = uri_escape(h.url);
    if (!h.organisation.empty()) item[is_blog(h) ? "container-title" : "publisher"] = h.organisation;
    if (h.kind == "working-paper") item["genre"] = "Working Paper";
    if (!h.language.empty()) item["language"] = h.language;
    items.push_back(std::move(item));
  }
  return items.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// ---- CSV (RFC 4180) ---------------------------------------------------------------------------

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string export_csv(const SearchResult& r) {
  static constexpr std::array<std::string_view, 13> kColumns{
      "rank", "id", "title", "authors", "year", "kind", "organisation", "language", "url", "page", "duplicates",
      "facets", "snippet"};
  std::string out;
  for (std::size_t i = 0; i < kColumns.size(); ++i) out += (i ? "," : "") + std::string(kColumns[i]);
  out += "\r\n";
  for (const Hit& h : r.hits) {
    std::string authors, facets;
    for (const std::string& a : h.authors) authors += (authors.empty() ? "" : "; ") + a;
    for (const auto& [name, value] : h.facets) facets += (facets.empty() ? "" : "; ") + name + "=" + value;
    const std::array<std::string, 13> row{std::to_string(h.rank),
                                          h.id,
                                          h.title,
                                          authors,
                                          year_text(h),
                                          h.kind,
                                          h.organisation,
                                          h.language,
                                          h.url,
                                          h.page ? std::to_string(*h.page) : std::string(),
                                          std::to_string(h.duplicates),
                                          facets,
                                          snippet_text(h.snippet_html)};
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += csv_field(row[i]);  // appended piecewise: g++ 12 -O3 warns falsely on "," + string
    }
    out += "\r\n";
  }
  return out;
}

// Percent-encodes all but RFC 3986's unreserved characters: one path segment.
std::string uri_escape_component(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    }
  }
  return out;
}

// ---- Atom 1.0 ---------------------------------------------------------------------------------

// XML character data or attribute value; characters XML 1.0 forbids are dropped.
std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (u >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.push_back(c);
    }
  }
  return out;
}

std::string export_atom(const SearchResult& r, const FeedInfo& feed) {
  const std::string updated = feed.updated.empty() ? "1970-01-01T00:00:00Z" : feed.updated;
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  std::string title = r.query.empty() ? "Passage: every document" : "Passage: " + one_line(r.query);
  out += "  <title>" + xml_escape(title) + "</title>\n";
  out += "  <id>" + xml_escape(uri_escape(feed.id)) + "</id>\n";
  out += "  <updated>" + xml_escape(updated) + "</updated>\n";
  if (!feed.self_url.empty())
    out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + xml_escape(uri_escape(feed.self_url)) + "\"/>\n";
  if (!feed.alternate_url.empty())
    out += "  <link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(uri_escape(feed.alternate_url)) + "\"/>\n";
  out += "  <author><name>Passage</name></author>\n  <generator>Passage</generator>\n";
  for (const Hit& h : r.hits) {
    std::string id = feed.document_base.empty() ? h.url : feed.document_base + uri_escape_component(h.id);
    out += "  <entry>\n";
    out += "    <id>" + xml_escape(uri_escape(id)) + "</id>\n";
    out += "    <title type=\"text\">" + xml_escape(one_line(h.title)) + "</title>\n";
    if (!h.url.empty()) out += "    <link rel=\"alternate\" href=\"" + xml_escape(uri_escape(h.url)) + "\"/>\n";
    // Documents carry a year only: the entry is dated 1 January of it (else the index run).
    out += "    <updated>" + (h.year ? std::to_string(*h.year) + "-01-01T00:00:00Z" : xml_escape(updated)) + "</updated>\n";
    for (const std::string& a : h.authors) out += "    <author><name>" + xml_escape(one_line(a)) + "</name></author>\n";
    if (!h.kind.empty()) out += "    <category term=\"" + xml_escape(h.kind) + "\"/>\n";
    out += "    <summary type=\"text\">" + xml_escape(snippet_text(h.snippet_html)) + "</summary>\n";
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

}  // namespace

std::optional<ExportFormat> export_format(std::string_view name) {
  if (name == "bibtex") return ExportFormat::kBibtex;
  if (name == "ris") return ExportFormat::kRis;
  if (name == "csljson") return ExportFormat::kCslJson;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "atom") return ExportFormat::kAtom;
  return std::nullopt;
}

std::string export_results(const SearchResult& result, ExportFormat format, const FeedInfo& feed) {
  switch (format) {
    case ExportFormat::kBibtex: return export_bibtex(result);
    case ExportFormat::kRis: return export_ris(result);
    case ExportFormat::kCslJson: return export_csljson(result);
    case ExportFormat::kCsv: return export_csv(result);
    case ExportFormat::kAtom: return export_atom(result, feed);
  }
  return {};
}

PersonName split_person_name(std::string_view name) {
  PersonName p;
  std::string n = trim(one_line(name));
  if (std::size_t comma = n.find(','); comma != std::string::npos) {
    p.family = trim(std::string_view(n).substr(0, comma));
    p.given = trim(std::string_view(n).substr(comma + 1));
    // "Smith, J., Jones, K." or a lone comma: not one person's name.
    if (p.family.empty() || p.given.empty() || p.given.find(',') != std::string::npos) return PersonName{{}, {}, n};
    return p;
  }
  std::vector<std::string> words = split_words(n);
  static const std::set<std::string, std::less<>> kOrganisationWords{
      "university", "institute", "institut", "centre", "center", "commission", "council", "office",
      "ministry", "agency", "organisation", "organization", "association", "foundation", "network",
      "department", "committee", "european", "international", "national", "city", "cities", "team",
      "unit", "programme", "program", "project", "group", "service", "services", "stiftung", "ville"};
  bool organisation = words.size() < 2 || words.size() > 5;
  for (const std::string& w : words) {
    if (kOrganisationWords.count(analysis::fold(w)) || w.find_first_of("0123456789&@/") != std::string::npos)
      organisation = true;
  }
  if (organisation) {
    p.literal = n;
    return p;
  }
  // Family name: the last word and the lower-case particles before it (de Haas, van der Berg).
  static const std::set<std::string, std::less<>> kParticles{"de", "da", "das", "del", "della", "der", "den", "di",
                                                             "do", "dos", "du", "la", "le", "van", "von", "ten",
                                                             "ter", "zu", "al", "el", "bin", "ibn"};
  std::size_t family = words.size() - 1;
  while (family > 1 && kParticles.count(words[family - 1])) --family;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string& part = i < family ? p.given : p.family;
    part += (part.empty() ? "" : " ") + words[i];
  }
  return p;
}

std::string uri_escape(std::string_view url) {
  static constexpr std::string_view kAllowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";
  std::string out;
  for (char c : url) {
    if (kAllowed.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    }
  }
  return out;
}

}  // namespace passage::query
