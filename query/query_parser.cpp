#include "query/query_parser.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "core/analysis/stopwords.hpp"
#include "core/schema.hpp"

namespace passage::query {
namespace {

enum class Tok { kWord, kPhrase, kLParen, kRParen, kAnd, kOr, kNot, kNear, kEnd };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;       // word or phrase text
  std::string field;      // "title", "kind", ... when written field:...
  char modifier = 0;      // '+' or '-'
  bool wildcard = false;  // word ended in '*'
  unsigned near_window = 10;
  std::size_t pos = 0;    // byte offset, for messages
  std::size_t text_pos = 0;  // byte offset of text in the query
};

// A fresh match-everything query. Copying the shared Xapian::Query::MatchAll from several
// threads races on its non-atomic reference count.
Xapian::Query match_all() { return Xapian::Query(std::string()); }

// The weight added to documents that contain every word of a query (see parse_sequence): above
// what the words themselves weigh in practice (BM25 sums of 3 words stay under ~25 here), so a
// document with all the words comes first; measured with bench/passage_quality, 3 seeds x 400
// queries: 88.1 % -> 89.8 % first (no change from 10 up to 100, +1.5 points at 3).
constexpr double kAllWordsBonus = 10.0;

// The weight of a word's stems relative to the word itself (see single_word). Measured with
// bench/passage_quality (3 seeds x 400 queries, first rank): 1.0 -> 89.7 %, 0.1 -> 89.3 % (within
// noise), and only 0.1 keeps English documents first for "migration" on the sample corpus.
constexpr double kStemWeight = 0.1;

Error syntax_error(std::size_t pos, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument,
                    "query syntax error at character " + std::to_string(pos + 1) + ": " + what);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Canonical field names, with their aliases.
std::string canonical_field(const std::string& name) {
  static const std::map<std::string, std::string> aliases{
      {"title", "title"},       {"author", "author"},       {"kind", "kind"},
      {"org", "organisation"},  {"organisation", "organisation"}, {"organization", "organisation"},
      {"lang", "language"},     {"language", "language"},   {"year", "year"},
      {"source", "source"},     {"concept", "concept"}};
  auto it = aliases.find(name);
  return it == aliases.end() ? std::string() : it->second;
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::vector<std::string>& declared) : s_(text), declared_(declared) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      while (i_ < s_.size() && is_space(s_[i_])) ++i_;
      if (i_ >= s_.size()) break;
      Token t;
      t.pos = i_;
      char c = s_[i_];
      if (c == '(') {
        t.type = Tok::kLParen;
        ++i_;
        out.push_back(t);
        continue;
      }
      if (c == ')') {
        t.type = Tok::kRParen;
        ++i_;
        out.push_back(t);
        continue;
      }
      if ((c == '+' || c == '-') && i_ + 1 < s_.size() && !is_space(s_[i_ + 1])) {
        t.modifier = c;
        ++i_;
      }
      // Optional field prefix: name ':' directly followed by a value.
      std::size_t j = i_;
      while (j < s_.size() && std::isalpha(static_cast<unsigned char>(s_[j]))) ++j;
      if (j > i_ && j < s_.size() && s_[j] == ':' && !(j + 2 < s_.size() && s_[j + 1] == '/' && s_[j + 2] == '/')) {
        std::string name(s_.substr(i_, j - i_));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
        std::string field = canonical_field(name);
        if (field.empty() && std::find(declared_.begin(), declared_.end(), name) != declared_.end()) field = name;
        if (field.empty()) {
          std::string known = "title, author, kind, org, lang, year, source, concept";
          for (const auto& d : declared_) known += ", " + d;
          return syntax_error(i_, "unknown field '" + name + ":' (known fields: " + known + ")");
        }
        t.field = field;
        i_ = j + 1;
        if (i_ >= s_.size() || is_space(s_[i_]) || s_[i_] == ')')
          return syntax_error(j, "field '" + name + ":' has no value");
        if (s_[i_] == '(') {
          t.type = Tok::kLParen;
          ++i_;
          out.push_back(t);
          continue;
        }
      }
      if (i_ < s_.size() && s_[i_] == '"') {
        std::size_t close = s_.find('"', i_ + 1);
        if (close == std::string_view::npos) return syntax_error(i_, "unterminated phrase (missing closing \")");
        t.type = Tok::kPhrase;
        t.text = std::string(s_.substr(i_ + 1, close - i_ - 1));
        t.text_pos = i_ + 1;
        i_ = close + 1;
        out.push_back(t);
        continue;
      }
      std::size_t start = i_;
      while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '(' && s_[i_] != ')' && s_[i_] != '"') ++i_;
      std::string word(s_.substr(start, i_ - start));
      if (t.field.empty() && t.modifier == 0) {
        if (word == "AND") { t.type = Tok::kAnd; out.push_back(t); continue; }
        if (word == "OR") { t.type = Tok::kOr; out.push_back(t); continue; }
        if (word == "NOT") { t.type = Tok::kNot; out.push_back(t); continue; }
        if (word == "NEAR" || word.rfind("NEAR/", 0) == 0) {
          t.type = Tok::kNear;
          if (word.size() > 5) {
            std::string n = word.substr(5);
            if (n.empty() || n.size() > 3 || !std::all_of(n.begin(), n.end(), ::isdigit) || std::stoi(n) == 0)
              return syntax_error(start, "NEAR/n needs a distance between 1 and 999");
            t.near_window = static_cast<unsigned>(std::stoi(n));
          }
          out.push_back(t);
          continue;
        }
      }
      if (word.size() > 1 && word.back() == '*') {
        t.wildcard = true;
        word.pop_back();
      } else if (word == "*") {
        return syntax_error(start, "a wildcard needs at least one letter before '*'");
      }
      if (word.find('*') != std::string::npos) return syntax_error(start, "'*' is only allowed at the end of a word");
      t.type = Tok::kWord;
      t.text = std::move(word);
      t.text_pos = start;
      out.push_back(t);
    }
    Token end;
    end.type = Tok::kEnd;
    end.pos = s_.size();
    out.push_back(end);
    return out;
  }

 private:
  std::string_view s_;
  const std::vector<std::string>& declared_;
  std::size_t i_ = 0;
};

