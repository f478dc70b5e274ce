// The simulated MES on the wire: at-least-once delivery with stable ids and bytes, crash and
// restart, both source formats checked with the real core's decoder and validator, clock skew,
// malformed events, and duplicate / out-of-order emission.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fakes/mes/event_encoding.h"
#include "middleware/ingest/vendor_kv.h"
#include "tests/fakes/mes/mes_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

MesConfig stop_after(MesConfig c, sim::Duration production) {
  c.quiet_periods.push_back({sim::kTimeZero + production, sim::kTimeMax});
  return c;
}

TEST(MesFake, ResendsEveryUnackedEventWithTheSameIdAndBytesAndNeverAnAckedOne) {
  MesConfig c = stop_after(sample_config(), sim::seconds(90));
  c.sender.resend_after = sim::seconds(5);
  MesWorld w(c);
  w.stub.acking = false;
  w.run_for(sim::seconds(30));  // the middleware receives but never acks
  w.stub.acking = true;
  w.run_for(sim::minutes(3));
  const auto received = w.received_by_id();
  std::size_t resent = 0;
  for (const EmittedEvent& e : w.log.events()) {
    const auto it = received.find(e.event_id);
    ASSERT_NE(it, received.end()) << e.event_id << " never arrived";
    const std::vector<const Got*>& copies = it->second;
    for (const Got* g : copies) {
      EXPECT_EQ(g->raw.SerializeAsString(), copies.front()->raw.SerializeAsString())
          << e.event_id << ": a resend changed the bytes";
    }
    if (e.created_at < sim::kTimeZero + sim::seconds(20)) {
      EXPECT_GE(copies.size(), 2u) << e.event_id << " was not resent while unacked";
    }
    resent += copies.size() > 1 ? 1 : 0;
    // After its first ack, no copy leaves any more (1 s covers a send already in flight).
    const sim::Time acked = w.stub.first_acked.at(e.event_id);
    for (const Got* g : copies) {
      EXPECT_LE(g->at, acked + sim::seconds(1)) << e.event_id << " was resent after its ack";
    }
  }
  EXPECT_GT(resent, 100u);
  EXPECT_TRUE(w.state.outbox().empty());
  EXPECT_EQ(w.state.outbox().stats().acked, w.log.size());
}

TEST(MesFake, CrashAndRestartContinueProductionWithoutDuplicateIdsOrLostEvents) {
  MesConfig c = stop_after(sample_config(), sim::minutes(20));
  c.scrap_probability = 0.2;
  c.sender.resend_after = sim::seconds(3);
  MesWorld w(c);
  const sim::Time crash = sim::kTimeZero + sim::minutes(8);
  const sim::Time restart = crash + sim::minutes(2);
  w.sim.schedule_crash(w.mes, crash, sim::minutes(2), sim::CrashKind::kProcessCrash);
  // A burst of unacked events just before the crash: they stay in the outbox across it.
  w.run_for(sim::minutes(7) + sim::seconds(50));
  w.stub.acking = false;
  w.run_for(sim::seconds(10));
  w.stub.acking = true;
  w.run_for(sim::minutes(14));

  EXPECT_EQ(w.stats().starts, 2u);
  std::size_t before = 0;
  std::size_t after = 0;
  for (const EmittedEvent& e : w.log.events()) {
    EXPECT_FALSE(e.created_at >= crash && e.created_at < restart)
        << e.event_id << " created while the MES node was down";
    before += e.created_at < crash ? 1 : 0;
    after += e.created_at >= restart ? 1 : 0;
  }
  EXPECT_GT(before, 1000u);
  EXPECT_GT(after, 1000u);
  // Nothing lost: every logged event reached the middleware and was acked.
  const auto received = w.received_by_id();
  for (const EmittedEvent& e : w.log.events()) {
    EXPECT_TRUE(received.contains(e.event_id)) << e.event_id << " lost";
  }
  EXPECT_TRUE(w.state.outbox().empty());
  // Work orders in progress at the crash continue with the next sequence numbers.
  std::map<std::string, std::vector<std::uint64_t>> seqs;
  for (const EmittedEvent& e : w.log.events()) seqs[e.ordering_key].push_back(e.source_sequence);
  std::size_t spanning = 0;
  for (const auto& [key, s] : seqs) {
    for (std::size_t i = 0; i < s.size(); ++i) ASSERT_EQ(s[i], i + 1) << key;
  }
  std::map<std::string, std::pair<sim::Time, sim::Time>> span;
  for (const EmittedEvent& e : w.log.events()) {
    auto [it, fresh] = span.try_emplace(e.ordering_key, e.created_at, e.created_at);
    if (!fresh) it->second.second = e.created_at;
  }
  for (const auto& [key, s] : span) spanning += s.first < crash && s.second >= restart ? 1 : 0;
  // A line between two orders at the crash releases a new one after it; the others resume.
  EXPECT_GE(spanning, 1u) << "no work order resumed after the restart";
  EXPECT_LE(spanning, c.lines);
}

