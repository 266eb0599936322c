// The HTTP request path without sockets: raw bytes go through Beast's request parser with the
// session's limits, and what it accepts goes to handle_request against a small sample index.
// Bytes Beast refuses are also tried as the target of a GET, so handle_request sees targets the
// parser would never let through.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/log.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "indexer/index_job.hpp"
#include "query/searcher.hpp"
#include "server/request_handler.hpp"
#include "server/session.hpp"

namespace passage::fuzz {
namespace {

namespace http = boost::beast::http;

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A five-document index in a temporary folder, removed at exit.
struct SampleIndex {
  std::filesystem::path dir;
  std::unique_ptr<query::Searcher> searcher;

  SampleIndex() {
    log::set_level(log::Level::kError);
    dir = std::filesystem::temp_directory_path() /
          ("passage-fuzz-http-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const auto docs = dir / "docs";
    std::filesystem::create_directories(docs);
    const std::pair<const char*, const char*> pages[] = {
        {"en-housing.html",
         "<html lang=en><title>Housing refugees in cities</title><body><p>Cities house refugees "
         "and asylum seekers; municipalities coordinate integration and housing.</p>"},
        {"de-rueckkehr.html",
         "<html lang=de><title>Freiwillige Rückkehr</title><body><p>Programme zur freiwilligen "
         "Rückkehr unterstützen Migrantinnen und Migranten nach dem Asylverfahren.</p>"},
        {"fr-retour.html",
         "<html lang=fr><title>Le retour volontaire</title><body><p>Les programmes de retour "
         "volontaire accompagnent les migrants après une demande d'asile rejetée.</p>"},
        {"2019-irregular.md",
         "---\ntitle: Irregular migrants and health care\nyear: 2019\n---\nIrregular migrants "
         "face barriers to health care in European cities."},
        {"labour.txt", "Labour mobility partnerships\n\nPartnerships between countries of origin "
                       "and destination organise labour migration."}};
    for (const auto& [name, text] : pages) write_file(docs / name, text);

    config::Source source;
    source.name = "sample";
    source.kind = "report";
    source.organisation = "Fuzz";
    source.root = docs;
    source.facets = {{"region", "europe"}};
    indexer::IndexOptions options;
    options.index_dir = dir / "index";
    options.sources = {source};
    options.declared_facets = {"region"};
    options.threads = 1;
    indexer::run_index_job(options).value_or_throw();
    searcher = query::Searcher::open(options.index_dir).value_or_throw();
  }
  ~SampleIndex() {
    searcher.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

void check_response(const http::response<http::string_body>& res) {
  const unsigned status = res.result_int();
  require(status >= 200 && status < 600, "http: a valid status");
  require(status != 500, "http: no internal error");
  if (res[http::field::content_type] == "application/json" && !res.body().empty()) {
    require(nlohmann::json::accept(res.body()), "http: JSON bodies are valid JSON");
  }
}

}  // namespace

int http_request(std::string_view bytes) {
  static SampleIndex sample;
  server::HandlerOptions options;
  options.cors_origins = {"https://example.org"};

  http::request_parser<http::string_body> parser;
  parser.header_limit(server::detail::kHeaderLimit);
  parser.body_limit(server::detail::kBodyLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (!ec && parser.is_done()) {
    check_response(server::handle_request(parser.get(), *sample.searcher, options));
    return 0;
  }
  http::request<http::string_body> request{http::verb::get, std::string(bytes), 11};
  check_response(server::handle_request(request, *sample.searcher, options));
  return 0;
}

}  // namespace passage::fuzz

#ifdef PASSAGE_FUZZ_ENTRY
#include "fuzz/fuzz_entry.hpp"
PASSAGE_FUZZ_ENTRY_POINT(passage::fuzz::http_request)
#endif
