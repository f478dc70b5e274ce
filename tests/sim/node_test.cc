#include "sim/node.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "sim/simulation.h"

namespace mw::sim {
namespace {

// A process that counts ticks of a periodic timer and echoes messages back to their sender.
struct Ticker : Process {
  explicit Ticker(Node& n, std::vector<std::string>* log) : node(n), log(log) { arm(); }
  void arm() {
    node.after(milliseconds(100), [this] {
      log->push_back(node.name() + "#" + std::to_string(node.incarnation()) + " tick");
      arm();
    });
  }
  void on_message(NodeId from, std::string_view bytes) override {
    log->push_back(node.name() + "#" + std::to_string(node.incarnation()) + " got " + std::string(bytes));
    if (bytes == "ping") node.send(from, "pong");
  }
  Node& node;
  std::vector<std::string>* log;
};

ProcessFactory ticker(std::vector<std::string>* log) {
  return [log](Node& n) { return std::make_unique<Ticker>(n, log); };
}

TEST(Node, CrashEndsTheIncarnationAndItsTimersNeverFire) {
  std::vector<std::string> log;
  Simulation sim(SimulationOptions{});
  const NodeId a = sim.add_node("a", ticker(&log));
  ASSERT_TRUE(sim.start().empty());
  sim.scheduler().run_until(kTimeZero + milliseconds(250));
  EXPECT_EQ(log.size(), 2u);
  sim.crash(a);
  EXPECT_FALSE(sim.is_up(a));
  sim.scheduler().run_until(kTimeZero + seconds(10));
  EXPECT_EQ(log.size(), 2u);  // the pending tick of incarnation 1 was dropped.
  EXPECT_EQ(sim.scheduler().events_expired(), 1u);
}

TEST(Node, RestartStartsANewIncarnationWithFreshProcess) {
  std::vector<std::string> log;
  Simulation sim(SimulationOptions{});
  const NodeId a = sim.add_node("a", ticker(&log));
  ASSERT_TRUE(sim.start().empty());
  sim.schedule_crash(a, kTimeZero + milliseconds(150), seconds(1), CrashKind::kProcessCrash);
  sim.scheduler().run_until(kTimeZero + milliseconds(1260));
  ASSERT_TRUE(sim.is_up(a));
  EXPECT_EQ(sim.node(a).incarnation(), 2u);
  EXPECT_EQ(log, (std::vector<std::string>{"a#1 tick", "a#2 tick"}));
}

TEST(Node, MessagesToADownNodeAreDroppedAndDeliveredAfterRestart) {
  std::vector<std::string> log;
  Simulation sim(SimulationOptions{});
  const NodeId a = sim.add_node("a", ticker(&log));
  const NodeId b = sim.add_node("b", ticker(&log));
  ASSERT_TRUE(sim.start().empty());
  sim.crash(b);
  sim.node(a).send(b, "lost");
  sim.scheduler().run_for(milliseconds(40));
  sim.start_node(b);
  sim.node(a).send(b, "ping");
  sim.scheduler().run_for(milliseconds(40));  // before the first tick at 100 ms
  EXPECT_EQ(log, (std::vector<std::string>{"b#2 got ping", "a#1 got pong"}));
  EXPECT_EQ(sim.network().counters(a, b).dropped_node_down, 1u);
}

// A process that counts its starts in a SQLite database on its node's disk.
struct Counter : Process {
  explicit Counter(Node& n) {
    sqlite3_open_v2("count.db", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, n.volume().vfs_name().c_str());
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                     "CREATE TABLE IF NOT EXISTS starts(n INTEGER); INSERT INTO starts VALUES(1);",
                 nullptr, nullptr, nullptr);
  }
  ~Counter() override { sqlite3_close_v2(db); }
  void on_message(NodeId, std::string_view) override {}
  int starts() {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM starts", -1, &st, nullptr);
    sqlite3_step(st);
    const int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
  }
  sqlite3* db = nullptr;
};

TEST(Node, DiskSurvivesCrashesAndPowerLossesWithEveryCommittedWrite) {
  Simulation sim(SimulationOptions{});
  const NodeId a = sim.add_node("a", [](Node& n) { return std::make_unique<Counter>(n); });
  ASSERT_TRUE(sim.start().empty());
  sim.crash(a, CrashKind::kPowerLoss);
  sim.start_node(a);
  sim.crash(a, CrashKind::kProcessCrash);
  sim.start_node(a);
  EXPECT_EQ(static_cast<Counter*>(sim.node(a).process())->starts(), 3);
  EXPECT_EQ(sim.node(a).volume().stats().power_losses, 1u);
}

TEST(Node, ArmingATimerWhileDownIsAnInvariantViolation) {
  Simulation sim(SimulationOptions{});
  std::vector<std::string> log;
  const NodeId a = sim.add_node("a", ticker(&log));
  ASSERT_TRUE(sim.start().empty());
  sim.crash(a);
  EXPECT_DEATH(sim.node(a).after(milliseconds(1), [] {}), "cannot set timers");
}

TEST(Node, StaleRestartDoesNotShortenALaterCrash) {
  std::vector<std::string> log;
  Simulation sim(SimulationOptions{});
  const NodeId a = sim.add_node("a", ticker(&log));
  ASSERT_TRUE(sim.start().empty());
  sim.schedule_crash(a, kTimeZero + seconds(1), seconds(10), CrashKind::kProcessCrash);
  sim.scheduler().schedule_at(kTimeZero + seconds(2), [&] { sim.start_node(a); });  // an operator restarts it
  sim.schedule_crash(a, kTimeZero + seconds(3), seconds(60), CrashKind::kProcessCrash);
  sim.scheduler().run_until(kTimeZero + seconds(12));
  EXPECT_FALSE(sim.is_up(a));  // the restart planned for 11 s belonged to the first crash
  sim.scheduler().run_until(kTimeZero + seconds(63));
  EXPECT_TRUE(sim.is_up(a));
}

TEST(Node, RandomCrashesFollowTheSeedAndStopAtTheirDeadline) {
  auto run = [](std::uint64_t seed) {
    std::vector<std::string> log;
    SimulationOptions opts;
    opts.seed = seed;
    Simulation sim(opts);
    RandomCrashes rc{seconds(2), milliseconds(500), 0.5, kTimeZero + seconds(30)};
    const NodeId a = sim.add_node("a", ticker(&log), rc);
    EXPECT_TRUE(sim.start().empty());
    sim.scheduler().run_until(kTimeZero + seconds(60));
    EXPECT_TRUE(sim.is_up(a));
    return std::make_pair(sim.node(a).incarnation(), sim.tracer().digest());
  };
  const auto first = run(5);
  EXPECT_GT(first.first, 3u);
  EXPECT_EQ(first, run(5));
  EXPECT_NE(first.second, run(6).second);
}

TEST(Node, EachIncarnationHasItsOwnRandomStream) {
  std::vector<std::uint64_t> draws;
  Simulation sim(SimulationOptions{});
  const NodeId a = sim.add_node("a", [&draws](Node& n) {
    draws.push_back(n.rng().next_u64());
    return std::make_unique<Ticker>(n, nullptr);
  });
  ASSERT_TRUE(sim.start().empty());
  sim.crash(a);
  sim.start_node(a);
  ASSERT_EQ(draws.size(), 2u);
  EXPECT_NE(draws[0], draws[1]);
}

}  // namespace
}  // namespace mw::sim
