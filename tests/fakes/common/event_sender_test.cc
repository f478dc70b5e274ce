// EventSender and OutboxStore: at-least-once delivery of a source's events. Each test runs a
// "src" node whose process owns an EventSender over an OutboxStore the test owns, and a "sink"
// node standing for the middleware that records every batch it receives and sends the acks and
// nacks the test scripts. The network delivers every message after exactly 1 ms.
#include "fakes/common/event_sender.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "middleware/proto/wire.pb.h"
#include "sim/simulation.h"

namespace mw::fakes {
namespace {

constexpr sim::Duration kNetworkDelay = sim::milliseconds(1);

// An event's payload is "ev:<id>", so the sink can name what it received.
proto::SourceEvent event(const std::string& id) {
  proto::SourceEvent e;
  e.set_format(proto::CANONICAL_PROTO);
  e.set_payload("ev:" + id);
  return e;
}
std::string id_of(const proto::SourceEvent& e) { return e.payload().substr(3); }

class Source final : public sim::Process {
 public:
  Source(sim::Node& node, OutboxStore& store, const SenderConfig& config)
      : sender_(node, store, config, node.rng().fork("test/sender")) {}
  void on_message(sim::NodeId, std::string_view bytes) override {
    proto::Frame f;
    if (f.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) sender_.on_frame(f);
  }
  EventSender& sender() { return sender_; }

 private:
  EventSender sender_;
};

struct Received {
  sim::Time at;
  proto::EventBatch batch;
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& e : batch.events()) out.push_back(id_of(e));
    return out;
  }
};

class Sink final : public sim::Process {
 public:
  Sink(sim::Node& node, std::vector<Received>* out) : node_(node), out_(out) {}
  void on_message(sim::NodeId, std::string_view bytes) override {
    proto::Frame f;
    ASSERT_TRUE(f.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
    ASSERT_TRUE(f.has_event_batch());
    out_->push_back(Received{node_.now(), f.event_batch()});
  }

 private:
  sim::Node& node_;
  std::vector<Received>* out_;
};

SenderConfig config() {
  SenderConfig c;
  c.target = "sink";
  c.flush_interval = sim::milliseconds(200);
  c.resend_after = sim::seconds(1);
  return c;
}

class SenderWorld {
 public:
  explicit SenderWorld(SenderConfig c, std::uint64_t seed = 1) : sim(options(seed)) {
    src = sim.add_node("src",
                       [this, c](sim::Node& n) { return std::make_unique<Source>(n, store, c); });
    sink =
        sim.add_node("sink", [this](sim::Node& n) { return std::make_unique<Sink>(n, &received); });
    EXPECT_TRUE(sim.start().empty());
  }

  static sim::SimulationOptions options(std::uint64_t seed) {
    sim::SimulationOptions o;
    o.seed = seed;
    o.network.default_link.latency =
        sim::LatencyModel{kNetworkDelay, sim::Duration::zero(), 0.0, sim::seconds(1)};
    return o;
  }

  EventSender& sender() { return static_cast<Source*>(sim.node(src).process())->sender(); }
  void enqueue(const std::string& id) { sender().enqueue(id, event(id)); }
  void run_for(sim::Duration d) { sim.scheduler().run_for(d); }
  sim::Time now() { return sim.scheduler().now(); }

  void reply(const proto::Frame& f) { sim.node(sink).send(src, f.SerializeAsString()); }
  void ack(std::uint64_t batch, const std::vector<std::string>& ids) {
    proto::Frame f;
    f.mutable_ack()->set_batch_id(batch);
    for (const auto& id : ids) f.mutable_ack()->add_event_ids(id);
    reply(f);
  }
  void nack(std::uint64_t batch, std::uint32_t index, const std::string& id, bool retryable,
            const std::string& reason = "no") {
    proto::Frame f;
    proto::Nack* n = f.mutable_nack();
    n->set_batch_id(batch);
    n->set_index(index);
    n->set_event_id(id);
    n->set_retryable(retryable);
    n->set_reason(reason);
    reply(f);
  }

  // copies returns how many copies of event `id` the sink received so far.
  std::size_t copies(const std::string& id) const {
    std::size_t n = 0;
    for (const Received& r : received) {
      for (const auto& e : r.batch.events()) n += id_of(e) == id ? 1 : 0;
    }
    return n;
  }

