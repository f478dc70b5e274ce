// The real middleware core on a simulated node: a lossy, duplicating network, a legacy ERP
// (no idempotency keys) and crashes with power loss of the middleware node. Whatever happens,
// every event the plant produced is posted exactly once, in key order, and the same seed
// replays the same run.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"
#include "scenarios/world/middleware_node.h"
#include "sim/simulation.h"

namespace mw::scen {
namespace {

constexpr int kKeys = 5;
constexpr int kEventsPerKey = 40;

proto::EventEnvelope make_event(int key, int seq) {
  proto::EventEnvelope e;
  e.set_event_id("k" + std::to_string(key) + "-" + std::to_string(seq));
  e.mutable_source()->set_plant("P100");
  e.mutable_source()->set_system("mes");
  e.set_correlation_id("wo-" + std::to_string(key));
  e.set_event_type(proto::MATERIAL_CONSUMED);
  e.set_schema_version(1);
  e.set_occurred_at_ns(1'767'571'200'000'000'000LL);
  e.set_posting_date("2026-01-05");
  e.set_ordering_key("wo:" + std::to_string(key));
  e.set_source_sequence(static_cast<std::uint64_t>(seq));
  auto* c = e.mutable_material_consumed();
  c->set_work_order(std::to_string(4700 + key));
  c->set_operation("0010");
  c->set_material("RM-100");
  c->set_lot("L1");
  c->mutable_quantity()->set_milli(1000 + seq);
  c->mutable_quantity()->set_uom("KG");
  c->set_storage_location("0001");
  return e;
}

// The plant: emits every event once, in order per key, then resends what is not acked.
struct Plant : sim::Process {
  Plant(sim::Node& n, std::set<std::string>* acked) : node(n), acked(acked) {
    for (int seq = 1; seq <= kEventsPerKey; ++seq) {
      for (int key = 0; key < kKeys; ++key) unacked.insert(make_event(key, seq).event_id());
    }
    tick();
  }
  void tick() {
    proto::Frame f;
    f.mutable_event_batch()->set_batch_id(++batch);
    int n = 0;
    for (const auto& id : unacked) {
      if (n++ == 50) break;
      const auto dash = id.find('-');
      auto* s = f.mutable_event_batch()->add_events();
      s->set_format(proto::CANONICAL_PROTO);
      s->set_payload(make_event(std::stoi(id.substr(1, dash - 1)), std::stoi(id.substr(dash + 1))).SerializeAsString());
    }
    if (n > 0) node.send(node.find("middleware"), f.SerializeAsString());
    node.after(sim::milliseconds(500), [this] { tick(); });
  }
  void on_message(sim::NodeId, std::string_view bytes) override {
    proto::Frame f;
    if (!f.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !f.has_ack()) return;
    for (const auto& id : f.ack().event_ids()) {
      unacked.erase(id);
      acked->insert(id);
    }
  }
  sim::Node& node;
  std::set<std::string>* acked;
  std::set<std::string> unacked;
  std::uint64_t batch = 0;
};

// A legacy ERP: every attempt posts, even of a command it has posted before; queries find
// earlier postings. Like an HTTP server, it sees a request the network duplicated only once:
// a copy of an attempt (same request id) gets the first reply again.
struct Books {
  std::map<std::string, int> postings_by_reference;
  std::map<std::string, std::vector<std::string>> order_by_key;  // event ids per work order
};

struct LegacyErp : sim::Process {
  LegacyErp(sim::Node& n, Books* books) : node(n), books(books) {}
  void on_message(sim::NodeId from, std::string_view bytes) override {
    proto::Frame in;
    if (!in.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !in.has_erp_request()) return;
    const auto& req = in.erp_request();
    if (auto seen = replies.find(req.request_id()); seen != replies.end()) {
      node.send(from, seen->second);
      return;
    }
    proto::Frame out;
    out.mutable_erp_reply()->set_request_id(req.request_id());
    if (req.has_query()) {
      const bool found = books->postings_by_reference.count(req.query().external_reference()) != 0;
      out.mutable_erp_reply()->mutable_query_result()->set_found(found);
    } else {
      const auto& cmd = req.command();
      ++books->postings_by_reference[cmd.external_reference()];
      books->order_by_key[cmd.goods_issue().work_order()].push_back(cmd.source_event_id());
      out.mutable_erp_reply()->mutable_success()->set_document_number(
          "49" + std::to_string(books->postings_by_reference.size()));
    }
    replies[req.request_id()] = out.SerializeAsString();
    node.send(from, out.SerializeAsString());
  }
  sim::Node& node;
  Books* books;
  std::map<std::uint64_t, std::string> replies;
};

struct Outcome {
  std::uint64_t digest;
  std::set<std::string> acked;
  Books books;
  std::uint32_t middleware_incarnations;
  std::uint64_t queued_at_end;
};

Outcome run(std::uint64_t seed) {
  sim::SimulationOptions so;
  so.seed = seed;
  so.network.default_link.latency = sim::LatencyModel{sim::microseconds(500), sim::milliseconds(1), 1.0, sim::seconds(1)};
  so.network.default_link.loss_probability = 0.05;
  so.network.default_link.duplicate_probability = 0.05;
  sim::Simulation sim(so);

  MiddlewareOptions mw;
  mw.config.mutable_poster()->set_erp_honours_idempotency_keys(false);
  mw.config.mutable_poster()->set_request_timeout_ms(5000);
  mw.master.plants["P100"] = core::PlantInfo{"1000", "CC-100"};
  mw.master.materials["RM-100"] = core::MaterialInfo{"000000000000100100", "KG"};

  Outcome o;
  sim.add_node("plant", [&o](sim::Node& n) { return std::make_unique<Plant>(n, &o.acked); });
  const sim::NodeId middleware = sim.add_node(
      "middleware", make_middleware(mw),
      sim::RandomCrashes{sim::seconds(20), sim::seconds(2), 0.5, sim::kTimeZero + sim::minutes(3)});
  sim.add_node("erp", [&o](sim::Node& n) { return std::make_unique<LegacyErp>(n, &o.books); });
  EXPECT_TRUE(sim.start().empty());
  sim.scheduler().run_until(sim::kTimeZero + sim::minutes(10));
  o.digest = sim.tracer().digest();
  o.middleware_incarnations = sim.node(middleware).incarnation();
  auto* process = static_cast<MiddlewareProcess*>(sim.node(middleware).process());
  o.queued_at_end = process->core() != nullptr ? process->core()->metrics().queued : 999;
  return o;
}

TEST(MiddlewareNode, EveryEventIsPostedExactlyOnceInKeyOrderThroughCrashesAndPowerLosses) {
  const Outcome o = run(11);
  EXPECT_GT(o.middleware_incarnations, 3u);  // the run really crashed the middleware
  EXPECT_EQ(o.acked.size(), static_cast<std::size_t>(kKeys * kEventsPerKey));
  EXPECT_EQ(o.books.postings_by_reference.size(), static_cast<std::size_t>(kKeys * kEventsPerKey));
  for (const auto& [reference, count] : o.books.postings_by_reference) {
    EXPECT_EQ(count, 1) << reference << " posted " << count << " times";
  }
  for (const auto& [work_order, ids] : o.books.order_by_key) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const int key = std::stoi(work_order) - 4700;
      EXPECT_EQ(ids[i], "k" + std::to_string(key) + "-" + std::to_string(i + 1)) << "work order " << work_order;
    }
  }
  EXPECT_EQ(o.queued_at_end, 0u);
}

TEST(MiddlewareNode, SameSeedReplaysTheSameRun) {
  EXPECT_EQ(run(12).digest, run(12).digest);
}

}  // namespace
}  // namespace mw::scen
