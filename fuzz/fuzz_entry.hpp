#pragma once
// The libFuzzer entry point of one fuzz executable: included by a target's .cpp only when it is
// compiled as its own fuzzer (PASSAGE_FUZZ_ENTRY defined), so the test build can link them all.

#include <cstddef>
#include <cstdint>
#include <string_view>

#define PASSAGE_FUZZ_ENTRY_POINT(function)                                              \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    return function(std::string_view(reinterpret_cast<const char*>(data), size));      \
  }
