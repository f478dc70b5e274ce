// The "LineCtl" vendor format, one event per payload, and its adapter to and from the canonical
// EventEnvelope. Plants whose line controllers speak this format send SourceFormat VENDOR_KV.
//
// A record is printable ASCII: fields separated by '|', each KEY=VALUE. In a value, '%', '|',
// '=' and every byte below 0x20 or from 0x7f up are percent-encoded as %HH (uppercase hex); a
// decoded value must be valid UTF-8. A key with an empty value counts as absent. Keys appear
// in any order, at most once each; an unknown key, or one the record's type does not use, is
// an error.
//
//   key    canonical field                 key    canonical field
//   MSGID  event_id            (required)  AUFNR  work_order
//   TYP    event_type          (required)  VORNR  operation
//   VER    schema_version      (required)  ARBPL  work_center
//   SITE   source.plant        (required)  MATNR  material
//   SYS    source.system                   CHARG  lot
//   EDGE   source.edge_node                LGORT  storage_location
//   CORR   correlation_id                  QTY    quantity / yield / delta / counted
//   CAUSE  causation_id                    QTY2   scrap (OPCMP) / variance (CCV)
//   TS     occurred_at, epoch ms (req.)    UOM    vendor unit of QTY and QTY2
//   PDATE  posting_date YYYYMMDD (req.)    RSN    reason_code / reason
//   OKEY   ordering_key        (required)  FROM   from_location       TO  to_location
//   SEQ    source_sequence     (required)  STAT   lot status: 00 released, Q1 hold, B9 blocked
//   EBELN  purchase_order                  ASNNO  asn                 LIFNR supplier
//   ETA    expected_at / new_expected_at, epoch ms
//   LN     ASN lines: "matnr;charg;qty;uom" entries separated by ','; ',' and ';' inside a
//          component are percent-encoded (the value is split before it is decoded)
//
// Type codes: WOREL OPSTA OPCMP CONS SCRP FGR GR XFER ADJ LOTST CCV ASN ASNDLY (see kTypes in
// vendor_kv.cc for the keys each uses). Quantities are decimals with at most 3 decimals and an
// optional '-' (signs are judged by validate_envelope, not here). Units: GR (whole grams only)
// becomes KG milli-units one to one, KGM -> KG, PCS -> EA, MTR -> M, LTR -> L.
#pragma once

#include <string>
#include <string_view>

#include "middleware/proto/events.pb.h"
#include "middleware/result.h"

namespace mw::core {

// decode_vendor_kv parses one vendor record into a canonical envelope. Every problem is
// ErrorKind::kMalformed with a reason naming the key and the offending value, e.g.
// "QTY: 'abc' is not a decimal number with at most 3 decimals". It accepts arbitrary bytes:
// it never crashes or throws, and its work is linear in the size of `payload`. The envelope is
// not validated beyond what the format itself requires; call validate_envelope next.
Result<proto::EventEnvelope> decode_vendor_kv(std::string_view payload);

// encode_vendor_kv renders `e` as a vendor record: the inverse of decode_vendor_kv, so that
// decode_vendor_kv(encode_vendor_kv(e)) equals e for every e that decode_vendor_kv produces.
// KG quantities are written in GR (a KG milli-unit is exactly one gram). Parts of an envelope
// the format cannot carry are lost or written so that decoding fails: sub-millisecond time,
// a canonical unit with no vendor code, yield and scrap in different units, empty strings
// (written as absent), and a posting_date not in YYYY-MM-DD form.
std::string encode_vendor_kv(const proto::EventEnvelope& e);

}  // namespace mw::core
