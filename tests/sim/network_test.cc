#include "sim/network.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace mw::sim {
namespace {

struct Arrival {
  Time at;
  NodeId to;
  NodeId from;
  std::string bytes;
};

// A receiver that records arrivals; nodes listed in `down` refuse them.
class Recorder : public MessageReceiver {
 public:
  explicit Recorder(Scheduler& s) : s_(s) {}
  bool deliver(NodeId to, NodeId from, std::string_view bytes) override {
    if (down.count(to.value) != 0) return false;
    arrivals.push_back(Arrival{s_.now(), to, from, std::string(bytes)});
    return true;
  }
  std::vector<Arrival> arrivals;
  std::map<std::uint32_t, bool> down;

 private:
  Scheduler& s_;
};

struct Fixture {
  explicit Fixture(std::uint64_t seed) : root(seed), rx(sched), net(sched, tracer, root, rx) {
    a = net.add_node("a");
    b = net.add_node("b");
    c = net.add_node("c");
  }
  Scheduler sched;
  Tracer tracer;
  Rng root;
  Recorder rx;
  Network net;
  NodeId a, b, c;
};

TEST(Network, DeliversWithinTheLatencyBounds) {
  Fixture f(1);
  NetworkConfig cfg;
  cfg.default_link.latency = LatencyModel{milliseconds(2), milliseconds(1), 0.5, milliseconds(20)};
  ASSERT_TRUE(f.net.configure(cfg).empty());
  for (int i = 0; i < 1000; ++i) f.net.send(f.a, f.b, "m");
  f.sched.run_until_idle();
  ASSERT_EQ(f.rx.arrivals.size(), 1000u);
  for (const auto& x : f.rx.arrivals) {
    EXPECT_GE(x.at, kTimeZero + milliseconds(2));
    EXPECT_LE(x.at, kTimeZero + milliseconds(20));
  }
  EXPECT_EQ(f.net.counters(f.a, f.b).delivered, 1000u);
}

TEST(Network, JitterReordersMessages) {
  Fixture f(2);
  ASSERT_TRUE(f.net.configure(NetworkConfig{}).empty());
  for (int i = 0; i < 200; ++i) {
    f.net.send(f.a, f.b, std::to_string(i));
    f.sched.run_for(microseconds(50));
  }
  f.sched.run_until_idle();
  int inversions = 0;
  for (std::size_t i = 1; i < f.rx.arrivals.size(); ++i) {
    inversions += std::stoi(f.rx.arrivals[i].bytes) < std::stoi(f.rx.arrivals[i - 1].bytes);
  }
  EXPECT_GT(inversions, 0);
}

TEST(Network, LossDuplicationAndCorruptionFollowTheirProbabilities) {
  Fixture f(3);
  NetworkConfig cfg;
  cfg.default_link.loss_probability = 0.2;
  cfg.default_link.duplicate_probability = 0.1;
  cfg.default_link.corrupt_probability = 0.05;
  ASSERT_TRUE(f.net.configure(cfg).empty());
  const std::string payload(64, 'x');
  for (int i = 0; i < 10000; ++i) f.net.send(f.a, f.b, payload);
  f.sched.run_until_idle();
  const LinkCounters& c = f.net.counters(f.a, f.b);
  EXPECT_EQ(c.sent, 10000u);
  EXPECT_NEAR(c.duplicated, 1000, 150);
  EXPECT_NEAR(c.lost, 0.2 * 11000, 200);
  EXPECT_EQ(c.delivered + c.lost, 10000u + c.duplicated);
  std::uint64_t changed = 0;
  for (const auto& x : f.rx.arrivals) changed += x.bytes != payload;
  // Corruption is decided after loss, and one flipped byte always changes the copy.
  EXPECT_EQ(changed, c.corrupted);
  EXPECT_NEAR(c.corrupted, 0.05 * (c.sent + c.duplicated - c.lost), 100);
}

TEST(Network, FrameCheckDropsEveryCorruptedCopyAndDeliversTheRestIntact) {
  Fixture f(5);
  NetworkConfig cfg;
  cfg.default_link.corrupt_probability = 0.3;
  cfg.default_link.corrupt_bytes_max = 8;
  cfg.default_link.frame_check = true;
  ASSERT_TRUE(f.net.configure(cfg).empty());
  const std::string payload = "event batch 0123456789";
  for (int i = 0; i < 2000; ++i) f.net.send(f.a, f.b, payload);
  f.sched.run_until_idle();
  const LinkCounters& c = f.net.counters(f.a, f.b);
  EXPECT_GT(c.corrupted, 400u);
  EXPECT_EQ(c.dropped_checksum, c.corrupted);
  EXPECT_EQ(c.delivered, 2000u - c.corrupted);
  for (const auto& x : f.rx.arrivals) ASSERT_EQ(x.bytes, payload);
}

TEST(Network, ScheduledOutageDropsMessagesInBothDirectionsThenHeals) {
  Fixture f(4);
  NetworkConfig cfg;
  cfg.outages.push_back(ScheduledOutage{"a", "b", kTimeZero + seconds(1), seconds(2)});
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.sched.run_until(kTimeZero + milliseconds(1500));
  f.net.send(f.a, f.b, "x");
  f.net.send(f.b, f.a, "y");
  f.net.send(f.a, f.c, "z");  // other links are unaffected
  f.sched.run_until(kTimeZero + seconds(4));
  f.net.send(f.a, f.b, "after");
  f.sched.run_until_idle();
  ASSERT_EQ(f.rx.arrivals.size(), 2u);
  EXPECT_EQ(f.rx.arrivals[0].bytes, "z");
  EXPECT_EQ(f.rx.arrivals[1].bytes, "after");
  EXPECT_EQ(f.net.counters(f.a, f.b).dropped_outage, 1u);
  EXPECT_EQ(f.net.counters(f.b, f.a).dropped_outage, 1u);
}

TEST(Network, MessageInFlightWhenTheLinkIsCutIsLost) {
  Fixture f(5);
  NetworkConfig cfg;
  cfg.default_link.latency = LatencyModel{milliseconds(10), Duration::zero(), 0, seconds(1)};
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.net.send(f.a, f.b, "x");
  f.sched.run_for(milliseconds(5));
  f.net.cut(f.a, f.b);
  f.sched.run_until_idle();
  EXPECT_TRUE(f.rx.arrivals.empty());
  EXPECT_EQ(f.net.counters(f.a, f.b).dropped_outage, 1u);
}

TEST(Network, MessageInFlightAcrossAShortOutageIsLost) {
  Fixture f(15);
  NetworkConfig cfg;
  cfg.default_link.latency = LatencyModel{milliseconds(10), Duration::zero(), 0, seconds(1)};
  cfg.outages.push_back(ScheduledOutage{"a", "b", kTimeZero + milliseconds(2), milliseconds(3)});
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.net.send(f.a, f.b, "x");  // arrives at 10 ms, after the outage (2..5 ms) is over
  f.sched.run_until_idle();
  EXPECT_TRUE(f.rx.arrivals.empty());
  EXPECT_EQ(f.net.counters(f.a, f.b).dropped_in_flight, 1u);
}

TEST(Network, MessageInFlightWhenAPartitionStartsIsLost) {
  Fixture f(16);
  NetworkConfig cfg;
  cfg.default_link.latency = LatencyModel{milliseconds(10), Duration::zero(), 0, seconds(1)};
  cfg.partitions.push_back(ScheduledPartition{{"a"}, {"b"}, true, kTimeZero + milliseconds(2), milliseconds(3)});
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.net.send(f.a, f.b, "x");
  f.net.send(f.b, f.a, "y");  // the other direction is not partitioned
  f.sched.run_until_idle();
  ASSERT_EQ(f.rx.arrivals.size(), 1u);
  EXPECT_EQ(f.rx.arrivals[0].bytes, "y");
}

TEST(Network, OverlappingOutagesNestAndTheLinkHealsOnlyWhenBothEnd) {
  Fixture f(17);
  NetworkConfig cfg;
  cfg.outages.push_back(ScheduledOutage{"a", "b", kTimeZero + seconds(1), seconds(4)});
  cfg.outages.push_back(ScheduledOutage{"b", "a", kTimeZero + seconds(2), seconds(1)});
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.sched.run_until(kTimeZero + milliseconds(3500));
  EXPECT_FALSE(f.net.usable(f.a, f.b));  // the second ended, the first still holds
  f.sched.run_until(kTimeZero + seconds(5));
  EXPECT_TRUE(f.net.usable(f.a, f.b));
}

TEST(Network, CorruptedCopyAlwaysDiffersFromTheOriginal) {
  Fixture f(18);
  NetworkConfig cfg;
  cfg.default_link.corrupt_probability = 1.0;
  cfg.default_link.corrupt_bytes_max = 8;
  ASSERT_TRUE(f.net.configure(cfg).empty());
  for (int i = 0; i < 2000; ++i) f.net.send(f.a, f.b, "ab");  // 2 bytes, up to 8 flips asked
  f.sched.run_until_idle();
  for (const auto& x : f.rx.arrivals) ASSERT_NE(x.bytes, "ab");
}

TEST(Network, OneWayPartitionBlocksOnlyOneDirection) {
  Fixture f(6);
  NetworkConfig cfg;
  cfg.partitions.push_back(ScheduledPartition{{"a"}, {"b"}, true, kTimeZero, seconds(10)});
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.sched.run_until(kTimeZero);
  f.net.send(f.a, f.b, "blocked");
  f.net.send(f.b, f.a, "passes");
  f.sched.run_until(kTimeZero + seconds(1));
  ASSERT_EQ(f.rx.arrivals.size(), 1u);
  EXPECT_EQ(f.rx.arrivals[0].bytes, "passes");
  EXPECT_EQ(f.net.counters(f.a, f.b).dropped_partition, 1u);
}

TEST(Network, SymmetricPartitionWithEmptySideIsolatesFromEveryone) {
  Fixture f(7);
  NetworkConfig cfg;
  cfg.partitions.push_back(ScheduledPartition{{"c"}, {}, false, kTimeZero, seconds(10)});
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.sched.run_until(kTimeZero);
  EXPECT_FALSE(f.net.usable(f.c, f.a));
  EXPECT_FALSE(f.net.usable(f.b, f.c));
  EXPECT_TRUE(f.net.usable(f.a, f.b));
  f.sched.run_until(kTimeZero + seconds(10));
  EXPECT_TRUE(f.net.usable(f.c, f.a));
}

TEST(Network, MessageToADownNodeIsDroppedAndCounted) {
  Fixture f(8);
  ASSERT_TRUE(f.net.configure(NetworkConfig{}).empty());
  f.rx.down[f.b.value] = true;
  f.net.send(f.a, f.b, "x");
  f.sched.run_until_idle();
  EXPECT_TRUE(f.rx.arrivals.empty());
  EXPECT_EQ(f.net.counters(f.a, f.b).dropped_node_down, 1u);
}

TEST(Network, RandomOutagesStopAtTheirDeadline) {
  Fixture f(9);
  NetworkConfig cfg;
  cfg.default_link.random_outages = RandomOutages{seconds(10), seconds(2), kTimeZero + minutes(5)};
  ASSERT_TRUE(f.net.configure(cfg).empty());
  f.sched.run_until(kTimeZero + minutes(5));
  f.sched.run_until_idle(1'000'000);
  EXPECT_EQ(f.sched.pending(), 0u);  // no new outage after the deadline: the queue drains.
  EXPECT_TRUE(f.net.usable(f.a, f.b));
}

// Delivered is what arrived: when (ns), at which node, from which, which message.
using Delivered = std::tuple<std::int64_t, std::uint32_t, std::uint32_t, std::string>;

// traffic configures the network with `cfg`, sends a message each way between every pair of
// nodes every 100ms for two minutes, runs to minute five and returns what arrived.
std::vector<Delivered> traffic(Fixture& f, const NetworkConfig& cfg) {
  EXPECT_TRUE(f.net.configure(cfg).empty());
  for (Duration t = Duration::zero(); t < minutes(2); t += milliseconds(100)) {
    f.sched.schedule_at(kTimeZero + t, [&f, t] {
      for (const NodeId from : {f.a, f.b, f.c}) {
        for (const NodeId to : {f.a, f.b, f.c}) {
          if (from.value != to.value) f.net.send(from, to, std::to_string(t.count()));
        }
      }
    });
  }
  f.sched.run_until(kTimeZero + minutes(5));
  std::vector<Delivered> out;
  for (const auto& x : f.rx.arrivals)
    out.emplace_back(to_nanos(x.at), x.to.value, x.from.value, x.bytes);
  return out;
}

TEST(Network, RecordsEachOutageItCausedWithItsNodesStartAndLength) {
  Fixture f(21);
  NetworkConfig cfg;
  cfg.default_link.random_outages = RandomOutages{seconds(20), seconds(3), kTimeZero + minutes(2)};
  cfg.outages.push_back(ScheduledOutage{"a", "c", kTimeZero + seconds(30), seconds(4)});
  traffic(f, cfg);
  const std::vector<OutageRecord>& log = f.net.outages_that_happened();
  ASSERT_GE(log.size(), 4u);
  int scheduled = 0;
  Time previous = kTimeZero;
  for (const OutageRecord& o : log) {
    EXPECT_LT(o.a, o.b) << "the lower node of the pair first";
    EXPECT_GE(o.start, previous) << "in the order they started";
    previous = o.start;
    EXPECT_GT(o.duration, Duration::zero());
    if (o.random) {
      EXPECT_LT(o.start, kTimeZero + minutes(2)) << "none starts after the deadline";
    } else {
      ++scheduled;
      EXPECT_EQ(o.start, kTimeZero + seconds(30));
      EXPECT_EQ(o.duration, seconds(4));
    }
  }
  EXPECT_EQ(scheduled, 1);
}

TEST(Network, TheRecordedRandomOutagesScheduledInsteadGiveTheSameArrivals) {
  NetworkConfig random;
  random.default_link.random_outages =
      RandomOutages{seconds(15), seconds(4), kTimeZero + minutes(2)};
  random.default_link.loss_probability = 0.05;  // the links' own draws must not move
  Fixture first(22);
  const std::vector<Delivered> expected = traffic(first, random);
  ASSERT_GE(first.net.outages_that_happened().size(), 3u);
  ASSERT_GT(first.net.total_counters().dropped_outage, 0u);

  NetworkConfig scheduled;
  scheduled.default_link.loss_probability = 0.05;
  for (const OutageRecord& o : first.net.outages_that_happened()) {
    scheduled.outages.push_back(ScheduledOutage{o.a, o.b, o.start, o.duration});
  }
  Fixture second(22);
  EXPECT_EQ(traffic(second, scheduled), expected);
  EXPECT_EQ(second.net.outages_that_happened().size(), first.net.outages_that_happened().size());
}

TEST(Network, RecordsEachRandomIsolationAndScheduledInsteadItGivesTheSameArrivals) {
  NetworkConfig random;
  random.random_partitions = RandomPartitions{seconds(15), seconds(5), 0.5, kTimeZero + minutes(2)};
  Fixture first(23);
  const std::vector<Delivered> expected = traffic(first, random);
  const std::vector<IsolationRecord>& log = first.net.isolations_that_happened();
  ASSERT_GE(log.size(), 3u);
  bool one_way = false, both_ways = false;
  for (const IsolationRecord& x : log) {
    EXPECT_TRUE(x.random);
    EXPECT_LT(x.start, kTimeZero + minutes(2));
    EXPECT_GT(x.duration, Duration::zero());
    one_way |= x.one_way;
    both_ways |= !x.one_way;
  }
  EXPECT_TRUE(one_way && both_ways) << "seed 23 draws both kinds";

  NetworkConfig scheduled;
  for (const IsolationRecord& x : log) {
    scheduled.partitions.push_back(
        ScheduledPartition{{x.node}, {}, x.one_way, x.start, x.duration});
  }
  Fixture second(23);
  EXPECT_EQ(traffic(second, scheduled), expected);
  const std::vector<IsolationRecord>& again = second.net.isolations_that_happened();
  ASSERT_EQ(again.size(), log.size()) << "a scheduled isolation is recorded too";
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_FALSE(again[i].random);
    EXPECT_EQ(again[i].node, log[i].node);
    EXPECT_EQ(again[i].start, log[i].start);
    EXPECT_EQ(again[i].duration, log[i].duration);
    EXPECT_EQ(again[i].one_way, log[i].one_way);
  }
}

TEST(Network, UnknownNodeNamesInTheConfigAreReported) {
  Fixture f(10);
  NetworkConfig cfg;
  cfg.outages.push_back(ScheduledOutage{"a", "erp", kTimeZero, seconds(1)});
  const auto errors = f.net.configure(cfg);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "network.outages.b: unknown node 'erp'");
}

TEST(Network, SameSeedGivesSameArrivals) {
  auto run = [](std::uint64_t seed) {
    Fixture f(seed);
    NetworkConfig cfg;
    cfg.default_link.loss_probability = 0.1;
    cfg.default_link.duplicate_probability = 0.1;
    f.net.configure(cfg);
    for (int i = 0; i < 500; ++i) f.net.send(NodeId{static_cast<std::uint32_t>(i % 3)}, f.b, std::to_string(i));
    f.sched.run_until_idle();
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto& x : f.rx.arrivals) out.emplace_back(to_nanos(x.at), x.bytes);
    return std::make_pair(out, f.tracer.digest());
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11).second, run(12).second);
}

}  // namespace
}  // namespace mw::sim
