#include "fakes/edge/event_key.h"

#include <cstddef>

namespace mw::fakes {
namespace {

// valid_utf8 is true if `s` is UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates,
// nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i - 1 < n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80;
      const unsigned char max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) return false;
    }
    i += n + 1;
  }
  return true;
}

// read_varint reads a base-128 varint at `*pos`; false if it runs past the end or 10 bytes.
bool read_varint(std::string_view in, std::size_t* pos, std::uint64_t* out) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= in.size()) return false;
    const auto b = static_cast<unsigned char>(in[(*pos)++]);
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

// canonical_id scans the top level of a serialized EventEnvelope for field 1.
std::string_view canonical_id(std::string_view in) {
  std::string_view id;
  std::size_t pos = 0;
  while (pos < in.size()) {
    std::uint64_t tag = 0;
    if (!read_varint(in, &pos, &tag) || (tag >> 3) == 0) break;
    const std::uint64_t field = tag >> 3;
    const auto wire_type = static_cast<unsigned>(tag & 7);
    std::uint64_t skip = 0;
    if (wire_type == 0) {
      if (!read_varint(in, &pos, &skip)) break;
      continue;
    }
    if (wire_type == 1) {
      skip = 8;
    } else if (wire_type == 5) {
      skip = 4;
    } else if (wire_type == 2) {
      if (!read_varint(in, &pos, &skip)) break;
    } else {
      break;  // groups, or not a wire type at all
    }
    if (skip > in.size() - pos) break;
    if (field == 1 && wire_type == 2) id = in.substr(pos, skip);
    pos += static_cast<std::size_t>(skip);
  }
  return id;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // the format writes escapes in uppercase only
}

// vendor_id returns the decoded MSGID of a "KEY=VALUE|KEY=VALUE" record, or nullopt.
std::optional<std::string> vendor_id(std::string_view in) {
  constexpr std::string_view kKey = "MSGID=";
  std::size_t start = 0;
  while (start <= in.size()) {
    std::size_t end = in.find('|', start);
    if (end == std::string_view::npos) end = in.size();
    const std::string_view field = in.substr(start, end - start);
    if (field.substr(0, kKey.size()) == kKey) {
      const std::string_view raw = field.substr(kKey.size());
      std::string id;
      id.reserve(raw.size());
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
          id += raw[i];
          continue;
        }
        if (raw.size() - i < 3) return std::nullopt;
        const int h = hex_value(raw[i + 1]);
        const int l = hex_value(raw[i + 2]);
        if (h < 0 || l < 0) return std::nullopt;
        id += static_cast<char>(h * 16 + l);
        i += 2;
      }
      return id;
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> peek_event_id(proto::SourceFormat format, std::string_view payload) {
  std::optional<std::string> id;
  if (format == proto::CANONICAL_PROTO) {
    id = std::string(canonical_id(payload));
  } else if (format == proto::VENDOR_KV) {
    id = vendor_id(payload);
  }
  if (!id || id->empty() || !valid_utf8(*id)) return std::nullopt;
  return id;
}

std::uint64_t event_hash(proto::SourceFormat format, std::string_view payload) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ULL;
  };
  const auto f = static_cast<std::uint32_t>(format);
  for (int shift = 0; shift < 32; shift += 8) mix(static_cast<unsigned char>(f >> shift));
  for (char c : payload) mix(static_cast<unsigned char>(c));
  return h;
}

}  // namespace mw::fakes
