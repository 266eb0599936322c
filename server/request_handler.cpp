#include "server/request_handler.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/log.hpp"
#include "server/http_errors.hpp"
#include "query/export.hpp"
#include "server/document_files.hpp"
#include "server/json_codec.hpp"
#include "core/analysis/normalize.hpp"
#include "server/openapi.hpp"
#include "server/query_string.hpp"
#include "server/web_assets.hpp"

namespace passage::server {
namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::string_view kAllowedMethods = "GET, HEAD, OPTIONS";
constexpr std::string_view kServerName = "passage";
// The page loads only its own script and style and calls the API on the same origin.
constexpr std::string_view kPageSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// Served document files (HTML among them) run no script and get an opaque origin.
constexpr std::string_view kDocumentFileSecurityPolicy =
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

Response json_response(const Request& req, http::status status, std::string body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

// ---- /api/search parameters -----------------------------------------------------------------

Result<std::size_t> parse_positive(std::string_view name, std::string_view text) {
  std::size_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return invalid("parameter '" + std::string(name) + "' must be a positive integer");
  }
  if (value == 0) return invalid("parameter '" + std::string(name) + "' must be at least 1");
  return value;
}

bool valid_language(std::string_view lang) {
  if (lang.empty() || lang.size() > 16) return false;
  return std::all_of(lang.begin(), lang.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
  });
}

// /api/search takes every parameter; /api/facets only those that choose the match set.
enum class Endpoint { kSearch, kFacets };

struct SearchParams {
  query::SearchRequest request;
  std::optional<query::ExportFormat> format;  // absent: JSON
  bool sort_given = false;
};

Result<SearchParams> parse_search_request(const Target& target, Endpoint endpoint = Endpoint::kSearch) {
  SearchParams params;
  query::SearchRequest& out = params.request;
  bool seen_q = false, seen_page = false, seen_size = false, seen_sort = false, seen_expand = false,
       seen_format = false;
  const bool facets = endpoint == Endpoint::kFacets;
  auto once = [](bool& seen, const std::string& name) -> std::optional<Error> {
    if (seen) return invalid("parameter '" + name + "' is given more than once");
    seen = true;
    return std::nullopt;
  };
  for (const auto& [name, value] : target.params) {
    if (name == "q") {
      if (auto e = once(seen_q, name)) return *e;
      if (value.size() > query::kMaxQueryBytes) {
        return invalid("parameter 'q' is longer than " + std::to_string(query::kMaxQueryBytes) +
                       " bytes");
      }
      out.query = value;
    } else if (name == "filter") {
      if (out.filters.size() >= query::kMaxFilters) {
        return invalid("at most " + std::to_string(query::kMaxFilters) + " filters are allowed");
      }
      Result<query::FacetFilter> filter = query::parse_filter(value);
      if (!filter) return filter.error();
      out.filters.push_back(std::move(*filter));
    } else if (name == "lang") {
      std::string_view rest = value;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.empty()) continue;
        if (!valid_language(item)) {
          return invalid("parameter 'lang' has an invalid language code '" + std::string(item) +
                         "'");
        }
        out.languages.emplace_back(item);
      }
    } else if (name == "format" && !facets) {
      if (auto e = once(seen_format, name)) return *e;
      if (value != "json") {
        params.format = query::export_format(value);
        if (!params.format) {
          return invalid("parameter 'format' must be json, bibtex, ris, csljson, csv or atom");
        }
      }
    } else if (name == "page" && !facets) {
      if (auto e = once(seen_page, name)) return *e;
      Result<std::size_t> page = parse_positive(name, value);
      if (!page) return page.error();
      out.page = *page;
    } else if (name == "size" && !facets) {
      if (auto e = once(seen_size, name)) return *e;
      Result<std::size_t> size = parse_positive(name, value);
      if (!size) return size.error();
      out.size = *size;
    } else if (name == "sort" && !facets) {
      if (auto e = once(seen_sort, name)) return *e;
      params.sort_given = true;
      if (value == "relevance") {
        out.sort = query::SortOrder::kRelevance;
      } else if (value == "date") {
        out.sort = query::SortOrder::kDate;
      } else {
        return invalid("parameter 'sort' must be 'relevance' or 'date'");
      }
    } else if (name == "expand") {
      if (auto e = once(seen_expand, name)) return *e;
      if (value == "concepts") {
        out.expand_concepts = true;
      } else if (value == "none") {
        out.expand_concepts = false;
      } else {
        return invalid("parameter 'expand' must be 'concepts' or 'none'");
      }
    } else {
      return invalid("unknown parameter '" + name + "'");
    }
  }
  // Exports hold more hits per page: 100 unless asked, up to kMaxExportSize.
  out.max_size = params.format ? query::kMaxExportSize : query::kMaxPageSize;
  if (params.format && !seen_size) out.size = query::kDefaultExportSize;
  if (out.size > out.max_size) {
    return invalid("parameter 'size' must be at most " + std::to_string(out.max_size) +
                   (params.format ? "" : " (exports with format=…: " + std::to_string(query::kMaxExportSize) + ")"));
  }
  // page <= kMaxResultWindow / size  <=>  page * size <= kMaxResultWindow, without overflow.
  if (out.page > query::kMaxResultWindow / out.size) {
    return invalid("page * size must be at most " + std::to_string(query::kMaxResultWindow));
  }
  if (facets) out.hits = false;
  return params;
}

