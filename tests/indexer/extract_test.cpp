// Tests for the extractors: format detection, HTML, Markdown, plain text and PDF. Tables first;
// each row names what it checks so a failure says which rule broke.

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/analysis/normalize.hpp"
#include "indexer/extract/charset.hpp"
#include "indexer/extract/extractor.hpp"
#include "indexer/extract/field_cleanup.hpp"
#include "indexer/extract/front_matter.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using passage::ErrorCode;
using passage::indexer::Extracted;
using passage::indexer::Format;
namespace ix = passage::indexer;
namespace pt = passage::test;

// Poppler's font lookup leaves fontconfig's caches allocated at exit; not our leak.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace {

fs::path fixture(const std::string& name) {
  return pt::source_dir() / "tests" / "data" / "extract" / name;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// What a table row expects of an extraction; unset fields are not checked.
struct Expect {
  std::optional<std::string> title = {};
  std::optional<std::string> language = {};
  std::optional<int> year = {};  // 0 means "no year"
  std::optional<std::string> description = {};
  std::vector<std::string> authors = {};
  std::optional<std::string> keywords = {};
  std::optional<std::string> publisher = {};
  std::optional<std::string> pdf_url = {};
  std::vector<std::string> has = {};      // substrings the text must contain
  std::vector<std::string> has_not = {};  // substrings it must not contain
};

void check(const Extracted& e, const Expect& x) {
  INFO("text: " << e.text);
  if (x.title) CHECK(e.title == *x.title);
  if (x.language) CHECK(e.language == *x.language);
  if (x.year) CHECK(e.year.value_or(0) == *x.year);
  if (x.description) CHECK(e.description == *x.description);
  if (!x.authors.empty()) CHECK(e.authors == x.authors);
  if (x.keywords) CHECK(e.keywords == *x.keywords);
  if (x.publisher) CHECK(e.publisher == *x.publisher);
  if (x.pdf_url) CHECK(e.pdf_url == *x.pdf_url);
  for (const std::string& s : x.has) CHECK(contains(e.text, s));
  for (const std::string& s : x.has_not) CHECK_FALSE(contains(e.text, s));
  CHECK(passage::analysis::is_valid_utf8(e.text));
}

}  // namespace

// ---- format detection ---------------------------------------------------------------------------

TEST_CASE("detect_format uses the extension and corrects it by sniffing", "[extract][format]") {
  struct Row {
    const char* path;
    std::string head;
    Format expected;
  };
  const std::vector<Row> rows = {
      {"a.pdf", "%PDF-1.7\n%\xE2\xE3", Format::kPdf},
      {"a.PDF", "%PDF-1.4", Format::kPdf},
      {"report.html", "%PDF-1.4\n", Format::kPdf},  // wrong extension: the bytes win
      {"notes.txt", "%PDF-1.5", Format::kPdf},
      {"a.pdf", "<!DOCTYPE html><html><body>Not found</body></html>", Format::kHtml},
      {"a.txt", "  \n<html lang=\"en\">", Format::kHtml},
      {"a.md", "\xEF\xBB\xBF<!doctype HTML>", Format::kHtml},
      {"a.xml", "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">",
       Format::kHtml},
      {"a.htm", "<p>fragment", Format::kHtml},
      {"a.HTML", "<div>", Format::kHtml},
      {"a.md", "# Heading", Format::kMarkdown},
      {"a.markdown", "text", Format::kMarkdown},
      {"a.txt", "plain words", Format::kText},
      {"README", "plain words", Format::kText},
      {"0008-post", "---\ntitle: x\n---\nbody", Format::kMarkdown},
      {"0008-post", "---\r\ntitle: x\r\n---\r\nbody", Format::kMarkdown},
      {"a.docx", std::string("PK\x03\x04\x14\x00", 6), Format::kUnknown},
      {"blob", std::string("\x00\x01\x02", 3), Format::kUnknown},
      {"a.jpg", "\xFF\xD8\xFF\xE0", Format::kUnknown},
  };
  for (const Row& row : rows) {
    INFO(row.path << " / " << row.head);
    CHECK(ix::detect_format(row.path, row.head) == row.expected);
  }
}

TEST_CASE("format_name names every format", "[extract][format]") {
  CHECK(std::string(ix::format_name(Format::kPdf)) == "pdf");
  CHECK(std::string(ix::format_name(Format::kHtml)) == "html");
  CHECK(std::string(ix::format_name(Format::kMarkdown)) == "markdown");
  CHECK(std::string(ix::format_name(Format::kText)) == "text");
  CHECK(std::string(ix::format_name(Format::kUnknown)) == "unknown");
}

