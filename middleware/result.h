// Status and Result<T>: how the core reports failures across module boundaries, instead of
// exceptions. A failure carries what a person needs to act on it: a kind, and a message that
// names the object and the reason.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mw::core {

enum class ErrorKind {
  kMalformed,   // input that can never be processed as sent: quarantine it
  kBusiness,    // valid input the business rules reject: dead-letter it
  kTechnical,   // the store or a peer failed: retry later, nothing is decided
  kConflict,    // an event id reused with a different payload
  kNotFound,
  kInvalidArgument,  // a caller's mistake (an operator command, a config value)
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind;
  std::string message;
};

class Status {
 public:
  Status() = default;  // ok
  Status(Error e) : error_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  static Status ok() { return Status(); }

  bool is_ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error e) : v_(std::move(e)) {}      // NOLINT(google-explicit-constructor)

  bool is_ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return is_ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// MW_TRY returns the error of a failed Status or Result from the enclosing function.
#define MW_TRY(expr)                         \
  do {                                       \
    auto mw_try_ = (expr);                   \
    if (!mw_try_.is_ok()) return mw_try_.error(); \
  } while (false)

// MW_ASSIGN(var, expr) declares `var` as the value of a Result, or returns its error.
#define MW_ASSIGN(var, expr)                      \
  auto var##_result_ = (expr);                    \
  if (!var##_result_.is_ok()) return var##_result_.error(); \
  auto& var = var##_result_.value()

inline Error malformed(std::string m) { return Error{ErrorKind::kMalformed, std::move(m)}; }
inline Error business(std::string m) { return Error{ErrorKind::kBusiness, std::move(m)}; }
inline Error technical(std::string m) { return Error{ErrorKind::kTechnical, std::move(m)}; }

}  // namespace mw::core
