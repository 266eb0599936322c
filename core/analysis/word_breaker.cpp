#include "core/analysis/word_breaker.hpp"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <stdexcept>

namespace passage::analysis {

struct WordBreaker::Impl {
  std::unique_ptr<icu::BreakIterator> it;
};

WordBreaker::WordBreaker() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->it.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !impl_->it) throw std::runtime_error("ICU: cannot create word break iterator");
}

WordBreaker::~WordBreaker() = default;

void WordBreaker::split(std::string_view text, std::vector<RawWord>& out) {
  // ICU addresses text with int32_t offsets: feed very long texts in chunks cut at newlines.
  constexpr std::size_t kChunk = 1u << 24;
  std::size_t base = 0;
  while (base < text.size()) {
    std::size_t len = std::min(kChunk, text.size() - base);
    if (base + len < text.size()) {
      std::size_t nl = text.rfind('\n', base + len);
      if (nl != std::string_view::npos && nl > base) len = nl - base;
    }
    std::string_view part = text.substr(base, len);
    UErrorCode status = U_ZERO_ERROR;
    UText* ut = utext_openUTF8(nullptr, part.data(), static_cast<int64_t>(part.size()), &status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU: cannot open UTF-8 text");
    impl_->it->setText(ut, status);
    int32_t start = impl_->it->first();
    for (int32_t end = impl_->it->next(); end != icu::BreakIterator::DONE;
         start = end, end = impl_->it->next()) {
      int32_t rule = impl_->it->getRuleStatus();
      if (rule < UBRK_WORD_NONE_LIMIT) continue;  // spaces and punctuation
      out.push_back(RawWord{base + static_cast<std::size_t>(start),
                            static_cast<std::size_t>(end - start),
                            rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_NUMBER_LIMIT});
    }
    utext_close(ut);
    base += len;
  }
}

}  // namespace passage::analysis