TEST_CASE("extract_file reports unreadable, unknown and oversized files", "[extract][format]") {
  pt::TempDir dir;
  SECTION("missing file") {
    auto r = ix::extract_file(dir / "missing.pdf");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kNotFound);
  }
  SECTION("a folder") {
    fs::create_directories(dir / "folder.html");
    auto r = ix::extract_file(dir / "folder.html");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kUnsupported);
  }
  SECTION("unknown format") {
    pt::write_file(dir / "a.docx", std::string("PK\x03\x04\x14\x00", 6));
    auto r = ix::extract_file(dir / "a.docx");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kUnsupported);
    CHECK(contains(r.error().message, "unsupported format"));
  }
  SECTION("over the 200 MB limit, refused before reading") {
    const fs::path big = dir / "big.txt";
    pt::write_file(big, "x");
    fs::resize_file(big, 201ULL * 1024 * 1024);  // sparse: costs no disk
    auto r = ix::extract_file(big);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kUnsupported);
    CHECK(contains(r.error().message, "too large"));
  }
  SECTION("errors name the file") {
    pt::write_file(dir / "empty.md", "   \n\n");
    auto r = ix::extract_file(dir / "empty.md");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kDataLoss);
    CHECK(contains(r.error().message, "empty.md"));
    CHECK(contains(r.error().message, "no extractable text"));
  }
}

TEST_CASE("extract_file takes a year from dated blog paths when the file has none",
          "[extract][format]") {
  pt::TempDir dir;
  struct Row {
    std::string path;
    std::string content;
    int year;
  };
  const std::vector<Row> rows = {
      {"_posts/2015-07-15-pecs.md", "Some words here.", 2015},
      {"site/2014/02/13/0130-post.md", "Some words here.", 2014},
      {"site/2014/02/13/0130-post.md", "---\ndate: 2019-01-01\n---\nWords.",
       2019},  // metadata wins
      {"reports/annual.md", "Some words here.", 0},
      {"site/1234/56/post.md", "Some words here.", 0},
  };
  for (const Row& row : rows) {
    INFO(row.path);
    pt::write_file(dir / row.path, row.content);
    auto r = ix::extract_file(dir / row.path);
    REQUIRE(r);
    CHECK(r->year.value_or(0) == row.year);
  }
}

// ---- HTML ---------------------------------------------------------------------------------------