// A parsed clause: a text query, a facet filter, or nothing (e.g. only punctuation).
struct Clause {
  Xapian::Query query;
  bool is_filter = false;
  bool is_stopword = false;  // a plain word that is a stopword in a query language
  std::string filter_field;
  bool has_text = false;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParserContext& ctx, HighlightTerms& hl,
         std::vector<std::string>& concepts, std::vector<Wildcard>& wildcards)
      : t_(std::move(tokens)), ctx_(ctx), hl_(hl), concepts_(concepts), wildcards_(wildcards) {}

  Result<Clause> parse() {
    auto r = parse_or(0);
    if (!r) return r;
    if (peek().type != Tok::kEnd) {
      if (peek().type == Tok::kRParen) return syntax_error(peek().pos, "unbalanced ')'");
      return syntax_error(peek().pos, "unexpected operator");
    }
    return r;
  }

 private:
  const Token& peek() const { return t_[k_]; }
  const Token& take() { return t_[k_++]; }

  static Xapian::Query as_query(const Clause& c) {
    return c.query.empty() ? match_all() : c.query;
  }

  Result<Clause> parse_or(int depth) {
    auto left = parse_and(depth);
    if (!left) return left;
    while (peek().type == Tok::kOr) {
      const Token& op = take();
      auto right = parse_and(depth);
      if (!right) return right;
      if (right->query.empty() && !right->is_filter) return syntax_error(op.pos, "OR needs something on its right");
      Clause c;
      c.query = Xapian::Query(Xapian::Query::OP_OR, as_query(*left), as_query(*right));
      c.has_text = left->has_text || right->has_text;
      left = std::move(c);
    }
    return left;
  }

  Result<Clause> parse_and(int depth) {
    auto left = parse_near(depth);
    if (!left) return left;
    while (peek().type == Tok::kAnd || peek().type == Tok::kNot) {
      const Token& op = take();
      bool negate = op.type == Tok::kNot;
      if (!negate && peek().type == Tok::kNot) {
        take();
        negate = true;
      }
      bool saved = negating_;
      negating_ = negating_ != negate;
      auto right = parse_near(depth);
      negating_ = saved;
      if (!right) return right;
      if (right->query.empty()) return syntax_error(op.pos, std::string(negate ? "NOT" : "AND") + " needs something on its right");
      Clause c;
      c.query = Xapian::Query(negate ? Xapian::Query::OP_AND_NOT : Xapian::Query::OP_AND, as_query(*left), right->query);
      c.has_text = left->has_text || (!negate && right->has_text);
      left = std::move(c);
    }
    return left;
  }

  Result<Clause> parse_near(int depth) {
    auto left = parse_sequence(depth);
    if (!left) return left;
    while (peek().type == Tok::kNear) {
      const Token& op = take();
      if (near_terms_.empty()) return syntax_error(op.pos, "NEAR needs a word on its left");
      std::vector<std::string> terms{near_terms_.back()};
      auto right = parse_sequence(depth);
      if (!right) return right;
      if (near_terms_.size() < 2 || near_terms_.back() == terms.front())
        return syntax_error(op.pos, "NEAR needs a word on its right");
      terms.push_back(near_terms_.back());
      Clause c;
      c.query = Xapian::Query(Xapian::Query::OP_NEAR, terms.begin(), terms.end(), op.near_window + 1);
      c.has_text = true;
      // The words themselves still add to the ranking.
      c.query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, c.query,
                              Xapian::Query(Xapian::Query::OP_OR, as_query(*left), as_query(*right)));
      left = std::move(c);
    }
    return left;
  }

  // One or more clauses joined by the default operator: +required, -excluded, plain optional,
  // field filters applied as filters.
  Result<Clause> parse_sequence(int depth) {
    std::vector<Xapian::Query> required, optional, excluded;
    std::vector<Xapian::Query> stopwords;  // kept only when nothing else is there
    std::map<std::string, std::vector<Xapian::Query>> filters;
    bool has_text = false;
    bool any = false;
    std::vector<analysis::Word> plain_words;  // for concept recognition
    while (true) {
      Tok type = peek().type;
      if (type != Tok::kWord && type != Tok::kPhrase && type != Tok::kLParen) break;
      const Token tok = take();
      any = true;
      bool negative = tok.modifier == '-' || negating_;
      Clause c;
      if (tok.type == Tok::kLParen) {
        if (depth + 1 > kMaxQueryDepth) return syntax_error(tok.pos, "parentheses nested too deeply");
        bool saved = negating_;
        negating_ = negative;
        auto inner = parse_or(depth + 1);
        negating_ = saved;
        if (!inner) return inner;
        if (peek().type != Tok::kRParen) return syntax_error(tok.pos, "unbalanced '(': missing ')'");
        take();
        c = std::move(*inner);
        if (!tok.field.empty()) {
          auto f = field_group(tok, c);
          if (!f) return f;
          c = std::move(*f);
        }
      } else {
        auto r = clause(tok, negative);
        if (!r) return r;
        c = std::move(*r);
        // Quoted phrases ask for exactly those words: only plain words name concepts.
        if (ctx_.thesaurus != nullptr && !negative && tok.field.empty() && !tok.wildcard && tok.type == Tok::kWord)
          ctx_.analyzer->words(tok.text, plain_words);
      }
      if (c.is_filter && tok.modifier != '-') {
        filters[c.filter_field].push_back(c.query);
        continue;
      }
      if (c.query.empty()) continue;
      if (c.is_stopword && tok.modifier == 0) {
        stopwords.push_back(c.query);
        has_text = has_text || c.has_text;
      } else if (tok.modifier == '-') {
        excluded.push_back(c.query);
      } else if (tok.modifier == '+') {
        required.push_back(c.query);
        has_text = has_text || c.has_text;
      } else {
        optional.push_back(c.query);
        has_text = has_text || c.has_text;
      }
    }
    if (!any) {
      const Token& t = peek();
      if (t.type == Tok::kEnd) return Clause{};
      if (t.type == Tok::kRParen) return syntax_error(t.pos, "unbalanced ')' or empty parentheses");
      return syntax_error(t.pos, "operator without a word before it");
    }
    if (optional.empty() && required.empty()) optional = std::move(stopwords);
    // Documents that contain every word (in any of its forms) come before those that contain
    // only some: a constant bonus on the conjunction, as "words" ranking rules do elsewhere.
    std::optional<Xapian::Query> all_words;
    if (required.empty() && optional.size() >= 2) {
      all_words = Xapian::Query(Xapian::Query::OP_FILTER,
                                Xapian::Query((new Xapian::FixedWeightPostingSource(kAllWordsBonus))->release()),
                                Xapian::Query(Xapian::Query::OP_AND, optional.begin(), optional.end()));
    }
    if (!plain_words.empty()) {
      std::set<std::size_t> seen;
      for (const auto& hit : ctx_.thesaurus->find_in_query(plain_words, *ctx_.analyzer)) {
        if (!seen.insert(hit.concept_index).second) continue;
        const std::string& id = ctx_.thesaurus->concepts()[hit.concept_index].id;
        concepts_.push_back(id);
        optional.emplace_back(schema::facet_term(schema::kConceptFacet, id));
      }
    }
    Clause out;
    out.has_text = has_text;
    Xapian::Query q;
    if (!required.empty()) {
      q = Xapian::Query(Xapian::Query::OP_AND, required.begin(), required.end());
      if (!optional.empty())
        q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, Xapian::Query(Xapian::Query::OP_OR, optional.begin(), optional.end()));
    } else if (!optional.empty()) {
      q = Xapian::Query(Xapian::Query::OP_OR, optional.begin(), optional.end());
      if (all_words) q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, *all_words);
    }
    if (!excluded.empty()) {
      if (q.empty()) q = match_all();
      q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
    }
    if (!filters.empty()) {
      std::vector<Xapian::Query> groups;
      for (auto& [field, qs] : filters) groups.emplace_back(Xapian::Query::OP_OR, qs.begin(), qs.end());
      Xapian::Query f(Xapian::Query::OP_AND, groups.begin(), groups.end());
      q = q.empty() ? Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, f, 0.0) : Xapian::Query(Xapian::Query::OP_FILTER, q, f);
    }
    out.query = q;
    return out;
  }

  // field:( ... ) — only text fields can take a group.
  Result<Clause> field_group(const Token& tok, const Clause& inner) {
    (void)inner;
    return syntax_error(tok.pos, "field '" + tok.field + ":' cannot take a parenthesised group; write " + tok.field + ":word or " + tok.field + ":\"a phrase\"");
  }

  Result<Clause> clause(const Token& tok, bool negative) {
    const std::string& f = tok.field;
    if (f.empty() || f == "title" || f == "author") {
      std::string prefix;
      if (f == "title") prefix = schema::kTitlePrefix;
      if (f == "author") prefix = schema::kAuthorPrefix;
      Clause c;
      c.is_stopword = tok.type == Tok::kWord && !tok.wildcard && f.empty() && is_stopword(tok.text);
      HighlightTerms before;
      if (c.is_stopword) before = hl_;  // stopwords are not highlighted
      c.query = tok.type == Tok::kPhrase ? phrase_query(tok.text, prefix, negative)
                                         : word_query(tok.text, prefix, tok.wildcard, negative);
      if (c.is_stopword) hl_ = std::move(before);
      c.has_text = !c.query.empty();
      return c;
    }
    // Facet filters.
    if (tok.wildcard) return syntax_error(tok.pos, "wildcards are not allowed in '" + f + ":'");
    Clause c;
    c.is_filter = true;
    c.filter_field = f;
    if (f == "year") {
      auto r = year_filter(tok);
      if (!r) return r.error();
      c.query = *r;
      return c;
    }
    if (const schema::Facet* facet = schema::find_facet(f)) {
      c.query = Xapian::Query(schema::facet_term(*facet, tok.text));
    } else {
      c.query = Xapian::Query(schema::extra_facet_term(f, tok.text));
    }
    return c;
  }

  Result<Xapian::Query> year_filter(const Token& tok) {
    auto q = year_query(tok.text);
    if (!q) return syntax_error(tok.pos, q.error().message);
    return q;
  }

  // A plain word that is a stopword in one of the query languages.
  bool is_stopword(const std::string& text) {
    std::vector<analysis::Word> words;
    ctx_.analyzer->words(text, words);
    if (words.size() != 1) return false;
    for (const auto& lang : ctx_.languages)
      if (analysis::is_stopword(words.front().base, lang)) return true;
    return false;
  }

  void highlight(const analysis::Word& w, bool negative) {
    if (negative) return;
    hl_.bases.insert(w.base);
    for (const auto& lang : ctx_.languages)
      for (const auto& s : ctx_.analyzer->stems(w, lang)) hl_.stems.insert(s);
  }

  // All forms of one word: OR(accent-free form, stems in every query language), plus a
  // bonus for the exact form so that it outranks documents that only share the stem.
  Xapian::Query single_word(const analysis::Word& w, const std::string& prefix, bool negative) {
    highlight(w, negative);
    std::string base = prefix + w.base;
    near_terms_.push_back(base);
    std::string stem_prefix = std::string(schema::kStemPrefix) + prefix;
    // The word as typed may itself be the stem of the document's form (göçmen ~ göçmenler,
    // whose Turkish stem is göçmen, while göçmen alone stems to göçme).
    std::vector<std::string> forms{base};
    if (!w.numeric) forms.push_back(stem_prefix + w.base);
    for (const auto& lang : ctx_.languages)
      for (const auto& s : ctx_.analyzer->stems(w, lang)) {
        std::string t = stem_prefix + s;
        if (std::find(forms.begin(), forms.end(), t) == forms.end()) forms.push_back(t);
      }
    // The accent-free form at full weight, OR the stems at kStemWeight. Not OP_SYNONYM: Xapian
    // 1.4 estimates a synonym's frequency from the terms present in each database, so over
    // shards its weights would differ from one index; OR'ed terms keep their collection
    // statistics. The stems weigh less because each stem has its own IDF: a stem that is rare
    // (German "migration" among English "migrat") would otherwise lift every document of the
    // rarer language above those that match the word as typed.
    Xapian::Query q = forms.size() == 1
                          ? Xapian::Query(base)
                          : Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(base),
                                          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                                        Xapian::Query(Xapian::Query::OP_OR, forms.begin() + 1, forms.end()),
                                                        kStemWeight));
    if (negative) return q;
    std::vector<Xapian::Query> parts{q, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(base), 0.25)};
    if (prefix.empty() && w.exact != w.base)
      parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(std::string(schema::kExactPrefix) + w.exact), 0.25);
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  }

  Xapian::Query word_query(const std::string& text, const std::string& prefix, bool wildcard, bool negative) {
    std::vector<analysis::Word> words;
    ctx_.analyzer->words(text, words);
    std::vector<const analysis::Word*> parts;
    std::vector<const analysis::Word*> joined;
    for (const auto& w : words) {
      if (w.base.size() > (w.joined ? analysis::kMaxJoinedBytes : analysis::kMaxWordBytes)) continue;
      (w.joined ? joined : parts).push_back(&w);
    }
    if (parts.empty()) return Xapian::Query();
    if (wildcard) {
      const analysis::Word& last = *parts.back();
      if (!negative) hl_.bases.insert(last.base);
      wildcards_.push_back({last.base + "*", prefix + last.base});
      // Expanded over the whole index and OR'ed: Xapian's OP_WILDCARD expands and weighs in each
      // database separately, so over shards it would not rank as one index does.
      Xapian::Query wq;
      if (ctx_.expand_prefix) {
        std::vector<std::string> terms = ctx_.expand_prefix(prefix + last.base);
        wq = terms.empty() ? Xapian::Query::MatchNothing
                           : Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
      } else {
        wq =
            Xapian::Query(Xapian::Query::OP_WILDCARD, prefix + last.base,
                          ctx_.max_wildcard_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
      }
      if (parts.size() == 1) return wq;
      parts.pop_back();
      Xapian::Query rest = phrase_of(parts, prefix, negative);
      return Xapian::Query(Xapian::Query::OP_AND, rest, wq);
    }
    if (parts.size() == 1) return single_word(*parts.front(), prefix, negative);
    // A compound written as one word (C-MISE, multi-level, l'Unione européenne): the joined form
    // or the parts as a phrase.
    Xapian::Query q = phrase_of(parts, prefix, negative);
    for (const auto* j : joined) {
      if (!negative) hl_.bases.insert(j->base);
      q = Xapian::Query(Xapian::Query::OP_OR, q, Xapian::Query(prefix + j->base));
    }
    return q;
  }

  Xapian::Query phrase_of(const std::vector<const analysis::Word*>& parts, const std::string& prefix, bool negative) {
    std::vector<std::string> terms;
    for (const auto* w : parts) {
      terms.push_back(prefix + w->base);
      highlight(*w, negative);
    }
    if (terms.size() == 1) return Xapian::Query(terms.front());
    return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), static_cast<Xapian::termcount>(terms.size()));
  }

  Xapian::Query phrase_query(const std::string& text, const std::string& prefix, bool negative) {
    std::vector<analysis::Word> words;
    ctx_.analyzer->words(text, words);
    std::vector<const analysis::Word*> parts;
    for (const auto& w : words)
      if (!w.joined && w.base.size() <= analysis::kMaxWordBytes) parts.push_back(&w);
    if (parts.empty()) return Xapian::Query();
    if (parts.size() == 1) return single_word(*parts.front(), prefix, negative);
    return phrase_of(parts, prefix, negative);
  }

  std::vector<Token> t_;
  std::size_t k_ = 0;
  const ParserContext& ctx_;
  HighlightTerms& hl_;
  std::vector<std::string>& concepts_;
  std::vector<Wildcard>& wildcards_;
  bool negating_ = false;
  std::vector<std::string> near_terms_;
};

}  // namespace

