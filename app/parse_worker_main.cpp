// passage-parse-worker: parses documents for `passage index` in a separate process, so that a
// document that crashes or exhausts a parser costs that document only (see indexer/parse_worker.hpp).
#include <unistd.h>

#include "indexer/parse_worker.hpp"

int main(int argc, char** argv) {
  // _exit: nothing to flush, and no exit-time work (leak checks, static destructors) to wait for.
  ::_exit(passage::indexer::parse_worker_main(argc, argv));
}
