// EdgeWorld: a three-node simulation for testing the plant edge: a scripted MES "mes-P100", the
// edge "edge-P100" on an EdgeBook the test owns, and a scripted middleware stand-in
// "middleware". Both scripted nodes keep their records outside their processes, so tests read
// them whatever crashed. The network delivers every message after exactly 1 ms (no jitter,
// loss or duplication) unless the test passes its own options, so times and orders are exact.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fakes/edge/edge_book.h"
#include "fakes/edge/edge_config.h"
#include "fakes/edge/edge_process.h"
#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"
#include "sim/simulation.h"

namespace mw::fakes::testing {

inline constexpr sim::Duration kNetworkDelay = sim::milliseconds(1);

// --- Events. --------------------------------------------------------------------------------

// canonical_event is a CANONICAL_PROTO event: a serialized EventEnvelope with `id`.
inline proto::SourceEvent canonical_event(const std::string& id, std::uint64_t seq = 1,
                                          const std::string& key = "wo:4711") {
  proto::EventEnvelope e;
  e.set_event_id(id);
  e.mutable_source()->set_plant("P100");
  e.set_event_type(proto::MATERIAL_CONSUMED);
  e.set_schema_version(1);
  e.set_posting_date("2026-01-05");
  e.set_ordering_key(key);
  e.set_source_sequence(seq);
  proto::SourceEvent out;
  out.set_format(proto::CANONICAL_PROTO);
  out.set_payload(e.SerializeAsString());
  return out;
}

// vendor_event is a VENDOR_KV record with MSGID `id` (which must need no escaping).
inline proto::SourceEvent vendor_event(const std::string& id) {
  proto::SourceEvent out;
  out.set_format(proto::VENDOR_KV);
  out.set_payload("TYP=CONS|MSGID=" + id + "|VER=1|SITE=P100|OKEY=wo%3A1|SEQ=1|TS=0");
  return out;
}

// garbage_event is bytes with no readable event id.
inline proto::SourceEvent garbage_event(const std::string& bytes) {
  proto::SourceEvent out;
  out.set_format(proto::VENDOR_KV);
  out.set_payload(bytes);
  return out;
}

// id_of reads the event id the way the test's scripted systems do (independently of the edge's
// own reader): the generated parser for canonical events, a plain search for vendor records.
inline std::string id_of(const proto::SourceEvent& e) {
  if (e.format() == proto::CANONICAL_PROTO) {
    proto::EventEnvelope env;
    return env.ParseFromString(e.payload()) ? env.event_id() : "";
  }
  const std::string& p = e.payload();
  const std::size_t at = p.find("MSGID=");
  if (at == std::string::npos) return "";
  const std::size_t end = p.find('|', at);
  return p.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
}

// --- The scripted MES. -------------------------------------------------------------------------

// MesState: the MES's outbox and what it heard, outside its process. Every event emitted stays
// pending until an Ack names it or a Nack refuses it for good; with `resend` on, the MES sends
// every pending event not sent within resend_after again (same bytes), every flush_interval.
struct MesState {
  struct Pending {
    std::string id;
    proto::SourceEvent event;
    sim::Time last_sent{};
  };
  bool resend = true;
  sim::Duration flush_interval = sim::milliseconds(100);
  sim::Duration resend_after = sim::seconds(1);
  std::size_t max_batch_events = 50;

  std::uint64_t next_batch_id = 0;
  std::uint64_t next_order = 0;
  std::map<std::uint64_t, Pending> pending;                // in emission order
  std::map<std::uint64_t, std::vector<std::string>> sent;  // batch id -> ids, by index
  std::vector<std::string> acked;                          // first ack of each id, in order
  std::set<std::string> acked_set;
  std::vector<proto::Ack> acks;                          // every Ack frame
  std::vector<std::pair<sim::Time, proto::Nack>> nacks;  // every Nack frame
  std::map<std::string, std::string> rejected;           // id -> reason (non-retryable)
  int other = 0;

  // forget removes the pending entry of `id`.
  void forget(const std::string& id) {
    for (auto it = pending.begin(); it != pending.end(); ++it) {
      if (it->second.id == id) {
        pending.erase(it);
        return;
      }
    }
  }
};

class ScriptedMes final : public sim::Process {
 public:
  ScriptedMes(sim::Node& node, MesState* state) : node_(node), state_(state) {
    if (state_->resend) node_.after(state_->flush_interval, [this] { tick(); });
  }

