// The "LineCtl" key=value record a plant's line controllers write (SourceFormat VENDOR_KV), as
// the MES emits it: one event per record, fields KEY=VALUE separated by '|', values
// percent-encoded (%HH for '%', '|', '=' and bytes outside 0x20..0x7e). The middleware adapts
// it with decode_vendor_kv (middleware/ingest/vendor_kv.h, which documents the format); this is
// the plant's side of it, written here rather than borrowed from the core, because a fake must
// behave like the real line controller whatever the middleware does.
//
// It carries the six production event types and only them. Quantities: KG as whole grams (unit
// code GR, a KG milli-unit is one gram), EA as PCS, M as MTR, L as LTR, decimal with up to 3
// decimals. Times are epoch milliseconds (sub-millisecond time is dropped), the posting date
// YYYYMMDD. An OPCMP record always carries both QTY (yield) and QTY2 (scrap), in one unit.
#pragma once

#include <string>

#include "middleware/proto/events.pb.h"

namespace mw::fakes {

// line_controller_encodable tells whether `e`'s type and quantity units fit the format.
bool line_controller_encodable(const proto::EventEnvelope& e);

// encode_line_controller renders `e` as one record. It must be encodable (MW_CHECK).
std::string encode_line_controller(const proto::EventEnvelope& e);

}  // namespace mw::fakes