Result<Xapian::Query> year_query(std::string_view value) {
  const std::string v(value);
  auto is_year = [](const std::string& s) {
    return s.size() == 4 && std::all_of(s.begin(), s.end(), ::isdigit);
  };
  std::size_t dots = v.find("..");
  if (dots == std::string::npos) {
    if (!is_year(v))
      return make_error(ErrorCode::kInvalidArgument, "year must be four digits or a range such as 2015..2020, not '" + v + "'");
    return Xapian::Query(schema::facet_term(schema::kYearFacet, v));
  }
  std::string lo = v.substr(0, dots), hi = v.substr(dots + 2);
  if ((!lo.empty() && !is_year(lo)) || (!hi.empty() && !is_year(hi)) || (lo.empty() && hi.empty()))
    return make_error(ErrorCode::kInvalidArgument, "bad year range '" + v + "' (write 2015..2020, ..2010 or 2018..)");
  if (!lo.empty() && !hi.empty() && lo > hi)
    return make_error(ErrorCode::kInvalidArgument, "year range '" + v + "' ends before it starts");
  if (lo.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotYear, hi);
  if (hi.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotYear, lo);
  return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotYear, lo, hi);
}

Result<ParsedQuery> parse_query(std::string_view text, const ParserContext& context) {
  Lexer lexer(text, context.declared_facets);
  auto tokens = lexer.run();
  if (!tokens) return tokens.error();
  ParsedQuery out;
  Parser parser(std::move(*tokens), context, out.highlight, out.expanded_concepts, out.wildcards);
  auto clause = parser.parse();
  if (!clause) return clause.error();
  out.has_text = clause->has_text;
  out.query = clause->query.empty() ? match_all() : clause->query;
  return out;
}

std::vector<TextSpan> correctable_spans(std::string_view text, const std::vector<std::string>& declared_facets) {
  std::vector<TextSpan> out;
  Lexer lexer(text, declared_facets);
  auto tokens = lexer.run();
  if (!tokens) return out;
  for (const Token& t : *tokens) {
    if (t.type != Tok::kWord && t.type != Tok::kPhrase) continue;
    if (t.wildcard || !(t.field.empty() || t.field == "title" || t.field == "author")) continue;
    out.push_back({t.text_pos, t.text.size()});
  }
  return out;
}

}  // namespace passage::query
