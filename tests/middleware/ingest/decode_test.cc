#include "middleware/ingest/decode.h"

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "middleware/ingest/validate.h"
#include "middleware/ingest/vendor_kv.h"

namespace mw::core {
namespace {

constexpr std::uint32_t kLimit = 65536;

proto::SourceEvent source(proto::SourceFormat format, std::string payload) {
  proto::SourceEvent s;
  s.set_format(format);
  s.set_payload(std::move(payload));
  return s;
}

std::string failure(const proto::SourceEvent& raw, std::uint32_t limit = kLimit) {
  Result<proto::EventEnvelope> r = decode_source_event(raw, limit);
  if (r.is_ok()) return "decoded without error: " + r.value().ShortDebugString();
  EXPECT_EQ(r.error().kind, ErrorKind::kMalformed);
  return r.error().message;
}

proto::EventEnvelope sample() {
  proto::EventEnvelope e;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
                                                              event_id: "evt-1"
                                                              source { plant: "P100" }
                                                              event_type: MATERIAL_CONSUMED
                                                              schema_version: 1
                                                              occurred_at_ns: 1767225600000000000
                                                              posting_date: "2026-01-01"
                                                              ordering_key: "wo:4711"
                                                              source_sequence: 1
                                                              material_consumed {
                                                                work_order: "4711"
                                                                material: "RM-1"
                                                                lot: "L1"
                                                                quantity { milli: 1500 uom: "KG" }
                                                              }
                                                            )pb",
                                                            &e));
  return e;
}

constexpr std::string_view kVendor =
    "MSGID=evt-1|TYP=CONS|VER=1|SITE=P100|TS=1767225600000|PDATE=20260101|OKEY=wo:4711|SEQ=1|"
    "AUFNR=4711|MATNR=RM-1|CHARG=L1|QTY=1500|UOM=GR";

// QuietProtobufLogs silences protobuf's error log (it reports invalid UTF-8 while parsing).
class QuietProtobufLogs {
 public:
  QuietProtobufLogs() : old_(google::protobuf::SetLogHandler(nullptr)) {}
  ~QuietProtobufLogs() { google::protobuf::SetLogHandler(old_); }

 private:
  google::protobuf::LogHandler* old_;
};

TEST(Decode, CanonicalProtoDecodes) {
  Result<proto::EventEnvelope> r =
      decode_source_event(source(proto::CANONICAL_PROTO, sample().SerializeAsString()), kLimit);
  ASSERT_TRUE(r.is_ok()) << r.error().message;
  EXPECT_EQ(serialize_deterministic(r.value()), serialize_deterministic(sample()));
}

TEST(Decode, VendorRecordDecodesToTheSameEnvelope) {
  Result<proto::EventEnvelope> r =
      decode_source_event(source(proto::VENDOR_KV, std::string(kVendor)), kLimit);
  ASSERT_TRUE(r.is_ok()) << r.error().message;
  EXPECT_EQ(serialize_deterministic(r.value()), serialize_deterministic(sample()));
}

TEST(Decode, TruncatedProtobufIsMalformed) {
  const std::string full = sample().SerializeAsString();
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, full.substr(0, full.size() - 3))),
            "not a valid EventEnvelope protobuf (" + std::to_string(full.size() - 3) +
                " bytes): truncated, corrupt, or a string field that is not UTF-8");
}

TEST(Decode, ProtobufWithWrongWireTypeNamesTheField) {
  // Field 6 (schema_version, a varint) sent length-delimited: proto3 parsing would keep it as
  // an unknown field and report schema_version 0.
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, std::string("\x32\x01x", 3))),
            "not a valid EventEnvelope protobuf: field schema_version (number 6) has wire type "
            "length-delimited; its type needs varint");
  // Nested: material_consumed (23) { quantity (5) { milli (1) as fixed64 } }.
  const std::string nested("\xba\x01\x0b\x2a\x09\x09\x01\x00\x00\x00\x00\x00\x00\x00", 14);
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, nested)),
            "not a valid EventEnvelope protobuf: field material_consumed.quantity.milli (number "
            "1) has wire type fixed64; its type needs varint");
}

