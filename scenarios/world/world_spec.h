// WorldSpec: everything that defines one simulated world: the seed, the topology (plants,
// their MES and optional edge, the ERP, WMS and quality), the middleware design under test, the
// master data, the faults and the operator's actions. A run is a pure function of its spec.
//
// Node names are fixed: "middleware", "erp", "wms", "quality", "mes-<plant>", "edge-<plant>".
// Faults name nodes by these names (crashes; network.outages for a plant WAN partition between
// "edge-<plant>" and "middleware"); ERP outages are in `erp`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakes/edge/edge_config.h"
#include "fakes/erp/erp_config.h"
#include "fakes/mes/mes_config.h"
#include "fakes/quality/quality_config.h"
#include "fakes/wms/wms_config.h"
#include "middleware/enrich/master_data.h"
#include "middleware/proto/config.pb.h"
#include "scenarios/world/situations.h"
#include "sim/disk/volume.h"
#include "sim/network_config.h"
#include "sim/node.h"
#include "sim/simulation.h"

namespace mw::scen {

struct PlantSpec {
  fakes::MesConfig mes;  // mes.plant names the plant; the world sets mes.sender.target
  bool edge = false;     // route MES -> "edge-<plant>" -> middleware
  fakes::EdgeConfig edge_config;
};

// NodeCrash: `node` stops at `at` (a process crash, or a power loss that also tears the
// unsynced writes of its disk) and starts again `downtime` later.
struct NodeCrash {
  std::string node;
  sim::Time at{};
  sim::Duration downtime = sim::seconds(5);
  sim::CrashKind kind = sim::CrashKind::kProcessCrash;
};

// DiskFault: the disk of `node` ("middleware" or "edge-<plant>": the nodes that keep a store)
// misbehaves during [at, at + duration), then recovers.
//   - error_probability > 0: each read, write, truncate and sync fails with this probability
//     (Volume::set_io_error_probability);
//   - headroom_bytes set: the disk is full, taking no more than this many bytes beyond what its
//     files hold at `at` (Volume::set_quota_bytes).
// Overlapping faults on one node combine: the highest error probability, the smallest quota.
struct DiskFault {
  std::string node;
  sim::Time at{};
  sim::Duration duration = sim::seconds(30);
  double error_probability = 0;
  std::optional<std::uint64_t> headroom_bytes;
};

// OperatorAction: what an operator does on the middleware at `at`: replay every parked dead
// letter (after fixing the cause, e.g. reopening a posting period). If the middleware is down
// then, the operator tries again every second.
struct OperatorAction {
  enum class Kind { kReplayAll };
  sim::Time at{};
  Kind kind = Kind::kReplayAll;
};

struct WorldSpec {
  std::uint64_t seed = 1;
  // Sources create events during [0, production); after it the world drains.
  sim::Duration production = sim::hours(1);
  // Liveness: the world must drain within this long after the later of the end of production,
  // the end of the last fault and the last operator action.
  sim::Duration drain_bound = sim::minutes(15);

  sim::NetworkConfig network;
  sim::VolumeOptions disk;

  std::vector<PlantSpec> plants;
  fakes::ErpConfig erp;
  // The WMS subscribes to the middleware's notifications when present (the world adds "wms"
  // to design.publisher.subscribers).
  std::optional<fakes::WmsConfig> wms;
  std::optional<fakes::QualityConfig> quality;
  // Stock the ERP holds at the start besides the MES opening stock (which the world books in
  // the ERP, mapped with `master`), e.g. warehouse stock the WMS replenishes from. In plant
  // terms, like the MES's.
  std::vector<fakes::OpeningLot> extra_opening_stock;

  proto::Config design;  // the middleware design under test
  core::MasterData master;
  // Plant materials missing from the middleware's copy of `master` until `withheld_until`
  // (absent: until the operator phase), when the world sets the whole of `master`.
  std::vector<std::string> withheld_materials;
  std::optional<sim::Time> withheld_until;
  sim::RandomCrashes middleware_random_crashes;
  // Random crashes of the other nodes, by node name ("erp", "mes-P100", ...).
  std::map<std::string, sim::RandomCrashes> random_crashes;

  std::vector<NodeCrash> crashes;
  std::vector<DiskFault> disk_faults;
  std::vector<OperatorAction> operator_actions;
  // Crash points of the middleware core (situations.h); they fire only during production.
  CrashPointsSpec crash_points;
};

// validate_world_spec returns one message per problem; empty means valid. It includes the
// problems of every fake's config.
std::vector<std::string> validate_world_spec(const WorldSpec& spec);

}  // namespace mw::scen