  void on_message(sim::NodeId, std::string_view bytes) override {
    proto::Frame f;
    if (!f.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      ++state_->other;
      return;
    }
    if (f.has_ack()) {
      state_->acks.push_back(f.ack());
      for (const std::string& id : f.ack().event_ids()) {
        if (state_->acked_set.insert(id).second) state_->acked.push_back(id);
        state_->forget(id);
      }
    } else if (f.has_nack()) {
      state_->nacks.emplace_back(node_.now(), f.nack());
      std::string id = f.nack().event_id();
      if (id.empty()) {
        const auto it = state_->sent.find(f.nack().batch_id());
        if (it != state_->sent.end() && f.nack().index() < it->second.size()) {
          id = it->second[f.nack().index()];
        }
      }
      if (!f.nack().retryable() && !id.empty()) {
        state_->rejected.emplace(id, f.nack().reason());
        state_->forget(id);
      }
    } else {
      ++state_->other;
    }
  }

  // send sends `events` (ids from `ids`) now as one batch and returns its id.
  std::uint64_t send(const std::vector<proto::SourceEvent>& events,
                     const std::vector<std::string>& ids) {
    proto::Frame f;
    proto::EventBatch& b = *f.mutable_event_batch();
    b.set_batch_id(++state_->next_batch_id);
    for (const auto& e : events) *b.add_events() = e;
    state_->sent[b.batch_id()] = ids;
    node_.send(node_.find("edge-P100"), f.SerializeAsString());
    return b.batch_id();
  }

 private:
  void tick() {
    std::vector<proto::SourceEvent> events;
    std::vector<std::string> ids;
    for (auto& [order, p] : state_->pending) {
      if (node_.now() - p.last_sent < state_->resend_after) continue;
      p.last_sent = node_.now();
      events.push_back(p.event);
      ids.push_back(p.id);
      if (events.size() == state_->max_batch_events) {
        send(events, ids);
        events.clear();
        ids.clear();
      }
    }
    if (!events.empty()) send(events, ids);
    node_.after(state_->flush_interval, [this] { tick(); });
  }

  sim::Node& node_;
  MesState* state_;
};

// --- The middleware stand-in. ----------------------------------------------------------------

// MiddlewareState: what the stand-in received and how it answers. By default it acks every
// event with a readable id and nacks the others non-retryable by index, as the real core does
// for bytes it quarantines. `silent` drops every batch unanswered; `verdict`, when set, may
// answer an event with a Nack instead (return nullopt to ack it, or "" to leave it unanswered).
struct MiddlewareState {
  struct Arrival {
    sim::Time at;
    std::uint64_t batch_id = 0;
    std::string bytes;  // the whole frame
    std::vector<std::string> ids;
  };
  struct Verdict {
    bool answer = true;  // false: no reply for this event
    bool nack = false;
    bool retryable = false;
    std::string reason;
  };
  bool silent = false;
  std::function<Verdict(const std::string& id, std::uint32_t index)> verdict;

  std::vector<Arrival> arrivals;
  std::vector<std::string> first_seen;  // distinct ids in order of first arrival
  std::set<std::string> seen;
  std::uint64_t copies = 0;  // event copies received
  int other = 0;
};

class MiddlewareStandIn final : public sim::Process {
 public:
  MiddlewareStandIn(sim::Node& node, MiddlewareState* state) : node_(node), state_(state) {}

  void on_message(sim::NodeId from, std::string_view bytes) override {
    proto::Frame f;
    if (!f.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !f.has_event_batch()) {
      ++state_->other;
      return;
    }
    const proto::EventBatch& b = f.event_batch();
    MiddlewareState::Arrival arrival{node_.now(), b.batch_id(), std::string(bytes), {}};
    proto::Frame ack;
    ack.mutable_ack()->set_batch_id(b.batch_id());
    std::vector<proto::Frame> nacks;
    for (int i = 0; i < b.events_size(); ++i) {
      const std::string id = id_of(b.events(i));
      arrival.ids.push_back(id);
      ++state_->copies;
      if (!id.empty() && state_->seen.insert(id).second) state_->first_seen.push_back(id);
      MiddlewareState::Verdict v;
      if (id.empty()) {
        v = {true, true, false, "quarantined: undecodable"};
      } else if (state_->verdict) {
        v = state_->verdict(id, static_cast<std::uint32_t>(i));
      }
      if (!v.answer) continue;
      if (!v.nack) {
        ack.mutable_ack()->add_event_ids(id);
        continue;
      }
      proto::Nack& n = *nacks.emplace_back().mutable_nack();
      n.set_batch_id(b.batch_id());
      n.set_index(static_cast<std::uint32_t>(i));
      n.set_event_id(id);
      n.set_reason(v.reason);
      n.set_retryable(v.retryable);
    }
    state_->arrivals.push_back(std::move(arrival));
    if (state_->silent) return;
    if (ack.ack().event_ids_size() > 0) node_.send(from, ack.SerializeAsString());
    for (const proto::Frame& n : nacks) node_.send(from, n.SerializeAsString());
  }

