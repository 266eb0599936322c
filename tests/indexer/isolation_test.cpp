// Isolated parsing: the worker's wire format, and documents that crash, spin, hang or balloon the
// parser costing only themselves, in one IsolatedParser and in a whole index job. The misbehaving
// documents use the hooks of tests/indexer/test_parse_worker_main.cpp.

#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include <xapian.h>

#include "core/schema.hpp"
#include "indexer/index_job.hpp"
#include "indexer/parse_worker.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
namespace ix = passage::indexer;
namespace pt = passage::test;
using passage::ErrorCode;

namespace {

const fs::path kTestWorker = PASSAGE_TEST_WORKER;
const fs::path kWorker = PASSAGE_WORKER;

fs::path fixture(const std::string& name) { return pt::source_dir() / "tests" / "data" / "extract" / name; }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Generous wall-clock time: on a loaded machine a spinning worker gets a fraction of a core.
ix::IsolationOptions test_isolation(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  ix::IsolationOptions o;
  o.worker = kTestWorker;
  o.limits.cpu_seconds = 1;
  o.limits.memory_mb = 200;
  o.timeout = timeout;
  return o;
}

const std::string kGood = "A plain text note about reception centres and asylum procedures.\n";

}  // namespace

TEST_CASE("parse worker: replies round-trip, malformed ones are errors", "[isolation][wire]") {
  ix::Extracted e;
  e.title = "Title";
  static constexpr char kText[] = "Body\0with a NUL and \xC3\xA9";
  e.text = std::string(kText, sizeof kText - 1);
  e.language = "fr";
  e.year = 2019;
  e.authors = {"A. Author", "B. Author"};
  e.description = "Summary";
  e.keywords = "asylum; cities";
  e.publisher = "Publisher";
  e.pdf_url = "https://example.org/paper.pdf";
  e.pages = 2;
  e.page_offsets = {0, 10};
  auto back = ix::decode_reply(ix::encode_reply(e));
  REQUIRE(back);
  CHECK(back->title == e.title);
  CHECK(back->text == e.text);
  CHECK(back->language == e.language);
  CHECK(back->year == e.year);
  CHECK(back->authors == e.authors);
  CHECK(back->description == e.description);
  CHECK(back->keywords == e.keywords);
  CHECK(back->publisher == e.publisher);
  CHECK(back->pdf_url == e.pdf_url);
  CHECK(back->pages == 2);
  CHECK(back->page_offsets == e.page_offsets);

  e.year.reset();
  CHECK_FALSE(ix::decode_reply(ix::encode_reply(e))->year);

  auto err = ix::decode_reply(ix::encode_reply(passage::make_error(ErrorCode::kDataLoss, "broken PDF: x")));
  REQUIRE_FALSE(err);
  CHECK(err.error().code == ErrorCode::kDataLoss);
  CHECK(err.error().message == "broken PDF: x");

  const std::string good = ix::encode_reply(e);
  for (const std::string& bad : {std::string(), good.substr(0, good.size() - 1), good + "x", std::string("\x07", 1),
                                 std::string("\x01\x09\x00\x00\x00\x00", 6)}) {
    auto r = ix::decode_reply(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInternal);
  }
}

TEST_CASE("parse worker: serve_request extracts named bytes and files", "[isolation][wire]") {
  auto from_bytes = ix::decode_reply(ix::serve_request(ix::encode_request({"notes/2016-03-01-reception.txt", kGood})));
  REQUIRE(from_bytes);
  CHECK(contains(from_bytes->text, "reception centres"));
  CHECK(from_bytes->year == 2016);  // the dated name counts

  auto from_file = ix::decode_reply(ix::serve_request(ix::encode_request({fixture("two_pages.pdf"), std::nullopt})));
  REQUIRE(from_file);
  CHECK(from_file->pages == 2);

  auto missing = ix::decode_reply(ix::serve_request(ix::encode_request({"/nonexistent/x.pdf", std::nullopt})));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kNotFound);

  auto malformed = ix::decode_reply(ix::serve_request("Zjunk"));
  REQUIRE_FALSE(malformed);
  CHECK(contains(malformed.error().message, "malformed request"));
}

TEST_CASE("isolated parsing gives what in-process parsing gives", "[isolation]") {
  ix::IsolationOptions o;
  o.worker = kWorker;
  ix::IsolatedParser parser(o);
  for (const char* name : {"two_pages.pdf", "junk_title.pdf", "encrypted.pdf"}) {
    INFO(name);
    auto isolated = parser.parse({fixture(name), std::nullopt});
    auto local = ix::extract_file(fixture(name));
    REQUIRE(isolated.has_value() == local.has_value());
    if (!local) {
      CHECK(isolated.error().message == local.error().message);
      continue;
    }
    CHECK(isolated->title == local->title);
    CHECK(isolated->text == local->text);
    CHECK(isolated->authors == local->authors);
    CHECK(isolated->page_offsets == local->page_offsets);
    CHECK(isolated->year == local->year);
  }
  CHECK(parser.pid() > 0);  // one worker served them all
}

