#pragma once
// The query engine: turns a SearchRequest into a Xapian query over the schema, runs it, and
// returns ranked hits with snippets and exact facet counts. Speaks plain structs: no JSON, no HTTP.
// A Searcher holds its own database handle and analyzer: use one per thread.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "core/error.hpp"

namespace passage::query {

/// Limits enforced on every request (violations are kInvalidArgument errors).
inline constexpr std::size_t kMaxQueryBytes = 1024;
inline constexpr std::size_t kMaxPageSize = 100;
inline constexpr std::size_t kMaxResultWindow = 10000;  // page * size
inline constexpr std::size_t kMaxFilters = 32;
/// Exports (BibTeX, RIS, CSV, ...) may ask for this many hits per page.
inline constexpr std::size_t kMaxExportSize = 1000;
/// A trailing wildcard may expand to at most this many index terms; more is an error asking
/// for a longer prefix.
inline constexpr Xapian::termcount kMaxWildcardTerms = 200;

struct FacetFilter {
  std::string facet;  // kind, organisation, language, year, source, concept or a declared facet
  std::string value;
};

enum class SortOrder { kRelevance, kDate };

struct SearchRequest {
  std::string query;                  // may be empty: then every document matches (browse)
  std::vector<FacetFilter> filters;   // same facet: OR; different facets: AND
  std::vector<std::string> languages; // stem the query in these; empty = every indexed language
  std::size_t page = 1;               // 1-based
  std::size_t size = 10;
  SortOrder sort = SortOrder::kRelevance;
  /// Expand concept labels found in the query to their labels in every language (thesaurus).
  bool expand_concepts = true;
  /// Largest allowed size: kMaxPageSize, or up to kMaxExportSize for exports.
  std::size_t max_size = kMaxPageSize;
  /// false: count only (total, facets, year histogram), no hits and no spelling suggestion.
  bool hits = true;
};

struct Hit {
  std::string id;
  int rank = 0;           // 1-based over the whole result set
  double score = 0;
  std::string title;
  std::vector<std::string> authors;
  std::string url;
  std::string path;
  std::string kind;
  std::string organisation;
  std::string language;
  std::optional<int> year;
  std::vector<std::pair<std::string, std::string>> facets;  // declared facets of the document
  std::string snippet_html;  // HTML-escaped text with matched words in <mark>...</mark>
  std::optional<int> page;   // PDF page (1-based) of the snippet's passage
  std::size_t duplicates = 0;  // other documents with the same text, collapsed into this hit
  /// Where this work is: the hit's own document first, then each matching copy (by id), when
  /// duplicates > 0; at most kMaxLocations.
  struct Location {
    std::string id;
    std::string url;
  };
  std::vector<Location> locations;
  static constexpr std::size_t kMaxLocations = 50;
};

struct FacetCount {
  std::string value;
  std::size_t count = 0;
};

struct FacetResult {
  std::string name;
  std::vector<FacetCount> values;  // by count descending, then value
};

struct YearCount {
  int year = 0;
  std::size_t count = 0;
};

struct SearchResult {
  std::string query;
  /// Exact number of matching documents. Hits collapse documents with the same text into one
  /// (Hit::duplicates), so the last pages may hold fewer than `size` hits.
  std::size_t total = 0;
  std::size_t page = 1;
  std::size_t size = 10;
  std::vector<Hit> hits;
  /// kind, organisation, language, year, source, concept, then declared facets. Counts are exact
  /// over the whole match set; a facet with selected values (SearchRequest::filters) is counted
  /// without its own selection, so its other values keep their counts (multi-select).
  std::vector<FacetResult> facets;
  std::vector<std::string> expanded_concepts;  // concept ids the query was expanded with
  /// The whole query with misspelt words corrected, when that would help (query/spelling.hpp).
  std::optional<std::string> did_you_mean;
  /// Matches per year, ascending by year, counted like the year facet (multi-select).
  std::vector<YearCount> year_histogram;
  /// Shards of a sharded index that could not be reached ("shard-2 (host:port)"): when not
  /// empty, the answer covers the other shards only.
  std::vector<std::string> missing_shards;
};

/// One shard of the index as the searcher sees it.
struct ShardState {
  std::string name;     // "shard-K"
  std::string address;  // "host:port" or the local path
  bool remote = false;
  bool up = true;     // answered when last tried
  std::string error;  // why not, when down
};

/// One document with everything the index stores about it.
struct DocumentDetails {
  Hit meta;                          // id, title, authors, url, kind, organisation, language, year, facets
  std::string format;                // pdf, html, markdown, text (authors: meta.authors)
  std::vector<std::string> concepts; // thesaurus concepts it mentions
  int pages = 0;                     // PDF pages
  std::string text;                  // the start of its text (up to kDocumentTextBytes)
};
inline constexpr std::size_t kDocumentTextBytes = 4096;

/// An autocomplete suggestion.
struct Suggestion {
  std::string text;
  std::string kind;       // "term" or "title"
  std::size_t documents;  // documents containing the term (titles: 1)
};
inline constexpr std::size_t kMaxSuggestions = 20;

/// Parses "facet:value" as given on the CLI and in the API's `filter` parameter.
Result<FacetFilter> parse_filter(std::string_view text);

class Searcher {
 public:
  /// Opens an index for searching. Fails with kNotFound when there is no index at path and
  /// kFailedPrecondition when its schema version differs.
  static Result<std::unique_ptr<Searcher>> open(const std::filesystem::path& index_dir);
  ~Searcher();

  Result<SearchResult> search(const SearchRequest& request);

  /// The Xapian query `search` runs for a request (filters included), serialised with
  /// Xapian::Query::serialise(): lets a benchmark time a bare Xapian match of the same query.
  Result<std::string> xapian_query(const SearchRequest& request);

  /// A document by id. kNotFound when no document has that id.
  Result<DocumentDetails> document(std::string_view id);

  /// Documents like the given one ("more like this"): its most distinctive words, found with
  /// Xapian's relevance-feedback expansion, searched for as a query. The document itself is left
  /// out. kNotFound when no document has that id.
  Result<SearchResult> similar(std::string_view id, std::size_t size = 10);

  /// Completions of the last word of `prefix` (index terms, most frequent first) and titles
  /// containing a word that starts with it. kInvalidArgument for an empty or too long prefix.
  Result<std::vector<Suggestion>> suggest(std::string_view prefix, std::size_t limit = 10);

  /// Number of documents in the index (in the shards that are up).
  std::size_t document_count() const;
  /// The shards of the index (one for an index of one database) and whether each answers.
  std::vector<ShardState> shard_states() const;
  /// When the last indexing job completed (ISO 8601 UTC from the index metadata, e.g.
  /// 2026-11-25T15:00:00Z), or "" when unknown.
  std::string last_indexed() const;
  /// Names of every facet the index knows (built-in, then declared).
  std::vector<std::string> facet_names() const;
  /// Re-opens the database to see the latest committed state, and the new generation when a
  /// full rebuild switched the index. Never throws: when the index cannot be opened (being
  /// switched, or written by a newer schema) it logs why and keeps the handle it has.
  void reopen();

 private:
  struct Impl;
  struct Prepared;
  Result<Prepared> prepare(const SearchRequest& request);
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace passage::query
