// MesWorld: a two-node simulation for testing the simulated MES: "mes-P100" runs MesProcess on
// a state and source log the test owns; "middleware" is a stand-in that decodes and validates
// every event it receives with the real core's functions, records it, and (while `acking`)
// acks what is valid and nacks, for good, what is not, as the real ingest does. The network
// delivers every message after exactly 1 ms.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakes/common/source_log.h"
#include "fakes/mes/mes_config.h"
#include "fakes/mes/mes_process.h"
#include "fakes/mes/mes_state.h"
#include "middleware/enrich/master_data.h"
#include "middleware/ingest/decode.h"
#include "middleware/ingest/validate.h"
#include "middleware/proto/wire.pb.h"
#include "sim/simulation.h"

namespace mw::fakes::testing {

inline constexpr sim::Duration kNetworkDelay = sim::milliseconds(1);
inline constexpr const char* kPlant = "P100";

// Got is one event copy the middleware stand-in received.
struct Got {
  sim::Time at;
  std::uint64_t batch = 0;
  proto::SourceEvent raw;
  std::optional<proto::EventEnvelope> envelope;  // set when it decodes
  std::string problem;                           // why it does not decode or validate, or ""
};

struct StubLog {
  bool acking = true;
  std::vector<Got> got;
  std::map<std::string, sim::Time> first_acked;  // event id -> when it was first acked
};

class MiddlewareStub final : public sim::Process {
 public:
  MiddlewareStub(sim::Node& node, StubLog* log) : node_(node), log_(log) {
    master_.plants[kPlant] = core::PlantInfo{"1000", "CC-1000"};
  }
  void on_message(sim::NodeId from, std::string_view bytes) override {
    proto::Frame f;
    ASSERT_TRUE(f.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
    ASSERT_TRUE(f.has_event_batch());
    const proto::EventBatch& batch = f.event_batch();
    proto::Frame ack;
    ack.mutable_ack()->set_batch_id(batch.batch_id());
    std::vector<proto::Frame> nacks;
    for (int i = 0; i < batch.events_size(); ++i) {
      Got g{node_.now(), batch.batch_id(), batch.events(i), std::nullopt, ""};
      auto decoded = core::decode_source_event(g.raw, 65536);
      std::string id;
      if (!decoded.is_ok()) {
        g.problem = decoded.error().message;
      } else {
        g.envelope = decoded.value();
        id = g.envelope->event_id();
        const core::Status valid = core::validate_envelope(*g.envelope, master_);
        if (!valid.is_ok()) g.problem = valid.error().message;
      }
      if (log_->acking) {
        if (g.problem.empty()) {
          ack.mutable_ack()->add_event_ids(id);
          log_->first_acked.try_emplace(id, node_.now());
        } else {
          proto::Frame n;
          n.mutable_nack()->set_batch_id(batch.batch_id());
          n.mutable_nack()->set_index(static_cast<std::uint32_t>(i));
          n.mutable_nack()->set_event_id(id);
          n.mutable_nack()->set_reason(g.problem);
          n.mutable_nack()->set_retryable(false);
          nacks.push_back(std::move(n));
        }
      }
      log_->got.push_back(std::move(g));
    }
    if (ack.ack().event_ids_size() > 0) node_.send(from, ack.SerializeAsString());
    for (const proto::Frame& n : nacks) node_.send(from, n.SerializeAsString());
  }

 private:
  sim::Node& node_;
  StubLog* log_;
  core::MasterData master_;
};

inline sim::SimulationOptions exact_network(std::uint64_t seed) {
  sim::SimulationOptions o;
  o.seed = seed;
  o.network.default_link.latency =
      sim::LatencyModel{kNetworkDelay, sim::Duration::zero(), 0.0, sim::seconds(1)};
  return o;
}

// sample_config: plant P100 with two lines and two products.
//   FG-100 (EA): 0010 @ WC-ASSY consumes RM-100 2 KG/unit and RM-200 1 EA/unit;
//                0020 @ WC-TEST consumes PK-300 1 EA/unit.
//   FG-200 (KG): 0010 @ WC-MIX consumes RM-100 1.1 KG/KG; 0020 @ WC-FILL consumes nothing.
// Opening stock is plenty for hours: RM-100 in lots L1, L2 (SL01), L3 (SL02); RM-200 and PK-300
// one lot each. Rate 2 events/s/line, no burst, no scrap unless a test sets them.
inline MesConfig sample_config() {
  MesConfig c;
  c.plant = kPlant;
  c.lines = 2;
  Product a;
  a.material = "FG-100";
  a.uom = "EA";
  a.storage_location = "FG01";
  a.routing = {{"0010", "WC-ASSY"}, {"0020", "WC-TEST"}};
  a.bom = {
      {"RM-100", 2000, "KG", "0010"}, {"RM-200", 1000, "EA", ""}, {"PK-300", 1000, "EA", "0020"}};
  Product b;
  b.material = "FG-200";
  b.uom = "KG";
  b.storage_location = "FG02";
  b.routing = {{"0010", "WC-MIX"}, {"0020", "WC-FILL"}};
  b.bom = {{"RM-100", 1100, "KG", "0010"}};
  c.products = {a, b};
  constexpr std::int64_t kTonnes = 1000 * 1000 * 1000;  // 1 t in KG milli-units
  c.opening_stock = {
      {kPlant, "RM-100", "L1", "SL01", 200 * kTonnes, "KG"},
      {kPlant, "RM-100", "L2", "SL01", 200 * kTonnes, "KG"},
      {kPlant, "RM-100", "L3", "SL02", 200 * kTonnes, "KG"},
      {kPlant, "RM-200", "L1", "SL01", 10000000 * 1000LL, "EA"},
      {kPlant, "PK-300", "L1", "SL03", 10000000 * 1000LL, "EA"},
  };
  c.events_per_second_per_line = 2;
  c.shift_burst_multiplier = 1;
  c.scrap_probability = 0;
  c.sender.target = "middleware";
  return c;
}

class MesWorld {
 public:
  explicit MesWorld(MesConfig config, std::uint64_t seed = 1)
      : state(log), sim(exact_network(seed)) {
    mes = sim.add_node("mes-P100", make_mes(state, std::move(config)));
    mw = sim.add_node("middleware",
                      [this](sim::Node& n) { return std::make_unique<MiddlewareStub>(n, &stub); });
    EXPECT_TRUE(sim.start().empty());
  }

  void run_for(sim::Duration d) { sim.scheduler().run_for(d); }
  sim::Time now() { return sim.scheduler().now(); }
  const MesStats& stats() const { return state.stats(); }

  // received_ids returns the ids of every event copy received that decoded.
  std::map<std::string, std::vector<const Got*>> received_by_id() const {
    std::map<std::string, std::vector<const Got*>> out;
    for (const Got& g : stub.got) {
      if (g.envelope) out[g.envelope->event_id()].push_back(&g);
    }
    return out;
  }

  // Declared before `sim`: the ground truth and the stand-in's records outlive the nodes.
  SourceLog log;
  MesState state;
  StubLog stub;
  sim::Simulation sim;
  sim::NodeId mes;
  sim::NodeId mw;
};

}  // namespace mw::fakes::testing