TEST_CASE("isolated parsing: a crash, a spin, a hang and a balloon cost their document only", "[isolation]") {
  ix::IsolatedParser parser(test_isolation());
  ix::IsolatedParser impatient(test_isolation(std::chrono::milliseconds(1500)));
  auto good = [&] {
    auto r = parser.parse({"good.txt", kGood});
    REQUIRE(r);
    CHECK(contains(r->text, "asylum procedures"));
  };
  good();
  const pid_t first = parser.pid();

  struct Row {
    const char* marker;
    const char* reason;
  };
  const std::vector<Row> rows = {
      {"PASSAGE-TEST-CRASH", "bad.txt: parser crashed (signal 11)"},
      {"PASSAGE-TEST-ABORT", "bad.txt: parser crashed (signal 6)"},
      {"PASSAGE-TEST-SPIN", "bad.txt: CPU time limit exceeded (1 s)"},
      {"PASSAGE-TEST-BALLOON", "bad.txt: memory limit exceeded (200 MB)"},
  };
  for (const Row& row : rows) {
    INFO(row.marker);
    auto r = parser.parse({"bad.txt", std::string(row.marker) + "\n" + kGood});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kDataLoss);
    CHECK(r.error().message == row.reason);
    CHECK(parser.pid() == -1);  // the worker is gone ...
    good();  // ... and a fresh one parses the next document
    CHECK(parser.pid() != first);
  }
  // A worker that blocks without using CPU: only the wall clock stops it.
  auto hung = impatient.parse({"bad.txt", "PASSAGE-TEST-HANG\n" + kGood});
  REQUIRE_FALSE(hung);
  CHECK(hung.error().message == "bad.txt: timed out after 1.5 s");
  CHECK(impatient.pid() == -1);
  CHECK(impatient.parse({"good.txt", kGood}).has_value());
}

TEST_CASE("an index job with isolated workers reports bad documents and indexes the rest", "[isolation][job]") {
  pt::TempDir dir;
  const fs::path docs = dir / "docs";
  for (int i = 0; i < 4; ++i) pt::write_file(docs / ("good-" + std::to_string(i) + ".txt"), kGood + std::to_string(i));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"crash.txt", "parser crashed (signal 11)"},
      {"hang.txt", "timed out after 8 s"},
      {"balloon.txt", "memory limit exceeded (200 MB)"},
  };
  for (const auto& [name, reason] : bad) {
    std::string marker = "PASSAGE-TEST-" + name.substr(0, name.find('.'));
    for (char& c : marker) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    pt::write_file(docs / name, marker + "\n" + kGood);
  }
  pt::write_file(docs / "broken.pdf", "%PDF-1.4\nnot really\n");

  ix::IndexOptions opts;
  opts.index_dir = dir / "index";
  opts.sources = ix::sources_for_folders({docs}, "report");
  opts.threads = 2;
  opts.isolation = test_isolation(std::chrono::seconds(8));
  auto report = ix::run_index_job(opts);
  REQUIRE(report);
  CHECK(report->indexed == 4);
  CHECK(report->documents == 4);
  REQUIRE(report->failed.size() == bad.size() + 1);
  for (const auto& [name, reason] : bad) {
    INFO(name);
    const bool named = std::any_of(report->failed.begin(), report->failed.end(), [&](const ix::ItemProblem& p) {
      return fs::path(p.path).filename() == name && p.reason == name + ": " + reason;
    });
    CHECK(named);
  }
  CHECK(std::any_of(report->failed.begin(), report->failed.end(),
                    [](const ix::ItemProblem& p) { return contains(p.reason, "broken.pdf: broken PDF"); }));
  Xapian::Database db((dir / "index").string());
  CHECK(db.get_doccount() == 4);
  CHECK(db.term_exists(passage::schema::id_term("docs/good-3.txt")));
}

TEST_CASE("a missing parse worker stops the job before it touches the index", "[isolation][job]") {
  pt::TempDir dir;
  pt::write_file(dir / "docs" / "a.txt", kGood);
  ix::IndexOptions opts;
  opts.index_dir = dir / "index";
  opts.sources = ix::sources_for_folders({dir / "docs"}, "report");
  REQUIRE(ix::run_index_job(opts));  // in-process: indexed
  opts.isolation.worker = dir / "no-such-worker";
  auto r = ix::run_index_job(opts);
  REQUIRE_FALSE(r);
  CHECK(contains(r.error().message, "no-such-worker is missing"));
  CHECK(Xapian::Database((dir / "index").string()).get_doccount() == 1);  // nothing deleted
}
