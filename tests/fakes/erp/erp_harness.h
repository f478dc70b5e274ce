// ErpWorld: a two-node simulation for testing the simulated ERP: "erp" runs ErpProcess on a
// ledger the test owns, "client" is a scripted process that records every reply it receives.
// The network delivers every message after exactly 1 ms (no jitter, loss or duplication) unless
// the test passes its own options, so reply times are exact.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fakes/erp/erp_config.h"
#include "fakes/erp/erp_process.h"
#include "fakes/erp/ledger.h"
#include "middleware/proto/erp.pb.h"
#include "middleware/proto/wire.pb.h"
#include "sim/simulation.h"

namespace mw::fakes::testing {

inline constexpr sim::Duration kNetworkDelay = sim::milliseconds(1);
inline constexpr const char* kDate = "2026-01-05";

struct Received {
  sim::Time at;
  proto::ErpReply reply;
};

// Client records the ERP replies it receives with their arrival time; any other message is
// counted in `*other`.
class Client final : public sim::Process {
 public:
  Client(sim::Node& node, std::vector<Received>* replies, int* other)
      : node_(node), replies_(replies), other_(other) {}
  void on_message(sim::NodeId, std::string_view bytes) override {
    proto::Frame f;
    if (!f.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !f.has_erp_reply()) {
      ++*other_;
      return;
    }
    replies_->push_back(Received{node_.now(), f.erp_reply()});
  }

 private:
  sim::Node& node_;
  std::vector<Received>* replies_;
  int* other_;
};

inline sim::SimulationOptions exact_network(std::uint64_t seed) {
  sim::SimulationOptions o;
  o.seed = seed;
  o.network.default_link.latency =
      sim::LatencyModel{kNetworkDelay, sim::Duration::zero(), 0.0, sim::seconds(1)};
  return o;
}

class ErpWorld {
 public:
  explicit ErpWorld(ErpConfig config, sim::SimulationOptions options = exact_network(1))
      : sim(options) {
    erp = sim.add_node("erp", make_erp(ledger, std::move(config)));
    client = sim.add_node(
        "client", [this](sim::Node& n) { return std::make_unique<Client>(n, &replies, &other); });
    EXPECT_TRUE(sim.start().empty());
  }

  sim::Time now() { return sim.scheduler().now(); }
  void run_for(sim::Duration d) { sim.scheduler().run_for(d); }

  // send_request sends `request` from the client now and returns its request_id.
  std::uint64_t send_request(const proto::ErpRequest& request) {
    proto::Frame f;
    *f.mutable_erp_request() = request;
    send_bytes(f.SerializeAsString());
    return request.request_id();
  }
  // post sends `command` with a fresh request id and returns the id.
  std::uint64_t post(const proto::ErpCommand& command) {
    proto::ErpRequest r;
    r.set_request_id(next_request_id++);
    *r.mutable_command() = command;
    return send_request(r);
  }
  // query asks whether `reference` is posted and returns the request id.
  std::uint64_t query(const std::string& reference) {
    proto::ErpRequest r;
    r.set_request_id(next_request_id++);
    r.mutable_query()->set_external_reference(reference);
    return send_request(r);
  }
  void send_bytes(std::string bytes) { sim.node(client).send(erp, std::move(bytes)); }

  // reply_to returns the first reply to request `id`, or nullptr if none arrived (yet).
  const Received* reply_to(std::uint64_t id) const {
    for (const Received& r : replies) {
      if (r.reply.request_id() == id) return &r;
    }
    return nullptr;
  }
  std::size_t replies_to(std::uint64_t id) const {
    std::size_t n = 0;
    for (const Received& r : replies) n += r.reply.request_id() == id ? 1 : 0;
    return n;
  }
  const ErpStats& stats() const { return ledger.stats(); }

