#include "core/analysis/thesaurus.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace passage::analysis {
namespace {

Word make_word(std::string_view folded_base) {
  Word w;
  w.exact = std::string(folded_base);
  w.base = std::string(folded_base);
  return w;
}

std::string stem_key(std::string_view lang, std::string_view stem) {
  std::string k(lang);
  k.push_back('|');
  k += stem;
  return k;
}

}  // namespace

Result<Thesaurus> Thesaurus::parse(std::string_view text, const std::string& file) {
  Thesaurus t;
  Analyzer analyzer;
  std::vector<std::string> problems;
  try {
    toml::table root = toml::parse(text, file);
    const toml::array* arr = root["concept"].as_array();
    if (arr == nullptr || !arr->is_array_of_tables())
      return make_error(ErrorCode::kInvalidArgument, file + ": a thesaurus needs [[concept]] tables");
    std::set<std::string> ids;
    for (const toml::node& n : *arr) {
      const toml::table& tab = *n.as_table();
      int line = static_cast<int>(n.source().begin.line);
      Concept c;
      auto id = tab["id"].value<std::string>();
      if (!id || id->empty()) {
        problems.push_back(file + ":" + std::to_string(line) + ": concept without an id");
        continue;
      }
      c.id = *id;
      if (!ids.insert(c.id).second) problems.push_back(file + ":" + std::to_string(line) + ": duplicate concept id '" + c.id + "'");
      for (const auto& [k, v] : tab) {
        std::string key(k.str());
        if (key == "id") continue;
        const toml::array* labels = v.as_array();
        if (key.size() < 2 || key.size() > 3 || labels == nullptr) {
          problems.push_back(file + ":" + std::to_string(v.source().begin.line) + ": concept '" + c.id +
                             "': '" + key + "' must be a language code with an array of labels");
          continue;
        }
        for (const toml::node& l : *labels) {
          if (!l.is_string()) continue;
          ConceptLabel label;
          label.lang = key;
          label.text = l.as_string()->get();
          std::vector<Word> words;
          analyzer.words(label.text, words);
          for (const auto& w : words)
            if (!w.joined) label.bases.push_back(w.base);
          if (!label.bases.empty()) c.labels.push_back(std::move(label));
        }
      }
      if (c.labels.empty()) problems.push_back(file + ":" + std::to_string(line) + ": concept '" + c.id + "' has no labels");
      t.concepts_.push_back(std::move(c));
    }
  } catch (const toml::parse_error& e) {
    return make_error(ErrorCode::kInvalidArgument, file + ":" + std::to_string(e.source().begin.line) +
                                                       ": TOML syntax error: " + std::string(e.description()));
  }
  if (!problems.empty()) {
    std::string msg;
    for (const auto& p : problems) msg += (msg.empty() ? "" : "\n") + p;
    return make_error(ErrorCode::kInvalidArgument, msg);
  }
  t.build_index();
  return t;
}

Result<Thesaurus> Thesaurus::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot read thesaurus " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return parse(s.str(), file.string());
}

nlohmann::json Thesaurus::to_json() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& c : concepts_) {
    nlohmann::json labels = nlohmann::json::array();
    for (const auto& l : c.labels) labels.push_back({l.lang, l.text, l.bases});
    arr.push_back({{"id", c.id}, {"labels", labels}});
  }
  return arr;
}

Result<Thesaurus> Thesaurus::from_json(const nlohmann::json& j) {
  Thesaurus t;
  try {
    for (const auto& c : j) {
      Concept concept_entry;
      concept_entry.id = c.at("id").get<std::string>();
      for (const auto& l : c.at("labels"))
        concept_entry.labels.push_back({l.at(0).get<std::string>(), l.at(1).get<std::string>(),
                                        l.at(2).get<std::vector<std::string>>()});
      t.concepts_.push_back(std::move(concept_entry));
    }
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kDataLoss, std::string("stored thesaurus is damaged: ") + e.what());
  }
  t.build_index();
  return t;
}

void Thesaurus::build_index() {
  Analyzer analyzer;
  by_first_.clear();
  label_stems_.assign(concepts_.size(), {});
  for (std::size_t c = 0; c < concepts_.size(); ++c) {
    for (std::size_t l = 0; l < concepts_[c].labels.size(); ++l) {
      const ConceptLabel& label = concepts_[c].labels[l];
      std::vector<std::string> stems;
      for (const auto& b : label.bases) {
        const auto& s = analyzer.stems(make_word(b), label.lang);
        stems.push_back(s.empty() ? std::string() : s.front());
      }
      by_first_[label.bases.front()].emplace_back(c, l);
      if (!stems.front().empty()) by_first_[stem_key(label.lang, stems.front())].emplace_back(c, l);
      label_stems_[c].push_back(std::move(stems));
    }
  }
}

std::vector<ConceptHit> Thesaurus::match(const std::vector<Word>& words, Analyzer& analyzer,
                                         std::string_view text_lang, bool any_language) const {
  std::vector<ConceptHit> hits;
  if (concepts_.empty()) return hits;
  // Languages whose stems are compared: the text's own, or (for queries) every label language.
  std::set<std::string> langs;
  if (any_language) {
    for (const auto& c : concepts_)
      for (const auto& l : c.labels) langs.insert(l.lang);
  } else {
    langs.insert(std::string(text_lang));
  }
  auto word_matches = [&](const Word& w, const ConceptLabel& label, const std::string& label_stem,
                          const std::string& base) {
    if (w.base == base) return true;
    if (label_stem.empty() || !langs.count(label.lang)) return false;
    const auto& s = analyzer.stems(w, label.lang);
    return std::find(s.begin(), s.end(), label_stem) != s.end();
  };
  std::set<std::pair<std::size_t, std::size_t>> tried;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].joined) continue;
    tried.clear();
    std::vector<std::string> keys{words[i].base};
    for (const auto& lang : langs)
      for (const auto& s : analyzer.stems(words[i], lang)) keys.push_back(stem_key(lang, s));
    for (const auto& key : keys) {
      auto it = by_first_.find(key);
      if (it == by_first_.end()) continue;
      for (const auto& [c, l] : it->second) {
        if (!tried.insert({c, l}).second) continue;
        const ConceptLabel& label = concepts_[c].labels[l];
        const auto& stems = label_stems_[c][l];
        std::size_t k = 0, j = i;
        for (; k < label.bases.size() && j < words.size(); ++j) {
          if (words[j].joined) continue;
          if (!word_matches(words[j], label, stems[k], label.bases[k])) break;
          ++k;
        }
        if (k == label.bases.size()) hits.push_back({c, i, j - i});
      }
    }
  }
  return hits;
}

std::vector<ConceptHit> Thesaurus::find(const std::vector<Word>& words, std::string_view text_lang,
                                        Analyzer& analyzer) const {
  return match(words, analyzer, text_lang, false);
}

std::vector<ConceptHit> Thesaurus::find_in_query(const std::vector<Word>& words, Analyzer& analyzer) const {
  return match(words, analyzer, {}, true);
}

}  // namespace passage::analysis