// ---- Routes ---------------------------------------------------------------------------------

Response domain_error(const Request& req, const Error& error) {
  if (http::to_status_class(http_status(error.code)) == http::status_class::server_error) {
    log::error("http_search_failed",
               {{"code", error_code_name(error.code)}, {"message", error.message}});
  }
  return error_response(error, req.version(), req.keep_alive());
}

// "http://host[:port]" as the client addressed this server, for absolute links in feeds and the
// OpenSearch description. A Host header that is not a plain host[:port] is not echoed.
std::string base_url(const Request& req) {
  std::string_view host = sv(req[http::field::host]);
  bool plain = !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  });
  return "http://" + std::string(plain ? host : std::string_view("localhost"));
}

struct ExportType {
  query::ExportFormat format;
  std::string_view content_type;
  std::string_view extension;
};
constexpr ExportType kExportTypes[] = {
    {query::ExportFormat::kBibtex, "application/x-bibtex", "bib"},
    {query::ExportFormat::kRis, "application/x-research-info-systems", "ris"},
    {query::ExportFormat::kCslJson, "application/vnd.citationstyles.csl+json", "json"},
    {query::ExportFormat::kCsv, "text/csv; charset=utf-8", "csv"},
    {query::ExportFormat::kAtom, "application/atom+xml", "atom"},
};

Response export_response(const Request& req, const query::SearchResult& result, query::ExportFormat format,
                         query::Searcher& searcher) {
  query::FeedInfo feed;
  if (format == query::ExportFormat::kAtom) {
    const std::string base = base_url(req);
    feed.id = base + std::string(sv(req.target()));
    feed.self_url = feed.id;
    feed.alternate_url = base + "/?q=" + percent_encode(result.query);
    feed.updated = searcher.last_indexed();
    feed.document_base = base + "/api/documents/";
  }
  const ExportType* type = &kExportTypes[0];
  for (const ExportType& t : kExportTypes)
    if (t.format == format) type = &t;
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, type->content_type);
  res.set(http::field::content_disposition,
          "attachment; filename=\"passage-results." + std::string(type->extension) + "\"");
  res.set(http::field::cache_control, "no-store");
  res.body() = query::export_results(result, format, feed);
  return res;
}

Response search(const Request& req, const Target& target, query::Searcher& searcher) {
  Result<SearchParams> params = parse_search_request(target);
  if (!params) return domain_error(req, params.error());
  // A feed lists the newest documents first unless another order is asked for.
  if (params->format == query::ExportFormat::kAtom && !params->sort_given) {
    params->request.sort = query::SortOrder::kDate;
  }
  Result<query::SearchResult> result = searcher.search(params->request);
  if (!result) return domain_error(req, result.error());
  if (params->format) return export_response(req, *result, *params->format, searcher);
  return json_response(req, http::status::ok, dump_json(to_json(*result)));
}

Response facets(const Request& req, const Target& target, query::Searcher& searcher) {
  Result<SearchParams> params = parse_search_request(target, Endpoint::kFacets);
  if (!params) return domain_error(req, params.error());
  Result<query::SearchResult> result = searcher.search(params->request);
  if (!result) return domain_error(req, result.error());
  return json_response(req, http::status::ok, dump_json(to_facets_json(*result)));
}

Response openapi(const Request& req, const Target& target) {
  if (!target.params.empty()) {
    return domain_error(req, invalid("unknown parameter '" + target.params.front().first + "'"));
  }
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-cache");
  res.body() = std::string(openapi_json());
  return res;
}

