// The HTTP API against its own OpenAPI description, over the real server on 127.0.0.1 (port 0)
// with the indexed sample corpus: every JSON response is checked against the schema the
// description gives for it (required properties, types, no undescribed properties), so the two
// cannot drift apart. Also: exports (content types, attachment names, sizes, paging), /api/facets
// and the OpenSearch description.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/log.hpp"
#include "server/server.hpp"
#include "tests/integration/sample_index.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using Response = http::response<http::string_body>;

struct QuietLog {
  QuietLog() { passage::log::set_level(passage::log::Level::kError); }
};

// One server for the whole file, on the sample index.
passage::server::Server& server() {
  static QuietLog quiet;
  static std::unique_ptr<passage::server::Server> s = [] {
    passage::server::ServerOptions options;
    options.index_dir = passage::test::sample_index().dir;
    options.port = 0;
    options.threads = 1;
    return passage::server::Server::start(std::move(options)).value_or_throw();
  }();
  return *s;
}

Response get(const std::string& target) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server().port()));
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(server().port()));
  req.keep_alive(false);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  return parser.release();
}

std::string header(const Response& res, http::field f) {
  auto it = res.find(f);
  return it == res.end() ? std::string() : std::string(it->value());
}

const json& openapi() {
  static const json doc = [] {
    Response res = get("/api/openapi.json");
    REQUIRE(res.result_int() == 200);
    return json::parse(res.body());
  }();
  return doc;
}

// Checks value against an OpenAPI 3.0 schema object: $ref, type, nullable, required,
// properties (and no others unless additionalProperties), items, enum.
void check_schema(const json& value, const json& schema, const std::string& where) {
  INFO("at " << where);
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    REQUIRE(ref.rfind("#/", 0) == 0);
    return check_schema(value, openapi()[json::json_pointer(ref.substr(1))], where);
  }
  if (value.is_null()) {
    CHECK(schema.value("nullable", false));
    return;
  }
  const std::string type = schema.value("type", "");
  if (schema.contains("enum")) {
    bool found = false;
    for (const json& e : schema["enum"]) found = found || e == value;
    CHECK(found);
  }
  if (type == "object") {
    REQUIRE(value.is_object());
    for (const json& r : schema.value("required", json::array())) {
      INFO("required property " << r);
      CHECK(value.contains(r.get<std::string>()));
    }
    for (const auto& [k, v] : value.items()) {
      if (schema.contains("properties") && schema["properties"].contains(k)) {
        check_schema(v, schema["properties"][k], where + "." + k);
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
        check_schema(v, schema["additionalProperties"], where + "." + k);
      } else {
        INFO("undescribed property " << k);
        CHECK(!schema.contains("properties"));
      }
    }
  } else if (type == "array") {
    REQUIRE(value.is_array());
    if (schema.contains("items"))
      for (std::size_t i = 0; i < value.size(); ++i) check_schema(value[i], schema["items"], where + "[" + std::to_string(i) + "]");
  } else if (type == "string") {
    CHECK(value.is_string());
  } else if (type == "integer") {
    CHECK(value.is_number_integer());
  } else if (type == "number") {
    CHECK(value.is_number());
  } else if (type == "boolean") {
    CHECK(value.is_boolean());
  }
}

// The schema the description gives for path's response with this status and content type.
json response_schema(const std::string& path, int status, const std::string& content_type = "application/json") {
  json r = openapi()["paths"][path]["get"]["responses"][std::to_string(status)];
  if (r.contains("$ref")) r = openapi()[json::json_pointer(r["$ref"].get<std::string>().substr(1))];
  return r["content"][content_type]["schema"];
}

}  // namespace

