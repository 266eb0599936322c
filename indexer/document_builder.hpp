#pragma once
// Turns one extracted file into a Xapian document following core/schema.hpp: language decided
// (config > reliable metadata > detection), facets as boolean terms and values, title/author/body
// analysed with the shared Analyzer, display data stored as JSON. One builder per thread.

#include <xapian.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/analysis/analyzer.hpp"
#include "core/analysis/thesaurus.hpp"
#include "core/config/corpus_config.hpp"
#include "indexer/extract/extractor.hpp"

namespace passage::indexer {

struct FileItem {
  const config::Source* source = nullptr;
  std::filesystem::path path;      // absolute
  std::string relative;            // relative to the source root, '/' separated
  std::uintmax_t size = 0;
  std::int64_t mtime = 0;          // seconds since the epoch
  Format format = Format::kUnknown;
  std::string url;                 // web pages: the canonical URL (relative holds it too); path is a spool file
  std::string web_signature;       // web pages: schema::web_signature of the response

  /// Stable document id: "<source>/<relative path>", or "<source>/<canonical URL>" for a web page.
  std::string id() const { return source->name + "/" + relative; }
  /// What decides whether a file changed since it was indexed.
  std::string signature() const {
    return url.empty() ? std::to_string(size) + ":" + std::to_string(mtime) : web_signature;
  }
  /// Where the item came from, for reports: its URL or its path.
  std::string where() const { return url.empty() ? path.string() : url; }
};

struct BuiltDocument {
  std::string id_term;
  std::string language;
  Xapian::Document doc;
  /// Distinct words for the spelling dictionary (analysis::spelling_word), added by the writer.
  std::vector<std::string> spelling_words;
};

/// Chooses a document's language. fixed: the source's configured language or "auto";
/// metadata: a tag from the document (<html lang>, front matter); text: the body.
/// Metadata wins unless detection is reliable, confident and disagrees.
std::string choose_language(std::string_view fixed, std::string_view metadata, std::string_view text);

class DocumentBuilder {
 public:
  /// thesaurus may be null (no concept tagging); it must outlive the builder.
  explicit DocumentBuilder(const analysis::Thesaurus* thesaurus = nullptr) : thesaurus_(thesaurus) {}
  BuiltDocument build(const FileItem& item, const Extracted& extracted);

 private:
  // Counts the thesaurus concepts among the words the analyzer just indexed.
  void count_concepts(std::string_view lang, std::map<std::size_t, Xapian::termcount>& counts);

  analysis::Analyzer analyzer_;
  const analysis::Thesaurus* thesaurus_;
};

}  // namespace passage::indexer