// The OpenSearch 1.1 description: browsers and other tools add Passage as a search engine.
Response opensearch(const Request& req, const Target& target) {
  if (!target.params.empty()) {
    return domain_error(req, invalid("unknown parameter '" + target.params.front().first + "'"));
  }
  const std::string base = base_url(req);  // plain host[:port]: nothing to escape in XML
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/opensearchdescription+xml");
  res.set(http::field::cache_control, "no-cache");
  res.body() =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
      "  <ShortName>Passage</ShortName>\n"
      "  <Description>Full-text search over migration-policy literature</Description>\n"
      "  <InputEncoding>UTF-8</InputEncoding>\n"
      "  <Url type=\"text/html\" method=\"get\" template=\"" + base + "/?q={searchTerms}\"/>\n"
      "  <Url type=\"application/x-suggestions+json\" method=\"get\" template=\"" + base +
      "/api/suggest?format=opensearch&amp;q={searchTerms}\"/>\n"
      "  <Url type=\"application/atom+xml\" method=\"get\" template=\"" + base +
      "/api/search?format=atom&amp;q={searchTerms}\"/>\n"
      "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"" + base +
      "/opensearch.xml\"/>\n"
      "</OpenSearchDescription>\n";
  return res;
}

Response health(const Request& req, const Target& target, query::Searcher& searcher) {
  if (!target.params.empty()) {
    return domain_error(req, invalid("unknown parameter '" + target.params.front().first + "'"));
  }
  nlohmann::ordered_json body;
  nlohmann::ordered_json shards = nlohmann::ordered_json::array();
  bool degraded = false;
  for (const query::ShardState& s : searcher.shard_states()) {
    // Local paths are nobody's business over HTTP: only remote addresses are shown.
    nlohmann::ordered_json j{{"name", s.name},
                             {"address", s.remote ? s.address : std::string()},
                             {"remote", s.remote},
                             {"state", s.up ? "up" : "down"}};
    if (!s.up) j["error"] = s.error;
    degraded = degraded || !s.up;
    shards.push_back(std::move(j));
  }
  body["status"] = degraded ? "degraded" : "ok";
  body["documents"] = searcher.document_count();
  body["shards"] = std::move(shards);
  return json_response(req, http::status::ok, dump_json(body));
}

// One embedded file (web_assets.hpp), or 304 when the client's copy is current.
Response asset(const Request& req, const WebAsset& asset) {
  std::string_view if_none_match = sv(req[http::field::if_none_match]);
  bool current = !if_none_match.empty() &&
                 (if_none_match.find(asset.etag) != std::string_view::npos || if_none_match == "*");
  Response res{current ? http::status::not_modified : http::status::ok, req.version()};
  res.set(http::field::content_type, asset.content_type);
  res.set(http::field::cache_control, asset.cache_control);
  res.set(http::field::etag, asset.etag);
  if (asset.path == "/") {
    res.set("Content-Security-Policy", kPageSecurityPolicy);
    res.set("X-Frame-Options", "DENY");
  }
  if (!current) res.body() = std::string(asset.body);
  return res;
}

constexpr std::string_view kDocumentsPrefix = "/api/documents/";

Response similar(const Request& req, const Target& target, std::string_view encoded_id,
                 query::Searcher& searcher);

Response document_file(const Request& req, const Target& target, std::string_view encoded_id,
                       query::Searcher& searcher, const HandlerOptions& options);

Response document(const Request& req, const Target& target, query::Searcher& searcher,
                  const HandlerOptions& options) {
  constexpr std::string_view kSimilar = "/similar";
  constexpr std::string_view kFile = "/file";
  std::string_view rest = std::string_view(target.path).substr(kDocumentsPrefix.size());
  if (rest.size() > kSimilar.size() && rest.substr(rest.size() - kSimilar.size()) == kSimilar)
    return similar(req, target, rest.substr(0, rest.size() - kSimilar.size()), searcher);
  if (rest.size() > kFile.size() && rest.substr(rest.size() - kFile.size()) == kFile)
    return document_file(req, target, rest.substr(0, rest.size() - kFile.size()), searcher, options);
  if (!target.params.empty()) {
    return domain_error(req, invalid("unknown parameter '" + target.params.front().first + "'"));
  }
  Result<std::string> id = percent_decode(std::string_view(target.path).substr(kDocumentsPrefix.size()), false);
  if (!id) return domain_error(req, id.error());
  if (!analysis::is_valid_utf8(*id)) return domain_error(req, invalid("the document id is not valid UTF-8"));
  Result<query::DocumentDetails> doc = searcher.document(*id);
  if (!doc) return domain_error(req, doc.error());
  return json_response(req, http::status::ok, dump_json(to_json(*doc)));
}