TEST_CASE("HTML metadata and body text", "[extract][html]") {
  struct Row {
    const char* name;
    std::string html;
    Expect expect;
  };
  const std::vector<Row> rows = {
      {"title from <title>",
       "<html><head><title> Asylum  statistics\n2020 </title></head><body><h1>Heading</h1><p>Body "
       "text.</p></body></html>",
       {.title = "Asylum statistics 2020", .has = {"Heading", "Body text."}}},
      {"first <h1> when there is no <title>",
       "<html><body><header><h1>Site <b>name</b></h1></header><p>Text of the "
       "page.</p></body></html>",
       {.title = "Site name", .has = {"Text of the page."}, .has_not = {"Site"}}},
      {"og:title beats <title>",
       "<html><head><title>Page | Site</title><meta property=\"og:title\" content=\"The Real "
       "Title\"></head>"
       "<body><p>Words.</p></body></html>",
       {.title = "The Real Title"}},
      {"citation_title beats og:title and DC.title",
       "<html><head><title>t</title><meta property=\"og:title\" content=\"OG\">"
       "<meta name=\"DC.title\" content=\"DC\"><meta name=\"citation_title\" content=\"Scholarly "
       "Title\"></head>"
       "<body><p>Words.</p></body></html>",
       {.title = "Scholarly Title"}},
      {"DC.title beats og:title",
       "<html><head><meta property=\"og:title\" content=\"OG\"><meta name=\"DC.Title\" "
       "content=\"Dublin Core\">"
       "</head><body><p>Words.</p></body></html>",
       {.title = "Dublin Core"}},
      {"language from <html lang>",
       "<!DOCTYPE html><html lang=\"de-AT\"><body><p>Wörter.</p></body></html>",
       {.language = "de-AT"}},
      {"language from content-language when <html> has none",
       "<html><head><meta http-equiv=\"Content-Language\" "
       "content=\"es\"></head><body><p>Palabras.</p></body></html>",
       {.language = "es"}},
      {"meta description",
       "<html><head><meta name=\"description\" content=\" A  short summary. \">"
       "<meta property=\"og:description\" content=\"OG "
       "summary\"></head><body><p>Words.</p></body></html>",
       {.description = "A short summary."}},
      {"og:description when there is no description",
       "<html><head><meta property=\"og:description\" content=\"OG "
       "summary\"></head><body><p>Words.</p></body></html>",
       {.description = "OG summary"}},
      {"scholarly metas: authors and publication date",
       "<html><head><meta name=\"citation_author\" content=\"Smith, Jane\">"
       "<meta name=\"citation_author\" content=\"Doe, John\">"
       "<meta name=\"citation_publication_date\" content=\"2018/05/01\">"
       "<meta name=\"author\" content=\"Web Team\"></head><body><p>Words.</p></body></html>",
       {.year = 2018, .authors = {"Smith, Jane", "Doe, John"}}},
      {"Highwire citation_*: publisher, PDF link, keywords",
       "<html><head><meta name=\"citation_title\" content=\"Cities and Asylum\">"
       "<meta name=\"citation_publisher\" content=\"Centre on Migration\">"
       "<meta name=\"citation_pdf_url\" content=\"https://example.org/wp-12.pdf\">"
       "<meta name=\"citation_keywords\" content=\"asylum\"><meta name=\"citation_keywords\" content=\"cities\">"
       "<meta name=\"keywords\" content=\"ignored\"><meta property=\"og:site_name\" content=\"Site\">"
       "</head><body><p>Words.</p></body></html>",
       {.title = "Cities and Asylum", .keywords = "asylum; cities", .publisher = "Centre on Migration",
        .pdf_url = "https://example.org/wp-12.pdf"}},
      {"DC.publisher and DC.subject, else og:site_name and keywords",
       "<html><head><meta name=\"DC.publisher\" content=\"City of Ghent\"><meta name=\"DC.subject\" content=\"housing\">"
       "<meta property=\"og:site_name\" content=\"Ghent portal\"></head><body><p>Words.</p></body></html>",
       {.keywords = "housing", .publisher = "City of Ghent", .pdf_url = ""}},
      {"OpenGraph site name and article:tag",
       "<html><head><meta property=\"og:site_name\" content=\"Migration Blog\">"
       "<meta property=\"article:tag\" content=\"returns\"></head><body><p>Words.</p></body></html>",
       {.keywords = "returns", .publisher = "Migration Blog"}},
      {"DC.creator and DC.date",
       "<html><head><meta name=\"DC.creator\" content=\"UNHCR\"><meta name=\"DC.date\" "
       "content=\"c. 2016\">"
       "</head><body><p>Words.</p></body></html>",
       {.year = 2016, .authors = {"UNHCR"}}},
      {"article:published_time, and the author meta",
       "<html><head><meta property=\"article:published_time\" content=\"2021-03-04T10:00:00Z\">"
       "<meta name=\"author\" content=\"Maria Rossi\"></head><body><p>Words.</p></body></html>",
       {.year = 2021, .authors = {"Maria Rossi"}}},
      {"a date meta without a plausible year gives no year",
       "<html><head><meta name=\"date\" content=\"12345\"></head><body><p>Words.</p></body></html>",
       {.year = 0}},
      {"navigation, scripts, styles, header, footer, aside and forms are dropped",
       "<html><head><style>.x{color:red}</style></head><body>"
       "<nav><a href=/>Home</a> <a href=/about>About us</a></nav>"
       "<header>Site banner text</header><script>var tracking = 1;</script><noscript>Enable "
       "JS</noscript>"
       "<aside>Related links</aside><form><label>Search the site</label></form>"
       "<p>The actual content.</p><template><p>Template text</p></template>"
       "<svg><text>Chart label</text></svg><iframe>frame</iframe>"
       "<footer>Copyright notice</footer></body></html>",
       {.has = {"The actual content."},
        .has_not = {"Home", "About us", "Site banner", "tracking", "Enable JS", "Related links",
                    "Search the site", "Template text", "Chart label", "Copyright", "color:red"}}},
      {"<main> is preferred to the rest of <body>",
       "<html><body><div class=\"sidebar\">Sidebar teaser text</div>"
       "<main><h1>Main heading</h1><p>Main content paragraph with enough letters to "
       "count.</p></main>"
       "<div>Trailing widget</div></body></html>",
       {.has = {"Main heading", "Main content paragraph"},
        .has_not = {"Sidebar", "Trailing widget"}}},
      {"<article>s are preferred when there is no <main>",
       "<html><body><div>Outside text block</div>"
       "<article><p>First article text with enough letters to count here.</p></article>"
       "<article><p>Second article text.</p></article></body></html>",
       {.has = {"First article text", "Second article text."}, .has_not = {"Outside"}}},
      {"an empty <main> falls back to <body>",
       "<html><body><main></main><p>Body paragraph that is the real content.</p></body></html>",
       {.has = {"Body paragraph"}}},
      {"cookie banners and consent dialogs are dropped",
       "<html><body><div id=\"cookie-notice\">We use cookies</div>"
       "<div class=\"gdpr Consent-box\">Accept all</div><section class=\"top-banner\">Donate "
       "now</section>"
       "<p>Content.</p></body></html>",
       {.has = {"Content."}, .has_not = {"cookies", "Accept all", "Donate now"}}},
      {"hidden elements are dropped",
       "<html><body><div hidden>Invisible</div><p>Visible.</p></body></html>",
       {.has = {"Visible."}, .has_not = {"Invisible"}}},
  };
  for (const Row& row : rows) {
    SECTION(row.name) {
      auto r = ix::extract_html(row.html);
      REQUIRE(r);
      check(*r, row.expect);
    }
  }
}

