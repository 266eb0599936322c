// passage_server: the pure request handler (tables of target -> status) and the real server on
// 127.0.0.1 port 0, talked to with a small synchronous Beast client.

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "indexer/index_job.hpp"
#include "query/searcher.hpp"
#include "server/document_files.hpp"
#include "server/request_handler.hpp"
#include "server/server.hpp"
#include "tests/test_support.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using passage::test::TempDir;
using passage::test::write_file;

// ---- A tiny index, built once through the indexer --------------------------------------------

std::string html(std::string_view lang, std::string_view title, std::string_view body) {
  return "<!doctype html><html lang=\"" + std::string(lang) +
         "\"><head><meta charset=\"utf-8\"><title>" + std::string(title) +
         "</title></head><body><h1>" + std::string(title) + "</h1><p>" + std::string(body) +
         "</p></body></html>\n";
}

const std::filesystem::path& test_index() {
  static TempDir dir;
  static const std::filesystem::path index = [] {
    const std::filesystem::path blog = dir / "corpus/blog";
    const std::filesystem::path reports = dir / "corpus/reports";
    write_file(blog / "asylum-reception.html",
               html("en", "Asylum reception in European cities",
                    "Cities organise the reception of asylum seekers. Municipal asylum reception "
                    "centres work with civil society on housing and integration."));
    write_file(blog / "integration-policy.html",
               html("en", "Local integration policy",
                    "Local integration policy shapes access to the labour market, language "
                    "courses and housing for newcomers and refugees."));
    write_file(reports / "resettlement.html",
               html("en", "Resettlement pathways",
                    "Resettlement and complementary pathways offer refugees and asylum seekers "
                    "safe and legal routes to protection in Europe."));
    write_file(reports / "rueckkehr.html",
               html("de", "Freiwillige Rückkehr",
                    "Programme zur freiwilligen Rückkehr unterstützen Migrantinnen und Migranten "
                    "bei der Reintegration in ihren Herkunftsländern nach dem Asylverfahren."));
    write_file(reports / "retour.html",
               html("fr", "Le retour volontaire",
                    "Les programmes de retour volontaire accompagnent les migrants dans leur "
                    "réintégration après une demande d'asile rejetée."));

    passage::config::Source blog_source;
    blog_source.name = "blog";
    blog_source.kind = "blog";
    blog_source.organisation = "Migration Blog";
    blog_source.root = blog;
    blog_source.facets = {{"region", "europe"}};
    passage::config::Source report_source;
    report_source.name = "reports";
    report_source.kind = "report";
    report_source.organisation = "ICMPD";
    report_source.root = reports;
    report_source.facets = {{"region", "global"}};

    passage::indexer::IndexOptions options;
    options.index_dir = dir / "index";
    options.sources = {blog_source, report_source};
    options.declared_facets = {"region"};
    options.threads = 1;
    auto report = passage::indexer::run_index_job(options);
    if (!report) throw std::runtime_error("cannot build the test index: " + report.error().message);
    if (report->documents != 5) {
      throw std::runtime_error("test index has " + std::to_string(report->documents) +
                               " documents, expected 5");
    }
    return options.index_dir;
  }();
  return index;
}

passage::query::Searcher& test_searcher() {
  static std::unique_ptr<passage::query::Searcher> searcher =
      passage::query::Searcher::open(test_index()).value_or_throw();
  return *searcher;
}

// Keeps the access log out of the test output.
struct QuietLog {
  QuietLog() { passage::log::set_level(passage::log::Level::kError); }
};
const QuietLog quiet_log;

// ---- handle_request -------------------------------------------------------------------------

http::request<http::string_body> make_request(http::verb method, std::string_view target,
                                              std::string_view origin = {}) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "localhost");
  if (!origin.empty()) req.set(http::field::origin, origin);
  req.prepare_payload();
  return req;
}

http::response<http::string_body> handle(http::verb method, std::string_view target,
                                         const passage::server::HandlerOptions& options = {},
                                         std::string_view origin = {}) {
  return passage::server::handle_request(make_request(method, target, origin), test_searcher(),
                                         options);
}

std::string header(const http::response<http::string_body>& res, http::field field) {
  auto it = res.find(field);
  return it == res.end() ? std::string() : std::string(it->value());
}