TEST(Decode, ProtobufWithUnknownFieldIsMalformed) {
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, sample().SerializeAsString() + "\xf8\x06\x01")),
            "not a valid EventEnvelope protobuf: unknown field number 111 in the envelope "
            "(mw.proto.EventEnvelope)");
}

TEST(Decode, ProtobufWithUnknownFieldInANestedMessageOutsideTheOneofIsMalformed) {
  // source (2) { field 15 (not in Source) = 1 }
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, std::string("\x12\x02\x78\x01", 4))),
            "not a valid EventEnvelope protobuf: unknown field number 15 in source "
            "(mw.proto.Source)");
}

TEST(Decode, ProtobufWithInvalidUtf8IsMalformed) {
  QuietProtobufLogs quiet;
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, std::string("\x0a\x02\xc3\x28", 4))),
            "not a valid EventEnvelope protobuf (4 bytes): truncated, corrupt, or a string field "
            "that is not UTF-8");
}

TEST(Decode, OversizedEventIsMalformedBeforeParsing) {
  EXPECT_EQ(failure(source(proto::VENDOR_KV, std::string(kVendor)), 20),
            "event of " + std::to_string(kVendor.size()) + " bytes exceeds the limit of 20");
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, std::string(11, 'x')), 10),
            "event of 11 bytes exceeds the limit of 10");
}

TEST(Decode, UnspecifiedFormatIsMalformed) {
  EXPECT_EQ(failure(source(proto::SOURCE_FORMAT_UNSPECIFIED, "x")),
            "source format 0 is not supported (expected CANONICAL_PROTO or VENDOR_KV)");
  EXPECT_EQ(failure(source(static_cast<proto::SourceFormat>(9), "x")),
            "source format 9 is not supported (expected CANONICAL_PROTO or VENDOR_KV)");
}

TEST(Decode, TruncatedVendorRecordIsMalformed) {
  auto cut = [](std::string_view tail) {
    const std::size_t at = kVendor.find(tail);
    return source(proto::VENDOR_KV, std::string(kVendor.substr(0, at + tail.size())));
  };
  EXPECT_EQ(failure(cut("|SE")), "field 8 'SE' is not KEY=VALUE (is the record truncated?)");
  EXPECT_EQ(failure(cut("PDATE=2026")), "missing required key OKEY");
  EXPECT_EQ(failure(cut("|UOM=G")), "UOM: unknown vendor unit 'G' (known: GR, KGM, PCS, MTR, LTR)");
  EXPECT_EQ(failure(cut("QTY=15")), "missing required key UOM for type CONS");
  EXPECT_EQ(failure(source(proto::VENDOR_KV, "MSGID=a%2")),
            "MSGID: incomplete percent escape '%2' at the end of the value (is the record "
            "truncated?)");
}

TEST(Decode, VendorWrongTypesNameTheKey) {
  auto with = [](std::string_view from, std::string_view to) {
    std::string s(kVendor);
    s.replace(s.find(from), from.size(), to);
    return source(proto::VENDOR_KV, s);
  };
  EXPECT_EQ(failure(with("SEQ=1", "SEQ=one")), "SEQ: 'one' is not an unsigned integer");
  EXPECT_EQ(failure(with("QTY=1500", "QTY=abc")),
            "QTY: 'abc' is not a decimal number with at most 3 decimals");
  EXPECT_EQ(failure(with("TS=1767225600000", "TS=2026-01-01T00:00")),
            "TS: '2026-01-01T00:00' is not an integer (epoch milliseconds)");
  EXPECT_EQ(failure(with("QTY=1500", "QTY=1500.5")),
            "QTY: '1500.5' GR is a fractional gram, which KG milli-units cannot represent exactly");
  EXPECT_EQ(failure(with("UOM=GR", "UOM=LBS")),
            "UOM: unknown vendor unit 'LBS' (known: GR, KGM, PCS, MTR, LTR)");
  EXPECT_EQ(failure(with("SEQ=1", "SEQ=1|SEQ=2")), "duplicate key SEQ");
  EXPECT_EQ(failure(with("TYP=CONS", "TYP=XYZ")), "unknown type code 'XYZ'");
}