TEST_CASE("HTML block elements make breaks, inline elements do not", "[extract][html]") {
  struct Row {
    const char* body;
    const char* text;
  };
  const std::vector<Row> rows = {
      {"<p>one</p><p>two</p>", "one\n\ntwo"},
      {"<p>bo<b>ld</b> and <i>it</i>alic <a href=x>link</a>.</p>", "bold and italic link."},
      {"<ul><li>a</li><li>b</li></ul><p>c</p>", "a\nb\n\nc"},
      {"<div>x</div><div>y</div>", "x\ny"},
      {"line<br>break", "line\nbreak"},
      {"<h2>Head</h2>text", "Head\n\ntext"},
      {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
      {"  many   spaces\n\tand\ttabs  ", "many spaces and tabs"},
      {"&amp; &eacute;t&eacute; &lt;tag&gt; caf&#233; a&nbsp;b", "& été <tag> café a b"},
      {"<blockquote>quoted</blockquote><pre>code  kept</pre>", "quoted\n\ncode kept"},
  };
  for (const Row& row : rows) {
    INFO(row.body);
    auto r = ix::extract_html(std::string("<html><body>") + row.body + "</body></html>");
    REQUIRE(r);
    CHECK(r->text == row.text);
  }
}

TEST_CASE("HTML in legacy charsets is converted to UTF-8", "[extract][html]") {
  struct Row {
    const char* name;
    std::string html;
    std::string text;
  };
  const std::vector<Row> rows = {
      {"windows-1252 declared with <meta charset>",
       "<html><head><meta charset=\"windows-1252\"></head><body><p>Caf\xE9 \x93quoted\x94 \x80 "
       "5</p></body></html>",
       "Caf\u00E9 \u201Cquoted\u201D \u20AC 5"},
      {"ISO-8859-1 is read as windows-1252, as browsers do",
       "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
       "charset=ISO-8859-1\"></head>"
       "<body><p>Fl\xFC\x63htlinge \x96 Stra\xDF\x65</p></body></html>",
       "Fl\u00FCchtlinge \u2013 Stra\u00DFe"},
      {"ISO-8859-15 has the euro at 0xA4",
       "<html><head><meta charset='iso-8859-15'></head><body><p>\xA4 100</p></body></html>",
       "\u20AC 100"},
      {"no declaration: windows-1252 by default",
       "<html><body><p>r\xE9\x66ugi\xE9s</p></body></html>", "r\u00E9fugi\u00E9s"},
      {"valid UTF-8 stays UTF-8 whatever the meta says",
       "<html><head><meta "
       "charset=\"windows-1252\"></head><body><p>r\u00E9fugi\u00E9s</p></body></html>",
       "r\u00E9fugi\u00E9s"},
      {"declared UTF-8 with a stray byte keeps the rest",
       "<html><head><meta charset=\"utf-8\"></head><body><p>ok \xFF ok \u00E9</p></body></html>",
       "ok \uFFFD ok \u00E9"},
  };
  for (const Row& row : rows) {
    SECTION(row.name) {
      auto r = ix::extract_html(row.html);
      REQUIRE(r);
      CHECK(r->text == row.text);
      CHECK(passage::analysis::is_valid_utf8(r->text));
    }
  }
}

TEST_CASE("deeply nested HTML neither crashes nor takes long", "[extract][html]") {
  constexpr int kDepth = 100000;
  struct Row {
    const char* name;
    std::string open;
    std::string close;
  };
  const std::vector<Row> rows = {
      {"closed divs", "<div>", "</div>"},
      {"unclosed divs", "<div class=\"x\">", ""},
      {"nested spans", "<span>", "</span>"},
      {"nested formatting elements", "<b>", "</b>"},
      {"nested list items", "<ul><li>", "</li></ul>"},
  };
  for (const Row& row : rows) {
    SECTION(row.name) {
      std::string html = "<html><body><p>Before the nest.</p>";
      html.reserve(html.size() + kDepth * (row.open.size() + row.close.size()) + 100);
      for (int i = 0; i < kDepth; ++i) html += row.open;
      html += "Deep inside text.";
      for (int i = 0; i < kDepth; ++i) html += row.close;
      html += "<p>After the nest.</p></body></html>";

      const auto start = std::chrono::steady_clock::now();
      auto r = ix::extract_html(html);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      REQUIRE(r);
      CHECK(contains(r->text, "Before the nest."));
      CHECK(contains(r->text, "Deep inside text."));
      if (!row.close.empty()) CHECK(contains(r->text, "After the nest."));
      CHECK(seconds < 20.0);  // unbounded nesting makes gumbo quadratic: minutes
    }
  }
}

TEST_CASE("HTML without text is a DataLoss error", "[extract][html]") {
  const std::vector<std::string> pages = {
      "",
      "<html><head><title>Only a title</title></head><body></body></html>",
      "<html><body><script>document.write('x')</script><nav>Menu</nav></body></html>",
  };
  for (const std::string& page : pages) {
    INFO(page);
    auto r = ix::extract_html(page);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kDataLoss);
    CHECK(contains(r.error().message, "no extractable text"));
  }
}