TEST_CASE("handle_request: status and error code per target", "[server]") {
  struct Row {
    http::verb method;
    std::string target;
    unsigned status;
    std::string code;  // error code for errors, "" for success
    std::string message_part = "";
  };
  const std::vector<Row> rows{
      {http::verb::get, "/healthz", 200, ""},
      {http::verb::get, "/", 200, ""},
      {http::verb::get, "/index.html", 200, ""},
      {http::verb::get, "/api/search", 200, ""},
      {http::verb::get, "/api/search?q=asylum", 200, ""},
      {http::verb::get, "/api/search?q=asylum&page=2&size=1&sort=date", 200, ""},
      {http::verb::get, "/api/search?q=asylum&lang=de,fr&filter=kind:report", 200, ""},
      {http::verb::get, "/api/search?q=&&size=100", 200, ""},
      {http::verb::get, "/api/search?page=100&size=100", 200, ""},
      // Bad parameters.
      {http::verb::get, "/api/search?q=asylum&page=0", 400, "invalid_argument", "page"},
      {http::verb::get, "/api/search?page=abc", 400, "invalid_argument", "page"},
      {http::verb::get, "/api/search?page=-1", 400, "invalid_argument", "page"},
      {http::verb::get, "/api/search?page=1.5", 400, "invalid_argument", "page"},
      {http::verb::get, "/api/search?page=99999999999999999999999", 400, "invalid_argument",
       "page"},
      {http::verb::get, "/api/search?size=0", 400, "invalid_argument", "size"},
      {http::verb::get, "/api/search?size=101", 400, "invalid_argument", "size"},
      {http::verb::get, "/api/search?size=", 400, "invalid_argument", "size"},
      {http::verb::get, "/api/search?page=101&size=100", 400, "invalid_argument", "page * size"},
      {http::verb::get, "/api/search?sort=popular", 400, "invalid_argument", "sort"},
      {http::verb::get, "/api/search?q=a&q=b", 400, "invalid_argument", "more than once"},
      {http::verb::get, "/api/search?bogus=1", 400, "invalid_argument", "bogus"},
      {http::verb::get, "/api/search?Q=asylum", 400, "invalid_argument", "'Q'"},
      {http::verb::get, "/api/search?lang=de;fr", 400, "invalid_argument", "lang"},
      {http::verb::get, "/api/search?q=asylum&expand=none", 200, ""},
      {http::verb::get, "/api/suggest?q=asy", 200, ""},
      {http::verb::get, "/api/suggest?q=asy&size=5", 200, ""},
      {http::verb::get, "/api/suggest", 400, "invalid_argument", "prefix"},
      {http::verb::get, "/api/suggest?q=a&size=500", 400, "invalid_argument", "size"},
      {http::verb::get, "/api/suggest?q=a&colour=red", 400, "invalid_argument", "colour"},
      {http::verb::get, "/api/documents/no%2Fsuch%2Fid", 404, "not_found", "no document"},
      {http::verb::get, "/api/documents/no%2Fsuch%2Fid/similar", 404, "not_found", "no document"},
      {http::verb::get, "/api/documents/x/similar?size=0", 400, "invalid_argument", "size"},
      {http::verb::get, "/api/documents/x/similar?q=1", 400, "invalid_argument", "'q'"},
      {http::verb::get, "/api/documents/x%ff", 400, "invalid_argument", "UTF-8"},
      {http::verb::get, "/api/documents/x?verbose=1", 400, "invalid_argument", "verbose"},
      {http::verb::get, "/api/search?q=asylum&expand=concepts", 200, ""},
      {http::verb::get, "/api/search?q=asylum&expand=all", 400, "invalid_argument", "expand"},
      {http::verb::get, "/api/search?expand=none&expand=none", 400, "invalid_argument", "more than once"},
      {http::verb::get, "/api/search?filter=nocolon", 400, "invalid_argument"},
      {http::verb::get, "/healthz?verbose=1", 400, "invalid_argument", "verbose"},
      // URL decoding and UTF-8.
      {http::verb::get, "/api/search?q=%ff", 400, "invalid_argument", "UTF-8"},
      {http::verb::get, "/api/search?q=%C0%AF", 400, "invalid_argument", "UTF-8"},     // overlong
      {http::verb::get, "/api/search?q=%ED%A0%80", 400, "invalid_argument", "UTF-8"},  // surrogate
      {http::verb::get, "/api/search?q=%zz", 400, "invalid_argument", "percent"},
      {http::verb::get, "/api/search?q=abc%", 400, "invalid_argument", "percent"},
      {http::verb::get, "/api/search?q=abc%4", 400, "invalid_argument", "percent"},
      {http::verb::get, "/api/search?q=a%00b", 400, "invalid_argument", "NUL"},
      {http::verb::get, "/api/search?" + std::string("q=") + std::string(1100, 'a'), 400,
       "invalid_argument", "q"},
      // Paths and methods.
      {http::verb::get, "/nope", 404, "not_found"},
      {http::verb::get, "/api/search/", 404, "not_found"},
      {http::verb::get, "/api", 404, "not_found"},
      {http::verb::post, "/nope", 404, "not_found"},
      {http::verb::post, "/api/search", 405, "method_not_allowed", "POST"},
      {http::verb::put, "/healthz", 405, "method_not_allowed"},
      {http::verb::delete_, "/", 405, "method_not_allowed"},
      {http::verb::options, "/api/search", 204, ""},
  };
  for (const Row& row : rows) {
    INFO(row.method << " " << row.target);
    auto res = handle(row.method, row.target);
    CHECK(res.result_int() == row.status);
    CHECK(res.keep_alive());
    if (row.code.empty()) continue;
    CHECK(header(res, http::field::content_type) == "application/json");
    json body = json::parse(res.body());
    CHECK(body["error"]["code"] == row.code);
    std::string message = body["error"]["message"];
    CHECK_FALSE(message.empty());
    if (!row.message_part.empty()) CHECK_THAT(message, Catch::Contains(row.message_part));
    // No internals in error bodies.
    CHECK_THAT(message, !Catch::Contains(test_index().string()));
    if (row.status == 405) CHECK(header(res, http::field::allow) == "GET, HEAD, OPTIONS");
  }
}