 private:
  sim::Node& node_;
  MiddlewareState* state_;
};

// --- The world. -------------------------------------------------------------------------------

inline sim::SimulationOptions exact_network(std::uint64_t seed) {
  sim::SimulationOptions o;
  o.seed = seed;
  o.network.default_link.latency =
      sim::LatencyModel{kNetworkDelay, sim::Duration::zero(), 0.0, sim::seconds(1)};
  return o;
}

// test_config: small batches and a short flush, so tests see several batches quickly.
inline EdgeConfig test_config() {
  EdgeConfig c;
  c.max_batch_events = 10;
  c.max_batches_in_flight = 4;
  c.flush_interval = sim::milliseconds(100);
  c.resend_after = sim::seconds(5);
  return c;
}

class EdgeWorld {
 public:
  explicit EdgeWorld(EdgeConfig config = test_config(),
                     sim::SimulationOptions options = exact_network(1), bool mes_resends = true,
                     sim::TraceSink* sink = nullptr, sim::RandomCrashes edge_crashes = {})
      : sim(options) {
    if (sink != nullptr) sim.tracer().set_sink(sink);
    mes_state.resend = mes_resends;
    mes = sim.add_node(
        "mes-P100", [this](sim::Node& n) { return std::make_unique<ScriptedMes>(n, &mes_state); });
    edge = sim.add_node("edge-P100", make_edge(book, std::move(config)), edge_crashes);
    middleware = sim.add_node("middleware", [this](sim::Node& n) {
      return std::make_unique<MiddlewareStandIn>(n, &mw_state);
    });
  }

  // start starts every node; call it once the test has prepared the disks it wants.
  void start() { EXPECT_TRUE(sim.start().empty()); }

  sim::Time now() { return sim.scheduler().now(); }
  void run_for(sim::Duration d) { sim.scheduler().run_for(d); }
  void run_until(sim::Time t) { sim.scheduler().run_until(t); }

  // edge_process is the running edge, or null while the node is down.
  EdgeProcess* edge_process() { return static_cast<EdgeProcess*>(sim.node(edge).process()); }
  sim::Volume& edge_volume() { return sim.node(edge).volume(); }

  // emit makes the MES send `events` now as one batch and keeps them pending until acked.
  std::uint64_t emit(const std::vector<proto::SourceEvent>& events) {
    std::vector<std::string> ids;
    for (const auto& e : events) {
      ids.push_back(id_of(e));
      mes_state.pending.emplace(mes_state.next_order++, MesState::Pending{ids.back(), e, now()});
    }
    return static_cast<ScriptedMes*>(sim.node(mes).process())->send(events, ids);
  }

  // power_loss cuts the edge's power now and starts it again after `downtime`.
  void power_loss(sim::Duration downtime) {
    sim.schedule_crash(edge, now(), downtime, sim::CrashKind::kPowerLoss);
    sim.scheduler().run_for(sim::Duration::zero());
  }

  // Declared before `sim`: the records outlive the nodes.
  EdgeBook book;
  MesState mes_state;
  MiddlewareState mw_state;
  sim::Simulation sim;
  sim::NodeId mes;
  sim::NodeId edge;
  sim::NodeId middleware;
};

// ids returns `n` canonical events "<prefix>1" .. "<prefix>n".
inline std::vector<proto::SourceEvent> events(const std::string& prefix, int n, int first = 1) {
  std::vector<proto::SourceEvent> out;
  for (int i = first; i < first + n; ++i) {
    out.push_back(canonical_event(prefix + std::to_string(i), static_cast<std::uint64_t>(i)));
  }
  return out;
}

}  // namespace mw::fakes::testing