  OutboxStore store;  // before `sim`: it outlives the nodes
  std::vector<Received> received;
  sim::Simulation sim;
  sim::NodeId src;
  sim::NodeId sink;
};

using Ids = std::vector<std::string>;

TEST(OutboxStore, KeepsQueueOrderAndRemovesById) {
  OutboxStore s;
  s.add("a", event("a"));
  s.add("b", event("b"));
  s.add("c", event("c"));
  EXPECT_TRUE(s.remove("b"));
  EXPECT_FALSE(s.remove("b"));
  Ids order;
  for (const auto& [n, e] : s.entries()) order.push_back(e.event_id);
  EXPECT_EQ(order, (Ids{"a", "c"}));
  ASSERT_NE(s.find("c"), nullptr);
  EXPECT_EQ(s.find("c")->event.payload(), "ev:c");
  EXPECT_EQ(s.find("b"), nullptr);
  EXPECT_EQ(s.stats().enqueued, 3u);
  s.add("b", event("b"));  // an id may be queued again once it has left
  EXPECT_EQ(s.size(), 3u);
}

TEST(SenderConfig, ValidateReportsEachProblemWithItsPrefix) {
  SenderConfig c;
  EXPECT_TRUE(validate_sender_config(c, "x.").empty());
  c.target = "";
  c.max_batch_events = 0;
  c.max_batches_per_flush = 0;
  c.flush_interval = sim::Duration::zero();
  c.resend_after = -sim::seconds(1);
  c.duplicate_probability = 1.5;
  c.reorder_probability = -0.1;
  const auto problems = validate_sender_config(c, "mes.sender.");
  EXPECT_EQ(problems.size(), 7u);
  for (const auto& p : problems) EXPECT_EQ(p.rfind("mes.sender.", 0), 0u) << p;
}

TEST(EventSender, SendsQueuedEventsAtTheNextFlushOldestFirst) {
  SenderWorld w(config());
  w.enqueue("e1");
  w.enqueue("e2");
  w.enqueue("e3");
  w.run_for(sim::milliseconds(150));
  EXPECT_TRUE(w.received.empty());
  w.run_for(sim::milliseconds(100));
  ASSERT_EQ(w.received.size(), 1u);
  EXPECT_EQ(w.received[0].ids(), (Ids{"e1", "e2", "e3"}));
  EXPECT_EQ(w.received[0].at, sim::kTimeZero + sim::milliseconds(200) + kNetworkDelay);
  EXPECT_EQ(w.store.stats().sends, 3u);
  EXPECT_EQ(w.store.stats().batches, 1u);
}

TEST(EventSender, CapsBatchSizeAndBatchesPerFlush) {
  SenderConfig c = config();
  c.max_batch_events = 2;
  c.max_batches_per_flush = 2;
  SenderWorld w(c);
  for (int i = 1; i <= 7; ++i) w.enqueue("e" + std::to_string(i));
  w.run_for(sim::milliseconds(250));
  ASSERT_EQ(w.received.size(), 2u);
  EXPECT_EQ(w.received[0].ids(), (Ids{"e1", "e2"}));
  EXPECT_EQ(w.received[1].ids(), (Ids{"e3", "e4"}));
  w.run_for(sim::milliseconds(200));
  ASSERT_EQ(w.received.size(), 4u);
  EXPECT_EQ(w.received[2].ids(), (Ids{"e5", "e6"}));
  EXPECT_EQ(w.received[3].ids(), (Ids{"e7"}));
}

TEST(EventSender, ResendsAnUnackedEventWithTheSameIdAndBytes) {
  SenderWorld w(config());
  w.enqueue("e1");
  w.run_for(sim::milliseconds(2500));
  // Sent at 0.2 s, then again whenever resend_after (1 s) has passed: 1.2 s and 2.2 s.
  ASSERT_EQ(w.received.size(), 3u);
  for (const Received& r : w.received) {
    ASSERT_EQ(r.batch.events_size(), 1);
    EXPECT_EQ(r.batch.events(0).SerializeAsString(), event("e1").SerializeAsString());
  }
  EXPECT_EQ(w.received[1].at - w.received[0].at, sim::seconds(1));
  EXPECT_NE(w.received[0].batch.batch_id(), w.received[1].batch.batch_id());
  EXPECT_EQ(w.store.stats().resends, 2u);
  EXPECT_EQ(w.store.size(), 1u);
}

TEST(EventSender, AckedEventsLeaveTheOutboxAndAreNeverResent) {
  SenderWorld w(config());
  w.enqueue("e1");
  w.enqueue("e2");
  w.run_for(sim::milliseconds(250));
  ASSERT_EQ(w.received.size(), 1u);
  w.ack(w.received[0].batch.batch_id(), {"e1", "unknown"});
  w.run_for(sim::seconds(3));
  EXPECT_EQ(w.copies("e1"), 1u);
  EXPECT_GE(w.copies("e2"), 3u);
  EXPECT_EQ(w.store.size(), 1u);
  EXPECT_EQ(w.store.stats().acked, 1u);
}

TEST(EventSender, AStaleAckOfAnEarlierBatchLeavesALaterEventUnderTheSameIdQueued) {
  SenderWorld w(config());
  w.enqueue("e1");
  w.run_for(sim::milliseconds(250));
  ASSERT_EQ(w.received.size(), 1u);
  const std::uint64_t first = w.received[0].batch.batch_id();
  w.ack(first, {"e1"});
  w.run_for(sim::milliseconds(50));
  ASSERT_TRUE(w.store.empty());
  w.enqueue("e1");  // the id again: a source that reuses ids
  w.ack(first, {"e1"});  // a duplicate of the first ack, late: about the first event
  w.run_for(sim::milliseconds(250));
  EXPECT_EQ(w.store.size(), 1u) << "the reply to the first batch is not about the second event";
  ASSERT_EQ(w.received.size(), 2u);
  w.ack(first, {"e1"});  // still stale after the second event went out
  w.run_for(sim::milliseconds(50));
  EXPECT_EQ(w.store.size(), 1u);
  w.ack(w.received[1].batch.batch_id(), {"e1"});
  w.run_for(sim::milliseconds(50));
  EXPECT_TRUE(w.store.empty());
}

TEST(EventSender, RetryableNackMakesTheEventDueAtTheNextFlush) {
  SenderConfig c = config();
  c.resend_after = sim::seconds(60);
  SenderWorld w(c);
  w.enqueue("e1");
  w.enqueue("e2");
  w.run_for(sim::milliseconds(250));
  w.nack(w.received[0].batch.batch_id(), 1, "e2", true);
  w.run_for(sim::milliseconds(200));  // the flush at 0.4 s
  ASSERT_EQ(w.received.size(), 2u);
  EXPECT_EQ(w.received[1].ids(), (Ids{"e2"}));
  EXPECT_EQ(w.store.stats().nacked_retryable, 1u);
  w.run_for(sim::seconds(5));
  EXPECT_EQ(w.received.size(), 2u) << "a retry is one resend, not a resend at every flush";
}

TEST(EventSender, RetryableNackOfAWholeBatchMakesEveryUnackedEventOfItDue) {
  // The middleware answers a batch it could not store with one retryable Nack that names no
  // event (batch-level); every event of the batch that is still unacked must go again.
  SenderConfig c = config();
  c.resend_after = sim::seconds(60);
  SenderWorld w(c);
  w.enqueue("e1");
  w.enqueue("e2");
  w.enqueue("e3");
  w.run_for(sim::milliseconds(250));
  const std::uint64_t batch = w.received[0].batch.batch_id();
  w.ack(batch, {"e1"});
  w.nack(batch, 0, "", true, "store unavailable, resend the batch");
  w.run_for(sim::milliseconds(200));
  ASSERT_EQ(w.received.size(), 2u);
  EXPECT_EQ(w.received[1].ids(), (Ids{"e2", "e3"}));
}

TEST(EventSender, NonRetryableNackRemovesTheEventAndRecordsTheReason) {
  SenderWorld w(config());
  w.enqueue("e1");
  w.enqueue("e2");
  w.run_for(sim::milliseconds(250));
  w.nack(w.received[0].batch.batch_id(), 0, "e1", false, "schema_version: unknown");
  w.ack(w.received[0].batch.batch_id(), {"e2"});
  w.run_for(sim::seconds(3));
  EXPECT_EQ(w.copies("e1"), 1u);
  EXPECT_TRUE(w.store.empty());
  ASSERT_EQ(w.store.rejections().count("e1"), 1u);
  EXPECT_EQ(w.store.rejections().at("e1"), "schema_version: unknown");
  EXPECT_EQ(w.store.stats().rejected, 1u);
}

TEST(EventSender, NackWithoutEventIdIsMatchedByItsIndexInTheBatch) {
  SenderWorld w(config());
  w.enqueue("e1");
  w.enqueue("e2");
  w.enqueue("e3");
  w.run_for(sim::milliseconds(250));
  w.nack(w.received[0].batch.batch_id(), 1, "", false, "not a valid EventEnvelope");
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.store.find("e2"), nullptr);
  EXPECT_EQ(w.store.rejections().count("e2"), 1u);
  EXPECT_EQ(w.store.size(), 2u);
  // A Nack naming a batch this incarnation never sent is ignored: the resend settles it.
  w.nack(12345, 0, "", false);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.store.size(), 2u);
}

