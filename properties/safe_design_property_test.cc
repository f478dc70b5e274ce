// The safe design keeps every oracle, for random worlds: seeds, topologies, rates and fault
// schedules drawn by RapidCheck. A counterexample shrinks (fewer faults, smaller numbers) and is
// printed as the WorldPlan and seed that reproduce it.
//
// Cases per run: RC_PARAMS. ctest sets max_success=12 and a fixed seed, so `make test` is quick
// and the same on every machine; search further with another seed and more cases, e.g.
// RC_PARAMS="max_success=500 seed=7" build/release/properties/properties_safe_design_test.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "scenarios/world/reference_world.h"
#include "scenarios/world/world.h"

namespace mw::props {
namespace {

constexpr int kProductionMinutes = 12;

struct Crash {
  int at_second = 0;
  int down_seconds = 1;
  bool power_loss = false;
};

struct ErpOutage {
  int start_second = 0;
  int seconds = 1;
  bool silent = false;
};

// WorldPlan: what RapidCheck draws; world_of turns it into a WorldSpec.
struct WorldPlan {
  std::uint64_t seed = 0;
  int plants = 1;
  bool edges = false;
  bool wms = false;
  int tenths_events_per_second = 5;  // per line
  bool legacy_erp = false;
  int lost_reply_percent = 0;
  int internal_error_percent = 0;
  int duplicate_percent = 0;  // MES duplicate emission and network duplication
  int reorder_percent = 0;
  std::vector<Crash> middleware_crashes;
  std::vector<ErpOutage> erp_outages;
  int wan_partition_seconds = 0;  // plant 1's edge cut off, from minute 2 (edges only)
};

void showValue(const WorldPlan& p, std::ostream& os) {
  os << "WorldPlan{seed=" << p.seed << " plants=" << p.plants << " edges=" << p.edges
     << " wms=" << p.wms << " rate=" << p.tenths_events_per_second / 10.0
     << "/s/line legacy_erp=" << p.legacy_erp << " lost_reply%=" << p.lost_reply_percent
     << " 500%=" << p.internal_error_percent << " duplicate%=" << p.duplicate_percent
     << " reorder%=" << p.reorder_percent << " crashes=[";
  for (const Crash& c : p.middleware_crashes) {
    os << " " << c.at_second << "s+" << c.down_seconds << "s" << (c.power_loss ? "/power" : "");
  }
  os << " ] erp_outages=[";
  for (const ErpOutage& o : p.erp_outages) {
    os << " " << o.start_second << "s+" << o.seconds << "s" << (o.silent ? "/silent" : "");
  }
  os << " ] wan_partition=" << p.wan_partition_seconds << "s}";
}

scen::WorldSpec world_of(const WorldPlan& p) {
  scen::ReferenceWorldOptions o;
  o.seed = p.seed;
  o.plants = p.plants;
  o.edges = p.edges;
  o.wms = p.wms;
  o.production = sim::minutes(kProductionMinutes);
  o.events_per_second_per_line = p.tenths_events_per_second / 10.0;
  scen::WorldSpec spec = scen::reference_world(o);
  if (p.legacy_erp) {
    spec.erp.flavor = fakes::ErpFlavor::kLegacy;
    spec.design.mutable_poster()->set_erp_honours_idempotency_keys(false);
  }
  spec.erp.lost_reply_probability = p.lost_reply_percent / 100.0;
  spec.erp.internal_error_probability = p.internal_error_percent / 100.0;
  for (scen::PlantSpec& plant : spec.plants) {
    plant.mes.sender.duplicate_probability = p.duplicate_percent / 100.0;
    plant.mes.sender.reorder_probability = p.reorder_percent / 100.0;
  }
  spec.network.default_link.duplicate_probability = p.duplicate_percent / 200.0;
  for (const Crash& c : p.middleware_crashes) {
    spec.crashes.push_back(
        {"middleware", sim::kTimeZero + sim::seconds(c.at_second), sim::seconds(c.down_seconds),
         c.power_loss ? sim::CrashKind::kPowerLoss : sim::CrashKind::kProcessCrash});
  }
  for (const ErpOutage& o : p.erp_outages) {
    spec.erp.outages.push_back(
        {sim::kTimeZero + sim::seconds(o.start_second), sim::seconds(o.seconds),
         o.silent ? fakes::OutageMode::kSilent : fakes::OutageMode::kUnavailable});
  }
  if (p.edges && p.wan_partition_seconds > 0) {
    spec.network.outages.push_back({"edge-P100", "middleware", sim::kTimeZero + sim::minutes(2),
                                    sim::seconds(p.wan_partition_seconds)});
  }
  return spec;
}

}  // namespace
}  // namespace mw::props

