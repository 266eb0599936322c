// `passage index` killed with SIGKILL at random moments, 20 times, on real documents (a subset of
// ../shared/corpus mixing PDFs, HTML and Markdown, plus the sample corpus). After each kill: the
// parse workers are gone, the index opens, every document committed before the kill (as seen by
// a reader polling during the run) is still there and intact, and a rerun ends with exactly the
// documents (ids, content hashes, stored data) of an uninterrupted run.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <xapian.h>

#include "core/schema.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
namespace pt = passage::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kTrials = 20;

// Links a file into the subset folder under a flat, unique name.
void link_into(const fs::path& file, const fs::path& root, const fs::path& folder) {
  std::string name = file.lexically_relative(root).generic_string();
  std::replace(name.begin(), name.end(), '/', '_');
  fs::create_directories(folder);
  fs::create_symlink(file, folder / name);
}

// The documents: the sample corpus, and from the shared corpus its 4 smallest PDFs and the
// first 120 web pages (HTML and Markdown under 64 KB) in path order.
std::size_t make_subset(const fs::path& out) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(pt::sample_corpus_dir())) {
    if (!e.is_regular_file()) continue;
    link_into(e.path(), pt::sample_corpus_dir(), out / "sample");
    ++n;
  }
  const fs::path corpus = pt::shared_corpus_dir();
  if (corpus.empty()) {
    WARN("SKIPPED (part): ../shared/corpus is absent; the kill trials run on the sample corpus only");
    return n;
  }
  std::vector<std::pair<std::uintmax_t, fs::path>> pdfs;
  std::vector<fs::path> pages;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (!e.is_regular_file()) continue;
    const std::string ext = e.path().extension().string();
    if (ext == ".pdf") pdfs.emplace_back(e.file_size(), e.path());
    if ((ext == ".html" || ext == ".md") && e.file_size() < 64 * 1024 && e.path().string().find("/web/") != std::string::npos)
      pages.push_back(e.path());
  }
  std::sort(pdfs.begin(), pdfs.end());
  std::sort(pages.begin(), pages.end());
  for (std::size_t i = 0; i < pdfs.size() && i < 4; ++i, ++n) link_into(pdfs[i].second, corpus, out / "shared");
  for (std::size_t i = 0; i < pages.size() && i < 120; ++i, ++n) link_into(pages[i], corpus, out / "shared");
  return n;
}

std::vector<std::string> index_command(const fs::path& index, const fs::path& docs) {
  return {PASSAGE_BINARY, "index", "--index", index.string(), "--commit-every", "10", "-j", "2", "-q", docs.string()};
}

pid_t start(const std::vector<std::string>& argv) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// The ids a reader sees in the index now (empty when it does not exist yet or cannot be opened).
std::set<std::string> committed_ids(const fs::path& index) {
  std::set<std::string> ids;
  try {
    Xapian::Database db(index.string());
    const std::string prefix(passage::schema::kIdPrefix);
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) ids.insert((*t).substr(prefix.size()));
  } catch (const Xapian::Error&) {
  }
  return ids;
}

}  // namespace

TEST_CASE("passage index killed at random moments keeps its index whole and a rerun completes it",
          "[integration][crash][slow]") {
  pt::TempDir dir;
  const fs::path docs = dir / "docs";
  const std::size_t files = make_subset(docs);
  REQUIRE(files >= 20);

  const auto t0 = Clock::now();
  auto ref = pt::run_command(index_command(dir / "reference", docs));
  const auto full = Clock::now() - t0;
  REQUIRE(ref.exit_code == 0);
  const auto reference = pt::index_contents(dir / "reference");
  REQUIRE(reference.size() >= 20);

  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  const auto full_us = std::chrono::duration_cast<std::chrono::microseconds>(full).count();
  std::uniform_int_distribution<long long> moment(0, full_us);
  INFO("seed " << seed << ", " << files << " files, " << reference.size() << " documents, uninterrupted run "
               << full_us / 1000 << " ms");

  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  std::size_t partial = 0;  // trials that were killed with part of the documents committed
  for (int trial = 0; trial < kTrials; ++trial) {
    const fs::path index = dir / "index";
    fs::remove_all(index);
    const auto kill_at = std::chrono::microseconds(moment(rng));
    INFO("trial " << trial << ": kill after " << kill_at.count() / 1000 << " ms");
    const auto started = Clock::now();
    const pid_t job = start(index_command(index, docs));
    REQUIRE(job > 0);
    std::set<std::string> seen;  // committed documents a reader saw before the kill
    while (Clock::now() - started < kill_at) {
      std::set<std::string> now = committed_ids(index);
      if (now.size() >= seen.size()) seen = std::move(now);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(job, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(job, &status, 0) == job);
    CHECK(pt::children_gone(std::chrono::seconds(5)));  // its parse workers died with it

    std::map<std::string, std::string> killed;
    if (fs::exists(index / "XAPIANDB")) killed = pt::index_contents(index);  // the index opens
    for (const std::string& id : seen) {
      INFO(id);
      CHECK(killed.count(id) == 1);  // nothing committed is lost
    }
    for (const auto& [id, content] : killed) {
      INFO(id);
      REQUIRE(reference.count(id) == 1);
      CHECK(reference.at(id) == content);  // and what is there is whole
    }
    if (!killed.empty() && killed.size() < reference.size()) ++partial;

    auto rerun = pt::run_command(index_command(index, docs));
    INFO(rerun.out << rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(pt::index_contents(index) == reference);
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  // The random moments must have hit the middle of the job, not only its ends.
  CHECK(partial >= 3);
}