TEST_CASE("handle_request: search response shape", "[server]") {
  auto res = handle(http::verb::get, "/api/search?q=asylum+reception&size=3");
  REQUIRE(res.result_int() == 200);
  CHECK(header(res, http::field::content_type) == "application/json");
  CHECK(header(res, http::field::content_length) == std::to_string(res.body().size()));
  json body = json::parse(res.body());
  CHECK(body["query"] == "asylum reception");
  CHECK(body["page"] == 1);
  CHECK(body["size"] == 3);
  REQUIRE(body["total"].get<int>() >= 1);
  REQUIRE(body["results"].is_array());
  REQUIRE_FALSE(body["results"].empty());
  CHECK(body["results"].size() <= 3);
  const json& hit = body["results"][0];
  for (const char* key : {"id", "rank", "score", "title", "url", "kind", "organisation", "language",
                          "year", "facets", "snippet"}) {
    INFO(key);
    CHECK(hit.contains(key));
  }
  CHECK(hit["rank"] == 1);
  CHECK(hit["title"] == "Asylum reception in European cities");
  CHECK(hit["kind"] == "blog");
  CHECK(hit["organisation"] == "Migration Blog");
  CHECK(hit["language"] == "en");
  CHECK((hit["year"].is_null() || hit["year"].is_number_integer()));
  CHECK(hit["facets"]["region"] == "europe");
  CHECK_THAT(hit["snippet"].get<std::string>(), Catch::Contains("<mark>"));
  for (const char* facet : {"kind", "organisation", "language", "year"}) {
    INFO(facet);
    CHECK(body["facets"][facet].is_array());
  }
  bool saw_blog = false;
  for (const json& v : body["facets"]["kind"]) {
    CHECK(v["count"].get<int>() > 0);
    if (v["value"] == "blog") saw_blog = true;
  }
  CHECK(saw_blog);
}

TEST_CASE("handle_request: a filter narrows the results", "[server]") {
  json all = json::parse(handle(http::verb::get, "/api/search?q=asylum").body());
  json blog = json::parse(handle(http::verb::get, "/api/search?q=asylum&filter=kind:blog").body());
  json both = json::parse(
      handle(http::verb::get, "/api/search?q=asylum&filter=kind%3Ablog&filter=kind:report").body());
  REQUIRE(all["total"].get<int>() >= 2);
  CHECK(blog["total"].get<int>() >= 1);
  CHECK(blog["total"].get<int>() < all["total"].get<int>());
  for (const json& hit : blog["results"]) CHECK(hit["kind"] == "blog");
  CHECK(both["total"] == all["total"]);  // same facet: OR
}

