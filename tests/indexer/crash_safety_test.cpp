// Crash safety: a job killed with SIGKILL at chosen points (before its first commit, in the middle
// of a batch, during a commit) leaves an index that opens, holds intact every document it
// committed, and that the next run completes to exactly what an uninterrupted run gives. The job
// runs in a forked child with isolated parse workers, which must die with it.

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "core/index_layout.hpp"
#include "core/schema.hpp"
#include "indexer/index_job.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
namespace ix = passage::indexer;
namespace pt = passage::test;

namespace {

ix::IndexOptions options(const fs::path& docs, const fs::path& index) {
  ix::IndexOptions o;
  o.index_dir = index;
  o.sources = ix::sources_for_folders({docs}, "report");
  o.threads = 2;
  o.commit_every = 5;
  return o;
}

}  // namespace

TEST_CASE("a job killed before its first commit, mid-batch or during a commit loses nothing committed",
          "[crash][job]") {
  pt::TempDir dir;
  const fs::path docs = dir / "docs";
  for (int i = 0; i < 23; ++i) {
    pt::write_file(docs / ("note-" + std::to_string(i) + ".txt"),
                   "Note " + std::to_string(i) + " on reception centres, asylum procedures and municipal housing.\n\n" +
                       std::string(static_cast<std::size_t>(200 + 37 * i), 'x') + "\n");
  }
  pt::write_file(docs / "pages.pdf", pt::read_file(pt::source_dir() / "tests/data/extract/two_pages.pdf"));
  REQUIRE(ix::run_index_job(options(docs, dir / "reference")));
  const auto reference = pt::index_contents(dir / "reference");
  REQUIRE(reference.size() == 24);

  struct Row {
    const char* name;
    ix::JobStage stage;
    int occurrence;           // kill at this occurrence of the stage
    int delay_us;             // ... this long after it (from a second thread), or at once when < 0
    std::vector<std::size_t> allowed;  // document counts the killed index may hold
  };
  const std::vector<Row> rows = {
      {"before the first commit", ix::JobStage::kDocumentWritten, 3, -1, {0}},
      {"mid-batch, after two commits", ix::JobStage::kDocumentWritten, 13, -1, {10}},
      {"at the start of a commit", ix::JobStage::kCommitting, 2, -1, {5}},
      {"during a commit (0.2 ms in)", ix::JobStage::kCommitting, 2, 200, {5, 10}},
      {"during a commit (2 ms in)", ix::JobStage::kCommitting, 3, 2000, {10, 15, 20}},
      {"right after a commit", ix::JobStage::kCommitted, 4, -1, {20}},
  };
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  for (const Row& row : rows) {
    {
      INFO(row.name);
      const fs::path index = dir / "killed";
      fs::remove_all(index);
      ix::IndexOptions o = options(docs, index);
      o.isolation.worker = PASSAGE_WORKER;
      const pid_t child = ::fork();
      REQUIRE(child >= 0);
      if (child == 0) {
        int seen = 0;
        o.on_stage = [&](ix::JobStage s) {
          if (s != row.stage || ++seen != row.occurrence) return;
          if (row.delay_us < 0) ::kill(::getpid(), SIGKILL);
          std::thread([us = row.delay_us] {
            std::this_thread::sleep_for(std::chrono::microseconds(us));
            ::kill(::getpid(), SIGKILL);
          }).detach();
        };
        (void)ix::run_index_job(o);
        ::_exit(3);  // the job ended before the kill: the row is wrong
      }
      int status = 0;
      REQUIRE(::waitpid(child, &status, 0) == child);
      REQUIRE(WIFSIGNALED(status));
      CHECK(WTERMSIG(status) == SIGKILL);
      CHECK(pt::children_gone(std::chrono::seconds(5)));  // the parse workers died with the job

      // The index opens and holds only whole, correct documents.
      const auto killed = pt::index_contents(index);
      INFO("documents after the kill: " << killed.size());
      CHECK(std::find(row.allowed.begin(), row.allowed.end(), killed.size()) != row.allowed.end());
      for (const auto& [id, content] : killed) {
        INFO(id);
        REQUIRE(reference.count(id) == 1);
        CHECK(reference.at(id) == content);
      }
      // The next run completes it.
      auto report = ix::run_index_job(options(docs, index));
      REQUIRE(report);
      CHECK(report->unchanged == killed.size());
      CHECK(report->indexed == reference.size() - killed.size());
      CHECK(pt::index_contents(index) == reference);
    }
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST_CASE("a full rebuild killed midway leaves the previous generation serving, whole",
          "[crash][job][generations]") {
  // One database, and a set of 4 shards that switches as a whole.
  const std::size_t shards = GENERATE(1u, 4u);
  INFO(shards << " shard(s)");
  const auto options = [shards](const fs::path& docs, const fs::path& index) {
    ix::IndexOptions o = ::options(docs, index);
    o.shards.assign(shards, passage::config::ShardSettings{});
    return o;
  };
  pt::TempDir dir;
  const fs::path docs = dir / "docs";
  for (int i = 0; i < 14; ++i)
    pt::write_file(docs / ("note-" + std::to_string(i) + ".txt"),
                   "Note " + std::to_string(i) + " on integration courses and language tuition.\n");
  const fs::path index = dir / "index";
  REQUIRE(ix::run_index_job(options(docs, index)));
  const auto before = pt::index_contents(index);
  REQUIRE(before.size() == 14);
  // The sources change, then a full rebuild is killed after its second commit.
  pt::write_file(docs / "note-3.txt",
                 "Note 3, rewritten: housing first for unaccompanied minors.\n");
  pt::write_file(docs / "added.txt", "Added: a note on regional dispersal policies.\n");
  REQUIRE(ix::run_index_job(options(docs, dir / "reference")));
  const auto reference = pt::index_contents(dir / "reference");
  REQUIRE(reference.size() == 15);

  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ix::IndexOptions o = options(docs, index);
    o.full = true;
    o.isolation.worker = PASSAGE_WORKER;
    int commits = 0;
    o.on_stage = [&](ix::JobStage s) {
      if (s == ix::JobStage::kCommitted && ++commits == 2) ::kill(::getpid(), SIGKILL);
    };
    (void)ix::run_index_job(o);
    ::_exit(3);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(pt::children_gone(std::chrono::seconds(5)));
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);

  // Readers still see the previous generation exactly; the unfinished one is beside it.
  CHECK(pt::index_contents(index) == before);
  CHECK(passage::layout::read_layout(index).value_or_throw().generation == 1);
  CHECK(passage::layout::read_layout(index).value_or_throw().shards.size() == shards);
  CHECK(passage::layout::generations_on_disk(index) == std::vector<int>{1, 2});

  // The next full run discards the unfinished generation and completes.
  ix::IndexOptions again = options(docs, index);
  again.full = true;
  auto report = ix::run_index_job(again);
  REQUIRE(report);
  CHECK(report->generation == 2);
  CHECK(report->indexed == 15);
  CHECK(pt::index_contents(index) == reference);
  CHECK(passage::layout::generations_on_disk(index) == std::vector<int>{1, 2});
}
