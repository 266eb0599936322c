#pragma once
// Transport-neutral errors for expected failures (bad input, unreadable files, bad queries).
// Domain code returns Result<T>; only the server's http_errors.cpp maps an ErrorCode to a status.

#include <cassert>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace passage {

enum class ErrorCode {
  kInvalidArgument,     // the caller's input is wrong (bad query, bad parameter, bad config)
  kNotFound,            // a named thing does not exist (file, document, index)
  kFailedPrecondition,  // the system is not in a state to do this (index locked, schema mismatch)
  kUnavailable,         // an I/O or resource problem that may go away (disk, network)
  kDataLoss,            // the input exists but cannot be read (corrupt PDF, no extractable text)
  kUnsupported,         // a format or feature we do not handle
  kInternal,            // a bug or an unexpected library failure
};

const char* error_code_name(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

/// The exception thrown at module boundaries that cannot return a value (constructors, CLI glue).
class PassageError : public std::runtime_error {
 public:
  explicit PassageError(Error error) : std::runtime_error(error.message), error_(std::move(error)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

/// A value or an Error, shaped like std::expected (which g++ 12 lacks).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}            // NOLINT(google-explicit-constructor)
  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(v_);
  }
  /// Returns the value or throws PassageError: for boundaries (CLI, constructors).
  T value_or_throw() && {
    if (!has_value()) throw PassageError(std::get<1>(v_));
    return std::move(std::get<0>(v_));
  }

 private:
  T& checked() {
    if (!has_value()) throw PassageError(std::get<1>(v_));
    return std::get<0>(v_);
  }
  std::variant<T, Error> v_;
};

/// Result for operations that return nothing.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace passage