TEST_CASE("handle_request: browse, unicode and language parameters", "[server]") {
  json browse = json::parse(handle(http::verb::get, "/api/search?size=100").body());
  CHECK(browse["total"] == 5);
  CHECK(browse["results"].size() == 5);
  auto res = handle(http::verb::get, "/api/search?q=R%C3%BCckkehr&lang=de");
  REQUIRE(res.result_int() == 200);
  json body = json::parse(res.body());
  CHECK(body["query"] == "Rückkehr");
  CHECK(body["total"].get<int>() >= 1);
}

TEST_CASE("handle_request: healthz, page and HEAD", "[server]") {
  auto health = handle(http::verb::get, "/healthz");
  CHECK(json::parse(health.body()) ==
        json{{"status", "ok"},
             {"documents", 5},
             {"shards",
              json::array({json{
                  {"name", "shard-0"}, {"address", ""}, {"remote", false}, {"state", "up"}}})}});

  auto page = handle(http::verb::get, "/");
  CHECK(header(page, http::field::content_type) == "text/html; charset=utf-8");
  CHECK_THAT(page.body(), Catch::Contains("<!doctype html>"));
  CHECK_THAT(page.body(), Catch::Contains("<script src=\"widget.js\""));
  CHECK_THAT(handle(http::verb::get, "/widget.js").body(), Catch::Contains("api/search"));

  auto head = handle(http::verb::head, "/");
  CHECK(head.result_int() == 200);
  CHECK(head.body().empty());
  CHECK(header(head, http::field::content_length) == std::to_string(page.body().size()));
  CHECK(header(head, http::field::content_type) == "text/html; charset=utf-8");
}

TEST_CASE("handle_request: web assets with content type, ETag, caching and 304", "[server]") {
  struct Row {
    std::string_view path;
    std::string_view content_type;
    std::string_view must_contain;
  };
  const Row rows[] = {
      {"/", "text/html; charset=utf-8", "data-passage-search"},
      {"/index.html", "text/html; charset=utf-8", "data-passage-search"},
      {"/widget.js", "text/javascript; charset=utf-8", "attachShadow"},
      {"/passage.css", "text/css; charset=utf-8", "--passage-accent"},
  };
  for (const Row& row : rows) {
    INFO(row.path);
    auto res = handle(http::verb::get, row.path);
    REQUIRE(res.result_int() == 200);
    CHECK(header(res, http::field::content_type) == row.content_type);
    CHECK_THAT(res.body(), Catch::Contains(std::string(row.must_contain)));
    CHECK_THAT(res.body(), !Catch::Contains("https://"));  // no CDN, no font service
    std::string etag = header(res, http::field::etag);
    REQUIRE(etag.size() > 2);
    CHECK(etag.front() == '"');
    CHECK_FALSE(header(res, http::field::cache_control).empty());

    auto req = make_request(http::verb::get, row.path);
    req.set(http::field::if_none_match, etag);
    auto again = passage::server::handle_request(req, test_searcher(), {});
    CHECK(again.result_int() == 304);
    CHECK(again.body().empty());
    CHECK(header(again, http::field::etag) == etag);

    req.set(http::field::if_none_match, "\"stale\"");
    CHECK(passage::server::handle_request(req, test_searcher(), {}).result_int() == 200);
  }
  CHECK(header(handle(http::verb::get, "/widget.js"), http::field::etag) !=
        header(handle(http::verb::get, "/"), http::field::etag));
  // The page runs only its own script: no inline script or style allowed.
  auto page = handle(http::verb::get, "/");
  CHECK_THAT(std::string(page["Content-Security-Policy"]), Catch::Contains("script-src 'self'"));
  CHECK_THAT(std::string(page["Content-Security-Policy"]), !Catch::Contains("unsafe-inline"));
  CHECK(handle(http::verb::get, "/widget.js/").result_int() == 404);
  CHECK(handle(http::verb::get, "/web/widget.js").result_int() == 404);
}