// ---- Markdown and text --------------------------------------------------------------------------

TEST_CASE("Markdown front matter and syntax", "[extract][markdown]") {
  struct Row {
    const char* name;
    std::string md;
    Expect expect;
  };
  const std::vector<Row> rows = {
      {"YAML front matter fields",
       "---\ntitle: \"Rifugiato per un giorno\"\ndate: 2021-11-29T17:04:00+01:00\nlang: it\n"
       "author: Margherita Moro\ndescription: Una giornata nei panni di chi fugge.\nlayout: "
       "post\n---\nCorpo del testo.\n",
       {.title = "Rifugiato per un giorno",
        .language = "it",
        .year = 2021,
        .description = "Una giornata nei panni di chi fugge.",
        .authors = {"Margherita Moro"},
        .has = {"Corpo del testo."},
        .has_not = {"layout", "post\n", "Rifugiato per un giorno"}}},
      {"author lists, language: and summary:",
       "---\ntitle: T\nauthors:\n  - Ana Silva\n  - \"Rui Costa\"\nlanguage: pt-BR\nsummary: "
       "Resumo curto.\n---\nTexto.",
       {.language = "pt-BR",
        .description = "Resumo curto.",
        .authors = {"Ana Silva", "Rui Costa"}}},
      {"inline author list and a nested author name",
       "---\nauthors: [Ana Silva, 'Rui Costa']\n---\nTexto.",
       {.authors = {"Ana Silva", "Rui Costa"}}},
      {"author as a mapping",
       "---\nauthor:\n  name: Jo Bloggs\n  url: https://example.org\n---\nText.",
       {.authors = {"Jo Bloggs"}}},
      {"null values are ignored",
       "---\ntitle: Real\nautor: null\ndate: ~\n---\nText.",
       {.title = "Real", .year = 0}},
      {"other prose in front matter becomes body text",
       "---\ntitle: Aegean Islands\nintroduction: The Aegean Islands are a group of small Greek "
       "islands in the\n"
       "  Aegean Sea, close to the Turkish coast.\ngovernmentResponse: 'Greece has been moving "
       "towards a\n"
       "  detention system. This is [creating a crisis](https://example.org).'\nimage: /img/a.png\n"
       "pagePath: aegean-islands\ntags: [borders, sea]\n---\n",
       {.title = "Aegean Islands",
        .has = {"small Greek islands in the Aegean Sea, close to the Turkish coast.",
                "moving towards a detention system. This is creating a crisis.", "borders", "sea"},
        .has_not = {"/img/a.png", "aegean-islands", "https://example.org"}}},
      {"Hugo and Liquid shortcodes are removed",
       "---\ntitle: x\n---\n{{< delimiter >}}\n## Dmytro\nBefore {{% notice %}}inside{{% /notice "
       "%}} after.\n"
       "{% raw %}\n<p>Raw paragraph.</p>\n{% endraw %}\n<img src='{{ image }}'>\n",
       {.has = {"Dmytro", "Before inside after.", "Raw paragraph."},
        .has_not = {"{{", "}}", "{%", "%}", "delimiter", "notice", "raw", "image", "<p>"}}},
      {"links, images, emphasis, code and HTML",
       "# Title\n\nSee [the **report**](https://example.org/r.pdf \"r\") and ![a chart](c.png).\n"
       "*Italic* and __bold__ and `code` and ~~gone~~ and snake_case_name.\n"
       "<em>inline</em> tag, <https://example.org/auto> link, a &amp; b.\n"
       "Footnote[^1] here.\n\n[^1]: The note.\n[ref]: https://example.org\n",
       {.title = "Title",
        .has = {"See the report and a chart.",
                "Italic and bold and code and gone and snake_case_name.",
                "inline tag, https://example.org/auto link, a & b.", "Footnote here."},
        .has_not = {"](", "**", "`", "~~", "<em>", "r.pdf", "c.png", "[ref]"}}},
      {"headings, lists, quotes, rules and fences",
       "Intro line\n\n## Section *two*\n\n- item one\n* item two\n1. first\n> quoted "
       "text\n\n---\n\n"
       "```python\nprint('kept code')\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n",
       {.title = "Intro line",
        .has = {"Section two", "item one", "item two", "first", "quoted text", "print('kept code')",
                "a b\n1 2"},
        .has_not = {"##", "- item", "* item", "1. first", "> quoted", "```", "---", "|"}}},
      {"first # heading is the title without front matter",
       "Some preface line\n\n# The Heading\n\nText.\n",
       {.title = "The Heading"}},
      {"a heading without a space after # still counts",
       "#Болгарія\n\n## Інформація\n\nТекст.",
       {.title = "Болгарія", .has = {"Болгарія", "Інформація"}, .has_not = {"#"}}},
      {"setext heading",
       "Big Title\n=========\n\nText.\n",
       {.title = "Big Title", .has_not = {"==="}}},
      {"HTML comments, even across lines, are dropped",
       "Text before.\n<!--more-->\nMiddle.\n<!-- a\nlong comment\n-->\nEnd.",
       {.has = {"Text before.", "Middle.", "End."}, .has_not = {"more", "long comment"}}},
      {"Pelican header",
       "Title: Camp overstretched\nDate: 2015-05-23 16:14\nAuthor: jarvis\n\nKigoma, Tanzania.",
       {.title = "Camp overstretched",
        .year = 2015,
        .authors = {"jarvis"},
        .has = {"Kigoma"},
        .has_not = {"Date:"}}},
      {"TOML front matter",
       "+++\ntitle = \"Toml Title\"\ndate = 2020-02-02\n+++\nBody.",
       {.title = "Toml Title", .year = 2020, .has = {"Body."}, .has_not = {"+++"}}},
      {"an unclosed front matter is text",
       "---\ntitle: never closed\n\nBody.",
       {.has = {"title: never closed", "Body."}}},
      {"front matter only: the description is the text",
       "---\ntitle: Only Meta\ndescription: The only words.\n---\n",
       {.title = "Only Meta", .has = {"The only words."}}},
      {"CRLF front matter",
       "---\r\ntitle: Windows\r\ndate: 2001-01-01\r\n---\r\nLine one\r\nLine two\r\n",
       {.title = "Windows", .year = 2001, .has = {"Line one\nLine two"}, .has_not = {"\r"}}},
      {"a closing fence with trailing spaces",
       "---\ntitle: Spaces \n--- \nBody.",
       {.title = "Spaces"}},
  };
  for (const Row& row : rows) {
    SECTION(row.name) {
      auto r = ix::extract_text(row.md, /*markdown=*/true);
      REQUIRE(r);
      check(*r, row.expect);
    }
  }
}

