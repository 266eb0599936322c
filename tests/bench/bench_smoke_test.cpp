// The benchmark end to end on the sample corpus (one run, a tiny synthetic corpus, 1 s wrk
// levels), so that bench/run.sh never rots: every part runs and every table is well formed.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "tests/test_support.hpp"

using namespace passage;

namespace {

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::size_t b = 1;  // after the leading '|'
  while (b < row.size()) {
    std::size_t e = row.find('|', b);
    if (e == std::string::npos) break;
    std::string c = row.substr(b, e - b);
    c.erase(0, c.find_first_not_of(' '));
    c.erase(c.find_last_not_of(' ') + 1);
    out.push_back(c);
    b = e + 1;
  }
  return out;
}

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Markdown tables of a document, in order.
std::vector<Table> tables(const std::string& md) {
  std::vector<Table> out;
  std::istringstream in(md);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '|') {
      inside = false;
      continue;
    }
    if (!inside) {
      out.push_back({cells(line), {}});
      inside = true;
    } else if (line.rfind("|---", 0) != 0) {
      out.back().rows.push_back(cells(line));
    }
  }
  return out;
}

const Table* find_table(const std::vector<Table>& ts, const std::string& first_header) {
  for (const auto& t : ts)
    if (!t.header.empty() && t.header[0] == first_header) return &t;
  return nullptr;
}

bool is_number(const std::string& s) { return std::regex_match(s, std::regex(R"(-?[0-9]+(\.[0-9]+)?)")); }

}  // namespace

TEST_CASE("bench/run.sh runs end to end and writes well-formed tables", "[bench]") {
  test::TempDir tmp;
  auto r = test::run_command({"/bin/bash", (test::source_dir() / "bench" / "run.sh").string(), "--corpus",
                              test::sample_corpus_dir().string(), "--runs", "1", "--scale", "150", "--duration", "1",
                              "--queries", "40", "--reps", "1", "--build", PASSAGE_BUILD_DIR, "--out", tmp.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string md = test::read_file(tmp / "results.md");
  CHECK(md == r.out);  // what it prints is what it writes

  auto ts = tables(md);
  for (const auto& t : ts) {
    INFO("table starting with " << t.header[0]);
    CHECK(!t.rows.empty());
    for (const auto& row : t.rows) {
      CHECK(row.size() == t.header.size());
      for (const auto& c : row) CHECK(!c.empty());
    }
  }

  const Table* idx = find_table(ts, "tool");
  REQUIRE(idx != nullptr);
  REQUIRE(idx->rows.size() == 5);
  for (const auto& row : idx->rows)
    for (std::size_t i = 1; i <= 3; ++i) CHECK(is_number(row[i]));
  CHECK(std::stoi(idx->rows[1][4]) > 0);  // omindex documents
  CHECK(std::stoi(idx->rows[2][4]) > 0);  // recoll documents
  CHECK(std::stoi(idx->rows[3][4]) > 0);  // passage documents
  CHECK(idx->rows[4][4] == "0 reparsed");  // nothing changed: nothing parsed again

  const Table* ratios = find_table(ts, "ratio (wall)");
  REQUIRE(ratios != nullptr);
  CHECK(ratios->rows.size() == 6);

  const Table* inproc = find_table(ts, "measure");
  REQUIRE(inproc != nullptr);
  CHECK(inproc->rows.size() == 4);
  for (const auto& row : inproc->rows)
    for (std::size_t i = 1; i < row.size(); ++i) CHECK(is_number(row[i]));

  const Table* http = find_table(ts, "connections");
  REQUIRE(http != nullptr);
  REQUIRE(http->rows.size() == 3);
  for (const auto& row : http->rows) {
    CHECK(std::stod(row[1]) > 0);  // req/s
    CHECK(row[5] == "0");          // no errors, no non-2xx
  }

  const Table* scale = find_table(ts, "documents");
  REQUIRE(scale != nullptr);
  REQUIRE(scale->rows.size() == 1);
  CHECK(scale->rows[0][0] == "150");
  for (const auto& c : scale->rows[0]) CHECK(is_number(c));

  const Table* shards = find_table(ts, "layout");
  REQUIRE(shards != nullptr);
  REQUIRE(shards->rows.size() == 3);
  CHECK(shards->rows[0][0] == "one");
  CHECK(shards->rows[2][0] == "remote4");
  for (const auto& row : shards->rows)
    for (std::size_t i = 1; i < row.size(); ++i) CHECK(is_number(row[i]));
  CHECK(std::stod(shards->rows[2][8]) > 0);  // the remote shards' answers crossed the wire

  const Table* targets = find_table(ts, "target");
  REQUIRE(targets != nullptr);
  CHECK(targets->rows.size() == 6);
  for (const auto& row : targets->rows) CHECK((row[1] == "PASS" || row[1] == "MISS"));
}
