#include "sim/trace.h"

#include <cstdio>

namespace mw::sim {
namespace {
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;
}  // namespace

void Tracer::mix(std::string_view bytes) {
  // Length first, so ("ab","c") and ("a","bc") differ.
  mix_u64(bytes.size());
  for (unsigned char c : bytes) {
    digest_ ^= c;
    digest_ *= kFnvPrime;
  }
}

void Tracer::mix_u64(std::uint64_t v) {
  // Little-endian byte order, independent of the host.
  for (int i = 0; i < 8; ++i) {
    digest_ ^= (v >> (8 * i)) & 0xff;
    digest_ *= kFnvPrime;
  }
}

void Tracer::record(Time time, std::string_view node, std::string_view kind,
                    std::initializer_list<TraceField> fields) {
  ++records_;
  mix_u64(static_cast<std::uint64_t>(to_nanos(time)));
  mix(node);
  mix(kind);
  mix_u64(fields.size());
  for (const TraceField& f : fields) {
    mix(f.key);
    digest_ ^= static_cast<unsigned char>(f.kind);  // so 0 and "" differ
    digest_ *= kFnvPrime;
    if (f.kind == TraceField::Kind::kText) {
      mix(f.text);
    } else {
      mix_u64(f.number);
    }
  }
  if (sink_ != nullptr) {
    sink_->write(TraceRecord{time, node, kind, std::span<const TraceField>(fields.begin(), fields.size())});
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
      case TraceField::Kind::kText: line += f.text; break;
      case TraceField::Kind::kInt: line += std::to_string(static_cast<std::int64_t>(f.number)); break;
      case TraceField::Kind::kUint: line += std::to_string(f.number); break;
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
