#pragma once
// The one text-analysis pipeline shared by indexer and query:
//   ICU word breaking -> NFKC case folding -> elision/compound handling -> accent removal
//   -> Snowball stemming in the document's (or query's) language.
// Index terms for a word w in a field with prefix P (body: "", title: "S", author: "A"):
//   P + base(w)              positional; base = folded, accents removed
//   XE + exact(w)            body only, when w had accents (lets an accented query prefer them)
//   Z + P + stem             for each accent-free stem of w in the document's language
// Not thread-safe (ICU break iterators, Snowball state): one Analyzer per thread.

#include <xapian.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/analysis/word_breaker.hpp"

namespace passage::analysis {

struct Word {
  std::size_t offset = 0;  // byte span of the word in the text
  std::size_t length = 0;
  std::string exact;       // NFKC case-folded, accents kept
  std::string base;        // exact with accents removed
  bool numeric = false;
  bool joined = false;     // the joined form of a hyphenated compound (C-MISE -> cmise)
};

/// How one field is indexed.
struct FieldSpec {
  std::string_view prefix;      // "" for body text
  Xapian::termcount wdf_inc = 1;
  bool positions = true;
};

/// Words longer than this (in bytes, after folding) are not indexed.
inline constexpr std::size_t kMaxWordBytes = 64;
/// Joined forms (compounds, URLs, e-mail addresses) may be longer.
inline constexpr std::size_t kMaxJoinedBytes = 160;

class Analyzer {
 public:
  Analyzer();
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// The normalised words of text, in order. Joined forms (hyphenated compounds, URLs, e-mail
  /// addresses) follow their last part. text must be valid UTF-8.
  void words(std::string_view text, std::vector<Word>& out);

  /// Accent-free stems of a word in a language, deduplicated; empty when the language has no
  /// stemmer or the word is a number. Cached per analyzer.
  const std::vector<std::string>& stems(const Word& word, std::string_view lang);

  /// Adds the terms of text to doc. pos is the running term position (advanced past the text).
  /// Stems are those of lang, plus those of also_lang when given (a passage whose language
  /// differs from its document's).
  void index_text(Xapian::Document& doc, std::string_view text, const FieldSpec& field,
                  std::string_view lang, Xapian::termpos& pos, std::string_view also_lang = {});

  /// The words of the last index_text call (valid until the next call).
  const std::vector<Word>& last_words() const { return scratch_; }

 private:
  Xapian::Stem& stemmer(std::string_view lang);
  void split_words(std::string_view text, std::vector<Word>& out);

  WordBreaker breaker_;
  std::vector<RawWord> raw_;
  std::vector<Word> scratch_;
  std::map<std::string, Xapian::Stem, std::less<>> stemmers_;
  std::unordered_map<std::string, std::vector<std::string>> stem_cache_;
};

}  // namespace passage::analysis