TEST_CASE("api: real responses match the OpenAPI description", "[integration][api]") {
  REQUIRE(openapi()["openapi"].get<std::string>().rfind("3.", 0) == 0);
  Response first = get("/api/search?q=migration&size=1");
  REQUIRE(first.result_int() == 200);
  const std::string id = json::parse(first.body())["results"][0]["id"];
  std::string encoded;
  for (char c : id) encoded += c == '/' ? std::string("%2F") : std::string(1, c);

  struct Row {
    std::string target, path;
    int status;
  };
  const std::vector<Row> rows{
      {"/api/search?q=migration", "/api/search", 200},
      {"/api/search?q=migraton", "/api/search", 200},  // with did_you_mean
      {"/api/search?filter=year:2019&sort=date", "/api/search", 200},
      {"/api/search?q=(asylum", "/api/search", 400},
      {"/api/facets?q=migration&filter=year:2019", "/api/facets", 200},
      {"/api/facets?q=migration&size=3", "/api/facets", 400},
      {"/api/documents/" + encoded, "/api/documents/{id}", 200},
      {"/api/documents/no%2Fsuch", "/api/documents/{id}", 404},
      {"/api/documents/" + encoded + "/similar?size=3", "/api/documents/{id}/similar", 200},
      {"/api/suggest?q=migr", "/api/suggest", 200},
      {"/api/suggest?q=migr&format=xml", "/api/suggest", 400},
      {"/healthz", "/healthz", 200},
      {"/api/openapi.json", "/api/openapi.json", 200},
  };
  bool saw_did_you_mean = false;
  for (const Row& row : rows) {
    INFO(row.target);
    Response res = get(row.target);
    REQUIRE(static_cast<int>(res.result_int()) == row.status);
    CHECK(header(res, http::field::content_type) == "application/json");
    json schema = response_schema(row.path, row.status);
    REQUIRE(schema.is_object());
    json body = json::parse(res.body());
    saw_did_you_mean = saw_did_you_mean || body.contains("did_you_mean");
    check_schema(body, schema, "$");
  }
  CHECK(saw_did_you_mean);
  // Every described path answers with a described status (none is described but missing).
  for (const auto& [path, item] : openapi()["paths"].items()) {
    std::string target = path;
    if (auto p = target.find("{id}"); p != std::string::npos) target.replace(p, 4, encoded);
    if (path == "/api/suggest") target += "?q=migr";  // its one required parameter
    INFO(target);
    int status = get(target).result_int();
    CHECK(item["get"]["responses"].contains(std::to_string(status)));
  }
}

TEST_CASE("api: did_you_mean and year_histogram in search responses", "[integration][api]") {
  json typo = json::parse(get("/api/search?q=title%3Aresettelment").body());
  CHECK(typo["did_you_mean"] == "title:resettlement");
  json fine = json::parse(get("/api/search?q=resettlement").body());
  CHECK_FALSE(fine.contains("did_you_mean"));
  json selected = json::parse(get("/api/search?filter=year:2019").body());
  CHECK(selected["total"] == 2);
  REQUIRE(selected["year_histogram"].size() == 10);
  int previous = 0;
  for (const json& y : selected["year_histogram"]) {
    CHECK(y["year"].get<int>() > previous);
    previous = y["year"];
  }
}

TEST_CASE("api: /api/facets counts like /api/search", "[integration][api]") {
  const std::string params = "q=migration&filter=kind:blog&filter=kind:report&filter=language:en";
  json search = json::parse(get("/api/search?" + params).body());
  json facets = json::parse(get("/api/facets?" + params).body());
  CHECK(facets["total"] == search["total"]);
  CHECK(facets["facets"] == search["facets"]);
  CHECK(facets["year_histogram"] == search["year_histogram"]);
  CHECK_FALSE(facets.contains("results"));
  CHECK(get("/api/facets?q=(").result_int() == 400);
}