TEST(MesFake, CanonicalEventsDecodeAndValidateInTheCore) {
  MesConfig c = stop_after(sample_config(), sim::minutes(5));
  c.scrap_probability = 0.3;
  MesWorld w(c);
  w.run_for(sim::minutes(6));
  ASSERT_GT(w.stub.got.size(), 1000u);
  std::set<proto::EventType> types;
  for (const Got& g : w.stub.got) {
    EXPECT_EQ(g.raw.format(), proto::CANONICAL_PROTO);
    ASSERT_TRUE(g.envelope.has_value()) << g.problem;
    EXPECT_EQ(g.problem, "") << g.envelope->ShortDebugString();
    types.insert(g.envelope->event_type());
  }
  EXPECT_EQ(types.size(), 6u) << "every production event type was seen";
}

TEST(MesFake, VendorFormatEventsDecodeWithTheCoreDecoderAndMatchItsEncoder) {
  MesConfig c = stop_after(sample_config(), sim::minutes(5));
  c.format = proto::VENDOR_KV;
  c.scrap_probability = 0.3;
  c.clock_skew = sim::microseconds(1500);  // sub-millisecond parts are the format's to drop
  MesWorld w(c);
  w.run_for(sim::minutes(6));
  ASSERT_GT(w.stub.got.size(), 1000u);
  std::set<proto::EventType> types;
  for (const Got& g : w.stub.got) {
    EXPECT_EQ(g.raw.format(), proto::VENDOR_KV);
    const auto decoded = core::decode_vendor_kv(g.raw.payload());
    ASSERT_TRUE(decoded.is_ok()) << decoded.error().message << "\n" << g.raw.payload();
    EXPECT_EQ(g.problem, "") << g.raw.payload();
    // The plant's encoder writes exactly what the core's own encoder writes.
    EXPECT_EQ(core::encode_vendor_kv(decoded.value()), g.raw.payload());
    const EmittedEvent* logged = w.log.find(decoded.value().event_id());
    ASSERT_NE(logged, nullptr);
    EXPECT_EQ(decoded.value().ordering_key(), logged->ordering_key);
    EXPECT_EQ(decoded.value().source_sequence(), logged->source_sequence);
    EXPECT_EQ(decoded.value().event_type(), logged->type);
    EXPECT_EQ(decoded.value().occurred_at_ns() % 1000000, 0);
    types.insert(decoded.value().event_type());
  }
  EXPECT_EQ(types.size(), 6u);
}