Response similar(const Request& req, const Target& target, std::string_view encoded_id, query::Searcher& searcher) {
  std::size_t size = 10;
  for (const auto& [name, value] : target.params) {
    if (name != "size") return domain_error(req, invalid("unknown parameter '" + name + "'"));
    Result<std::size_t> n = parse_positive(name, value);
    if (!n) return domain_error(req, n.error());
    size = *n;
  }
  Result<std::string> id = percent_decode(encoded_id, false);
  if (!id) return domain_error(req, id.error());
  if (!analysis::is_valid_utf8(*id)) return domain_error(req, invalid("the document id is not valid UTF-8"));
  Result<query::SearchResult> r = searcher.similar(*id, size);
  if (!r) return domain_error(req, r.error());
  return json_response(req, http::status::ok, dump_json(to_json(*r)));
}

// The original file of a document (a PDF opens in the browser's viewer; HTML is sandboxed).
Response document_file(const Request& req, const Target& target, std::string_view encoded_id,
                       query::Searcher& searcher, const HandlerOptions& options) {
  if (!target.params.empty()) {
    return domain_error(req, invalid("unknown parameter '" + target.params.front().first + "'"));
  }
  Result<std::string> id = percent_decode(encoded_id, false);
  if (!id) return domain_error(req, id.error());
  if (!analysis::is_valid_utf8(*id)) return domain_error(req, invalid("the document id is not valid UTF-8"));
  Result<query::DocumentDetails> doc = searcher.document(*id);
  if (!doc) return domain_error(req, doc.error());
  Result<DocumentFile> file = read_document_file(doc->meta.path, options.document_roots);
  if (!file) return domain_error(req, file.error());
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, file->content_type);
  res.set(http::field::cache_control, "no-cache");
  res.set("Content-Security-Policy", kDocumentFileSecurityPolicy);
  // Only printable ASCII in the quoted filename; other bytes become '_'.
  std::string name;
  for (unsigned char c : file->filename) name += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
  res.set(http::field::content_disposition, "inline; filename=\"" + name + "\"");
  res.body() = std::move(file->body);
  return res;
}

Response suggest(const Request& req, const Target& target, query::Searcher& searcher) {
  std::string q;
  std::size_t size = 10;
  bool seen_q = false, seen_size = false, seen_format = false, opensearch = false;
  for (const auto& [name, value] : target.params) {
    if (name == "q" && !seen_q) {
      seen_q = true;
      q = value;
    } else if (name == "format" && !seen_format) {
      seen_format = true;
      if (value != "json" && value != "opensearch") {
        return domain_error(req, invalid("parameter 'format' must be json or opensearch"));
      }
      opensearch = value == "opensearch";
    } else if (name == "size" && !seen_size) {
      seen_size = true;
      Result<std::size_t> n = parse_positive(name, value);
      if (!n) return domain_error(req, n.error());
      size = *n;
    } else {
      return domain_error(req, invalid("unknown or repeated parameter '" + name + "'"));
    }
  }
  Result<std::vector<query::Suggestion>> s = searcher.suggest(q, size);
  if (!s) return domain_error(req, s.error());
  if (opensearch) {
    // OpenSearch suggestions: ["query", ["completion", ...]].
    nlohmann::ordered_json texts = nlohmann::ordered_json::array();
    for (const query::Suggestion& suggestion : *s) texts.push_back(suggestion.text);
    Response res = json_response(req, http::status::ok, dump_json(nlohmann::ordered_json::array({q, texts})));
    res.set(http::field::content_type, "application/x-suggestions+json");
    return res;
  }
  return json_response(req, http::status::ok, dump_json(to_json(q, *s)));
}

enum class Route { kNone, kAsset, kSearch, kHealth, kDocument, kSuggest, kFacets, kOpenApi, kOpenSearch };

Route route(std::string_view path) {
  if (find_web_asset(path) != nullptr) return Route::kAsset;
  if (path == "/api/search") return Route::kSearch;
  if (path == "/api/suggest") return Route::kSuggest;
  if (path == "/api/facets") return Route::kFacets;
  if (path == "/api/openapi.json") return Route::kOpenApi;
  if (path == "/opensearch.xml") return Route::kOpenSearch;
  if (path == "/healthz") return Route::kHealth;
  if (path.size() > kDocumentsPrefix.size() && path.substr(0, kDocumentsPrefix.size()) == kDocumentsPrefix)
    return Route::kDocument;
  return Route::kNone;
}