TEST_CASE("parse_front_matter reads YAML scalars, lists and nesting", "[extract][markdown]") {
  const std::string doc =
      "---\n"
      "title: \"Brasil pode julgar ref\\u00fagio de cubana\"\n"
      "single: 'It''s quoted'\n"
      "plain: value # a comment\n"
      "literal: |\n"
      "  line one\n"
      "  line two\n"
      "folded: >-\n"
      "  folded one\n"
      "  folded two\n"
      "tags:\n"
      "- alpha\n"
      "- \"beta\"\n"
      "header:\n"
      "   image_fullwidth: \"header.jpg\"\n"
      "emoji: \"\\ud83c\\udde6\"\n"
      "---\n"
      "Body here.";
  const ix::FrontMatter fm = ix::parse_front_matter(doc);
  CHECK(fm.body == "Body here.");
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& e : fm.entries) got.emplace_back(e.key, e.value);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"title", "Brasil pode julgar ref\u00FAgio de cubana"},
      {"single", "It's quoted"},
      {"plain", "value"},
      {"literal", "line one\nline two"},
      {"folded", "folded one folded two"},
      {"tags", "alpha"},
      {"tags", "beta"},
      {"header.image_fullwidth", "header.jpg"},
      {"emoji", "\U0001F1E6"},
  };
  CHECK(got == expected);
  CHECK(ix::parse_front_matter("No front matter.").entries.empty());
  CHECK(ix::parse_front_matter("No front matter.").body == "No front matter.");
}