namespace rc {

template <>
struct Arbitrary<mw::props::WorldPlan> {
  static Gen<mw::props::WorldPlan> arbitrary() {
    using mw::props::Crash;
    using mw::props::ErpOutage;
    using mw::props::kProductionMinutes;
    const int production_s = kProductionMinutes * 60;
    const Gen<Crash> crash =
        gen::build<Crash>(gen::set(&Crash::at_second, gen::inRange(0, production_s)),
                          gen::set(&Crash::down_seconds, gen::inRange(1, 90)),
                          gen::set(&Crash::power_loss, gen::arbitrary<bool>()));
    const Gen<ErpOutage> outage =
        gen::build<ErpOutage>(gen::set(&ErpOutage::start_second, gen::inRange(0, production_s)),
                              gen::set(&ErpOutage::seconds, gen::inRange(1, 600)),
                              gen::set(&ErpOutage::silent, gen::arbitrary<bool>()));
    return gen::build<mw::props::WorldPlan>(
        gen::set(&mw::props::WorldPlan::seed, gen::arbitrary<std::uint64_t>()),
        gen::set(&mw::props::WorldPlan::plants, gen::inRange(1, 3)),
        gen::set(&mw::props::WorldPlan::edges, gen::arbitrary<bool>()),
        gen::set(&mw::props::WorldPlan::wms, gen::arbitrary<bool>()),
        gen::set(&mw::props::WorldPlan::tenths_events_per_second, gen::inRange(1, 21)),
        gen::set(&mw::props::WorldPlan::legacy_erp, gen::arbitrary<bool>()),
        gen::set(&mw::props::WorldPlan::lost_reply_percent, gen::inRange(0, 11)),
        gen::set(&mw::props::WorldPlan::internal_error_percent, gen::inRange(0, 11)),
        gen::set(&mw::props::WorldPlan::duplicate_percent, gen::inRange(0, 21)),
        gen::set(&mw::props::WorldPlan::reorder_percent, gen::inRange(0, 31)),
        gen::set(&mw::props::WorldPlan::middleware_crashes,
                 gen::mapcat(gen::inRange<std::size_t>(0, 4),
                             [crash](std::size_t n) {
                               return gen::container<std::vector<Crash>>(n, crash);
                             })),
        gen::set(&mw::props::WorldPlan::erp_outages,
                 gen::mapcat(gen::inRange<std::size_t>(0, 3),
                             [outage](std::size_t n) {
                               return gen::container<std::vector<ErpOutage>>(n, outage);
                             })),
        gen::set(&mw::props::WorldPlan::wan_partition_seconds, gen::inRange(0, 1800)));
  }
};

}  // namespace rc

namespace mw::props {
namespace {

TEST(SafeDesignProperty, EveryOracleHoldsForRandomWorldsAndFaults) {
  const bool ok = rc::check("the safe design keeps every oracle", [](const WorldPlan& plan) {
    const scen::WorldResult r = scen::run_world(world_of(plan));
    RC_LOG() << r.describe();
    RC_ASSERT(r.held());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace mw::props