TEST(Decode, GarbageBytesAreMalformed) {
  const std::string garbage("\xff\xfe\x00\x13garbage\x80", 12);
  EXPECT_EQ(failure(source(proto::VENDOR_KV, garbage)),
            "field 1 '\\xFF\\xFE\\x00\\x13garbage\\x80' is not KEY=VALUE (is the record "
            "truncated?)");
  EXPECT_EQ(failure(source(proto::CANONICAL_PROTO, garbage)),
            "not a valid EventEnvelope protobuf (12 bytes): truncated, corrupt, or a string field "
            "that is not UTF-8");
}

TEST(PayloadHash, IsFnv1a64OfTheDeterministicSerialization) {
  EXPECT_EQ(payload_hash(proto::EventEnvelope()), "cbf29ce484222325");  // FNV-1a of nothing
  proto::EventEnvelope e;
  e.set_event_id("a");  // bytes 0a 01 61
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : {0x0a, 0x01, 0x61}) h = (h ^ c) * 0x100000001b3ULL;
  char expected[17];
  std::snprintf(expected, sizeof expected, "%016llx", static_cast<unsigned long long>(h));
  EXPECT_EQ(payload_hash(e), expected);
}

TEST(PayloadHash, IsPinnedForASampleEnvelope) {
  // Stored hashes are compared across restarts and upgrades: this value must never change.
  // Cross-checked with `protoc --encode=mw.proto.EventEnvelope` and an FNV-1a in Python.
  EXPECT_EQ(payload_hash(sample()), "70305d1d22db3333");
}

TEST(PayloadHash, DependsOnContentNotOnConstructionOrder) {
  proto::EventEnvelope a = sample();
  proto::EventEnvelope b;
  b.set_source_sequence(1);
  *b.mutable_material_consumed() = a.material_consumed();
  b.set_ordering_key(a.ordering_key());
  b.set_posting_date(a.posting_date());
  b.set_occurred_at_ns(a.occurred_at_ns());
  b.set_schema_version(1);
  b.set_event_type(a.event_type());
  *b.mutable_source() = a.source();
  b.set_event_id(a.event_id());
  EXPECT_EQ(payload_hash(a), payload_hash(b));
  b.mutable_material_consumed()->mutable_quantity()->set_milli(1501);
  EXPECT_NE(payload_hash(a), payload_hash(b));
}

// A fixed-seed xorshift64* generator for the fuzz loops.
class XorShift {
 public:
  explicit XorShift(std::uint64_t seed) : s_(seed | 1) {}
  std::uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t s_;
};

MasterData fuzz_master() {
  MasterData m;
  m.plants["P100"] = PlantInfo{"1000", "CC-100"};
  return m;
}

// check_one runs one input through ingest and checks the contract: no crash, and every failure
// is malformed with a reason. A vendor record that decodes must survive an encode/decode trip.
void check_one(const proto::SourceEvent& raw, const MasterData& master, int* accepted) {
  Result<proto::EventEnvelope> r = decode_source_event(raw, 4096);
  if (!r.is_ok()) {
    ASSERT_EQ(r.error().kind, ErrorKind::kMalformed);
    ASSERT_FALSE(r.error().message.empty());
    return;
  }
  Status s = validate_envelope(r.value(), master);
  if (!s.is_ok()) {
    ASSERT_EQ(s.error().kind, ErrorKind::kMalformed);
    ASSERT_FALSE(s.error().message.empty());
  } else {
    ++*accepted;
  }
  proto::EventEnvelope reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(serialize_deterministic(r.value())));
  if (raw.format() == proto::VENDOR_KV) {
    Result<proto::EventEnvelope> again = decode_vendor_kv(encode_vendor_kv(r.value()));
    ASSERT_TRUE(again.is_ok()) << again.error().message;
    ASSERT_EQ(serialize_deterministic(again.value()), serialize_deterministic(r.value()));
  }
}

