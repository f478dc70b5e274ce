// Trace: the structured record of what happened in a run, and its digest.
//
// Every component reports what it does as a record: simulated time, node, kind and a few
// fields. The Tracer folds each record into a running 64-bit digest and hands it to an optional
// sink for people to read. The digest is defined over a canonical, platform-independent byte
// encoding of the record: integers as 8 little-endian bytes, text as its length then its
// bytes, one type byte before each field value. The encoding, zero-padded to a multiple of 8
// bytes, is read as little-endian 64-bit words w, each folded in as d = (d ^ w) * K,
// d ^= d >> 32; then its length n (before padding) as d = (d ^ n) * K, d ^= d >> 29. K is
// 0x9e3779b97f4a7c15 and d starts at 0xcbf29ce484222325. (Word-wise: FNV-1a byte by byte cost
// 4.5 % of a simulated shift.)
// Two runs of the same scenario and seed must end with the same digest; a different digest
// means the runs diverged, and the first differing trace line says where.
//
// Fields are string views and integers that only need to live for the duration of the call.
// Recording allocates only when a record's encoding is longer than any before it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace mw::sim {

// TraceField is one key and a signed integer, an unsigned integer or a text value.
struct TraceField {
  enum class Kind : unsigned char { kInt, kUint, kText };

  TraceField(std::string_view k, std::int64_t v) : key(k), kind(Kind::kInt), number(static_cast<std::uint64_t>(v)) {}
  TraceField(std::string_view k, int v) : TraceField(k, static_cast<std::int64_t>(v)) {}
  TraceField(std::string_view k, std::uint64_t v) : key(k), kind(Kind::kUint), number(v) {}
  TraceField(std::string_view k, std::uint32_t v) : TraceField(k, static_cast<std::uint64_t>(v)) {}
  TraceField(std::string_view k, std::string_view v) : key(k), kind(Kind::kText), text(v) {}
  TraceField(std::string_view k, const char* v) : TraceField(k, std::string_view(v)) {}
  TraceField(std::string_view k, const std::string& v) : TraceField(k, std::string_view(v)) {}

  std::string_view key;
  Kind kind;
  std::uint64_t number = 0;  // the bits of the integer, signed or not
  std::string_view text;
};

// TraceRecord is a view of one record; it is valid only during TraceSink::write.
struct TraceRecord {
  Time time;
  std::string_view node;
  std::string_view kind;
  std::span<const TraceField> fields;
};

// TraceSink receives every record of a run, in order.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const TraceRecord& record) = 0;
};

// format_trace_line renders a record as one human-readable line:
// "00:00:01.000000000 node kind key=value key=value".
std::string format_trace_line(const TraceRecord& record);

// TextTraceSink writes one formatted line per record to a stream that must outlive it.
class TextTraceSink : public TraceSink {
 public:
  explicit TextTraceSink(std::ostream& out) : out_(out) {}
  void write(const TraceRecord& record) override;

 private:
  std::ostream& out_;
};

// MemoryTraceSink keeps formatted lines, for tests and for finding where two runs diverge.
class MemoryTraceSink : public TraceSink {
 public:
  void write(const TraceRecord& record) override { lines_.push_back(format_trace_line(record)); }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

class Tracer {
 public:
  // set_sink attaches `sink` (which must outlive the Tracer or be detached with nullptr).
  void set_sink(TraceSink* sink) { sink_ = sink; }

  void record(Time time, std::string_view node, std::string_view kind,
              std::initializer_list<TraceField> fields = {});

  // digest is the running digest over every record so far.
  std::uint64_t digest() const { return digest_; }
  std::uint64_t records() const { return records_; }

 private:
  TraceSink* sink_ = nullptr;
  std::uint64_t digest_ = 0xcbf29ce484222325ULL;
  std::vector<unsigned char> scratch_;  // the current record's encoding; grows, never shrinks
  std::uint64_t records_ = 0;
};

// format_digest renders a digest as 16 lowercase hex digits.
std::string format_digest(std::uint64_t digest);

}  // namespace mw::sim
