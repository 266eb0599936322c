#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_targets.hpp"

namespace passage::fuzz {

void require(bool cond, const char* what) {
  if (cond) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace passage::fuzz
