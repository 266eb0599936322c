// Unit tests of the crawler's pieces: URL normalisation, robots.txt, sitemaps, links, scope,
// and the fetcher against a fixture server on 127.0.0.1.
#include <catch2/catch.hpp>

#include "indexer/crawl/fetcher.hpp"
#include "indexer/crawl/links.hpp"
#include "indexer/crawl/robots.hpp"
#include "indexer/crawl/scope.hpp"
#include "indexer/crawl/sitemap.hpp"
#include "indexer/crawl/url.hpp"
#include "tests/web_fixture.hpp"

using namespace passage::crawl;

TEST_CASE("URLs are normalised to one canonical spelling", "[crawl]") {
  struct Row {
    const char* ref;
    const char* base;
    const char* expected;  // "" = refused
  };
  const Row rows[] = {
      {"HTTP://Example.ORG/a/b", "", "http://example.org/a/b"},
      {"http://example.org", "", "http://example.org/"},
      {"http://example.org:80/x", "", "http://example.org/x"},
      {"https://example.org:443/x", "", "https://example.org/x"},
      {"https://example.org:8443/x", "", "https://example.org:8443/x"},
      {"http://example.org:443/x", "", "http://example.org:443/x"},
      {"http://example.org/a#section", "", "http://example.org/a"},
      {"http://example.org/a?", "", "http://example.org/a"},
      {"http://example.org/a?q=1#f", "", "http://example.org/a?q=1"},
      {"http://user:pw@example.org/a", "", "http://example.org/a"},
      {"http://example.org/a/./b/../c", "", "http://example.org/a/c"},
      {"http://example.org/%7euser", "", "http://example.org/~user"},
      {"http://example.org/a%3fb", "", "http://example.org/a%3Fb"},
      {"  http://example.org/a b  ", "", "http://example.org/a%20b"},
      {"../c.html", "http://example.org/a/b/page.html", "http://example.org/a/c.html"},
      {"/root.pdf", "http://example.org/a/b/page.html", "http://example.org/root.pdf"},
      {"?page=2", "http://example.org/list?page=1", "http://example.org/list?page=2"},
      {"#top", "http://example.org/a", "http://example.org/a"},
      {"//other.org/x", "https://example.org/a", "https://other.org/x"},
      {"HTTPS://EXAMPLE.org:443", "http://example.org/", "https://example.org/"},
      {"mailto:someone@example.org", "http://example.org/", ""},
      {"javascript:void(0)", "http://example.org/", ""},
      {"ftp://example.org/file", "", ""},
      {"not a url", "", ""},
      {"http://", "", ""},
  };
  for (const Row& r : rows) {
    INFO(r.ref << " against " << r.base);
    std::optional<std::string> got = canonical_url(r.ref, r.base);
    if (std::string(r.expected).empty()) {
      CHECK_FALSE(got.has_value());
    } else {
      REQUIRE(got.has_value());
      CHECK(*got == r.expected);
    }
  }
}

TEST_CASE("URL parts give the origin and the path robots.txt sees", "[crawl]") {
  auto p = url_parts("http://127.0.0.1:8080/a/b?x=1");
  REQUIRE(p);
  CHECK(p->host == "127.0.0.1");
  CHECK(p->port == "8080");
  CHECK(p->origin == "http://127.0.0.1:8080");
  CHECK(p->path_and_query == "/a/b?x=1");
  auto q = url_parts("https://example.org/");
  REQUIRE(q);
  CHECK(q->port == "443");
  CHECK(q->origin == "https://example.org");
  CHECK_FALSE(url_parts("mailto:x@example.org"));
}

TEST_CASE("robots.txt patterns match like RFC 9309 says", "[crawl][robots]") {
  struct Row {
    const char* pattern;
    const char* path;
    bool match;
  };
  const Row rows[] = {
      {"/", "/anything", true},           {"/private", "/private/x", true}, {"/private", "/privately", true},
      {"/private/", "/private", false},   {"/*.pdf", "/a/b/c.pdf", true},   {"/*.pdf$", "/a.pdf?x=1", false},
      {"/*.pdf$", "/a.pdf", true},        {"/a*b*c", "/axxbyyc/z", true},  {"/a*b*c", "/axxcb", false},
      {"*", "/", true},                   {"/fish$", "/fish", true},        {"/fish$", "/fishes", false},
      {"/$", "/", true},                  {"/$", "/a", false},
  };
  for (const Row& r : rows) {
    INFO(r.pattern << " vs " << r.path);
    CHECK(robots_pattern_matches(r.pattern, r.path) == r.match);
  }
}

