#include "core/analysis/stemmers.hpp"

#include <libstemmer.h>

#include <array>
#include <stdexcept>
#include <utility>

namespace passage::analysis {
namespace {

struct StemmerEntry {
  std::string_view lang;
  std::string_view algorithm;
  bool libstemmer;  // true: only in libstemmer, not in Xapian 1.4
};

constexpr std::array<StemmerEntry, 28> kStemmers{{
    {"ar", "arabic", false},     {"hy", "armenian", false},   {"eu", "basque", false},
    {"ca", "catalan", false},    {"da", "danish", false},     {"nl", "dutch", false},
    {"en", "english", false},    {"fi", "finnish", false},    {"fr", "french", false},
    {"de", "german", false},     {"hu", "hungarian", false},  {"id", "indonesian", false},
    {"ga", "irish", false},      {"it", "italian", false},    {"lt", "lithuanian", false},
    {"ne", "nepali", false},     {"no", "norwegian", false},  {"nb", "norwegian", false},
    {"nn", "norwegian", false},  {"pt", "portuguese", false}, {"ro", "romanian", false},
    {"ru", "russian", false},    {"es", "spanish", false},    {"sv", "swedish", false},
    {"ta", "tamil", false},      {"tr", "turkish", false},    {"el", "greek", true},
    {"hi", "hindi", true},
}};

const StemmerEntry* find(std::string_view lang) {
  for (const auto& e : kStemmers)
    if (e.lang == lang) return &e;
  return nullptr;
}

/// Adapts a libstemmer (Snowball C) stemmer to Xapian's stemming interface.
class LibstemmerImplementation : public Xapian::StemImplementation {
 public:
  explicit LibstemmerImplementation(std::string algorithm) : algorithm_(std::move(algorithm)) {
    stemmer_ = sb_stemmer_new(algorithm_.c_str(), "UTF_8");
    if (stemmer_ == nullptr) throw std::runtime_error("libstemmer: no algorithm " + algorithm_);
  }
  ~LibstemmerImplementation() override { sb_stemmer_delete(stemmer_); }
  std::string operator()(const std::string& word) override {
    const sb_symbol* out = sb_stemmer_stem(
        stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (out == nullptr) return word;  // out of memory: fall back to the word itself
    return std::string(reinterpret_cast<const char*>(out),
                       static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
  }
  std::string get_description() const override { return "libstemmer:" + algorithm_; }

 private:
  std::string algorithm_;
  sb_stemmer* stemmer_ = nullptr;
};

}  // namespace

std::string_view stemmer_algorithm(std::string_view lang) {
  const StemmerEntry* e = find(lang);
  return e == nullptr ? std::string_view() : e->algorithm;
}

std::vector<std::string> stemmed_languages() {
  std::vector<std::string> out;
  for (const auto& e : kStemmers) out.emplace_back(e.lang);
  return out;
}

Xapian::Stem make_stemmer(std::string_view lang) {
  const StemmerEntry* e = find(lang);
  if (e == nullptr) return Xapian::Stem("none");
  if (e->libstemmer) return Xapian::Stem(new LibstemmerImplementation(std::string(e->algorithm)));
  return Xapian::Stem(std::string(e->algorithm));
}

}  // namespace passage::analysis
