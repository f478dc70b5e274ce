// Internal to middleware/ingest: the tables of the LineCtl vendor format, defined in
// vendor_kv.cc and shared by its decoder (vendor_kv.cc) and encoder (vendor_kv_encode.cc).
// Nothing outside those two files includes this header; the contract callers rely on is
// vendor_kv.h, which also describes the format.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "middleware/proto/events.pb.h"

namespace mw::core::vendor_kv_internal {

// Key is a vendor key, numbered in the order of kKeyNames; the header keys come first.
// clang-format off
enum Key : int {
  kMsgid, kTyp, kVer, kSite, kSys, kEdge, kCorr, kCause, kTs, kPdate, kOkey, kSeq,  // header
  kAufnr, kVornr, kArbpl, kMatnr, kCharg, kLgort, kQty, kQty2, kUom, kRsn, kFrom, kTo, kStat,
  kEbeln, kAsnno, kLifnr, kEta, kLn, kKeyCount
};
// clang-format on

// kKeyNames holds the name of each Key as it appears in a record.
extern const std::array<std::string_view, kKeyCount> kKeyNames;

using Keys = std::uint64_t;  // a set of keys, one bit per Key

// Binding: a vendor key and the field of the type's payload message it fills.
struct Binding {
  Key key;
  std::string_view field;  // empty: unused slot
};

// TypeSpec: a vendor type code, its canonical type and payload field, the payload keys it
// carries, and those it must carry (UOM goes with the quantity keys).
struct TypeSpec {
  std::string_view code;
  proto::EventType type;
  std::string_view payload;
  std::array<Binding, 7> bindings;
  Keys required;
};

// kTypes holds one TypeSpec per vendor type code, at most one per canonical type.
extern const std::array<TypeSpec, 13> kTypes;

// VendorUnit: a vendor unit code and the canonical unit it stands for.
struct VendorUnit {
  std::string_view vendor;
  std::string_view canonical;
  bool grams;  // the number is whole grams, i.e. KG milli-units one to one
};

// kUnits holds the vendor unit codes. The first entry for a canonical unit is the one encode
// writes.
extern const std::array<VendorUnit, 5> kUnits;

// LotCode: a vendor lot status code (STAT) and the canonical status it stands for.
struct LotCode {
  std::string_view code;
  proto::LotStatus status;
};

// kLotCodes holds the vendor lot status codes, one per canonical status.
extern const std::array<LotCode, 3> kLotCodes;

// Times are sent as epoch milliseconds and kept as nanoseconds.
constexpr std::int64_t kNanosPerMilli = 1000000;

}  // namespace mw::core::vendor_kv_internal
