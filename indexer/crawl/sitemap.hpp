#pragma once
// sitemaps.org XML: a <urlset> of page URLs or a <sitemapindex> of further sitemaps. Only the
// <loc> of each entry is used (lastmod is not needed: conditional GET tells what changed).
// Gzipped sitemaps are not read.

#include <string>
#include <string_view>
#include <vector>

namespace passage::crawl {

struct Sitemap {
  bool is_index = false;          // a <sitemapindex>: locs are sitemaps, not pages
  std::vector<std::string> locs;  // entity-decoded and trimmed, in document order
};

Sitemap parse_sitemap(std::string_view xml);

}  // namespace passage::crawl
