// Structural validation of a canonical event at ingest, before it enters the dedup inbox's
// downstream steps. It checks what every event must satisfy whatever its business content:
// identity, order, time, a payload that matches the declared type, known plant and units,
// quantities with a sensible sign, and the identifiers each payload needs. Business rules
// that depend on ERP state (open periods, lot status, stock) are not checked here.
#pragma once

#include "middleware/enrich/master_data.h"
#include "middleware/proto/events.pb.h"
#include "middleware/result.h"

namespace mw::core {

// validate_envelope returns ok when `e` is structurally valid against `master`, else the first
// problem found as ErrorKind::kMalformed, with a message that starts with the canonical field
// path (e.g. "material_consumed.quantity.uom: unknown unit 'LB'"). Checks, in order:
// event_id present, at most 128 bytes, printable ASCII; schema_version 1; event_type set and
// matching the payload that is set; ordering_key present, at most 256 bytes;
// source_sequence >= 1; occurred_at_ns > 0; posting_date a calendar date YYYY-MM-DD;
// source.plant known in `master.plants`; then per payload: required identifiers (work_order
// for production events, plus operation for OPERATION_STARTED/COMPLETED; material and lot for
// inventory events; purchase_order for GOODS_RECEIPT_POSTED; the storage location a scrap is
// taken from; distinct from/to locations for transfers; asn and supplier for procurement; a
// known, specified lot status), and every quantity present with a unit of kKnownUnits and the
// right sign: positive where material moves (consumption, scrap, finished goods, receipts,
// transfers, ASN lines), non-zero for signed deltas (adjustment, cycle count variance),
// non-negative for counted and planned quantities and for yield and scrap of an operation,
// which must not both be zero. An ASN needs at least one line, each with a material.
Status validate_envelope(const proto::EventEnvelope& e, const MasterData& master);

}  // namespace mw::core
