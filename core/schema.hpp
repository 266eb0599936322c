#pragma once
// THE index schema: every term prefix, value slot and stored field Passage uses is defined here
// and nowhere else. Indexer and query both read this table. Prefixes follow Xapian's conventions
// (Q id, U url, S title, A author, L language, Y year, X… project fields, Z stems).

#include <xapian.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace passage::schema {

/// Bumped whenever terms, slots or stored data change meaning. Stored in the index metadata under
/// kSchemaVersionKey; an index with another version is refused (reindex with --full).
inline constexpr int kSchemaVersion = 1;
inline constexpr std::string_view kSchemaVersionKey = "passage.schema_version";
/// Index metadata: JSON array of the declared extra facet names (from corpus-config).
inline constexpr std::string_view kDeclaredFacetsKey = "passage.facets";
/// Index metadata: ISO time of the last completed indexing job.
inline constexpr std::string_view kLastIndexedKey = "passage.last_indexed";
/// Index metadata: the concept thesaurus used at index time (JSON), so queries expand alike.
inline constexpr std::string_view kThesaurusKey = "passage.thesaurus";
/// Index metadata, one key per web source (key prefix + source name): the crawl frontier, URLs
/// found but not indexed yet (not reached, or failed for a while), as JSON [[url, depth], ...].
inline constexpr std::string_view kCrawlFrontierKeyPrefix = "passage.crawl_frontier.";

// ---- Term prefixes --------------------------------------------------------------------------
inline constexpr std::string_view kIdPrefix = "Q";        // unique document id (boolean)
inline constexpr std::string_view kUrlPrefix = "U";       // url or path (boolean)
inline constexpr std::string_view kTitlePrefix = "S";     // title words (free text, title:)
inline constexpr std::string_view kAuthorPrefix = "A";    // author words (free text, author:)
inline constexpr std::string_view kExactPrefix = "XE";    // folded form that still has accents
inline constexpr std::string_view kStemPrefix = "Z";      // stems: Z + field prefix + stem
inline constexpr std::string_view kExtraFacetPrefix = "XF";  // declared facets: XF name ':' value

// ---- Value slots ----------------------------------------------------------------------------
inline constexpr Xapian::valueno kSlotKind = 0;
inline constexpr Xapian::valueno kSlotOrganisation = 1;
inline constexpr Xapian::valueno kSlotLanguage = 2;
inline constexpr Xapian::valueno kSlotYear = 3;         // decimal year, e.g. "2019"
inline constexpr Xapian::valueno kSlotExtraFacets = 4;  // name US value RS name US value ...
inline constexpr Xapian::valueno kSlotSource = 5;       // corpus-config source name
inline constexpr Xapian::valueno kSlotSignature = 6;    // what tells a change: see web_signature

inline constexpr Xapian::valueno kSlotConcepts = 7;     // concept ids, RS-separated
inline constexpr Xapian::valueno kSlotContentHash = 8;  // hash of the body text: duplicates collapse

/// Separators inside multi-valued slots.
inline constexpr char kUnitSeparator = '\x1f';
inline constexpr char kRecordSeparator = '\x1e';

// ---- Facets ---------------------------------------------------------------------------------
/// A built-in facet: filterable with a boolean term (prefix + value) and counted from a slot.
struct Facet {
  std::string_view name;    // API/CLI name, e.g. "kind"
  std::string_view prefix;  // boolean term prefix
  Xapian::valueno slot;
  bool multi = false;       // the slot holds several values separated by kRecordSeparator
};

inline constexpr Facet kKindFacet{"kind", "XK", kSlotKind};
inline constexpr Facet kOrganisationFacet{"organisation", "XO", kSlotOrganisation};
inline constexpr Facet kLanguageFacet{"language", "L", kSlotLanguage};
inline constexpr Facet kYearFacet{"year", "Y", kSlotYear};
inline constexpr Facet kSourceFacet{"source", "XS", kSlotSource};
/// Thesaurus concepts a document mentions. Its terms carry the number of mentions as wdf, so
/// they also rank (query-time concept expansion uses them).
inline constexpr Facet kConceptFacet{"concept", "XC", kSlotConcepts, true};

inline constexpr std::array<Facet, 6> kFacets{kKindFacet,  kOrganisationFacet, kLanguageFacet,
                                              kYearFacet,  kSourceFacet,       kConceptFacet};

/// Looks up a built-in facet by name ("kind", "organisation", "language", "year", "source",
/// "concept").
const Facet* find_facet(std::string_view name);