TEST_CASE("plain text: encodings, line ends and title", "[extract][text]") {
  struct Row {
    const char* name;
    std::string bytes;
    std::string text;
    std::string title;
  };
  const std::vector<Row> rows = {
      {"CRLF and lone CR become LF", "Title line\r\n\r\nBody one\r\nBody two\rBody three\r\n",
       "Title line\n\nBody one\nBody two\nBody three", "Title line"},
      {"windows-1252 is converted", "Caf\xE9 \x93Zukunft\x94\n", "Caf\u00E9 \u201CZukunft\u201D",
       "Caf\u00E9 \u201CZukunft\u201D"},
      {"UTF-8 with a BOM", "\xEF\xBB\xBFHello\n", "Hello", "Hello"},
      {"UTF-16LE with a BOM", std::string("\xFF\xFEH\0i\0\n\0", 8), "Hi", "Hi"},
      {"blank runs collapse to one blank line", "\n\n  a  \n\n\n\nb\n\n", "  a\n\nb", "a"},
      {"labels are not titles", "URL: https://example.org/page\n\nBody Text:\nKirchenasyl\nText.",
       "URL: https://example.org/page\n\nBody Text:\nKirchenasyl\nText.", "Kirchenasyl"},
      {"a long first line is no title", std::string(250, 'a') + "\nsecond",
       std::string(250, 'a') + "\nsecond", ""},
      {"control characters are dropped",
       std::string("a\0b\x01"
                   "c",
                   5),
       "a b c", "a b c"},
  };
  for (const Row& row : rows) {
    SECTION(row.name) {
      auto r = ix::extract_text(row.bytes, /*markdown=*/false);
      REQUIRE(r);
      CHECK(r->text == row.text);
      CHECK(r->title == row.title);
      CHECK(passage::analysis::is_valid_utf8(r->text));
      CHECK(r->pages == 0);
    }
  }
  SECTION("empty text is a DataLoss error") {
    for (const std::string& empty :
         {std::string(), std::string(" \r\n\t\n"), std::string("\xEF\xBB\xBF")}) {
      auto r = ix::extract_text(empty, false);
      REQUIRE_FALSE(r);
      CHECK(r.error().code == ErrorCode::kDataLoss);
      CHECK(contains(r.error().message, "no extractable text"));
    }
  }
}

// ---- PDF ----------------------------------------------------------------------------------------

TEST_CASE("PDF: two pages with metadata", "[extract][pdf]") {
  auto r = ix::extract_file(fixture("two_pages.pdf"));
  REQUIRE(r);
  CHECK(r->pages == 2);
  REQUIRE(r->page_offsets.size() == 2);
  CHECK(r->page_offsets[0] == 0);
  const std::string page1 = r->text.substr(0, r->page_offsets[1]);
  const std::string page2 = r->text.substr(r->page_offsets[1]);
  CHECK(contains(page1, "Alpha page one discusses asylum procedures in Europe."));
  CHECK_FALSE(contains(page1, "Beta"));
  CHECK(page2.rfind("Beta page two discusses border policy and returns.", 0) == 0);
  CHECK(r->text.substr(r->page_offsets[1] - 2, 2) == "\n\n");
  CHECK(r->title == "Two Page Fixture on Asylum");
  CHECK(r->authors == std::vector<std::string>{"Ada Lovelace", "Charles Babbage"});
  CHECK(r->description == "A hand-made test document");
  CHECK(r->keywords == "asylum; borders");
  CHECK(r->year.value_or(0) == 2019);
  CHECK(r->language == "en-GB");
  CHECK_FALSE(contains(r->text, "\f"));
}

TEST_CASE("PDF: junk metadata titles give way to the first page's heading", "[extract][pdf]") {
  struct Row {
    const char* file;
    const char* title;
  };
  const std::vector<Row> rows = {
      {"junk_title.pdf", "Integration of Refugees in Cities"},  // largest font
      {"junk_title_plain.pdf",
       "Reception Conditions Directive: A Practical Guide"},  // first real line
  };
  for (const Row& row : rows) {
    INFO(row.file);
    auto r = ix::extract_file(fixture(row.file));
    REQUIRE(r);
    CHECK(r->title == row.title);
    CHECK(r->authors.empty());  // "Administrator" is no author
  }
}

TEST_CASE("PDF: unreadable documents are DataLoss errors", "[extract][pdf]") {
  const std::string good = pt::read_file(fixture("two_pages.pdf"));
  struct Row {
    const char* name;
    std::string bytes;
    const char* message;
  };
  const std::vector<Row> rows = {
      {"header and garbage", "%PDF-1.4\nthis is not a pdf at all\n", "broken PDF"},
      {"truncated after the header", good.substr(0, 40), "broken PDF"},
      {"not a PDF at all", "<html>oops</html>", "broken PDF"},
      {"encrypted", pt::read_file(fixture("encrypted.pdf")), "encrypted PDF"},
      {"no text on any page", pt::read_file(fixture("empty_text.pdf")), "no extractable text"},
  };
  for (const Row& row : rows) {
    SECTION(row.name) {
      auto r = ix::extract_pdf(row.bytes);
      REQUIRE_FALSE(r);
      CHECK(r.error().code == ErrorCode::kDataLoss);
      CHECK(contains(r.error().message, row.message));
    }
  }
}

