// An indexing job over a web source: a fixture site on 127.0.0.1 with robots.txt, a sitemap
// index, a redirect, a 404, a slow page, a huge page and a linked PDF; then reruns with
// conditional GET, a page gone, and a page limit.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/schema.hpp"
#include "indexer/index_job.hpp"
#include "tests/test_support.hpp"
#include "tests/web_fixture.hpp"

using passage::test::FixtureRequest;
using passage::test::FixtureResponse;
using passage::test::FixtureSite;

namespace {

const std::string kLastModified = "Tue, 03 Sep 2024 10:00:00 GMT";

// The site's state: what each page says, and its validators.
struct Site {
  std::string a_version = "1";
  bool b_gone = false;
  std::string pdf;
  int port = 0;

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }

  FixtureResponse answer(const FixtureRequest& r) const {
    FixtureResponse res;
    auto with_etag = [&](const std::string& etag, const std::string& body) {
      res.headers["ETag"] = etag;
      if (r.if_none_match == etag) res.status = 304;
      else res.body = body;
    };
    const std::string& t = r.target;
    if (t == "/robots.txt") {
      res.content_type = "text/plain";
      res.body = "User-agent: *\nDisallow: /private/\n";
    } else if (t == "/sitemap.xml") {
      res.content_type = "application/xml";
      res.body = "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                 "<sitemap><loc>" + url("/sitemap-pages.xml") + "</loc></sitemap></sitemapindex>";
    } else if (t == "/sitemap-pages.xml") {
      res.content_type = "application/xml";
      res.body = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" + url("/from-sitemap.html") +
                 "</loc></url><url><loc>" + url("/") + "</loc></url></urlset>";
    } else if (t == "/") {
      with_etag("\"home\"",
                "<!doctype html><html lang=\"en\"><head><title>Fixture home</title></head><body><main>"
                "<p>Municipal integration policies for newly arrived refugees.</p>"
                "<a href=\"/a.html#part\">A</a> <a href=\"a.html\">A again</a> <a href=\"/old\">moved</a>"
                "<a href=\"/missing\">gone</a> <a href=\"/slow.html\">slow</a> <a href=\"/huge.html\">huge</a>"
                "<a href=\"/files/report.pdf\">PDF</a> <a href=\"/private/secret.html\">secret</a>"
                "<a href=\"/away\">away</a> <a href=\"http://example.com/elsewhere\">elsewhere</a>"
                "<a href=\"mailto:someone@example.org\">mail</a></main></body></html>");
    } else if (t == "/a.html") {
      with_etag("\"a" + a_version + "\"",
                "<html><head><title>Page A version " + a_version + "</title></head><body><p>Labour market access for asylum seekers, version " +
                    a_version + ".</p><a href=\"/\">home</a></body></html>");
    } else if (t == "/old") {
      res.status = 302;
      res.headers["Location"] = "/b.html";
    } else if (t == "/b.html") {
      if (b_gone) {
        res.status = 410;
      } else {
        res.headers["Last-Modified"] = kLastModified;
        if (r.if_modified_since == kLastModified) res.status = 304;
        else res.body = "<html><head><title>Page B</title></head><body><p>Housing for refugees in cities.</p></body></html>";
      }
    } else if (t == "/from-sitemap.html") {
      // No validators at all: the second run gets 200 with the same body (unchanged by hash).
      res.body = "<html><head><title>Only in the sitemap</title></head><body><p>Resettlement pathways.</p></body></html>";
    } else if (t == "/files/report.pdf") {
      res.content_type = "application/octet-stream";  // sniffed as PDF from %PDF-
      with_etag("\"pdf\"", pdf);
    } else if (t == "/slow.html") {
      res.delay = std::chrono::milliseconds(1500);
      res.body = "<html><body>too late</body></html>";
    } else if (t == "/huge.html") {
      res.body = "<html><body>" + std::string(200 * 1024, 'x') + "</body></html>";
    } else if (t == "/away") {
      res.status = 301;
      res.headers["Location"] = "http://localhost:" + std::to_string(port) + "/";
    } else {
      res.status = 404;
      res.body = "not here";
    }
    return res;
  }
};

struct Doc {
  std::string url;
  std::string format;
  std::string title;
};

std::map<std::string, Doc> documents(const std::filesystem::path& index) {
  std::map<std::string, Doc> out;
  Xapian::Database db(index.string());
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    auto data = nlohmann::json::parse(db.get_document(*it).get_data());
    out[data.at("id").get<std::string>()] = {data.at("url").get<std::string>(), data.at("format").get<std::string>(),
                                             data.at("title").get<std::string>()};
  }
  return out;
}

std::multiset<std::string> targets(const FixtureSite& site) {
  std::multiset<std::string> out;
  for (const auto& r : site.requests()) out.insert(r.target);
  return out;
}

std::string reason_of(const std::vector<passage::indexer::ItemProblem>& v, const std::string& path) {
  for (const auto& p : v)
    if (p.path == path) return p.reason;
  return "(absent)";
}

}  // namespace

