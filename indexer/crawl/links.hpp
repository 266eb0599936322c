#pragma once
// The links of an HTML page, found with gumbo: <a>/<area> hrefs (minus rel="nofollow"), the
// canonical link, <base href>, and the robots meta tag. URLs are returned as written; the
// crawler resolves them against the base.

#include <string>
#include <string_view>
#include <vector>

namespace passage::crawl {

struct PageLinks {
  std::vector<std::string> hrefs;  // in document order, duplicates kept
  std::string canonical;           // <link rel="canonical" href>, empty when absent
  std::string base;                // <base href>, empty when absent
  bool nofollow = false;           // <meta name="robots" content="nofollow"> (or "none")
  bool noindex = false;            // <meta name="robots" content="noindex"> (or "none")
};

PageLinks extract_links(std::string_view html);

}  // namespace passage::crawl