TEST_CASE("api: exports have their content type, file name and size rules", "[integration][api]") {
  struct Row {
    std::string format, content_type, extension;
  };
  const std::vector<Row> rows{
      {"bibtex", "application/x-bibtex", "bib"},
      {"ris", "application/x-research-info-systems", "ris"},
      {"csljson", "application/vnd.citationstyles.csl+json", "json"},
      {"csv", "text/csv; charset=utf-8", "csv"},
      {"atom", "application/atom+xml", "atom"},
  };
  for (const Row& row : rows) {
    INFO(row.format);
    Response res = get("/api/search?q=migration&format=" + row.format);
    REQUIRE(res.result_int() == 200);
    CHECK(header(res, http::field::content_type) == row.content_type);
    CHECK(header(res, http::field::content_disposition) ==
          "attachment; filename=\"passage-results." + row.extension + "\"");
    CHECK_FALSE(res.body().empty());
  }
  // Exports default to 100 hits: every one of the 22 documents.
  json all = json::parse(get("/api/search?format=csljson").body());
  CHECK(all.size() == 22);
  // Page and size apply: the second page of two holds hits 3 and 4.
  json page = json::parse(get("/api/search?format=csljson&size=2&page=2").body());
  json first4 = json::parse(get("/api/search?format=csljson&size=4").body());
  REQUIRE(page.size() == 2);
  CHECK(page[0]["id"] == first4[2]["id"]);
  CHECK(page[1]["id"] == first4[3]["id"]);
  CHECK(get("/api/search?format=csv&size=1000").result_int() == 200);
  CHECK(get("/api/search?format=csv&size=1001").result_int() == 400);
  CHECK(get("/api/search?size=101").result_int() == 400);
  CHECK(get("/api/search?format=json&size=100").result_int() == 200);
  Response unknown = get("/api/search?q=migration&format=docx");
  CHECK(unknown.result_int() == 400);
  CHECK(json::parse(unknown.body())["error"]["message"].get<std::string>().find("format") != std::string::npos);
}

TEST_CASE("api: the Atom feed is sorted by date and links back to the server", "[integration][api]") {
  namespace pt = boost::property_tree;
  Response res = get("/api/search?q=migration&format=atom");
  REQUIRE(res.result_int() == 200);
  std::istringstream in(res.body());
  pt::ptree tree;
  pt::read_xml(in, tree);
  const pt::ptree& feed = tree.get_child("feed");
  const std::string base = "http://127.0.0.1:" + std::to_string(server().port());
  CHECK(feed.get<std::string>("id") == base + "/api/search?q=migration&format=atom");
  CHECK(feed.get<std::string>("updated").size() == 20);  // 2026-11-25T15:00:00Z
  std::vector<std::string> updated;
  for (const auto& [name, child] : feed)
    if (name == "entry") {
      updated.push_back(child.get<std::string>("updated"));
      CHECK(child.get<std::string>("id").rfind(base + "/api/documents/", 0) == 0);
      CHECK_FALSE(child.get<std::string>("title").empty());
    }
  REQUIRE(updated.size() >= 5);
  // Dated entries newest first (entries without a year carry the index's time).
  std::vector<std::string> dated;
  for (const auto& u : updated)
    if (u.substr(4) == "-01-01T00:00:00Z") dated.push_back(u);
  CHECK(std::is_sorted(dated.rbegin(), dated.rend()));
}

TEST_CASE("api: OpenSearch description and suggestions", "[integration][api]") {
  namespace pt = boost::property_tree;
  Response res = get("/opensearch.xml");
  REQUIRE(res.result_int() == 200);
  CHECK(header(res, http::field::content_type) == "application/opensearchdescription+xml");
  std::istringstream in(res.body());
  pt::ptree tree;
  pt::read_xml(in, tree);
  const pt::ptree& d = tree.get_child("OpenSearchDescription");
  CHECK(d.get<std::string>("<xmlattr>.xmlns") == "http://a9.com/-/spec/opensearch/1.1/");
  CHECK(d.get<std::string>("ShortName") == "Passage");
  std::map<std::string, std::string> urls;
  for (const auto& [name, child] : d)
    if (name == "Url") urls[child.get<std::string>("<xmlattr>.type")] = child.get<std::string>("<xmlattr>.template");
  const std::string base = "http://127.0.0.1:" + std::to_string(server().port());
  CHECK(urls["text/html"] == base + "/?q={searchTerms}");
  REQUIRE(urls.count("application/x-suggestions+json"));
  std::string suggest = urls["application/x-suggestions+json"];
  REQUIRE(suggest.rfind(base, 0) == 0);
  suggest.replace(suggest.find("{searchTerms}"), 13, "migr");
  Response s = get(suggest.substr(base.size()));
  REQUIRE(s.result_int() == 200);
  CHECK(header(s, http::field::content_type) == "application/x-suggestions+json");
  json body = json::parse(s.body());
  REQUIRE(body.is_array());
  REQUIRE(body.size() == 2);
  CHECK(body[0] == "migr");
  REQUIRE_FALSE(body[1].empty());
  CHECK(body[1][0].get<std::string>().rfind("migr", 0) == 0);  // terms come first
}