TEST(EventSender, DuplicateProbabilityOneSendsEveryEventTwiceInARowAndIndexesCountCopies) {
  SenderConfig c = config();
  c.duplicate_probability = 1;
  SenderWorld w(c);
  w.enqueue("e1");
  w.enqueue("e2");
  w.run_for(sim::milliseconds(250));
  ASSERT_EQ(w.received.size(), 1u);
  EXPECT_EQ(w.received[0].ids(), (Ids{"e1", "e1", "e2", "e2"}));
  EXPECT_EQ(w.store.stats().duplicates, 2u);
  EXPECT_EQ(w.store.stats().sends, 4u);
  w.nack(w.received[0].batch.batch_id(), 2, "", false);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.store.rejections().count("e2"), 1u);
  EXPECT_NE(w.store.find("e1"), nullptr);
}

TEST(EventSender, ReorderProbabilityOneSwapsNeighbours) {
  SenderConfig c = config();
  c.reorder_probability = 1;
  SenderWorld w(c);
  for (int i = 1; i <= 5; ++i) w.enqueue("e" + std::to_string(i));
  w.run_for(sim::milliseconds(250));
  ASSERT_EQ(w.received.size(), 1u);
  EXPECT_EQ(w.received[0].ids(), (Ids{"e2", "e1", "e4", "e3"}));
  // Nacks by index follow the order the events were sent in.
  w.nack(w.received[0].batch.batch_id(), 0, "", false);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.store.rejections().count("e2"), 1u);
  w.ack(w.received[0].batch.batch_id(), {"e1", "e4", "e3"});
  // e5 has no successor: it waits at most resend_after (1 s), then goes alone.
  w.run_for(sim::milliseconds(1000));
  ASSERT_EQ(w.received.size(), 2u);
  EXPECT_EQ(w.received[1].ids(), (Ids{"e5"}));
  EXPECT_EQ(w.received[1].at, sim::kTimeZero + sim::milliseconds(1200) + kNetworkDelay);
}

