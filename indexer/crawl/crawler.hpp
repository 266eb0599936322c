#pragma once
// Crawls one web source: seeds and sitemap entries first, then links breadth-first up to
// max_depth, within the source's scope, honouring robots.txt and a per-host delay, until
// max_pages documents were requested. Pages the index already has are asked for with their
// validators (conditional GET); 304 means unchanged. Fetched bodies are written to a spool
// folder, so the indexer parses them like files.

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/config/corpus_config.hpp"
#include "core/schema.hpp"

namespace passage::crawl {

/// A page fetched with 200 and a supported format, waiting in the spool folder.
struct CrawledPage {
  std::string url;              // canonical URL: the document's url and (with the source) its id
  std::filesystem::path file;   // spool file; its extension names the sniffed format
  std::string signature;        // schema::web_signature of the response
};

struct CrawlProblem {
  std::string url;
  std::string reason;
};

struct CrawlResult {
  std::vector<CrawledPage> fetched;
  std::vector<std::string> unchanged;   // answered 304 Not Modified
  /// Known pages to keep although not fetched now: not reached (max_pages, or the crawl found
  /// no link to them), or failed in a way that may pass (timeout, 5xx, network).
  std::vector<std::string> kept;
  std::vector<CrawlProblem> failed;     // "HTTP 404", "timeout", ...
  std::vector<CrawlProblem> skipped;    // "disallowed by robots.txt", "too large ...", ...
  /// URLs found but neither indexed nor known to be bad: not reached (max_pages) or failed in a
  /// way that may pass. Given back to the next crawl, which would not see them otherwise when
  /// the pages linking to them answer 304. At most 10 × max_pages.
  std::vector<std::pair<std::string, int>> frontier;
  std::size_t requests = 0;             // every HTTP request sent (robots.txt and sitemaps too)
  std::size_t bytes = 0;                // body bytes received
  double seconds = 0;
};

/// known: canonical URL -> its signature in the index (schema::web_signature), for the
/// source's pages already indexed. Known pages in scope are revisited at their stored depth,
/// so a rerun checks every page even where the page linking to it answered 304. A known page
/// that is not in fetched, unchanged or kept is gone (404/410, now out of scope or disallowed,
/// redirected elsewhere, too large, a duplicate of its canonical URL) and should be deleted.
/// frontier: the previous crawl's CrawlResult::frontier. spool must exist. on_request, when set,
/// is called before each page request (for progress).
CrawlResult crawl_site(const config::WebSettings& web, const std::map<std::string, std::string>& known,
                       const std::vector<std::pair<std::string, int>>& frontier, const std::filesystem::path& spool,
                       const std::function<void(const std::string& url)>& on_request = {});

}  // namespace passage::crawl