  // Declared before `sim`: the books and the client's records outlive the nodes.
  ErpLedger ledger;
  std::vector<Received> replies;
  int other = 0;
  std::uint64_t next_request_id = 100;
  sim::Simulation sim;
  sim::NodeId erp;
  sim::NodeId client;
};

// --- Command builders. Quantities in milli-units of KG. -------------------------------------

inline proto::ErpCommand base(const std::string& ref, const std::string& date = kDate) {
  proto::ErpCommand c;
  c.set_external_reference(ref);
  c.set_source_event_id("ev-" + ref);
  c.set_posting_date(date);
  return c;
}

inline void set_qty(proto::Quantity* q, std::int64_t milli) {
  q->set_milli(milli);
  q->set_uom("KG");
}

inline proto::ErpCommand goods_receipt(const std::string& ref, const std::string& lot,
                                       const std::string& sloc, std::int64_t milli,
                                       const std::string& material = "RM-100") {
  proto::ErpCommand c = base(ref);
  auto* b = c.mutable_goods_receipt();
  b->set_plant("P100");
  b->set_material(material);
  b->set_lot(lot);
  b->set_storage_location(sloc);
  set_qty(b->mutable_quantity(), milli);
  b->set_work_order("4700");
  return c;
}

inline proto::ErpCommand goods_issue(const std::string& ref, const std::string& lot,
                                     const std::string& sloc, std::int64_t milli) {
  proto::ErpCommand c = base(ref);
  auto* b = c.mutable_goods_issue();
  b->set_plant("P100");
  b->set_material("RM-100");
  b->set_lot(lot);
  b->set_storage_location(sloc);
  set_qty(b->mutable_quantity(), milli);
  b->set_work_order("4700");
  return c;
}

inline proto::ErpCommand scrap(const std::string& ref, const std::string& lot,
                               const std::string& sloc, std::int64_t milli) {
  proto::ErpCommand c = base(ref);
  auto* b = c.mutable_scrap();
  b->set_plant("P100");
  b->set_material("RM-100");
  b->set_lot(lot);
  set_qty(b->mutable_quantity(), milli);
  b->set_reason_code("DMG");
  b->set_cost_center("CC-100");
  b->set_work_order("4700");
  b->set_storage_location(sloc);
  return c;
}

inline proto::ErpCommand transfer(const std::string& ref, const std::string& lot,
                                  const std::string& from, const std::string& to,
                                  std::int64_t milli) {
  proto::ErpCommand c = base(ref);
  auto* b = c.mutable_transfer();
  b->set_plant("P100");
  b->set_material("RM-100");
  b->set_lot(lot);
  b->set_from_location(from);
  b->set_to_location(to);
  set_qty(b->mutable_quantity(), milli);
  return c;
}

inline proto::ErpCommand adjustment(const std::string& ref, const std::string& lot,
                                    const std::string& sloc, std::int64_t delta) {
  proto::ErpCommand c = base(ref);
  auto* b = c.mutable_adjustment();
  b->set_plant("P100");
  b->set_material("RM-100");
  b->set_lot(lot);
  b->set_storage_location(sloc);
  set_qty(b->mutable_delta(), delta);
  return c;
}

inline proto::ErpCommand confirmation(const std::string& ref, std::int64_t yield) {
  proto::ErpCommand c = base(ref);
  auto* b = c.mutable_production_confirmation();
  b->set_plant("P100");
  b->set_work_order("4700");
  b->set_operation("0010");
  b->set_work_center("WC-1");
  set_qty(b->mutable_yield_quantity(), yield);
  set_qty(b->mutable_scrap_quantity(), 0);
  return c;
}

inline proto::ErpCommand lot_status(const std::string& ref, const std::string& lot,
                                    proto::LotStatus status) {
  proto::ErpCommand c = base(ref);
  auto* b = c.mutable_lot_status_change();
  b->set_plant("P100");
  b->set_material("RM-100");
  b->set_lot(lot);
  b->set_status(status);
  return c;
}

inline StockKey key(const std::string& lot, const std::string& sloc) {
  return StockKey{"P100", "RM-100", lot, sloc};
}

// fixed_latency: an ERP config with a constant processing time, no faults.
inline ErpConfig fixed_latency(sim::Duration latency, ErpFlavor flavor = ErpFlavor::kCloud) {
  ErpConfig c;
  c.flavor = flavor;
  c.latency_median = latency;
  c.latency_sigma = 0;
  return c;
}

}  // namespace mw::fakes::testing