TEST_CASE("robots.txt groups, longest match and Crawl-delay", "[crawl][robots]") {
  const char* text =
      "# comment\n"
      "User-agent: *\n"
      "Disallow: /private/\n"
      "Allow: /private/open.html\n"
      "Disallow: /*.cgi$\n"
      "Crawl-delay: 2\n"
      "\n"
      "User-agent: otherbot\n"
      "User-agent: PASSAGE-crawler\n"
      "Disallow: /only-for-others/   # trailing comment\n"
      "Disallow: /p\n"
      "Allow: /p\n"
      "Crawl-delay: 0.5\n"
      "\n"
      "User-agent: passage-crawler\n"
      "Disallow: /merged/\n";
  RobotsRules star = RobotsRules::parse(text, "somebot/1.0");
  CHECK_FALSE(star.allowed("/private/x.html"));
  CHECK(star.allowed("/private/open.html"));   // the longer Allow wins
  CHECK(star.allowed("/public.html"));
  CHECK_FALSE(star.allowed("/run.cgi"));
  CHECK(star.allowed("/run.cgi?x"));
  CHECK(star.allowed("/robots.txt"));
  REQUIRE(star.crawl_delay());
  CHECK(*star.crawl_delay() == Approx(2.0));

  // Our group is chosen by product token, case-insensitively; groups of one name merge, and the
  // '*' group no longer applies.
  RobotsRules ours = RobotsRules::parse(text, "passage-crawler/0.1 (+https://example.org)");
  CHECK(ours.allowed("/private/x.html"));
  CHECK_FALSE(ours.allowed("/only-for-others/a"));
  CHECK_FALSE(ours.allowed("/merged/a"));
  CHECK(ours.allowed("/p"));  // Allow wins a tie
  REQUIRE(ours.crawl_delay());
  CHECK(*ours.crawl_delay() == Approx(0.5));

  CHECK(RobotsRules::parse("", "x").allowed("/a"));
  CHECK(RobotsRules::parse("User-agent: *\nDisallow:\n", "x").allowed("/a"));
  CHECK_FALSE(RobotsRules::parse("User-agent: *\nDisallow: /\n", "x").allowed("/a"));
  CHECK_FALSE(RobotsRules::disallow_all().allowed("/a"));
  CHECK(RobotsRules::allow_all().allowed("/a"));
  CHECK_FALSE(RobotsRules::parse("Disallow: /\n", "x").crawl_delay());
}

