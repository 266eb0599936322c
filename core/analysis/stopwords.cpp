#include "core/analysis/stopwords.hpp"

#include "core/analysis/normalize.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace passage::analysis {
namespace {

// The most frequent function words of each language (articles, pronouns, prepositions,
// conjunctions, auxiliaries), written in lower case.
const std::unordered_map<std::string, std::unordered_set<std::string>>& raw_lists() {
  static const std::unordered_map<std::string, std::unordered_set<std::string>> l{
      {"en", {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he",
              "her", "his", "in", "into", "is", "it", "its", "of", "on", "or", "our", "she", "that", "the",
              "their", "them", "there", "these", "they", "this", "those", "to", "was", "we", "were", "what",
              "which", "who", "will", "with", "you"}},
      {"de", {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen",
              "und", "oder", "aber", "in", "im", "zu", "zum", "zur", "mit", "von", "vom", "fur", "auf", "an",
              "am", "aus", "bei", "nach", "uber", "ist", "sind", "war", "wird", "werden", "wurde", "hat",
              "haben", "sich", "es", "er", "sie", "wir", "ich", "nicht", "auch", "als", "wie", "dass", "so"}},
      {"fr", {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "ou", "mais", "a", "au",
              "aux", "en", "dans", "par", "pour", "sur", "avec", "sans", "est", "sont", "ete", "etre", "ce",
              "cette", "ces", "qui", "que", "qu", "il", "elle", "ils", "elles", "nous", "vous", "se", "sa",
              "son", "ses", "leur", "leurs", "ne", "pas", "plus"}},
      {"es", {"el", "la", "los", "las", "un", "una", "unos", "unas", "y", "o", "pero", "de", "del", "al",
              "a", "en", "por", "para", "con", "sin", "sobre", "es", "son", "fue", "ser", "esta", "estan",
              "que", "quien", "se", "su", "sus", "lo", "le", "les", "no", "como", "mas", "este", "esta",
              "estos", "estas", "ha", "han"}},
      {"it", {"il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "e", "o", "ma", "di", "del", "della",
              "dei", "delle", "degli", "a", "al", "alla", "ai", "alle", "da", "dal", "dalla", "in", "nel",
              "nella", "nei", "con", "per", "su", "sul", "sulla", "tra", "fra", "e", "sono", "che", "chi",
              "si", "non", "come", "piu", "ha", "hanno"}},
      {"pt", {"o", "a", "os", "as", "um", "uma", "e", "ou", "mas", "de", "do", "da", "dos", "das", "em",
              "no", "na", "nos", "nas", "por", "para", "com", "sem", "sobre", "e", "sao", "foi", "ser",
              "que", "se", "seu", "sua", "nao", "como", "mais", "ao", "aos", "pelo", "pela"}},
      {"nl", {"de", "het", "een", "en", "of", "maar", "van", "in", "op", "te", "met", "voor", "aan", "door",
              "bij", "uit", "naar", "is", "zijn", "was", "werd", "wordt", "dat", "die", "dit", "deze", "er",
              "niet", "ook", "als", "om", "hij", "zij", "ze", "we", "wij"}},
      {"sv", {"och", "att", "det", "som", "en", "ett", "i", "pa", "ar", "av", "for", "med", "till", "den",
              "de", "har", "inte", "om", "var", "fran", "men", "eller"}},
      {"pl", {"i", "w", "z", "na", "do", "nie", "sie", "jest", "to", "ze", "o", "a", "od", "po", "dla",
              "jak", "lub", "oraz", "ale", "czy", "przez", "sa", "jego", "jej", "ich", "tak"}},
      {"ru", {"и", "в", "во", "не", "на", "что", "с", "со", "как", "а", "по", "но", "к", "у", "из", "за",
              "от", "о", "об", "для", "это", "он", "она", "они", "мы", "вы", "я", "его", "ее", "их", "же",
              "или", "бы", "был", "была", "были", "быть"}},
      {"uk", {"і", "й", "та", "в", "у", "на", "не", "що", "з", "із", "до", "як", "а", "але", "за", "від",
              "по", "для", "це", "він", "вона", "вони", "ми", "ви", "я", "його", "її", "їх", "або"}},
      {"hu", {"a", "az", "egy", "es", "hogy", "nem", "is", "de", "meg", "van", "volt", "vagy", "mint", "el",
              "ez", "azt"}},
      {"tr", {"ve", "bir", "bu", "da", "de", "ile", "icin", "gibi", "ama", "veya", "o", "ne", "mi", "cok"}},
  };
  return l;
}

// The lists in the form queries are compared in: folded, accents removed.
const std::unordered_map<std::string, std::unordered_set<std::string>>& lists() {
  static const auto normalised = [] {
    std::unordered_map<std::string, std::unordered_set<std::string>> out;
    for (const auto& [lang, words] : raw_lists())
      for (const auto& w : words) out[lang].insert(strip_accents(fold(w)));
    return out;
  }();
  return normalised;
}

}  // namespace

bool is_stopword(std::string_view base, std::string_view lang) {
  const auto& l = lists();
  auto it = l.find(std::string(lang));
  if (it == l.end()) return false;
  return it->second.count(std::string(base)) != 0;
}

}  // namespace passage::analysis
