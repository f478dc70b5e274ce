// Enrichment: turns a validated canonical event into the ERP command that posts its effect,
// in ERP terms (ERP plant and material numbers, the material's base unit of measure).
//
// Enrichment is a pure function of the event and the master data: the same inputs always
// give the same command, byte for byte, which is what makes a replay after a master-data fix
// post exactly what the first attempt would have posted.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "middleware/dead_letter.h"
#include "middleware/enrich/master_data.h"
#include "middleware/proto/erp.pb.h"
#include "middleware/proto/events.pb.h"

namespace mw::core {

// Enriched: the outcome for an event that enriches. `command` is nullopt when the event posts
// nothing to ERP (WORK_ORDER_RELEASED, OPERATION_STARTED, ASN_RECEIVED,
// SUPPLIER_SHIPMENT_DELAYED).
struct Enriched {
  std::optional<proto::ErpCommand> command;
};

// EnrichFailure: why the event cannot be posted until master data changes; the caller
// dead-letters it with this class and reason.
struct EnrichFailure {
  DeadLetterClass dead_letter_class;
  std::string reason;
};

// enrich maps `e`, which validate_envelope accepted, to its ERP command:
//   MATERIAL_CONSUMED       -> GoodsIssue
//   SCRAP_RECORDED          -> ScrapPosting from its storage location, to the cost center of
//                              the plant
//   FINISHED_GOODS_REPORTED -> GoodsReceipt with work_order
//   OPERATION_COMPLETED     -> ProductionConfirmation (quantities as reported, not converted)
//   GOODS_RECEIPT_POSTED    -> GoodsReceipt with purchase_order
//   STOCK_TRANSFERRED       -> Transfer
//   STOCK_ADJUSTED          -> Adjustment (cost center of the plant)
//   CYCLE_COUNT_VARIANCE    -> Adjustment, delta = variance, reason_code "CYCLE_COUNT"
//   LOT_STATUS_CHANGED      -> LotStatusChange
// Every command carries the ERP plant and ERP material of `master`, quantities converted
// exactly to the material's base unit, external_reference "mw:" + event_id (from the event id
// only, so every attempt and every replay of the event carries the same idempotency key), and
// posting_date, source_event_id and correlation_id of the event.
// Failures: a material with no mapping -> kUnknownMaterial; a quantity that does not convert
// exactly to the base unit -> kUnitConversion; a plant with no mapping, or an event whose type
// and payload disagree (validation was skipped) -> kInvalidCommand.
std::variant<Enriched, EnrichFailure> enrich(const proto::EventEnvelope& e,
                                             const MasterData& master);

}  // namespace mw::core
