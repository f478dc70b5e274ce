#include "middleware/ingest/kv_text.h"

#include <limits>

namespace mw::core::kv_text {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// hex_value returns the value of the uppercase hex digit `c`, or -1 if `c` is not one.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string excerpt(std::string_view v) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < v.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + (v.size() > kMax ? "...'" : "'");
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i <= static_cast<std::size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += extra + 1;
  }
  return true;
}

Status check_raw(std::string_view key, std::string_view raw) {
  const std::string k(key);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c < 0x20 || c >= 0x7f) {
      return malformed(k + ": byte " + excerpt(raw.substr(i, 1)) + " at offset " +
                       std::to_string(i) + " of the value must be percent-encoded");
    }
    if (c == '=') return malformed(k + ": '=' in a value must be percent-encoded as %3D");
    if (c == '%') {
      if (i + 2 >= raw.size()) {
        return malformed(k + ": incomplete percent escape " + excerpt(raw.substr(i)) +
                         " at the end of the value (is the record truncated?)");
      }
      if (hex_value(raw[i + 1]) < 0 || hex_value(raw[i + 2]) < 0) {
        return malformed(k + ": bad percent escape " + excerpt(raw.substr(i, 3)) +
                         "; expected %HH with uppercase hex digits");
      }
      i += 2;
    }
  }
  return Status::ok();
}

std::string percent_decode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out += static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
      i += 2;
    } else {
      out += raw[i];
    }
  }
  return out;
}

void percent_encode(std::string_view v, bool in_list, std::string* out) {
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '%' || c == '|' || c == '=' ||
        (in_list && (c == ',' || c == ';'))) {
      *out += '%';
      *out += kHex[c >> 4];
      *out += kHex[c & 15];
    } else {
      *out += ch;
    }
  }
}

std::optional<Int128> parse_thousandths(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 20 || !all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 3 || !all_digits(frac))) {
    return std::nullopt;
  }
  Int128 v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (std::size_t i = 0; i < 3; ++i) v = v * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return negative ? -v : v;
}

std::optional<Int128> parse_unsigned(std::string_view s) {
  if (s.empty() || s.size() > 20 || !all_digits(s)) return std::nullopt;
  Int128 n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

std::optional<Int128> parse_signed(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  std::optional<Int128> n = parse_unsigned(s.substr(negative ? 1 : 0));
  if (n && negative) *n = -*n;
  return n;
}

bool fits_int64(Int128 v) {
  return v >= std::numeric_limits<std::int64_t>::min() &&
         v <= std::numeric_limits<std::int64_t>::max();
}

Result<Field> FieldLexer::next() {
  if (record_.empty()) {
    return malformed("empty record: expected KEY=VALUE fields separated by '|'");
  }
  ++number_;
  const std::size_t bar = record_.find('|', pos_);
  const std::string_view field =
      record_.substr(pos_, bar == std::string_view::npos ? std::string_view::npos : bar - pos_);
  const std::string where = "field " + std::to_string(number_);
  if (field.empty()) {
    return malformed(where + " is empty (two '|' in a row, or a '|' at the start or end)");
  }
  const std::size_t eq = field.find('=');
  if (eq == std::string_view::npos) {
    return malformed(where + " " + excerpt(field) + " is not KEY=VALUE (is the record truncated?)");
  }
  if (bar == std::string_view::npos) {
    done_ = true;
  } else {
    pos_ = bar + 1;
  }
  return Field{field.substr(0, eq), field.substr(eq + 1), number_};
}

}  // namespace mw::core::kv_text
