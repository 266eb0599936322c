// The parse worker with test hooks, for tests only: a document whose bytes start with one of the
// markers below makes the worker crash, spin, hang or allocate without end, as a hostile PDF
// could make Poppler do. The production worker (app/parse_worker_main.cpp) has no hooks.
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string_view>
#include <vector>

#include "indexer/parse_worker.hpp"

namespace {

void misbehave(std::string_view bytes) {
  if (bytes.rfind("PASSAGE-TEST-CRASH", 0) == 0) ::raise(SIGSEGV);
  if (bytes.rfind("PASSAGE-TEST-ABORT", 0) == 0) ::abort();
  if (bytes.rfind("PASSAGE-TEST-SPIN", 0) == 0) {
    volatile unsigned long n = 0;
    for (;;) n = n + 1;
  }
  if (bytes.rfind("PASSAGE-TEST-HANG", 0) == 0) {
    for (;;) ::pause();
  }
  if (bytes.rfind("PASSAGE-TEST-BALLOON", 0) == 0) {
    std::vector<char*> blocks;
    for (;;) {
      char* block = new char[16 << 20];
      std::memset(block, 1, 16 << 20);  // touched, so it is resident
      blocks.push_back(block);
    }
  }
}

}  // namespace

int main(int argc, char** argv) { ::_exit(passage::indexer::parse_worker_main(argc, argv, &misbehave)); }