TEST(DecodeFuzz, RandomBytesNeverCrashAndFailAsMalformed) {
  QuietProtobufLogs quiet;
  const MasterData master = fuzz_master();
  const std::string alphabet = "AZQ019=|%;,.-ESGTYPMSIDQUORN\x01\xff";
  XorShift g(0x5eed);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(g.below(200), '\0');
    const bool biased = g.below(2) == 0;  // half from the format's own alphabet
    for (char& c : bytes) {
      c = biased ? alphabet[g.below(alphabet.size())] : static_cast<char>(g.next() & 0xff);
    }
    const auto format = static_cast<proto::SourceFormat>(g.below(4));
    ASSERT_NO_FATAL_FAILURE(check_one(source(format, bytes), master, &accepted)) << i;
  }
  EXPECT_EQ(accepted, 0);  // random bytes never make a valid event
}

TEST(DecodeFuzz, MutatedVendorRecordsNeverCrashAndFailAsMalformed) {
  QuietProtobufLogs quiet;
  const MasterData master = fuzz_master();
  const std::vector<std::string> seeds = {
      std::string(kVendor),
      "MSGID=e2|TYP=OPCMP|VER=1|SITE=P100|TS=1767225600000|PDATE=20260101|OKEY=wo:1|SEQ=2|"
      "AUFNR=1|VORNR=0010|ARBPL=WC1|QTY=98|QTY2=2|UOM=PCS",
      "MSGID=e3|TYP=ASN|VER=1|SITE=P100|TS=1767225600000|PDATE=20260101|OKEY=asn:1|SEQ=1|"
      "ASNNO=A1|LIFNR=S1|EBELN=PO1|ETA=1767312000000|LN=RM-1;L1;2.5;KGM,RM%2C2;L%3B2;1500;GR",
      "MSGID=e4|TYP=LOTST|VER=1|SITE=P100|TS=1767225600000|PDATE=20260228|OKEY=lot:1|SEQ=9|"
      "MATNR=RM-1|CHARG=L1|STAT=Q1|RSN=QC%20hold",
      "MSGID=e5|TYP=CCV|VER=1|SITE=P100|TS=1767225600000|PDATE=20240229|OKEY=lot:1|SEQ=10|"
      "MATNR=RM-1|CHARG=L1|LGORT=0001|QTY=10.5|QTY2=-0.5|UOM=LTR",
  };
  const std::string alphabet = "AZ09=|%;,.-\x01\xff";
  XorShift g(0xfeed);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[g.below(seeds.size())];
    for (std::size_t n = 1 + g.below(3); n > 0 && !s.empty(); --n) {
      const std::size_t at = g.below(s.size());
      switch (g.below(6)) {
        case 0:
          s[at] = static_cast<char>(g.next() & 0xff);
          break;  // flip a byte
        case 1:
          s[at] = alphabet[g.below(alphabet.size())];
          break;  // a format byte
        case 2:
          s.erase(at, 1 + g.below(8));
          break;  // delete a run
        case 3:
          s.insert(at, 1, alphabet[g.below(alphabet.size())]);
          break;  // insert
        case 4:
          s.resize(at);
          break;    // truncate
        default: {  // repeat a run
          const std::size_t len = 1 + g.below(16);
          s.insert(at, s.substr(g.below(s.size()), len));
        }
      }
    }
    ASSERT_NO_FATAL_FAILURE(check_one(source(proto::VENDOR_KV, s), master, &accepted)) << s;
  }
  EXPECT_GT(accepted, 0);  // some mutations (e.g. in a value) still give a valid event
}

TEST(DecodeFuzz, MutatedProtobufsNeverCrashAndFailAsMalformed) {
  QuietProtobufLogs quiet;
  const MasterData master = fuzz_master();
  const std::string seed = sample().SerializeAsString();
  XorShift g(0xbeef);
  int accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string s = seed;
    for (std::size_t n = 1 + g.below(3); n > 0 && !s.empty(); --n) {
      const std::size_t at = g.below(s.size());
      switch (g.below(3)) {
        case 0:
          s[at] = static_cast<char>(g.next() & 0xff);
          break;
        case 1:
          s.erase(at, 1 + g.below(4));
          break;
        default:
          s.insert(at, 1, static_cast<char>(g.next() & 0xff));
      }
    }
    ASSERT_NO_FATAL_FAILURE(check_one(source(proto::CANONICAL_PROTO, s), master, &accepted));
  }
}

}  // namespace
}  // namespace mw::core