TEST(MesFake, ClockSkewShiftsOccurredAtButNotThePostingDate) {
  // Time zero is one minute before midnight, and the MES clock runs five minutes fast.
  auto run = [](sim::Duration skew) {
    MesConfig c = stop_after(sample_config(), sim::minutes(3));
    c.epoch_unix_ns =
        kDefaultEpochUnixNs + sim::Duration(sim::hours(23) + sim::minutes(59)).count();
    c.clock_skew = skew;
    auto w = std::make_unique<MesWorld>(c);
    w->run_for(sim::minutes(4));
    std::map<std::string, proto::EventEnvelope> out;
    for (const Got& g : w->stub.got) out.emplace(g.envelope->event_id(), *g.envelope);
    std::map<std::string, sim::Time> created;
    for (const EmittedEvent& e : w->log.events()) created.emplace(e.event_id, e.created_at);
    return std::make_pair(out, created);
  };
  const auto [exact, created] = run(sim::Duration::zero());
  const auto fast = run(sim::minutes(5)).first;
  ASSERT_EQ(exact.size(), fast.size());
  ASSERT_GT(exact.size(), 100u);
  const std::int64_t epoch =
      kDefaultEpochUnixNs + sim::Duration(sim::hours(23) + sim::minutes(59)).count();
  for (const auto& [id, e] : exact) {
    const proto::EventEnvelope& f = fast.at(id);
    const std::int64_t unix_ns = epoch + sim::to_nanos(created.at(id));
    EXPECT_EQ(e.occurred_at_ns(), unix_ns);
    EXPECT_EQ(f.occurred_at_ns(), unix_ns + sim::Duration(sim::minutes(5)).count()) << id;
    EXPECT_EQ(f.posting_date(), e.posting_date()) << id;
    EXPECT_EQ(e.posting_date(), utc_date(unix_ns));
    if (created.at(id) < sim::kTimeZero + sim::minutes(1)) {
      EXPECT_EQ(f.posting_date(), "2026-01-05") << id;
      EXPECT_EQ(utc_date(f.occurred_at_ns()), "2026-01-06") << id;
    }
  }
}

TEST(MesFake, MalformedEventsAreLoggedMalformedAndRefusedByTheMiddleware) {
  for (const proto::SourceFormat format : {proto::CANONICAL_PROTO, proto::VENDOR_KV}) {
    SCOPED_TRACE(source_format_name(format));
    MesConfig c = stop_after(sample_config(), sim::minutes(5));
    c.format = format;
    c.malformed_probability = 0.1;
    MesWorld w(c);
    w.run_for(sim::minutes(6));
    std::size_t malformed = 0;
    std::set<std::string> malformed_ids;
    for (const EmittedEvent& e : w.log.events()) {
      if (!e.malformed) continue;
      ++malformed;
      malformed_ids.insert(e.event_id);
      EXPECT_TRUE(e.effects.empty());
      EXPECT_EQ(e.ordering_key, "malformed:P100");
      EXPECT_EQ(e.source_sequence, malformed);
      EXPECT_EQ(e.event_id, "P100-M" + std::to_string(malformed));
    }
    EXPECT_GT(malformed, 100u);
    EXPECT_EQ(w.stats().malformed, malformed);
    std::size_t undecodable = 0;
    std::size_t invalid = 0;
    for (const Got& g : w.stub.got) {
      if (!g.envelope) {
        ++undecodable;
        continue;
      }
      const bool broken = malformed_ids.contains(g.envelope->event_id());
      EXPECT_EQ(!g.problem.empty(), broken) << g.envelope->event_id() << ": " << g.problem;
      if (broken) {
        ++invalid;
        EXPECT_NE(g.problem.find("schema_version"), std::string::npos) << g.problem;
      }
    }
    EXPECT_GT(undecodable, 30u);
    EXPECT_GT(invalid, 30u);
    EXPECT_EQ(undecodable + invalid, malformed) << "each malformed event is sent once";
    // The nacks (by id, or by index for the undecodable ones) reject exactly the malformed.
    std::set<std::string> rejected;
    for (const auto& [id, reason] : w.state.outbox().rejections()) rejected.insert(id);
    EXPECT_EQ(rejected, malformed_ids);
    EXPECT_TRUE(w.state.outbox().empty());
  }
}

TEST(MesFake, DuplicateAndOutOfOrderEmissionReachTheWire) {
  MesConfig c = stop_after(sample_config(), sim::minutes(5));
  c.sender.duplicate_probability = 0.05;
  c.sender.reorder_probability = 0.05;
  MesWorld w(c);
  w.run_for(sim::minutes(6));
  std::size_t twice_in_a_row = 0;
  std::size_t overtaken = 0;
  std::map<std::string, std::uint64_t> highest;  // per ordering key, highest sequence seen
  const Got* previous = nullptr;
  for (const Got& g : w.stub.got) {
    const proto::EventEnvelope& e = *g.envelope;
    if (previous != nullptr && previous->envelope->event_id() == e.event_id()) ++twice_in_a_row;
    std::uint64_t& h = highest[e.ordering_key()];
    if (e.source_sequence() < h) ++overtaken;
    h = std::max(h, e.source_sequence());
    previous = &g;
  }
  EXPECT_GT(twice_in_a_row, 50u);
  EXPECT_GT(overtaken, 20u);
  EXPECT_TRUE(w.state.outbox().empty());
}

