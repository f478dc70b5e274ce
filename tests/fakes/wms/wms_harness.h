// WmsWorld: a two-node simulation for testing the simulated WMS: "wms" runs WmsProcess on a
// book the test owns, "middleware" is a StandInMiddleware that records the replenishment events
// and notification acks it receives and sends the notifications the test scripts. The network
// delivers every message after exactly 1 ms unless the test passes its own options.
//
// Names: the middleware maps plant "P100" to ERP plant "1000" and plant material "RM-100" to
// ERP material "MAT-100" (the rule below says so); line-side location "LINE1", warehouse
// "WH01".
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "fakes/common/source_log.h"
#include "fakes/wms/wms_book.h"
#include "fakes/wms/wms_config.h"
#include "fakes/wms/wms_process.h"
#include "sim/simulation.h"
#include "tests/fakes/wms/stand_in_middleware.h"

namespace mw::fakes::testing {

inline constexpr sim::Duration kNetworkDelay = sim::milliseconds(1);
inline constexpr const char* kErpPlant = "1000";
inline constexpr const char* kErpMaterial = "MAT-100";
inline constexpr const char* kPlant = "P100";
inline constexpr const char* kPlantMaterial = "RM-100";
inline constexpr const char* kLine = "LINE1";
inline constexpr const char* kWarehouse = "WH01";
inline constexpr const char* kReplKey = "repl:P100/RM-100";

inline sim::SimulationOptions exact_network(std::uint64_t seed) {
  sim::SimulationOptions o;
  o.seed = seed;
  o.network.default_link.latency =
      sim::LatencyModel{kNetworkDelay, sim::Duration::zero(), 0.0, sim::seconds(1)};
  return o;
}

// line_rule: replenish LINE1 with 5000 from WH01 when it holds less than 1000 (milli-KG).
inline ReplenishmentRule line_rule() {
  ReplenishmentRule r;
  r.erp_plant = kErpPlant;
  r.erp_material = kErpMaterial;
  r.plant = kPlant;
  r.plant_material = kPlantMaterial;
  r.line_location = kLine;
  r.warehouse_location = kWarehouse;
  r.reorder_point_milli = 1000;
  r.replenish_milli = 5000;
  r.uom = "KG";
  return r;
}

inline WmsConfig replenishing_config() {
  WmsConfig c;
  c.replenishment = {line_rule()};
  return c;
}

inline WmsStockKey stock_key(const std::string& lot, const std::string& location) {
  return WmsStockKey{kErpPlant, kErpMaterial, lot, location};
}

// --- Notification builders. ------------------------------------------------------------------

inline proto::Notification notification(const std::string& id, const std::string& event,
                                        const std::string& key, std::uint64_t seq) {
  proto::Notification n;
  n.set_notification_id(id);
  n.set_source_event_id(event);
  n.set_ordering_key(key);
  n.set_sequence(seq);
  return n;
}

// inventory: an InventoryUpdated of `milli` (signed, KG) for lot `lot` at `location`.
inline proto::Notification inventory(const std::string& id, const std::string& event,
                                     const std::string& key, std::uint64_t seq,
                                     const std::string& lot, const std::string& location,
                                     std::int64_t milli) {
  proto::Notification n = notification(id, event, key, seq);
  proto::InventoryUpdated& u = *n.mutable_inventory_updated();
  u.set_plant(kErpPlant);
  u.set_material(kErpMaterial);
  u.set_lot(lot);
  u.set_storage_location(location);
  u.mutable_delta()->set_milli(milli);
  u.mutable_delta()->set_uom("KG");
  u.set_erp_document("4900000001");
  return n;
}

inline proto::Notification lot_status(const std::string& id, const std::string& event,
                                      const std::string& key, std::uint64_t seq,
                                      const std::string& lot, proto::LotStatus status) {
  proto::Notification n = notification(id, event, key, seq);
  proto::LotStatusUpdated& u = *n.mutable_lot_status_updated();
  u.set_plant(kErpPlant);
  u.set_material(kErpMaterial);
  u.set_lot(lot);
  u.set_status(status);
  return n;
}

class WmsWorld {
 public:
  explicit WmsWorld(WmsConfig config, sim::SimulationOptions options = exact_network(1))
      : sim(options) {
    wms = sim.add_node("wms", make_wms(book, std::move(config)));
    middleware = sim.add_node("middleware", [this](sim::Node& n) {
      return std::make_unique<StandInMiddleware>(n, &script);
    });
  }

  // start starts the nodes; set opening stock on `book` before.
  void start() { ASSERT_TRUE(sim.start().empty()); }
  sim::Time now() { return sim.scheduler().now(); }
  void run_for(sim::Duration d) { sim.scheduler().run_for(d); }

  // notify sends `n` from the middleware to the WMS now.
  void notify(const proto::Notification& n) {
    StandInMiddleware::send_notification(sim.node(middleware), wms, n);
  }
  void send_bytes(std::string bytes) { sim.node(middleware).send(wms, std::move(bytes)); }

  const WmsStats& stats() const { return book.stats(); }

  // Declared before `sim`: the books and the script outlive the nodes.
  SourceLog log;
  WmsBook book{log};
  MiddlewareScript script;
  sim::Simulation sim;
  sim::NodeId wms;
  sim::NodeId middleware;
};

}  // namespace mw::fakes::testing