TEST(EventSender, ReorderHoldsALoneEventUntilTheNextOneOvertakesIt) {
  // A slow source sends one event per flush; reordering must still be possible across flushes.
  SenderConfig c = config();
  c.reorder_probability = 1;
  c.resend_after = sim::seconds(5);
  SenderWorld w(c);
  w.enqueue("e1");
  w.run_for(sim::milliseconds(700));  // flushes at 0.2, 0.4, 0.6 s: e1 is held
  EXPECT_TRUE(w.received.empty());
  w.enqueue("e2");
  w.run_for(sim::milliseconds(200));
  ASSERT_EQ(w.received.size(), 1u);
  EXPECT_EQ(w.received[0].ids(), (Ids{"e2", "e1"}));
  EXPECT_EQ(w.store.stats().resends, 0u);
}

TEST(EventSender, DeliberateCopiesCountTowardsTheBatchSize) {
  SenderConfig c = config();
  c.duplicate_probability = 1;
  c.max_batch_events = 3;
  SenderWorld w(c);
  w.enqueue("e1");
  w.enqueue("e2");
  w.run_for(sim::milliseconds(250));
  ASSERT_EQ(w.received.size(), 2u);
  EXPECT_EQ(w.received[0].ids(), (Ids{"e1", "e1", "e2"}));
  EXPECT_EQ(w.received[1].ids(), (Ids{"e2"}));  // the copy opens the next batch, still in a row
  w.nack(w.received[1].batch.batch_id(), 0, "", false);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.store.rejections().count("e2"), 1u);
}

TEST(EventSender, OutboxSurvivesACrashAndIsSentByTheNextIncarnation) {
  SenderConfig c = config();
  c.resend_after = sim::seconds(2);
  SenderWorld w(c);
  w.enqueue("sent");
  w.run_for(sim::milliseconds(250));  // "sent" left at 0.2 s, unacked
  w.enqueue("queued");
  w.sim.crash(w.src);
  w.run_for(sim::seconds(5));
  EXPECT_EQ(w.copies("queued"), 0u);
  w.sim.start_node(w.src);
  w.run_for(sim::milliseconds(250));
  EXPECT_EQ(w.copies("queued"), 1u);
  EXPECT_EQ(w.copies("sent"), 2u);  // due again: more than resend_after since its send
  // Batch ids never repeat across incarnations.
  std::set<std::uint64_t> ids;
  for (const Received& r : w.received) EXPECT_TRUE(ids.insert(r.batch.batch_id()).second);
  // The new incarnation matches nacks by index for its own batches.
  w.nack(w.received.back().batch.batch_id(), 0, "", false);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.store.rejections().size(), 1u);
}

TEST(EventSender, SameSeedSendsTheSameBatches) {
  auto run = [](std::uint64_t seed) {
    SenderConfig c = config();
    c.duplicate_probability = 0.3;
    c.reorder_probability = 0.3;
    SenderWorld w(c, seed);
    for (int i = 0; i < 50; ++i) w.enqueue("e" + std::to_string(i));
    w.run_for(sim::seconds(3));
    std::vector<Ids> out;
    for (const Received& r : w.received) out.push_back(r.ids());
    return std::make_pair(out, w.sim.tracer().digest());
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7).second, run(8).second);
}

}  // namespace
}  // namespace mw::fakes
