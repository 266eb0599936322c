#pragma once
// Cross-lingual concepts: a thesaurus whose entries have labels in many languages
// (corpus-config/thesaurus.toml). The indexer tags each document with the concepts it mentions,
// in whichever language; the query side recognises concept labels in a query and expands them
// to every other language's labels. Labels are matched word by word on their accent-free form
// or, within one language, on their stem, so inflected forms match too.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/analyzer.hpp"
#include "core/error.hpp"

namespace passage::analysis {

struct ConceptLabel {
  std::string lang;
  std::string text;                 // as written in the thesaurus
  std::vector<std::string> bases;   // accent-free folded words
};

struct Concept {
  std::string id;
  std::vector<ConceptLabel> labels;
};

/// A match of a concept in a word sequence.
struct ConceptHit {
  std::size_t concept_index;
  std::size_t first_word;  // index into the word sequence
  std::size_t word_count;
};

class Thesaurus {
 public:
  Thesaurus() = default;

  /// Reads and validates a thesaurus TOML file ([[concept]] id = "...", <lang> = ["label", ...]).
  static Result<Thesaurus> load(const std::filesystem::path& file);
  /// Parses TOML text (file is used in messages).
  static Result<Thesaurus> parse(std::string_view toml_text, const std::string& file);

  /// The compact JSON form stored in an index's metadata, and back.
  nlohmann::json to_json() const;
  static Result<Thesaurus> from_json(const nlohmann::json& j);

  bool empty() const { return concepts_.empty(); }
  const std::vector<Concept>& concepts() const { return concepts_; }

  /// Finds every concept label in a sequence of words. A label word matches when its accent-free
  /// form equals the text word's, or when both stem alike in the label's language and the text
  /// is in that language (text_lang) — so labels match inflected forms in their own language and
  /// exact forms in any other. Only Word::base and Word::exact of words are used.
  std::vector<ConceptHit> find(const std::vector<Word>& words, std::string_view text_lang,
                               Analyzer& analyzer) const;

  /// As find, for a query: query words are compared with labels in every language, on their
  /// accent-free form or on their stem in the label's language.
  std::vector<ConceptHit> find_in_query(const std::vector<Word>& words, Analyzer& analyzer) const;

 private:
  void build_index();
  std::vector<ConceptHit> match(const std::vector<Word>& words, Analyzer& analyzer,
                                std::string_view text_lang, bool any_language) const;

  std::vector<Concept> concepts_;
  // first word key (accent-free form or "lang|stem") -> (concept, label) pairs
  std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>, std::less<>> by_first_;
  std::vector<std::vector<std::vector<std::string>>> label_stems_;  // [concept][label][word]
};

}  // namespace passage::analysis
