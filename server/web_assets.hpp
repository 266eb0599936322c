#pragma once
// The search page, its script and style, and the embeddable widget: files under server/web/,
// embedded into the binary at build time (server/CMakeLists.txt) with a content type and an ETag
// (a hash of the content), so the server needs no files beside it and no network.

#include <string_view>

namespace passage::server {

struct WebAsset {
  std::string_view path;           // URL path, e.g. "/widget.js"
  std::string_view content_type;
  std::string_view cache_control;  // revalidate the page always, the scripts after a few minutes
  std::string_view etag;           // quoted strong validator
  std::string_view body;
};

/// The asset served at path ("/" and "/index.html" are the page), or nullptr.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace passage::server