TEST_CASE("handle_request: document files are served only inside the document roots", "[server]") {
  const std::string id = "blog%2Fasylum-reception.html";
  auto doc = test_searcher().document("blog/asylum-reception.html").value_or_throw();
  const std::filesystem::path file = doc.meta.path;
  const std::filesystem::path blog = file.parent_path();
  const std::filesystem::path corpus = blog.parent_path();

  passage::server::HandlerOptions options;
  auto none = handle(http::verb::get, "/api/documents/" + id + "/file", options);
  CHECK(none.result_int() == 404);
  CHECK_THAT(none.body(), !Catch::Contains(corpus.string()));

  options.document_roots = {corpus};
  auto res = handle(http::verb::get, "/api/documents/" + id + "/file", options);
  REQUIRE(res.result_int() == 200);
  CHECK(header(res, http::field::content_type) == "text/html; charset=utf-8");
  CHECK(res.body() == passage::test::read_file(file));
  CHECK_THAT(std::string(res["Content-Security-Policy"]), Catch::StartsWith("sandbox"));
  CHECK(header(res, http::field::content_disposition) == "inline; filename=\"asylum-reception.html\"");

  CHECK(handle(http::verb::get, "/api/documents/nope/file", options).result_int() == 404);
  CHECK(handle(http::verb::get, "/api/documents/" + id + "/file?x=1", options).result_int() == 400);
  options.document_roots = {corpus / "reports"};
  auto outside = handle(http::verb::get, "/api/documents/" + id + "/file", options);
  CHECK(outside.result_int() == 404);
  CHECK_THAT(outside.body(), !Catch::Contains(corpus.string()));

  // read_document_file: a table of paths against one root.
  TempDir tmp;
  write_file(tmp / "root/a.pdf", "%PDF-1.4");
  write_file(tmp / "root/sub/b.txt", "text");
  write_file(tmp / "rootless/c.txt", "secret");
  write_file(tmp / "outside.md", "secret");
  std::filesystem::create_symlink(tmp / "outside.md", tmp / "root/link.md");
  std::filesystem::create_directory_symlink(tmp / "rootless", tmp / "root/dirlink");
  struct Row {
    std::filesystem::path path;
    bool served;
    std::string_view content_type;
  };
  const Row rows[] = {
      {tmp / "root/a.pdf", true, "application/pdf"},
      {tmp / "root/sub/b.txt", true, "text/plain; charset=utf-8"},
      {tmp / "root/sub/../a.pdf", true, "application/pdf"},
      {tmp / "root/../outside.md", false, ""},
      {tmp / "rootless/c.txt", false, ""},  // shares the root's name as a prefix only
      {tmp / "root/link.md", false, ""},    // symlink out of the root
      {tmp / "root/dirlink/c.txt", false, ""},
      {tmp / "root/sub", false, ""},        // a folder
      {tmp / "root/missing.pdf", false, ""},
      {"root/a.pdf", false, ""},            // relative
      {"", false, ""},
  };
  for (const Row& row : rows) {
    INFO(row.path);
    auto f = passage::server::read_document_file(row.path, {tmp / "root"});
    CHECK(f.has_value() == row.served);
    if (f) CHECK(f->content_type == row.content_type);
    if (!f) CHECK(f.error().message.find(tmp.path().string()) == std::string::npos);
  }
  CHECK_FALSE(passage::server::read_document_file(tmp / "root/a.pdf", {}).has_value());
}

TEST_CASE("handle_request: search results carry authors", "[server]") {
  auto res = handle(http::verb::get, "/api/search?q=asylum");
  REQUIRE(res.result_int() == 200);
  json body = json::parse(res.body());
  REQUIRE_FALSE(body["results"].empty());
  for (const auto& hit : body["results"]) CHECK(hit["authors"].is_array());
}

TEST_CASE("handle_request: CORS", "[server]") {
  passage::server::HandlerOptions options;
  options.cors_origins = {"https://allowed.example"};
  auto allowed = handle(http::verb::get, "/healthz", options, "https://allowed.example");
  CHECK(header(allowed, http::field::access_control_allow_origin) == "https://allowed.example");
  CHECK(header(allowed, http::field::vary) == "Origin");
  auto other = handle(http::verb::get, "/healthz", options, "https://evil.example");
  CHECK(other.find(http::field::access_control_allow_origin) == other.end());
  auto none = handle(http::verb::get, "/healthz", {}, "https://allowed.example");
  CHECK(none.find(http::field::access_control_allow_origin) == none.end());

  auto preflight = handle(http::verb::options, "/api/search", options, "https://allowed.example");
  CHECK(preflight.result_int() == 204);
  CHECK(preflight.body().empty());
  CHECK(header(preflight, http::field::access_control_allow_origin) == "https://allowed.example");
  CHECK_THAT(header(preflight, http::field::access_control_allow_methods), Catch::Contains("GET"));
  auto refused = handle(http::verb::options, "/api/search", options, "https://evil.example");
  CHECK(refused.result_int() == 204);
  CHECK(refused.find(http::field::access_control_allow_origin) == refused.end());

  options.cors_origins = {"*"};
  auto any = handle(http::verb::get, "/api/search?q=asylum", options, "https://anyone.example");
  CHECK(header(any, http::field::access_control_allow_origin) == "*");
}