TEST_CASE("a web source is crawled, indexed, and recrawled with conditional GET", "[crawl][web]") {
  Site state;
  state.pdf = passage::test::read_file(passage::test::source_dir() / "tests/data/extract/two_pages.pdf");
  std::mutex mu;
  FixtureSite site([&](const FixtureRequest& r) {
    std::lock_guard lock(mu);
    return state.answer(r);
  });
  state.port = site.port();
  passage::test::TempDir dir;

  passage::config::Source src;
  src.name = "site";
  src.kind = "report";
  src.organisation = "Fixture";
  src.web.seeds = {site.base() + "/"};
  src.web.sitemap = site.base() + "/sitemap.xml";
  src.web.allow_hosts = {"127.0.0.1"};
  src.web.max_depth = 2;
  src.web.delay_ms = 0;
  src.web.timeout_s = 0.4;
  src.web.max_bytes = 64 * 1024;
  src.web.user_agent = "passage-test/1";
  passage::indexer::IndexOptions opts;
  opts.index_dir = dir / "index";
  opts.sources = {src};
  opts.threads = 2;
  auto id = [&](const std::string& path) { return "site/" + state.url(path); };

  // ---- first run -----------------------------------------------------------------------------
  auto first = passage::indexer::run_index_job(opts);
  REQUIRE(first.has_value());
  const std::multiset<std::string> expected_requests{
      "/robots.txt", "/sitemap.xml", "/sitemap-pages.xml", "/", "/from-sitemap.html", "/a.html", "/old", "/b.html",
      "/missing",    "/slow.html",   "/huge.html",         "/files/report.pdf",      "/away"};
  CHECK(targets(site) == expected_requests);  // each once; never /private/, never another host
  for (const auto& r : site.requests()) CHECK(r.user_agent == "passage-test/1");

  std::map<std::string, Doc> docs = documents(opts.index_dir);
  std::set<std::string> ids;
  for (const auto& [k, v] : docs) ids.insert(k);
  CHECK(ids == std::set<std::string>{id("/"), id("/a.html"), id("/b.html"), id("/from-sitemap.html"),
                                     id("/files/report.pdf")});
  CHECK(docs[id("/files/report.pdf")].format == "pdf");
  CHECK(docs[id("/files/report.pdf")].url == state.url("/files/report.pdf"));
  CHECK(docs[id("/a.html")].title == "Page A version 1");
  CHECK(docs[id("/b.html")].url == state.url("/b.html"));  // indexed under the redirect's target

  CHECK(first->fetched == 5);
  CHECK(first->indexed == 5);
  CHECK(first->found == 5);
  CHECK(first->unchanged == 0);
  CHECK(reason_of(first->failed, state.url("/missing")) == "HTTP 404");
  CHECK(reason_of(first->failed, state.url("/slow.html")) == "timeout");
  CHECK(reason_of(first->skipped, state.url("/private/secret.html")) == "disallowed by robots.txt");
  CHECK(reason_of(first->skipped, state.url("/huge.html")).rfind("too large", 0) == 0);
  CHECK(reason_of(first->skipped, state.url("/away")).find("out of scope") != std::string::npos);
  CHECK(first->failed.size() == 2);
  CHECK(first->skipped.size() == 3);

  // ---- second run: nothing changed -----------------------------------------------------------
  site.clear_requests();
  auto second = passage::indexer::run_index_job(opts);
  REQUIRE(second.has_value());
  // Every indexed page is asked again, and the page that timed out (the crawl frontier); the
  // home page answers 304, so its links to pages that were skipped or gone are not seen again.
  CHECK(targets(site) == std::multiset<std::string>{"/robots.txt", "/sitemap.xml", "/sitemap-pages.xml", "/",
                                                    "/from-sitemap.html", "/a.html", "/b.html", "/files/report.pdf",
                                                    "/slow.html"});
  CHECK(reason_of(second->failed, state.url("/slow.html")) == "timeout");
  std::map<std::string, FixtureRequest> by_target;
  for (const auto& r : site.requests()) by_target[r.target] = r;
  CHECK(by_target["/a.html"].if_none_match == "\"a1\"");
  CHECK(by_target["/"].if_none_match == "\"home\"");
  CHECK(by_target["/files/report.pdf"].if_none_match == "\"pdf\"");
  CHECK(by_target["/b.html"].if_modified_since == kLastModified);
  CHECK(by_target["/from-sitemap.html"].if_none_match.empty());
  CHECK(second->fetched == 1);    // only the page without validators
  CHECK(second->unchanged == 5);  // four 304s and one identical body
  CHECK(second->indexed == 0);
  CHECK(second->deleted == 0);
  CHECK(documents(opts.index_dir).size() == 5);

  // ---- third run: A changed, B gone (410) ----------------------------------------------------
  {
    std::lock_guard lock(mu);
    state.a_version = "2";
    state.b_gone = true;
  }
  site.clear_requests();
  auto third = passage::indexer::run_index_job(opts);
  REQUIRE(third.has_value());
  CHECK(third->indexed == 1);
  CHECK(third->deleted == 1);
  CHECK(reason_of(third->failed, state.url("/b.html")) == "HTTP 410");
  docs = documents(opts.index_dir);
  CHECK(docs.count(id("/b.html")) == 0);
  CHECK(docs[id("/a.html")].title == "Page A version 2");
  CHECK(docs.size() == 4);

  // ---- fourth run: a page limit; pages not reached stay -------------------------------------
  opts.sources[0].web.max_pages = 1;
  site.clear_requests();
  auto fourth = passage::indexer::run_index_job(opts);
  REQUIRE(fourth.has_value());
  CHECK(targets(site) == std::multiset<std::string>{"/robots.txt", "/sitemap.xml", "/sitemap-pages.xml", "/"});
  CHECK(fourth->unchanged == 1);
  CHECK(fourth->deleted == 0);
  CHECK(documents(opts.index_dir).size() == 4);
}
