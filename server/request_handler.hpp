#pragma once
// The HTTP API as a pure function of the request: no sockets, no threads, no clock. The session
// (session.cpp) reads a request, calls handle_request, and writes what it returns.
//
//   GET  /, /widget.js, /passage.css   the search page and the widget (server/web/, embedded)
//   GET  /api/search     ?q= &filter=facet:value (repeatable) &lang=de,fr &page= &size=
//                        &sort=relevance|date
//   GET  /api/documents/{id}[/similar|/file]   a document, more like it, its original file
//   GET  /api/suggest    ?q=prefix &size=
//   GET  /healthz        {"status":"ok","documents":N}
//   HEAD                 like GET without the body; OPTIONS: CORS preflight, 204
//   anything else        405 (known path) or 404, as JSON errors

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <filesystem>
#include <string>
#include <vector>

#include "query/searcher.hpp"
#include "server/query_string.hpp"

namespace passage::server {

namespace http = boost::beast::http;

struct HandlerOptions {
  /// Origins allowed to call the API from a browser; "*" allows any.
  std::vector<std::string> cors_origins;
  /// Routes tried before the API's own (the server's /metrics and /api/admin/*, ops_routes.hpp):
  /// a response, or nullopt to fall through. Common headers are added as for every response.
  std::function<std::optional<http::response<http::string_body>>(
      const http::request<http::string_body>&, const Target&, query::Searcher&)>
      extra_routes;
  /// Folders whose files /api/documents/{id}/file may serve (empty: none are served).
  std::vector<std::filesystem::path> document_roots;
};

/// Builds the response to one request. Never throws: unexpected exceptions become a 500 JSON
/// error without internals (the detail is logged).
http::response<http::string_body> handle_request(const http::request<http::string_body>& request,
                                                 query::Searcher& searcher,
                                                 const HandlerOptions& options);

}  // namespace passage::server