// ---- The real server ------------------------------------------------------------------------

class Client {
 public:
  explicit Client(unsigned short port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  http::response<http::string_body> request(
      http::verb method, std::string_view target,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto& [name, value] : headers) req.set(name, value);
    req.prepare_payload();
    http::write(stream_, req);
    return read(method == http::verb::head);
  }

  /// Sends raw bytes and reads one response.
  http::response<http::string_body> raw(std::string_view bytes) {
    net::write(stream_.socket(), net::buffer(bytes.data(), bytes.size()));
    return read(false);
  }

  /// True when the server has closed the connection (reading hits end of stream).
  bool closed_by_server() {
    beast::error_code ec;
    char byte;
    stream_.socket().read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
  http::response<http::string_body> read(bool head) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    if (head) parser.skip(true);
    http::read(stream_, buffer_, parser);
    return parser.release();
  }

  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

std::unique_ptr<passage::server::Server> start_server(std::vector<std::string> cors = {},
                                                      unsigned threads = 2) {
  passage::server::ServerOptions options;
  options.index_dir = test_index();
  options.port = 0;
  options.threads = threads;
  options.cors_origins = std::move(cors);
  auto server = passage::server::Server::start(std::move(options));
  if (!server) FAIL("server did not start: " << server.error().message);
  REQUIRE(server.value()->port() != 0);
  return std::move(server).value_or_throw();
}

TEST_CASE("server: search over HTTP returns results and facets", "[server][http]") {
  auto server = start_server();
  Client client(server->port());
  auto res = client.request(http::verb::get, "/api/search?q=asylum");
  REQUIRE(res.result_int() == 200);
  CHECK(std::string(res[http::field::content_type]) == "application/json");
  json body = json::parse(res.body());
  CHECK(body["total"].get<int>() >= 2);
  CHECK_FALSE(body["results"].empty());
  CHECK_FALSE(body["facets"]["kind"].empty());

  auto narrowed = client.request(http::verb::get, "/api/search?q=asylum&filter=organisation:ICMPD");
  json nbody = json::parse(narrowed.body());
  CHECK(nbody["total"].get<int>() < body["total"].get<int>());
  for (const json& hit : nbody["results"]) CHECK(hit["organisation"] == "ICMPD");
}

TEST_CASE("server: errors over HTTP", "[server][http]") {
  auto server = start_server();
  Client client(server->port());
  struct Row {
    http::verb method;
    std::string target;
    unsigned status;
  };
  for (const Row& row : std::vector<Row>{{http::verb::get, "/api/search?size=0", 400},
                                         {http::verb::get, "/api/search?nope=1", 400},
                                         {http::verb::get, "/missing", 404},
                                         {http::verb::post, "/api/search", 405},
                                         {http::verb::get, "/healthz", 200}}) {
    INFO(row.target);
    auto res = client.request(row.method, row.target);  // all on one keep-alive connection
    CHECK(res.result_int() == row.status);
    if (row.status >= 400) CHECK(json::parse(res.body()).contains("error"));
  }
  auto head = client.request(http::verb::head, "/healthz");
  CHECK(head.result_int() == 200);
  CHECK(head.body().empty());
  auto after_head = client.request(http::verb::get, "/healthz");
  CHECK(after_head.result_int() == 200);
}

TEST_CASE("server: 431 for a 20 KB header, 413 for a 2 MB body, 400 for garbage",
          "[server][http]") {
  auto server = start_server();
  {
    Client client(server->port());
    auto res = client.raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                          std::string(20 * 1024, 'a') + "\r\n\r\n");
    CHECK(res.result_int() == 431);
    CHECK(json::parse(res.body())["error"]["code"] == "header_fields_too_large");
    CHECK(client.closed_by_server());
  }
  {
    Client client(server->port());
    const std::size_t size = 2 * 1024 * 1024;
    auto res = client.raw(
        "POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        "text/plain\r\nContent-Length: " +
        std::to_string(size) + "\r\n\r\n" + std::string(size, 'x'));
    CHECK(res.result_int() == 413);
    CHECK(json::parse(res.body())["error"]["code"] == "payload_too_large");
  }
  {
    Client client(server->port());
    auto res = client.raw("NOT HTTP AT ALL\r\n\r\n");
    CHECK(res.result_int() == 400);
  }
  // The server is still fine.
  Client client(server->port());
  CHECK(client.request(http::verb::get, "/healthz").result_int() == 200);
}