// ---- Headers every response gets --------------------------------------------------------------

// The allowed origin to echo, "*" or empty when the request's origin is not allowed.
std::string_view allowed_origin(const Request& req, const HandlerOptions& options) {
  std::string_view origin = sv(req[http::field::origin]);
  for (const std::string& allowed : options.cors_origins) {
    if (allowed == "*") return allowed;
    if (!origin.empty() && allowed == origin) return origin;
  }
  return {};
}

void add_common_headers(const Request& req, Response& res, const HandlerOptions& options) {
  res.set(http::field::server, kServerName);
  res.set("X-Content-Type-Options", "nosniff");
  if (!options.cors_origins.empty()) {
    std::string_view origin = allowed_origin(req, options);
    bool wildcard = origin == "*";
    if (!origin.empty()) res.set(http::field::access_control_allow_origin, origin);
    // Unless every origin gets the same answer, caches must key on Origin.
    if (!wildcard) res.set(http::field::vary, "Origin");
  }
  res.keep_alive(req.keep_alive());
}

Response preflight(const Request& req, const HandlerOptions& options) {
  Response res{http::status::no_content, req.version()};
  res.set(http::field::allow, kAllowedMethods);
  if (!allowed_origin(req, options).empty()) {
    res.set(http::field::access_control_allow_methods, kAllowedMethods);
    res.set(http::field::access_control_allow_headers, "Content-Type");
    res.set(http::field::access_control_max_age, "600");
  }
  return res;
}

Response dispatch(const Request& req, query::Searcher& searcher, const HandlerOptions& options) {
  Result<Target> target = parse_target(sv(req.target()));
  if (!target) return error_response(target.error(), req.version(), req.keep_alive());
  if (options.extra_routes) {
    if (std::optional<Response> res = options.extra_routes(req, *target, searcher)) return std::move(*res);
  }
  Route r = route(target->path);
  if (r == Route::kNone) {
    return error_response(http::status::not_found, "not_found", "no such path: " + target->path,
                          req.version(), req.keep_alive());
  }
  switch (req.method()) {
    case http::verb::get:
    case http::verb::head:
      break;
    case http::verb::options:
      return preflight(req, options);
    default: {
      Response res =
          error_response(http::status::method_not_allowed, "method_not_allowed",
                         "method " + std::string(sv(req.method_string())) + " is not allowed",
                         req.version(), req.keep_alive());
      res.set(http::field::allow, kAllowedMethods);
      return res;
    }
  }
  switch (r) {
    case Route::kAsset:
      return asset(req, *find_web_asset(target->path));
    case Route::kSearch:
      return search(req, *target, searcher);
    case Route::kHealth:
      return health(req, *target, searcher);
    case Route::kDocument:
      return document(req, *target, searcher, options);
    case Route::kSuggest:
      return suggest(req, *target, searcher);
    case Route::kFacets:
      return facets(req, *target, searcher);
    case Route::kOpenApi:
      return openapi(req, *target);
    case Route::kOpenSearch:
      return opensearch(req, *target);
    case Route::kNone:
      break;
  }
  return error_response(http::status::not_found, "not_found", "no such path", req.version(),
                        req.keep_alive());
}

}  // namespace

Response handle_request(const Request& req, query::Searcher& searcher,
                        const HandlerOptions& options) {
  Response res;
  try {
    res = dispatch(req, searcher, options);
  } catch (const std::exception& e) {
    log::error("http_handler_exception", {{"target", sv(req.target())}, {"what", e.what()}});
    res = error_response(http::status::internal_server_error, "internal", "internal error",
                         req.version(), req.keep_alive());
  } catch (...) {
    log::error("http_handler_exception", {{"target", sv(req.target())}, {"what", "unknown"}});
    res = error_response(http::status::internal_server_error, "internal", "internal error",
                         req.version(), req.keep_alive());
  }
  add_common_headers(req, res, options);
  if (res.result() == http::status::no_content || res.result() == http::status::not_modified) {
    res.body().clear();
    res.content_length(boost::none);
    res.chunked(false);
  } else {
    res.prepare_payload();
    // HEAD: same headers (Content-Length included) as GET, no body.
    if (req.method() == http::verb::head) res.body().clear();
  }
  return res;
}

}  // namespace passage::server
