#include "sim/trace.h"

#include <bit>
#include <cstdio>
#include <cstring>

namespace mw::sim {
namespace {

constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ULL;

unsigned char* store_u64(unsigned char* p, std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &v, 8);
  } else {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
  }
  return p + 8;
}

// store_text writes the length first, so ("ab","c") and ("a","bc") differ.
unsigned char* store_text(unsigned char* p, std::string_view text) {
  p = store_u64(p, text.size());
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
}

std::uint64_t load_le64(const unsigned char* p) {
  std::uint64_t v = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&v, p, 8);
  } else {
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  }
  return v;
}

}  // namespace

void Tracer::record(Time time, std::string_view node, std::string_view kind,
                    std::initializer_list<TraceField> fields) {
  ++records_;
  std::size_t size = 8 + (8 + node.size()) + (8 + kind.size()) + 8;
  for (const TraceField& f : fields) {
    size += 8 + f.key.size() + 1 + 8 + (f.kind == TraceField::Kind::kText ? f.text.size() : 0);
  }
  const std::size_t padded = (size + 7) / 8 * 8;
  if (scratch_.size() < padded) scratch_.resize(padded);
  unsigned char* p = scratch_.data();
  p = store_u64(p, static_cast<std::uint64_t>(to_nanos(time)));
  p = store_text(p, node);
  p = store_text(p, kind);
  p = store_u64(p, fields.size());
  for (const TraceField& f : fields) {
    p = store_text(p, f.key);
    *p++ = static_cast<unsigned char>(f.kind);  // so 0 and "" differ
    p = f.kind == TraceField::Kind::kText ? store_text(p, f.text) : store_u64(p, f.number);
  }
  std::memset(p, 0, padded - size);
  for (std::size_t i = 0; i < padded; i += 8) {
    digest_ = (digest_ ^ load_le64(scratch_.data() + i)) * kMul;
    digest_ ^= digest_ >> 32;
  }
  digest_ = (digest_ ^ size) * kMul;
  digest_ ^= digest_ >> 29;
  if (sink_ != nullptr) {
    sink_->write(
        TraceRecord{time, node, kind, std::span<const TraceField>(fields.begin(), fields.size())});
  }
}

std::string format_trace_line(const TraceRecord& record) {
  std::string line = format_time(record.time);
  line += ' ';
  line += record.node;
  line += ' ';
  line += record.kind;
  for (const TraceField& f : record.fields) {
    line += ' ';
    line += f.key;
    line += '=';
    switch (f.kind) {
      case TraceField::Kind::kText:
        line += f.text;
        break;
      case TraceField::Kind::kInt:
        line += std::to_string(static_cast<std::int64_t>(f.number));
        break;
      case TraceField::Kind::kUint:
        line += std::to_string(f.number);
        break;
    }
  }
  return line;
}

void TextTraceSink::write(const TraceRecord& record) { out_ << format_trace_line(record) << '\n'; }

std::string format_digest(std::uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
  return buf;
}

}  // namespace mw::sim
