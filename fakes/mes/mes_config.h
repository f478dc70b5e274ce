// MesConfig: every knob of one plant's simulated MES, in one struct.
//
// The MES runs `lines` production lines. Each line works through work orders one after another:
// it picks a product of the catalogue and a quantity, releases the order, and for each operation
// of the product's routing starts it, consumes the components the BOM assigns to it, maybe
// scraps, and completes it; after the last operation it reports the finished goods into a new
// lot. Every step is one event; the time between two steps of a line is exponential with mean
// 1 / (events_per_second_per_line x the shift-start burst multiplier), and no step happens in a
// quiet period. A line releases an order only when the stock can supply all its components
// (else it tries the other products, then idles); a consumption that finds no lot holding its
// whole quantity (another line took it meanwhile) waits too. A waiting line retries after
// stock_wait.
//
// Quantities are integers in milli-units: a work order of 12 units of an "EA" product is
// 12000 milli EA, and a BOM line's milli_per_unit is what one unit (1000 milli) of the product
// needs. Times are simulated time since the start of the run; epoch_unix_ns maps them to the
// Unix time the events carry. Defaults describe a healthy two-line plant with a canonical
// source format, an empty catalogue (products are required) and no faults.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fakes/common/calendar.h"
#include "fakes/common/event_sender.h"
#include "middleware/proto/wire.pb.h"
#include "sim/time.h"

namespace mw::fakes {


// BomLine: one component of a product. Its unit may differ from the unit the material is kept
// in (material_stock_units) if it is of the same kind and converts exactly (units.h): a BOM in
// G of a material stocked in KG. Events and their effects report the BOM's unit.
struct BomLine {
  std::string material;
  std::int64_t milli_per_unit = 0;  // component milli-units per unit (1000 milli) of the product
  std::string uom;
  std::string operation;  // the routing operation that consumes it; empty means the first
};

// RoutingStep: one operation of a product's routing, in order.
struct RoutingStep {
  std::string operation;  // "0010", "0020", ...
  std::string work_center;
};

// Product: a finished good the plant makes.
struct Product {
  std::string material;
  std::string uom = "EA";
  std::string storage_location = "FG01";  // where its finished goods are put
  std::vector<BomLine> bom;
  std::vector<RoutingStep> routing;  // at least one operation
};

// OpeningLot: a lot physically in the plant when the run starts. All lots of a material, and
// the product that makes it if any, share one unit. The names "<plant>-<digits>" are the MES's
// own, for the lots it makes.
struct OpeningLot {
  std::string plant;
  std::string material;
  std::string lot;
  std::string storage_location;
  std::int64_t milli = 0;
  std::string uom;
};

// QuietPeriod: no production step happens in [start, end).
struct QuietPeriod {
  sim::Time start{};
  sim::Time end{};
};

struct MesConfig {
  std::string plant = "P100";
  std::uint32_t lines = 2;

  // Catalogue and work orders. A line picks a product uniformly and a whole number of units in
  // [work_order_units_min, work_order_units_max]; work order numbers count up from
  // first_work_order across the plant.
  std::vector<Product> products;
  std::uint32_t work_order_units_min = 10;
  std::uint32_t work_order_units_max = 100;
  std::uint64_t first_work_order = 1000001;
  // Each unit's consumption of each component is its own MATERIAL_CONSUMED (backflush per
  // unit), so a work order's ordering key carries hundreds to thousands of events.
  bool consumption_per_unit = false;

  // Physical stock at the start. Components are taken from the oldest lot (in this order, then
  // finished-goods lots in the order they were made) that holds the whole quantity.
  std::vector<OpeningLot> opening_stock;
  sim::Duration stock_wait = sim::minutes(1);  // a starved line retries after this long

  // Rate profile. Shifts start at time zero and every shift_length; during the first
  // shift_burst_duration of each, the rate is multiplied by shift_burst_multiplier.
  double events_per_second_per_line = 0.5;
  sim::Duration shift_length = sim::hours(8);
  sim::Duration shift_burst_duration = sim::minutes(30);
  double shift_burst_multiplier = 3;
  std::vector<QuietPeriod> quiet_periods;  // in time order, not overlapping

  // Scrap: each operation has a scrap incident with scrap_probability. An incident draws
  // 1..scrap_units_max units: that many units of the product fail (at most all but one of the
  // good units; OPERATION_COMPLETED reports them as scrap and the finished goods are fewer),
  // and that many units' worth of one component the order consumed is spoiled on top of what
  // the BOM consumed (SCRAP_RECORDED, from the lot it was consumed from and at that lot's
  // storage location, in whole units' worth and at most what the lot still holds; nothing if it
  // holds less than one unit's worth).
  double scrap_probability = 0.02;
  std::uint32_t scrap_units_max = 2;
  std::string scrap_reason_code = "DMG";

  // What the events look like.
  proto::SourceFormat format = proto::CANONICAL_PROTO;
  sim::Duration clock_skew = sim::Duration::zero();  // added to occurred_at, not posting_date
  std::int64_t epoch_unix_ns = kDefaultEpochUnixNs;
  // With this probability a step also sends one deliberately broken event (half of them bytes
  // that do not decode, half an envelope with an unknown schema version), which the middleware
  // must quarantine. Nothing physical happened for it.
  double malformed_probability = 0;
  // With this probability a step also resends the previous event it created, once its outbox
  // no longer holds it, re-stamped with the current time (as an MES does that replays its
  // journal after a restart): the same id with another payload, to be quarantined.
  double restamped_resend_probability = 0;
  // With this probability a step also resends the previous event it created, once its outbox
  // no longer holds it, under a new id ("<id>-reissued") with the same payload otherwise (as
  // an MES does that re-exports its journal after a restore and mints new message ids): the
  // same fact again, which the middleware must never post twice.
  double reissued_resend_probability = 0;
  // With this probability a step also sends a garbage copy of its event under the id
  // "<plant>-S<n>" with a corrupt sequence number on the step's key: 2^32 past the key's next
  // number (a 32-bit counter wrapped) or near 2^63 (a field read from uninitialised memory).
  // It decodes and validates; nothing physical happened.
  double corrupt_sequence_probability = 0;

  // Delivery: target (the middleware or the plant's edge node), batching, resends, and the
  // duplicate and out-of-order emission knobs.
  SenderConfig sender;
};

// validate_mes_config returns one message per problem in `config`; empty means valid.
std::vector<std::string> validate_mes_config(const MesConfig& config);


// material_stock_units returns the unit each material is kept in: its product's unit, else the
// unit of its first opening lot. Materials with neither are absent.
std::map<std::string, std::string> material_stock_units(const MesConfig& config);

// source_format_name returns "canonical" or "vendor_kv" (or the number of another format).
std::string source_format_name(proto::SourceFormat format);

}  // namespace mw::fakes
