#pragma once
// Word boundaries from ICU's BreakIterator (UAX #29 plus dictionaries for CJK and Thai), run
// directly over UTF-8. Not thread-safe: one WordBreaker per thread.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace passage::analysis {

struct RawWord {
  std::size_t offset;  // byte offset in the text
  std::size_t length;  // byte length
  bool numeric;        // the break rules classed it as a number
};

class WordBreaker {
 public:
  WordBreaker();
  ~WordBreaker();
  WordBreaker(const WordBreaker&) = delete;
  WordBreaker& operator=(const WordBreaker&) = delete;

  /// Appends the words of text (letters, numbers, ideographs; not spaces or punctuation).
  /// text must be valid UTF-8 (see sanitize_utf8).
  void split(std::string_view text, std::vector<RawWord>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace passage::analysis
