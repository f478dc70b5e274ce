// WmsConfig: every knob of the simulated warehouse management system, in one struct.
//
// The WMS has two jobs, and the knobs split the same way:
//   subscriber     it applies the middleware's inventory notifications to its own stock, once
//                  each and in per-key sequence order, holding early ones durably
//                  (max_held_notifications caps how many it holds).
//   source         it watches line-side stock and sends a stock transfer from a warehouse
//                  location when the stock drops below a reorder point (replenishment), through
//                  an at-least-once EventSender (sender).
// Quantities are milli-units of the ERP base unit (the unit of InventoryUpdated.delta), times
// are simulated time. Defaults describe a WMS that watches nothing and never times out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fakes/common/calendar.h"
#include "fakes/common/event_sender.h"
#include "sim/time.h"

namespace mw::fakes {

// ReplenishmentRule: watch one material at one line-side location of one plant.
//
// The WMS reads stock in the middleware's downstream terms (ERP plant, ERP material, as in
// InventoryUpdated) and writes events in the plant's terms (plant code, plant material number,
// as the middleware's master data maps them), so a rule names both.
struct ReplenishmentRule {
  std::string erp_plant;           // InventoryUpdated.plant, e.g. "1000"
  std::string erp_material;        // InventoryUpdated.material, e.g. "000000000000100200"
  std::string plant;               // the plant code the middleware knows, e.g. "P100": source.plant
  std::string plant_material;      // the plant material number that maps to erp_material
  std::string line_location;       // the watched line-side storage location
  std::string warehouse_location;  // where the transfer takes stock from
  // When the line-side stock, summed over every lot, is below reorder_point_milli and no
  // replenishment of this rule is open, the WMS transfers replenish_milli (or what the chosen
  // lot holds, if less) from the warehouse location.
  std::int64_t reorder_point_milli = 0;
  std::int64_t replenish_milli = 0;
  std::string uom;  // the unit of the transfer's quantity: the material's ERP base unit
};

struct WmsConfig {
  // Rules, evaluated in this order. At most one rule per (erp_plant, erp_material,
  // line_location).
  std::vector<ReplenishmentRule> replenishment;

  // An open replenishment whose notifications have not arrived after this long is given up
  // (kExpired), and the rule may trigger again. Zero: never; the replenishment then stays open
  // until its notifications arrive or the middleware rejects the event (a non-retryable Nack).
  sim::Duration replenishment_timeout = sim::Duration::zero();

  // At most this many early notifications are held at once. One more is not acknowledged and
  // not held (the publisher resends it), so an acknowledgement always means "stored".
  std::size_t max_held_notifications = 10'000;

  // Simulated time zero as a Unix time in ns, for occurred_at_ns and posting_date.
  std::int64_t epoch_unix_ns = kDefaultEpochUnixNs;

  // How replenishment events reach the middleware.
  SenderConfig sender;
};

// validate_wms_config returns one message per problem in `config`; empty means valid.
std::vector<std::string> validate_wms_config(const WmsConfig& config);


}  // namespace mw::fakes
