#pragma once
// Exports of a result page for reference managers and feed readers: BibTeX, RIS and CSL-JSON
// (importable by Zotero: authors split into family/given, year, title, url, organisation as
// institution/publisher, language, kind as entry type), CSV (RFC 4180 with a header row) and an
// Atom 1.0 feed. Pure functions over SearchResult: no HTTP, no clock.

#include <optional>
#include <string>
#include <string_view>

#include "query/searcher.hpp"

namespace passage::query {

enum class ExportFormat { kBibtex, kRis, kCslJson, kCsv, kAtom };

/// "bibtex", "ris", "csljson", "csv" or "atom".
std::optional<ExportFormat> export_format(std::string_view name);

/// Default number of hits of an export (SearchRequest::size when not given).
inline constexpr std::size_t kDefaultExportSize = 100;

/// What an Atom feed needs beyond the results. Every URL must be absolute.
struct FeedInfo {
  std::string id;             // the feed's IRI (e.g. the request URL)
  std::string self_url;       // rel="self" link; empty: none
  std::string alternate_url;  // rel="alternate" link to the HTML search page; empty: none
  std::string updated;        // RFC 3339 time of the newest data (the last index run)
  /// Entry ids are document_base + the percent-encoded document id; empty: the document url.
  std::string document_base;
};

/// The result page in the given format.
std::string export_results(const SearchResult& result, ExportFormat format, const FeedInfo& feed = {});

/// An author name split for citation formats. "Hein de Haas" and "de Haas, Hein" give family
/// "de Haas", given "Hein"; one word or an organisation ("European Commission") gives literal.
struct PersonName {
  std::string family;
  std::string given;
  std::string literal;
};
PersonName split_person_name(std::string_view name);

/// Percent-encodes every byte outside RFC 3986's unreserved and reserved characters (spaces,
/// quotes, braces, non-ASCII, ...), so that any stored url is a valid URI.
std::string uri_escape(std::string_view url);

}  // namespace passage::query
