#pragma once
// The web sources of an indexing job: each is crawled (indexer/crawl) before parsing starts;
// fetched pages wait in a spool folder and are parsed like files, under the id
// "<source>/<canonical URL>" and with the page URL as the document's url.

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/config/corpus_config.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/index_job.hpp"

namespace passage::indexer {

/// A temporary folder for fetched bodies, removed with the object.
class SpoolDir {
 public:
  SpoolDir() = default;
  ~SpoolDir();
  SpoolDir(const SpoolDir&) = delete;
  SpoolDir& operator=(const SpoolDir&) = delete;
  /// The folder, created on first use. Errors when no temporary folder can be made.
  Result<std::filesystem::path> path();

 private:
  std::filesystem::path path_;
};

struct WebItems {
  std::vector<FileItem> items;     // fetched pages, to parse (path is the spool file)
  std::vector<std::string> keep;   // ids of indexed pages to keep as they are
  std::size_t unchanged = 0;       // pages that answered 304 Not Modified
  std::vector<ItemProblem> failed;
  std::vector<ItemProblem> skipped;
  std::vector<std::pair<std::string, std::string>> metadata;  // index metadata to store (crawl frontiers)
};

/// Crawls every web source. indexed: id -> signature of every document in the index (pages
/// of other sources and files are ignored). A known page that is neither fetched nor kept is
/// gone and should be deleted (see crawl::crawl_site). conditional = false fetches every page
/// in full (no validators sent), e.g. when the thesaurus changed and every page is parsed again.
/// metadata reads a key of the index metadata (the previous crawl frontier).
Result<WebItems> collect_web(const std::vector<config::Source>& sources,
                             const std::map<std::string, std::string>& indexed,
                             const std::function<std::string(const std::string& key)>& metadata, SpoolDir& spool,
                             bool conditional = true);

}  // namespace passage::indexer
