// Internal to middleware/ingest: the text rules of KEY=VALUE|KEY=VALUE records, apart from any
// one vendor's keys. vendor_kv.cc and vendor_kv_encode.cc use them; nothing outside
// middleware/ingest includes this header, and the contract callers rely on is vendor_kv.h.
//
// A value is sent as printable ASCII with %HH escapes (uppercase hex); a decoded value must be
// valid UTF-8. Decimals are counted in thousandths. Every function here is safe on arbitrary
// bytes, linear in the size of its input, and keeps no state; it reports failures by its
// return value, never by throwing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "middleware/result.h"

namespace mw::core::kv_text {

__extension__ typedef __int128 Int128;  // exact range checks without overflow

// all_digits is true if every byte of `s` is '0'..'9', and for an empty `s`.
bool all_digits(std::string_view s);

// excerpt quotes `v` for an error message: at most 40 bytes, then "...", between single
// quotes; bytes below 0x20, from 0x7f up, and '\' are written as \xHH.
std::string excerpt(std::string_view v);

// valid_utf8 is true if `s` is UTF-8 as RFC 3629 defines it: no overlong forms, no
// surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

// check_raw accepts `raw`, the value of `key` as sent: printable ASCII, no bare '=', and only
// well-formed %HH escapes. A failure is ErrorKind::kMalformed with a reason that starts with
// `key` and names the offending byte or escape.
Status check_raw(std::string_view key, std::string_view raw);

// percent_decode decodes the %HH escapes of `raw`, a value check_raw accepted. The result may
// hold any byte; check it with valid_utf8.
std::string percent_decode(std::string_view raw);

// percent_encode appends `v` to `*out`, writing as %HH every byte the format requires escaped:
// '%', '|', '=', and those below 0x20 or from 0x7f up. With `in_list` it also escapes ',' and
// ';', the separators of a list inside a value. percent_decode undoes it.
void percent_encode(std::string_view v, bool in_list, std::string* out);

// parse_thousandths reads `s` as -?D+(.D{1,3})? and returns it as a count of thousandths
// ("-1.5" is -1500), or nullopt if `s` is not of that form. Integer parts longer than 20 digits
// are refused: nothing that large fits in 64 bits, and the bound keeps Int128 exact.
std::optional<Int128> parse_thousandths(std::string_view s);

// parse_unsigned reads `s` as 1 to 20 decimal digits, or returns nullopt. The caller checks
// the range it needs.
std::optional<Int128> parse_unsigned(std::string_view s);

// parse_signed reads `s` as an optional '-' then 1 to 20 decimal digits, or returns nullopt.
// The caller checks the range it needs.
std::optional<Int128> parse_signed(std::string_view s);

// fits_int64 is true if `v` is within the range of std::int64_t.
bool fits_int64(Int128 v);

// Field is one KEY=VALUE field of a record as sent: `raw` is not checked or decoded yet.
struct Field {
  std::string_view key;
  std::string_view raw;
  int number = 0;  // the field's position in the record, from 1, for error messages
};

// FieldLexer walks a record of KEY=VALUE fields separated by '|', one field per next(). It
// keeps a view of the record, which must outlive it. It judges only the form of a field: what
// a key means, and whether one repeats, is the caller's to check.
class FieldLexer {
 public:
  explicit FieldLexer(std::string_view record) : record_(record) {}

  // at_end is true once next has returned the last field. A fresh lexer is never at its end,
  // even over an empty record: next reports that.
  bool at_end() const { return done_; }

  // next returns the next field. A failure is ErrorKind::kMalformed, naming the field by its
  // number: an empty record, an empty field (two '|' in a row, or one at either end), or a
  // field with no '='. After a failure the lexer must not be used again.
  Result<Field> next();

 private:
  std::string_view record_;
  std::size_t pos_ = 0;
  int number_ = 0;
  bool done_ = false;
};

}  // namespace mw::core::kv_text