TEST_CASE("sitemaps and sitemap indexes", "[crawl]") {
  Sitemap pages = parse_sitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://example.org/a?x=1&amp;y=2</loc><lastmod>2024-01-01</lastmod></url>
  <url><loc>
      http://example.org/b
  </loc></url>
  <url><loc><![CDATA[http://example.org/c&d]]></loc></url>
  <url><location>not a loc</location></url>
</urlset>)");
  CHECK_FALSE(pages.is_index);
  CHECK(pages.locs == std::vector<std::string>{"http://example.org/a?x=1&y=2", "http://example.org/b", "http://example.org/c&d"});
  Sitemap index = parse_sitemap(R"(<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://example.org/s1.xml</loc></sitemap></sitemapindex>)");
  CHECK(index.is_index);
  CHECK(index.locs == std::vector<std::string>{"http://example.org/s1.xml"});
  CHECK(parse_sitemap("junk").locs.empty());
}

TEST_CASE("links, canonical link, base and robots meta come from the HTML", "[crawl]") {
  PageLinks l = extract_links(R"(<!doctype html><html><head>
    <base href="/docs/"><link rel="Canonical" href="http://example.org/page">
    <meta name="robots" content="noindex, follow"></head><body>
    <a href="a.html">A</a> <a href="b.pdf" rel="nofollow">B</a> <a>no href</a>
    <map><area href="c.html"></map><div><div><a href="/d">D</a></div></div></body></html>)");
  CHECK(l.hrefs == std::vector<std::string>{"a.html", "c.html", "/d"});
  CHECK(l.canonical == "http://example.org/page");
  CHECK(l.base == "/docs/");
  CHECK(l.noindex);
  CHECK_FALSE(l.nofollow);
  PageLinks none = extract_links(R"(<meta name="ROBOTS" content="NONE"><a href="x">x</a>)");
  CHECK(none.nofollow);
  CHECK(none.noindex);
}

TEST_CASE("scope: allowed hosts, then include and exclude patterns", "[crawl]") {
  passage::config::WebSettings web;
  web.allow_hosts = {"example.org", "127.0.0.1"};
  web.include_urls = {"/docs/", "\\.pdf$"};
  web.exclude_urls = {"/docs/drafts/"};
  Scope scope(web);
  struct Row {
    const char* url;
    const char* refusal;  // "" = in scope
  };
  const Row rows[] = {
      {"http://example.org/docs/a.html", ""},
      {"https://example.org/x/report.pdf", ""},
      {"http://127.0.0.1:8080/docs/", ""},
      {"http://example.org/about.html", "not matched by include_urls"},
      {"http://example.org/docs/drafts/a.html", "matched by exclude_urls"},
      {"http://sub.example.org/docs/a.html", "host not in allow_hosts"},
      {"http://example.com/docs/a.html", "host not in allow_hosts"},
  };
  for (const Row& r : rows) {
    INFO(r.url);
    auto why = scope.refuse(r.url);
    CHECK(why.value_or("") == r.refusal);
  }
}

TEST_CASE("the fetcher: conditional GET, redirects, size limit, timeout, TLS", "[crawl]") {
  using passage::test::FixtureRequest;
  using passage::test::FixtureResponse;
  passage::test::FixtureSite site([](const FixtureRequest& r) {
    FixtureResponse res;
    if (r.target == "/page") {
      res.headers["ETag"] = "\"v1\"";
      if (r.if_none_match == "\"v1\"") res.status = 304;
      else res.body = "<html>hello</html>";
    } else if (r.target == "/moved") {
      res.status = 301;
      res.headers["Location"] = "/page";
    } else if (r.target == "/big") {
      res.body = std::string(10000, 'x');
    } else if (r.target == "/big-chunked") {
      res.body = std::string(10000, 'x');
      res.chunked = true;
    } else if (r.target == "/slow") {
      res.delay = std::chrono::milliseconds(1500);
      res.body = "late";
    } else {
      res.status = 404;
    }
    return res;
  });
  FetchOptions options;
  options.user_agent = "passage-test/1";
  options.timeout = std::chrono::milliseconds(300);
  options.max_bytes = 4096;
  Fetcher fetcher(options);
  const std::string base = site.base();

  FetchResult ok = fetcher.get(base + "/page");
  CHECK(ok.outcome == FetchOutcome::kOk);
  CHECK(ok.body == "<html>hello</html>");
  CHECK(ok.etag == "\"v1\"");
  CHECK(fetcher.get(base + "/page", {"\"v1\"", ""}).outcome == FetchOutcome::kNotModified);
  FetchResult moved = fetcher.get(base + "/moved");
  CHECK(moved.outcome == FetchOutcome::kRedirect);
  CHECK(moved.location == "/page");
  FetchResult missing = fetcher.get(base + "/nothing");
  CHECK(missing.outcome == FetchOutcome::kHttpError);
  CHECK(missing.error == "HTTP 404");
  for (const char* target : {"/big", "/big-chunked"}) {
    FetchResult big = fetcher.get(base + target);
    CHECK(big.outcome == FetchOutcome::kTooLarge);
    CHECK(big.error.find("too large") == 0);
  }
  CHECK(fetcher.get(base + "/big", {}, 20000).outcome == FetchOutcome::kOk);
  auto started = std::chrono::steady_clock::now();
  FetchResult slow = fetcher.get(base + "/slow");
  CHECK(slow.outcome == FetchOutcome::kTimeout);
  CHECK(slow.error == "timeout");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1200));
  // https to a plain-http server fails in the TLS handshake, with a reason.
  FetchResult tls = fetcher.get("https://127.0.0.1:" + std::to_string(site.port()) + "/page");
  CHECK(tls.outcome == FetchOutcome::kError);
  CHECK(tls.error.rfind("TLS: ", 0) == 0);
  for (const auto& r : site.requests()) CHECK(r.user_agent == "passage-test/1");
}