TEST_CASE("server: keep-alive serves two requests on one connection", "[server][http]") {
  auto server = start_server();
  Client client(server->port());
  auto first = client.request(http::verb::get, "/healthz");
  CHECK(first.result_int() == 200);
  CHECK(first.keep_alive());
  auto second = client.request(http::verb::get, "/api/search?q=integration");
  CHECK(second.result_int() == 200);
  auto last = client.request(http::verb::get, "/healthz", {{"Connection", "close"}});
  CHECK(last.result_int() == 200);
  CHECK_FALSE(last.keep_alive());
  CHECK(client.closed_by_server());
}

TEST_CASE("server: CORS header only for allowed origins", "[server][http]") {
  auto server = start_server({"http://localhost:3000"});
  Client client(server->port());
  auto allowed = client.request(http::verb::get, "/api/search?q=asylum",
                                {{"Origin", "http://localhost:3000"}});
  CHECK(std::string(allowed[http::field::access_control_allow_origin]) == "http://localhost:3000");
  auto other = client.request(http::verb::get, "/api/search?q=asylum",
                              {{"Origin", "http://elsewhere.example"}});
  CHECK(other.find(http::field::access_control_allow_origin) == other.end());
  auto preflight = client.request(
      http::verb::options, "/api/search",
      {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "GET"}});
  CHECK(preflight.result_int() == 204);
  CHECK(std::string(preflight[http::field::access_control_allow_origin]) ==
        "http://localhost:3000");
}

TEST_CASE("server: concurrent requests from several threads", "[server][http]") {
  auto server = start_server({}, 3);
  const unsigned short port = server->port();
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  const std::vector<std::string> targets{"/api/search?q=asylum", "/api/search?q=integration",
                                         "/api/search?q=retour&lang=fr", "/healthz",
                                         "/api/search?filter=kind:report&sort=date"};
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, t] {
      try {
        Client client(port);
        for (int i = 0; i < 15; ++i) {
          auto res = client.request(http::verb::get, targets[(t + i) % targets.size()]);
          if (res.result_int() == 200 && !json::parse(res.body()).contains("error")) {
            ++ok;
          } else {
            ++failed;
          }
        }
      } catch (...) {
        ++failed;
      }
    });
  }
  for (auto& c : clients) c.join();
  CHECK(failed == 0);
  CHECK(ok == 6 * 15);
}

TEST_CASE("server: start errors", "[server][http]") {
  auto server = start_server();
  SECTION("port in use") {
    passage::server::ServerOptions options;
    options.index_dir = test_index();
    options.port = server->port();
    auto second = passage::server::Server::start(options);
    REQUIRE_FALSE(second);
    CHECK(second.error().code == passage::ErrorCode::kUnavailable);
    CHECK(second.error().message == "cannot listen on 127.0.0.1:" + std::to_string(server->port()) +
                                        ": address already in use");
  }
  SECTION("missing index") {
    TempDir dir;
    passage::server::ServerOptions options;
    options.index_dir = dir / "no-index-here";
    options.port = 0;
    auto missing = passage::server::Server::start(options);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == passage::ErrorCode::kNotFound);
  }
  SECTION("bad bind address") {
    passage::server::ServerOptions options;
    options.index_dir = test_index();
    options.bind = "no such host.invalid";
    options.port = 0;
    auto bad = passage::server::Server::start(options);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == passage::ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("server: stop closes idle connections and returns promptly", "[server][http]") {
  auto server = start_server();
  Client idle(server->port());
  CHECK(idle.request(http::verb::get, "/healthz").result_int() == 200);
  auto started = std::chrono::steady_clock::now();
  server->stop();
  server->wait();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK(idle.closed_by_server());
  server->stop();  // idempotent
  // The port is free again.
  passage::server::ServerOptions options;
  options.index_dir = test_index();
  options.port = server->port();
  auto again = passage::server::Server::start(options);
  CHECK(again);
}

}  // namespace
