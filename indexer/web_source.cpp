#include "indexer/web_source.hpp"

#include <cstdlib>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/log.hpp"
#include "core/schema.hpp"
#include "indexer/crawl/crawler.hpp"

namespace passage::indexer {
namespace fs = std::filesystem;

SpoolDir::~SpoolDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Result<fs::path> SpoolDir::path() {
  if (!path_.empty()) return path_;
  std::error_code ec;
  std::string tmpl = (fs::temp_directory_path(ec) / "passage-crawl-XXXXXX").string();
  if (ec || mkdtemp(tmpl.data()) == nullptr)
    return make_error(ErrorCode::kUnavailable, "cannot create a temporary folder for fetched pages");
  path_ = tmpl;
  return path_;
}

Result<WebItems> collect_web(const std::vector<config::Source>& sources,
                             const std::map<std::string, std::string>& indexed,
                             const std::function<std::string(const std::string& key)>& metadata, SpoolDir& spool,
                             bool conditional) {
  WebItems out;
  for (const config::Source& src : sources) {
    if (!src.is_web()) continue;
    Result<fs::path> dir = spool.path();
    if (!dir) return dir.error();
    const std::string prefix = src.name + "/";
    std::map<std::string, std::string> known;  // canonical URL -> signature
    for (auto it = indexed.lower_bound(prefix); it != indexed.end() && it->first.rfind(prefix, 0) == 0; ++it)
      known.emplace(it->first.substr(prefix.size()), it->second);
    if (!conditional) {
      for (auto& [url, signature] : known) {
        std::optional<schema::WebSignature> sig = schema::parse_web_signature(signature);
        signature = schema::web_signature({{}, {}, {}, sig ? sig->depth : src.web.max_depth});
      }
    }

    const std::string frontier_key = std::string(schema::kCrawlFrontierKeyPrefix) + src.name;
    std::vector<std::pair<std::string, int>> frontier;
    std::string stored_text;
    try {
      stored_text = metadata(frontier_key);
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::kUnavailable, "cannot read index: " + e.get_description());
    }
    nlohmann::json stored = nlohmann::json::parse(stored_text, nullptr, false);
    if (stored.is_array())
      for (const auto& e : stored)
        if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_number_integer())
          frontier.emplace_back(e[0].get<std::string>(), e[1].get<int>());

    crawl::CrawlResult r = crawl::crawl_site(src.web, known, frontier, *dir);
    out.metadata.emplace_back(frontier_key, r.frontier.empty() ? std::string() : nlohmann::json(r.frontier).dump());
    for (crawl::CrawledPage& page : r.fetched) {
      FileItem item;
      item.source = &src;
      item.path = page.file;
      item.relative = page.url;
      item.url = page.url;
      item.web_signature = page.signature;
      item.format = detect_format(page.file, {});
      std::error_code ec;
      item.size = fs::file_size(page.file, ec);
      out.items.push_back(std::move(item));
    }
    for (const std::string& url : r.unchanged) out.keep.push_back(prefix + url);
    for (const std::string& url : r.kept) out.keep.push_back(prefix + url);
    out.unchanged += r.unchanged.size();
    for (const auto& p : r.failed) out.failed.push_back({p.url, p.reason});
    for (const auto& p : r.skipped) out.skipped.push_back({p.url, p.reason});
    log::debug("crawl_done", {{"source", src.name}, {"requests", r.requests}, {"fetched", r.fetched.size()},
                              {"unchanged", r.unchanged.size()}, {"failed", r.failed.size()},
                              {"skipped", r.skipped.size()}, {"bytes", r.bytes}, {"seconds", r.seconds}});
  }
  return out;
}

}  // namespace passage::indexer