TEST_CASE("PDF: a PDF with the wrong extension is still read as a PDF", "[extract][pdf]") {
  pt::TempDir dir;
  pt::write_file(dir / "report.html", pt::read_file(fixture("two_pages.pdf")));
  auto r = ix::extract_file(dir / "report.html");
  REQUIRE(r);
  CHECK(r->pages == 2);
  CHECK(contains(r->text, "Beta page two"));
}

TEST_CASE("extraction is safe from several threads at once", "[extract]") {
  const std::string pdf = pt::read_file(fixture("junk_title.pdf"));
  const std::string html = "<html lang=en><body><main><p>Parallel text.</p></main></body></html>";
  std::vector<std::string> titles(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < titles.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto p = ix::extract_pdf(pdf);
        auto h = ix::extract_html(html);
        auto broken = ix::extract_pdf("%PDF-1.4 broken");
        if (!p || !h || broken || h->text != "Parallel text.") return;
        titles[t] = p->title;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& title : titles) CHECK(title == "Integration of Refugees in Cities");
}

// ---- shared rules -------------------------------------------------------------------------------

TEST_CASE("junk titles", "[extract][rules]") {
  struct Row {
    const char* title;
    bool junk;
  };
  const std::vector<Row> rows = {
      {"", true},
      {"abc", true},
      {"2019", true},
      {"12/34-56", true},
      {"Microsoft Word - Final report.docx", true},
      {"Microsoft Word - Bericht", true},
      {"annual_report_v2", true},
      {"Bericht.pdf", true},
      {"brochure.indd", true},
      {"bqvjf1g nach freigabe.p65", true},
      {"Untitled", true},
      {"untitled-1", true},
      {"Frontex Letterhead Template", true},
      {"CountryCode", true},
      {"C:/Users/x/report", true},
      {"Asylum Statistics 2019", false},
      {"Ley de Migración", false},
      {"Drucksache 18/705", false},
      {"Refugees", false},
      {"EU Regulation No. 604/2013", false},
  };
  for (const Row& row : rows) {
    INFO(row.title);
    CHECK(ix::is_junk_title(row.title) == row.junk);
  }
}

TEST_CASE("years, whitespace and UTF-8 validity", "[extract][rules]") {
  struct YearRow {
    const char* text;
    int year;
  };
  const std::vector<YearRow> years = {
      {"2019-05-03", 2019}, {"May 2019", 2019},       {"c. 1951", 1951}, {"D:20190503", 0},
      {"12345", 0},         {"1899 then 1999", 1999}, {"2101", 0},       {"", 0},
      {"2020/2021", 2020},
  };
  for (const YearRow& row : years) {
    INFO(row.text);
    CHECK(ix::first_year(row.text).value_or(0) == row.year);
  }
  CHECK(ix::collapse_whitespace("  a \t\n b\u00A0c\u2003d\u200Be  ") == "a b c de");
  CHECK(ix::utf8_prefix("h\u00E9llo", 2) == "h");
  CHECK(ix::utf8_prefix("h\u00E9llo", 3) == "h\u00E9");

  struct Utf8Row {
    std::string bytes;
    bool valid;
  };
  const std::vector<Utf8Row> utf8 = {
      {"plain ascii text that is longer than eight bytes", true},
      {"caf\u00E9 \u20AC \U0001F600", true},
      {"\xC3", false},              // truncated
      {"\xC0\xAF", false},          // overlong
      {"\xED\xA0\x80", false},      // surrogate
      {"\xF4\x90\x80\x80", false},  // above U+10FFFF
      {"abcdefgh\xFF", false},
  };
  for (const Utf8Row& row : utf8) {
    INFO(row.bytes);
    CHECK(passage::analysis::is_valid_utf8(row.bytes) == row.valid);
  }
}

// ---- the shared corpus --------------------------------------------------------------------------

TEST_CASE("every document of the shared corpus extracts", "[extract][corpus][slow]") {
  const fs::path corpus = pt::shared_corpus_dir();
  if (corpus.empty()) {
    WARN("../shared/corpus is absent: skipped");
    return;
  }
  std::size_t files = 0;
  std::size_t pdf_pages = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name == "MANIFEST.tsv" || name == "SOURCES.md" || name == "README.md") continue;
    INFO(entry.path());
    auto r = ix::extract_file(entry.path());
    REQUIRE(r);
    CHECK_FALSE(r->text.empty());
    CHECK(passage::analysis::is_valid_utf8(r->text));
    CHECK(passage::analysis::is_valid_utf8(r->title));
    CHECK(r->page_offsets.size() == static_cast<std::size_t>(r->pages));
    ++files;
    pdf_pages += static_cast<std::size_t>(r->pages);
  }
  CHECK(files >= 1700);
  CHECK(pdf_pages >= 2300);
}
