#pragma once
// Expected failures (tape errors, bad input, lost connections) travel as
// values, never as exceptions across a layer boundary.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace tg {

enum class Errc : std::uint8_t {
  invalid_argument,   // caller passed something malformed (bad CLI value, bad XML)
  parse_error,        // bytes from outside (device reply, tape, file) did not parse
  not_found,          // no such barcode, slot, drive, pool, file
  busy,               // element or drive in use
  unsupported,        // device or board does not offer this operation
  io_error,           // local file system failure
  transport_error,    // the link to the device failed (not a SCSI condition)
  timeout,            // the command did not complete in time
  connection_lost,    // link dropped; the device position is no longer known
  position_lost,      // the tape position is unknown: never write blindly
  check_condition,    // the device answered CHECK CONDITION (sense decoded in message)
  not_ready,          // no medium, becoming ready
  unit_attention,     // medium may have changed / reset
  medium_error,       // unrecovered read/write error on the medium
  hardware_error,
  illegal_request,
  data_protect,       // write protected / WORM
  blank_check,        // end of data / blank medium
  volume_overflow,    // the last write did not fit on the medium
  element_full,       // changer destination occupied
  element_empty,      // changer source empty
  data_integrity,     // checksum mismatch
  cancelled,
  foreign_medium,     // a cartridge that is not ours or of another pool
  internal,
};

const char* errc_name(Errc c);

struct [[nodiscard]] Error {
  Errc code = Errc::internal;
  std::string message;
  // Decoded sense, kept numerically so callers can match on it.
  std::uint8_t sense_key = 0, asc = 0, ascq = 0;

  Error() = default;
  Error(Errc c, std::string msg) : code(c), message(std::move(msg)) {}

  // Prefix context ("drive DRV0 (barcode TP0001L9): ") as the error climbs.
  Error&& with_context(const std::string& ctx) && {
    message = ctx + ": " + message;
    return std::move(*this);
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(std::move(e)), failed_(true) {}
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return err_; }
  Error&& error() && { return std::move(err_); }

 private:
  Error err_;
  bool failed_ = false;
};

using Status = Result<void>;

inline Error make_error(Errc c, std::string msg) { return Error(c, std::move(msg)); }

}  // namespace tg

// TG_TRY(expr): evaluate a Result, return its error from the enclosing
// function on failure, else yield the value (GCC/Clang statement expression).
// Use it as a whole initialiser of its own variable: returning out of a
// statement expression in the middle of a braced initialiser or argument
// list skips the destructors of temporaries built before it (a leak the
// board-XML fuzzer found).
#define TG_TRY(expr)                                      \
  ({                                                      \
    auto&& tg_try_result_ = (expr);                       \
    if (!tg_try_result_.ok()) return std::move(tg_try_result_).error(); \
    std::move(tg_try_result_).value();                    \
  })

// TG_CHECK(expr): for Result<void>.
#define TG_CHECK(expr)                                    \
  do {                                                    \
    auto&& tg_check_result_ = (expr);                     \
    if (!tg_check_result_.ok()) return std::move(tg_check_result_).error(); \
  } while (0)