TEST(MesFake, AReissuedResendRepeatsAnAcknowledgedEventUnderANewIdWithItsPayloadUnchanged) {
  MesConfig c = stop_after(sample_config(), sim::minutes(5));
  c.reissued_resend_probability = 0.1;
  MesWorld w(c);
  w.run_for(sim::minutes(6));
  std::map<std::string, proto::EventEnvelope> received;  // first copy of each id on the wire
  std::size_t copies = 0;
  for (const Got& g : w.stub.got) {
    ASSERT_TRUE(g.envelope.has_value());
    const proto::EventEnvelope& e = *g.envelope;
    const std::string& id = e.event_id();
    const std::size_t suffix = id.find("-reissued");
    if (suffix != std::string::npos && !received.contains(id)) {
      ++copies;
      const auto original = received.find(id.substr(0, suffix));
      ASSERT_NE(original, received.end()) << id << " was sent before the event it repeats";
      proto::EventEnvelope same = e;
      same.set_event_id(original->second.event_id());
      EXPECT_EQ(same.SerializeAsString(), original->second.SerializeAsString())
          << id << " differs from its original in more than its id";
      ASSERT_NE(w.log.fact_of(id), nullptr);
      EXPECT_EQ(w.log.fact_of(id)->event_id, original->second.event_id());
      EXPECT_EQ(w.log.find(id), nullptr) << "a copy is no new event of the plant";
    }
    received.emplace(id, e);
  }
  EXPECT_GT(copies, 20u);
  EXPECT_EQ(w.stats().reissued_resends, copies);
  EXPECT_EQ(w.log.reissued_copies().size(), copies);
  EXPECT_TRUE(w.state.outbox().empty());
}

TEST(MesFake, ACorruptSequenceEventIsAValidCopyOfAStepFarPastItsKeysNumbers) {
  MesConfig c = stop_after(sample_config(), sim::minutes(5));
  c.corrupt_sequence_probability = 0.05;
  MesWorld w(c);
  w.run_for(sim::minutes(6));
  std::map<std::string, std::uint64_t> highest;  // per key, the highest real number logged
  for (const EmittedEvent& e : w.log.events()) {
    if (!e.corrupt_sequence) highest[e.ordering_key] = std::max(highest[e.ordering_key], e.source_sequence);
  }
  std::size_t corrupt = 0;
  for (const EmittedEvent& e : w.log.events()) {
    if (!e.corrupt_sequence) continue;
    ++corrupt;
    EXPECT_EQ(e.event_id, "P100-S" + std::to_string(corrupt));
    EXPECT_TRUE(e.effects.empty()) << "nothing physical happened";
    EXPECT_FALSE(e.malformed);
    ASSERT_TRUE(highest.contains(e.ordering_key)) << "on a real key: " << e.ordering_key;
    EXPECT_GE(e.source_sequence, highest[e.ordering_key] + (std::uint64_t{1} << 31));
    EXPECT_LE(e.source_sequence, static_cast<std::uint64_t>(INT64_MAX));
  }
  EXPECT_GT(corrupt, 10u);
  EXPECT_EQ(w.stats().corrupt_sequences, corrupt);
  std::size_t on_the_wire = 0;
  for (const Got& g : w.stub.got) {
    ASSERT_TRUE(g.envelope.has_value());
    if (!g.envelope->event_id().starts_with("P100-S")) continue;
    ++on_the_wire;
    EXPECT_TRUE(g.problem.empty()) << "it decodes and validates: " << g.problem;
  }
  EXPECT_GE(on_the_wire, corrupt);
}

TEST(MesFake, CountsAndIgnoresMessagesThatAreNotAcksOrNacks) {
  MesWorld w(sample_config());
  w.run_for(sim::seconds(1));
  w.sim.node(w.mw).send(w.mes, "not a frame");
  proto::Frame f;
  f.mutable_event_batch()->set_batch_id(1);
  w.sim.node(w.mw).send(w.mes, f.SerializeAsString());
  w.run_for(sim::seconds(1));
  EXPECT_EQ(w.stats().garbage, 2u);
}

}  // namespace
}  // namespace mw::fakes