/// The boolean filter term for a built-in facet value. Values are case-folded so that
/// filters are case-insensitive.
std::string facet_term(const Facet& facet, std::string_view value);
/// The boolean filter term for a declared (corpus-config) facet value.
std::string extra_facet_term(std::string_view name, std::string_view value);
/// The unique id term of a document.
std::string id_term(std::string_view id);
/// The url term of a document (long urls are hashed to stay under Xapian's term limit).
std::string url_term(std::string_view url);

// ---- Stored document data (JSON in Xapian::Document::get_data) ------------------------------
namespace data {
inline constexpr std::string_view kId = "id";
inline constexpr std::string_view kTitle = "title";
inline constexpr std::string_view kUrl = "url";
inline constexpr std::string_view kPath = "path";
inline constexpr std::string_view kFormat = "format";
inline constexpr std::string_view kKind = "kind";
inline constexpr std::string_view kOrganisation = "organisation";
inline constexpr std::string_view kLanguage = "language";
inline constexpr std::string_view kYear = "year";
inline constexpr std::string_view kAuthors = "authors";
inline constexpr std::string_view kKeywords = "keywords";
inline constexpr std::string_view kPublisher = "publisher";
inline constexpr std::string_view kPdfUrl = "pdf_url";  // an HTML landing page's PDF
inline constexpr std::string_view kSource = "source";
inline constexpr std::string_view kFacets = "facets";  // object: declared facet name -> value
inline constexpr std::string_view kPages = "pages";
inline constexpr std::string_view kPageOffsets = "page_offsets";  // byte offset of each page
inline constexpr std::string_view kText = "text";  // the start of the body text, for snippets
/// How much body text is stored for snippets.
inline constexpr std::size_t kStoredTextBytes = 96 * 1024;
}  // namespace data

// ---- Weights --------------------------------------------------------------------------------
/// wdf increment per occurrence: title words count as this many body words.
inline constexpr Xapian::termcount kTitleWeight = 6;
inline constexpr Xapian::termcount kAuthorWeight = 2;
inline constexpr Xapian::termcount kBodyWeight = 1;
/// Gap in term positions between fields, so phrases never span two fields.
inline constexpr Xapian::termpos kFieldPositionGap = 100;

// Compile-time check that no two prefixes are equal or one is a prefix of the other
// where that would be ambiguous (boolean facet prefixes vs. each other).
namespace detail {
constexpr std::array<std::string_view, 13> kAllPrefixes{
    kIdPrefix, kUrlPrefix, kTitlePrefix, kAuthorPrefix, kExactPrefix, kStemPrefix,
    kExtraFacetPrefix, kKindFacet.prefix, kOrganisationFacet.prefix, kLanguageFacet.prefix,
    kYearFacet.prefix, kSourceFacet.prefix, kConceptFacet.prefix};
constexpr bool prefixes_unique() {
  for (std::size_t i = 0; i < kAllPrefixes.size(); ++i)
    for (std::size_t j = i + 1; j < kAllPrefixes.size(); ++j)
      if (kAllPrefixes[i] == kAllPrefixes[j]) return false;
  return true;
}
constexpr bool slots_unique() {
  constexpr std::array<Xapian::valueno, 9> slots{kSlotKind,      kSlotOrganisation, kSlotLanguage,
                                                 kSlotYear,      kSlotExtraFacets,  kSlotSource,
                                                 kSlotSignature, kSlotConcepts,     kSlotContentHash};
  for (std::size_t i = 0; i < slots.size(); ++i)
    for (std::size_t j = i + 1; j < slots.size(); ++j)
      if (slots[i] == slots[j]) return false;
  return true;
}
}  // namespace detail
static_assert(detail::prefixes_unique(), "two schema prefixes are equal");
static_assert(detail::slots_unique(), "two schema value slots are equal");

// ---- Change signatures (kSlotSignature) ------------------------------------------------------
/// A file's signature is "size:mtime". A web page's holds its HTTP validators, for a conditional
/// GET on the next crawl, and what else the crawler needs again: "http" US etag US last-modified
/// US body hash US link depth. Equal signatures mean the same content.
struct WebSignature {
  std::string etag;           // ETag header, verbatim (quotes and W/ kept)
  std::string last_modified;  // Last-Modified header, verbatim
  std::string body_hash;      // hash of the body, so a server without validators still compares
  int depth = 0;              // link hops from a seed or sitemap entry when last fetched
};
std::string web_signature(const WebSignature& s);
/// Parses a web page's signature; nullopt for a file's signature or junk.
std::optional<WebSignature> parse_web_signature(std::string_view signature);

/// Checks the schema version stored in an index. An empty index (no version yet) is accepted.
bool version_compatible(const Xapian::Database& db, std::string* found = nullptr);

}  // namespace passage::schema
