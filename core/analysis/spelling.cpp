#include "core/analysis/spelling.hpp"

namespace passage::analysis {

bool spelling_word(std::string_view term) {
  if (term.size() < 3 || term.size() > 40) return false;
  unsigned char first = static_cast<unsigned char>(term.front());
  if (first >= 'A' && first <= 'Z') return false;  // a prefixed term (core/schema.hpp)
  for (unsigned char c : term)
    if (c < 0x80 && !(c >= 'a' && c <= 'z')) return false;  // digits, '.', '@', ':', '/', ...
  return true;
}

}  // namespace passage::analysis
