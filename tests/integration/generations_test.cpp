// Index generations: `passage index --full` rebuilds into a new generation beside the current one
// and switches the stub atomically at the end, so readers see the old index, whole, until the new
// one is complete; a plain database folder from before generations is read and migrated; a second
// job on the same index fails at once.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <optional>
#include <vector>

#include "core/index_layout.hpp"
#include "indexer/index_job.hpp"
#include "query/searcher.hpp"
#include "tests/test_support.hpp"

using namespace passage;
namespace fs = std::filesystem;
namespace pt = passage::test;

namespace {

void write_notes(const fs::path& docs, int count) {
  for (int i = 0; i < count; ++i)
    pt::write_file(docs / ("note-" + std::to_string(i) + ".txt"),
                   "Note " + std::to_string(i) +
                       "\n\nMunicipal reception of asylum seekers, note " + std::to_string(i) +
                       ".\n");
}

indexer::IndexOptions options(const fs::path& docs, const fs::path& index) {
  indexer::IndexOptions o;
  o.index_dir = index;
  o.sources = indexer::sources_for_folders({docs}, "report");
  o.threads = 2;
  o.commit_every = 2;
  return o;
}

std::size_t hits(const fs::path& index, const std::string& q) {
  auto s = query::Searcher::open(index).value_or_throw();
  query::SearchRequest req;
  req.query = q;
  return s->search(req).value_or_throw().total;
}

}  // namespace

