#include "indexer/document_builder.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/analysis/language_id.hpp"
#include "core/analysis/normalize.hpp"
#include "core/analysis/stemmers.hpp"
#include "core/analysis/spelling.hpp"
#include "core/schema.hpp"

namespace passage::indexer {
namespace {

constexpr std::size_t kMaxIndexedTextBytes = 8u << 20;

void add_facet(Xapian::Document& doc, const schema::Facet& facet, const std::string& value) {
  if (value.empty()) return;
  doc.add_boolean_term(schema::facet_term(facet, value));
  doc.add_value(facet.slot, value);
}

// Cuts s to at most n bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

struct Segment {
  std::size_t begin, end;
};

// Splits the body into pages (when page offsets are known) or into runs of paragraphs of at
// least kSegmentBytes, cut at paragraph breaks.
constexpr std::size_t kSegmentBytes = 1500;

std::vector<Segment> segments(std::string_view text, const std::vector<std::size_t>& page_offsets) {
  std::vector<Segment> out;
  if (!page_offsets.empty()) {
    for (std::size_t i = 0; i < page_offsets.size(); ++i) {
      std::size_t b = std::min(page_offsets[i], text.size());
      std::size_t e = i + 1 < page_offsets.size() ? std::min(page_offsets[i + 1], text.size()) : text.size();
      if (i == 0) b = 0;
      if (e > b) out.push_back({b, e});
    }
    if (out.empty()) out.push_back({0, text.size()});
    return out;
  }
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = b + kSegmentBytes;
    if (e >= text.size()) {
      e = text.size();
    } else {
      std::size_t para = text.find("\n\n", e);
      e = para == std::string_view::npos ? text.size() : para + 2;
    }
    out.push_back({b, e});
    b = e;
  }
  return out;
}

// The language to stem a segment in: its own when CLD2 is reliable and sure of a different
// language that has a stemmer, else the document's.
std::string segment_language(std::string_view part, const std::string& doc_lang) {
  constexpr std::size_t kMinBytes = 600;
  if (part.size() < kMinBytes) return doc_lang;
  analysis::LanguageGuess g = analysis::detect_language(part);
  if (g.reliable && g.percent >= 60 && !g.code.empty() && g.code != doc_lang &&
      !analysis::stemmer_algorithm(g.code).empty())
    return g.code;
  return doc_lang;
}

// 64-bit FNV-1a over the text's words, ignoring whitespace differences, as 16 hex digits.
std::string content_hash(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  bool space = false;
  for (unsigned char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') {
      space = true;
      continue;
    }
    if (space) {
      h ^= ' ';
      h *= 1099511628211ull;
      space = false;
    }
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string choose_language(std::string_view fixed, std::string_view metadata, std::string_view text) {
  if (!fixed.empty() && fixed != "auto") return std::string(fixed);
  std::string meta = analysis::normalize_language_tag(metadata);
  analysis::LanguageGuess guess = analysis::detect_language(text);
  if (!meta.empty()) {
    if (guess.reliable && guess.percent >= 90 && !guess.code.empty() && guess.code != meta) return guess.code;
    return meta;
  }
  if (!guess.code.empty() && guess.code != "un") return guess.code;
  return "en";
}

void DocumentBuilder::count_concepts(std::string_view lang, std::map<std::size_t, Xapian::termcount>& counts) {
  if (thesaurus_ == nullptr) return;
  for (const auto& hit : thesaurus_->find(analyzer_.last_words(), lang, analyzer_)) ++counts[hit.concept_index];
}

BuiltDocument DocumentBuilder::build(const FileItem& item, const Extracted& ex) {
  const config::Source& src = *item.source;
  BuiltDocument out;
  std::string_view text = utf8_prefix(ex.text, kMaxIndexedTextBytes);
  out.language = choose_language(src.language, ex.language, text);
  const std::string& lang = out.language;
  std::string id = item.id();
  out.id_term = schema::id_term(id);
  std::string url = item.url.empty() ? "file://" + item.path.string() : item.url;
  std::string title = !ex.title.empty() ? ex.title : item.url.empty() ? item.path.filename().string() : item.url;

  Xapian::Document& doc = out.doc;
  doc.add_boolean_term(out.id_term);
  doc.add_boolean_term(schema::url_term(url));
  add_facet(doc, schema::kKindFacet, src.kind);
  add_facet(doc, schema::kOrganisationFacet, src.organisation);
  add_facet(doc, schema::kLanguageFacet, lang);
  add_facet(doc, schema::kSourceFacet, src.name);
  if (ex.year) add_facet(doc, schema::kYearFacet, std::to_string(*ex.year));
  std::string extra;
  for (const auto& [name, value] : src.facets) {
    doc.add_boolean_term(schema::extra_facet_term(name, value));
    if (!extra.empty()) extra.push_back(schema::kRecordSeparator);
    extra += name;
    extra.push_back(schema::kUnitSeparator);
    extra += value;
  }
  if (!extra.empty()) doc.add_value(schema::kSlotExtraFacets, extra);
  doc.add_value(schema::kSlotSignature, item.signature());
  doc.add_value(schema::kSlotContentHash, content_hash(ex.text));

  std::map<std::size_t, Xapian::termcount> concepts;
  Xapian::termpos pos = 0;
  analyzer_.index_text(doc, title, {"", schema::kTitleWeight, true}, lang, pos);
  count_concepts(lang, concepts);
  Xapian::termpos title_pos = 0;
  analyzer_.index_text(doc, title, {schema::kTitlePrefix, 1, true}, lang, title_pos);
  std::string authors;
  for (const auto& a : ex.authors) authors += a + "\n";
  if (!authors.empty()) {
    Xapian::termpos author_pos = 0;
    analyzer_.index_text(doc, authors, {schema::kAuthorPrefix, 1, true}, lang, author_pos);
    analyzer_.index_text(doc, authors, {"", schema::kAuthorWeight, true}, lang, pos);
  }
  if (!ex.description.empty()) analyzer_.index_text(doc, ex.description, {"", 1, true}, lang, pos);
  if (!ex.keywords.empty()) analyzer_.index_text(doc, ex.keywords, {"", 1, true}, lang, pos);
  // Body text segment by segment (PDF pages, else groups of paragraphs). A segment whose language
  // reliably differs from the document's (an English summary in a German report) is stemmed in
  // both languages, since detection on one passage can be wrong.
  for (const Segment& seg : segments(text, ex.page_offsets)) {
    std::string_view part = text.substr(seg.begin, seg.end - seg.begin);
    std::string seg_lang = segment_language(part, lang);
    analyzer_.index_text(doc, part, {"", schema::kBodyWeight, true}, lang, pos, seg_lang);
    count_concepts(seg_lang, concepts);
  }
  std::string concept_ids;
  for (const auto& [index, count] : concepts) {
    const std::string& id = thesaurus_->concepts()[index].id;
    doc.add_term(schema::facet_term(schema::kConceptFacet, id), count);
    if (!concept_ids.empty()) concept_ids.push_back(schema::kRecordSeparator);
    concept_ids += id;
  }
  if (!concept_ids.empty()) doc.add_value(schema::kSlotConcepts, concept_ids);

  nlohmann::json data = nlohmann::json::object();
  data[schema::data::kId] = id;
  data[schema::data::kTitle] = title;
  data[schema::data::kUrl] = url;
  if (item.url.empty()) data[schema::data::kPath] = item.path.string();
  data[schema::data::kFormat] = format_name(item.format);
  data[schema::data::kKind] = src.kind;
  data[schema::data::kOrganisation] = src.organisation;
  data[schema::data::kLanguage] = lang;
  data[schema::data::kSource] = src.name;
  if (ex.year) data[schema::data::kYear] = *ex.year;
  if (!ex.authors.empty()) data[schema::data::kAuthors] = ex.authors;
  if (!ex.keywords.empty()) data[schema::data::kKeywords] = ex.keywords;
  if (!ex.publisher.empty()) data[schema::data::kPublisher] = ex.publisher;
  if (!ex.pdf_url.empty()) data[schema::data::kPdfUrl] = ex.pdf_url;
  if (!src.facets.empty()) data[schema::data::kFacets] = src.facets;
  if (ex.pages > 0) {
    data[schema::data::kPages] = ex.pages;
    data[schema::data::kPageOffsets] = ex.page_offsets;
  }
  data[schema::data::kText] = std::string(utf8_prefix(ex.text, schema::data::kStoredTextBytes));
  doc.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
    if (analysis::spelling_word(*t)) out.spelling_words.push_back(*t);
  return out;
}

}  // namespace passage::indexer
