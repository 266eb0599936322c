// collect_web for builds without the crawler (the fuzz build: clang-14 with sanitizers cannot
// compile indexer/crawl/fetcher.cpp's Asio coroutines, and no fuzz target crawls). File sources
// index as usual; a job with a web source fails with a clear message.

#include "indexer/web_source.hpp"

namespace passage::indexer {

SpoolDir::~SpoolDir() = default;  // nothing is ever spooled

Result<std::filesystem::path> SpoolDir::path() {
  return make_error(ErrorCode::kUnsupported, "this build has no crawler");
}

Result<WebItems> collect_web(const std::vector<config::Source>& sources, const std::map<std::string, std::string>&,
                             const std::function<std::string(const std::string& key)>&, SpoolDir&, bool) {
  for (const config::Source& src : sources)
    if (src.is_web())
      return make_error(ErrorCode::kUnsupported,
                        "source \"" + src.name + "\" is a web site, but this build has no crawler (fuzz build)");
  return WebItems{};
}

}  // namespace passage::indexer