TEST_CASE("a full rebuild is invisible until complete, then switches every reader",
          "[integration][index][generations]") {
  pt::TempDir tmp;
  const fs::path docs = tmp / "docs";
  const fs::path index = tmp / "index";
  write_notes(docs, 6);
  auto first = indexer::run_index_job(options(docs, index)).value_or_throw();
  CHECK(first.generation == 1);
  CHECK(first.documents == 6);
  REQUIRE(fs::exists(index / "XAPIANDB"));
  CHECK(layout::read_layout(index).value_or_throw().generation == 1);

  // The sources change: one file goes, one arrives.
  fs::remove(docs / "note-0.txt");
  pt::write_file(docs / "quokka.txt", "Quokka\n\nQuokkanomics of municipal integration budgets.\n");

  auto searcher = query::Searcher::open(index).value_or_throw();
  Xapian::Database held(index.string());
  auto full = options(docs, index);
  full.full = true;
  int commits = 0;
  std::vector<std::string> seen_mid_job;  // what a new reader saw at each commit of the rebuild
  full.on_stage = [&](indexer::JobStage s) {
    if (s != indexer::JobStage::kCommitted) return;
    ++commits;
    Xapian::Database now(index.string());
    seen_mid_job.push_back(std::to_string(now.get_doccount()) + " docs, generation " +
                           std::to_string(layout::read_layout(index).value_or_throw().generation) +
                           ", quokka " + std::to_string(hits(index, "quokkanomics")));
  };
  auto rebuilt = indexer::run_index_job(full).value_or_throw();
  REQUIRE(commits >= 3);  // batches of 2, then the final commit
  for (const std::string& seen : seen_mid_job) CHECK(seen == "6 docs, generation 1, quokka 0");
  CHECK(rebuilt.generation == 2);
  CHECK(rebuilt.indexed == 6);
  CHECK(rebuilt.unchanged == 0);
  CHECK(rebuilt.deleted == 1);  // note-0 is not in the new generation
  CHECK(rebuilt.documents == 6);
  CHECK(layout::read_layout(index).value_or_throw().generation == 2);
  CHECK(hits(index, "quokkanomics") == 1);

  // A reader that opened the old generation keeps reading it until it reopens.
  CHECK(held.get_doccount() == 6);
  query::SearchRequest req;
  req.query = "quokkanomics";
  CHECK(searcher->search(req).value_or_throw().total == 0);
  searcher->reopen();
  CHECK(searcher->search(req).value_or_throw().total == 1);

  // The previous generation stays for readers still on it; older ones go.
  auto again = indexer::run_index_job(full).value_or_throw();
  CHECK(again.generation == 3);
  CHECK(layout::generations_on_disk(index) == std::vector<int>{2, 3});

  // Incremental runs write into the current generation in place.
  pt::write_file(docs / "wombat.txt", "Wombat\n\nWombatology of reception centres.\n");
  auto incremental = indexer::run_index_job(options(docs, index)).value_or_throw();
  CHECK(incremental.generation == 3);
  CHECK(incremental.indexed == 1);
  CHECK(incremental.unchanged == 6);
  CHECK(incremental.documents == 7);
  CHECK(layout::generations_on_disk(index) == std::vector<int>{2, 3});
  CHECK(hits(index, "wombatology") == 1);

  // A full rebuild cannot be limited to one source.
  auto one = full;
  one.only_source = one.sources.front().name;
  auto refused = indexer::run_index_job(one);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE(
    "a plain database folder from before generations is updated in place and migrated by --full",
    "[integration][index][generations]") {
  pt::TempDir tmp;
  const fs::path docs = tmp / "docs";
  write_notes(docs, 4);
  // A plain glass database with Passage's documents: the files of a generation's database,
  // copied to the top of an index folder.
  indexer::run_index_job(options(docs, tmp / "made")).value_or_throw();
  const fs::path plain = tmp / "plain";
  fs::copy(layout::shard_dir(tmp / "made", 1, 0), plain, fs::copy_options::recursive);
  REQUIRE(layout::is_plain_database(plain));
  CHECK(layout::read_layout(plain).value_or_throw().generation == 0);

  pt::write_file(docs / "extra.txt", "Extra\n\nKangaroo courts and asylum appeals.\n");
  auto incremental = indexer::run_index_job(options(docs, plain)).value_or_throw();
  CHECK(incremental.generation == 0);
  CHECK(incremental.indexed == 1);
  CHECK(incremental.unchanged == 4);
  CHECK(layout::is_plain_database(plain));

  Xapian::Database held(plain.string());
  auto full = options(docs, plain);
  full.full = true;
  auto migrated = indexer::run_index_job(full).value_or_throw();
  CHECK(migrated.generation == 1);
  CHECK(migrated.documents == 5);
  CHECK_FALSE(layout::is_plain_database(plain));
  CHECK_FALSE(fs::exists(plain / "iamglass"));
  CHECK(Xapian::Database(plain.string()).get_doccount() == 5);
  CHECK(hits(plain, "kangaroo") == 1);
  // The old tables stay for readers opening them at the switch; the next job removes them.
  CHECK(fs::exists(plain / "postlist.glass"));
  CHECK(held.get_doccount() == 5);
  auto after = indexer::run_index_job(options(docs, plain)).value_or_throw();
  CHECK(after.unchanged == 5);
  CHECK_FALSE(fs::exists(plain / "postlist.glass"));
  CHECK_FALSE(fs::exists(plain / "flintlock"));
  CHECK(held.get_doccount() == 5);  // a reader of the removed files still reads them
}

TEST_CASE(
    "a migration interrupted between the stub and the plain database's marker is finished by the "
    "next job",
    "[integration][index][generations]") {
  pt::TempDir tmp;
  const fs::path docs = tmp / "docs";
  write_notes(docs, 3);
  indexer::run_index_job(options(docs, tmp / "made")).value_or_throw();
  const fs::path plain = tmp / "plain";
  fs::copy(layout::shard_dir(tmp / "made", 1, 0), plain, fs::copy_options::recursive);
  // The state a kill right after the stub's rename leaves: stub and plain database side by side
  // (Xapian opens the plain one), the new generation complete.
  pt::write_file(docs / "extra.txt", "Extra\n\nKangaroo courts and asylum appeals.\n");
  indexer::run_index_job(options(docs, tmp / "next")).value_or_throw();
  fs::create_directories(layout::generation_dir(plain, 1));
  fs::copy(layout::shard_dir(tmp / "next", 1, 0), layout::shard_dir(plain, 1, 0),
           fs::copy_options::recursive);
  layout::Layout l;
  l.generation = 1;
  l.shards.push_back({"shard-0", layout::shard_dir(plain, 1, 0), "", 0, layout::kDefaultTimeoutMs});
  REQUIRE(layout::write_layout(plain, l).has_value());
  REQUIRE(fs::exists(plain / "iamglass"));
  CHECK(Xapian::Database(plain.string()).get_doccount() == 3);

  auto r = indexer::run_index_job(options(docs, plain)).value_or_throw();
  CHECK(r.generation == 1);
  CHECK(r.unchanged == 4);
  CHECK_FALSE(fs::exists(plain / "iamglass"));
  CHECK(Xapian::Database(plain.string()).get_doccount() == 4);
  CHECK(hits(plain, "kangaroo") == 1);
}

TEST_CASE("the stub names generations relative to the index, however the index path is spelled",
          "[integration][index][generations]") {
  pt::TempDir tmp;
  write_notes(tmp / "docs", 2);
  fs::create_directories(tmp / "sub");
  auto r = indexer::run_index_job(options(tmp / "docs", tmp / "sub" / ".." / "." / "idx"))
               .value_or_throw();
  CHECK(r.documents == 2);
  CHECK_THAT(pt::read_file(tmp / "idx" / "XAPIANDB"), Catch::Contains("\nauto gen-1/shard-0\n"));
  // A copy of the folder is an index of its own.
  fs::copy(tmp / "idx", tmp / "copy", fs::copy_options::recursive);
  fs::remove_all(tmp / "idx");
  CHECK(Xapian::Database((tmp / "copy").string()).get_doccount() == 2);
}

TEST_CASE("a second job on an index fails at once while the first runs, full or not",
          "[integration][index][generations]") {
  pt::TempDir tmp;
  const fs::path docs = tmp / "docs";
  write_notes(docs, 4);
  auto opts = options(docs, tmp / "index");
  std::vector<Error> refused;
  opts.on_stage = [&](indexer::JobStage) {
    if (!refused.empty()) return;
    for (bool full : {false, true}) {
      auto second = options(docs, tmp / "index");
      second.full = full;
      auto r = indexer::run_index_job(second);
      if (r.has_value()) FAIL("a second job ran beside the first");
      refused.push_back(r.error());
    }
  };
  auto r = indexer::run_index_job(opts);
  REQUIRE(r.has_value());
  CHECK(r->documents == 4);
  REQUIRE(refused.size() == 2);
  for (const Error& e : refused) {
    CHECK(e.code == ErrorCode::kFailedPrecondition);
    CHECK(e.message == "another indexing job is already running on " + (tmp / "index").string());
  }
  // Once the first is done the lock is free again.
  CHECK(indexer::run_index_job(options(docs, tmp / "index")).has_value());
}
