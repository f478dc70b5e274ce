// The plant edge under faults: an unreadable disk, power losses with torn writes at random
// moments (between events and inside any I/O of a commit), and determinism.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "sim/trace.h"
#include "tests/fakes/edge/edge_harness.h"

namespace mw::fakes {
namespace {

using testing::EdgeWorld;
using testing::exact_network;
using testing::test_config;

// write_file creates `path` on `volume` with `bytes`, through the volume's own VFS.
void write_file(sim::Volume& volume, const char* path, const std::string& bytes) {
  sqlite3_vfs* vfs = sqlite3_vfs_find(volume.vfs_name().c_str());
  ASSERT_NE(vfs, nullptr);
  auto storage = std::make_unique<std::max_align_t[]>(
      static_cast<std::size_t>(vfs->szOsFile) / sizeof(std::max_align_t) + 1);
  auto* file = reinterpret_cast<sqlite3_file*>(storage.get());
  int flags = 0;
  ASSERT_EQ(vfs->xOpen(vfs, path, file,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MAIN_DB, &flags),
            SQLITE_OK);
  EXPECT_EQ(file->pMethods->xWrite(file, bytes.data(), static_cast<int>(bytes.size()), 0),
            SQLITE_OK);
  EXPECT_EQ(file->pMethods->xSync(file, SQLITE_SYNC_FULL), SQLITE_OK);
  file->pMethods->xClose(file);
}

void delete_file(sim::Volume& volume, const char* path) {
  sqlite3_vfs* vfs = sqlite3_vfs_find(volume.vfs_name().c_str());
  ASSERT_NE(vfs, nullptr);
  EXPECT_EQ(vfs->xDelete(vfs, path, 1), SQLITE_OK);
}

std::vector<std::string> lines_with(const sim::MemoryTraceSink& trace, const std::string& what) {
  std::vector<std::string> out;
  for (const std::string& l : trace.lines()) {
    if (l.find(what) != std::string::npos) out.push_back(l);
  }
  return out;
}

TEST(EdgeOpen, RetriesEverySecondAndTracesWhyWhileTheDatabaseCannotBeOpened) {
  sim::MemoryTraceSink trace;
  EdgeWorld w(test_config(), exact_network(1), /*mes_resends=*/true, &trace);
  write_file(w.edge_volume(), "edge.db", std::string(8192, 'x'));  // a disk that is not SQLite
  w.start();
  w.run_for(sim::milliseconds(10));
  const auto evs = testing::events("ev-", 3);
  w.emit(evs);
  w.run_for(sim::milliseconds(2500));
  const auto failures = lines_with(trace, "edge.open_failed");
  ASSERT_EQ(failures.size(), 3u);  // at 0 s, 1 s and 2 s
  EXPECT_EQ(failures[0].substr(0, 18), "00:00:00.000000000");
  EXPECT_EQ(failures[1].substr(0, 18), "00:00:01.000000000");
  EXPECT_EQ(failures[2].substr(0, 18), "00:00:02.000000000");
  EXPECT_NE(failures[0].find("not a database"), std::string::npos) << failures[0];
  EXPECT_FALSE(w.edge_process()->store_open());
  EXPECT_TRUE(w.mes_state.acks.empty());
  ASSERT_FALSE(w.mes_state.nacks.empty());
  for (const auto& [at, nack] : w.mes_state.nacks) EXPECT_TRUE(nack.retryable());
  EXPECT_EQ(w.book.stats().open_failures, 3u);

  delete_file(w.edge_volume(), "edge.db");  // the operator wipes the disk
  w.run_for(sim::seconds(3));
  EXPECT_TRUE(w.edge_process()->store_open());
  EXPECT_EQ(w.book.stats().open_failures, 3u);
  EXPECT_EQ(w.mw_state.first_seen, (std::vector<std::string>{"ev-1", "ev-2", "ev-3"}));
  EXPECT_TRUE(w.mes_state.pending.empty());
}

// ---- Power loss at random moments, many seeds. ----

// disk_for varies the disk per seed, as the simulated disk's own acceptance test does: small and
// large sectors, heavy to light loss of unsynced sectors.
sim::VolumeOptions disk_for(std::uint64_t seed) {
  sim::Rng rng = sim::Rng(seed).fork("test/disk");
  constexpr double kSurvives[] = {0.5, 0.9, 0.99};
  sim::VolumeOptions o;
  o.sector_bytes = rng.bernoulli(0.5) ? 512 : 4096;
  o.sector_survives_probability = kSurvives[rng.uniform(3)];
  return o;
}

struct FaultTally {
  int power_losses = 0;  // between events
  int io_faults = 0;     // inside an I/O call of the edge's store
  std::uint64_t events = 0;
};

constexpr sim::Duration kTraffic = sim::seconds(20);
constexpr sim::Duration kSettle = sim::seconds(60);

// run_with_power_losses runs one seed: the MES emits 1..8 events every 50 ms for kTraffic while
// the edge loses power 4 times, then everything settles. It checks the edge's promises.
void run_with_power_losses(std::uint64_t seed, FaultTally* tally) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  sim::SimulationOptions options = exact_network(seed);
  options.disk = disk_for(seed);
  EdgeConfig config = test_config();
  config.max_batch_events = 16;
  config.resend_after = sim::seconds(2);
  EdgeWorld w(config, options, /*mes_resends=*/true);
  w.start();
  sim::Rng rng = sim::Rng(seed).fork("test/faults");
  std::vector<sim::Time> faults;
  for (int i = 0; i < 4; ++i) {
    faults.push_back(sim::kTimeZero + sim::milliseconds(500 + rng.uniform(19'000)));
  }
  std::sort(faults.begin(), faults.end());
  std::size_t next_fault = 0;
  bool armed = false;
  std::set<std::string> emitted;
  int n = 0;
  const sim::Time end = sim::kTimeZero + kTraffic;
  for (sim::Time t = sim::kTimeZero + sim::milliseconds(1); t < end; t += sim::milliseconds(1)) {
    w.run_until(t);
    const bool up = w.sim.is_up(w.edge);
    if (armed && !w.edge_volume().fault_armed()) {
      // The fault struck inside an I/O call: the machine is dead from that instant on.
      armed = false;
      ++tally->io_faults;
      if (up) {
        w.sim.schedule_crash(w.edge, t, sim::milliseconds(100 + rng.uniform(2900)),
                             sim::CrashKind::kProcessCrash);
      }
    } else if (armed && !up) {
      armed = false;
      w.edge_volume().disarm_fault();
    }
    if (next_fault < faults.size() && t >= faults[next_fault] && up && !armed) {
      ++next_fault;
      if (rng.bernoulli(0.5)) {
        ++tally->power_losses;
        w.sim.schedule_crash(w.edge, t, sim::milliseconds(100 + rng.uniform(2900)),
                             sim::CrashKind::kPowerLoss);
      } else {
        armed = true;
        w.edge_volume().power_loss_after_io(rng.uniform(400));
      }
    }
    if ((t - sim::kTimeZero) % sim::milliseconds(50) == sim::Duration::zero()) {
      std::vector<proto::SourceEvent> batch;
      const std::uint64_t k = 1 + rng.uniform(8);
      for (std::uint64_t i = 0; i < k; ++i) {
        ++n;
        batch.push_back(
            testing::canonical_event("ev-" + std::to_string(n), static_cast<std::uint64_t>(n)));
        emitted.insert("ev-" + std::to_string(n));
      }
      w.emit(batch);
    }
  }
  if (armed) w.edge_volume().disarm_fault();
  w.run_for(kSettle);
  tally->events += emitted.size();

  ASSERT_TRUE(w.sim.is_up(w.edge));
  EdgeProcess& edge = *w.edge_process();
  ASSERT_TRUE(edge.store_open());
  // No acked event lost; in fact nothing lost at all, and nothing invented.
  for (const std::string& id : w.mes_state.acked) {
    ASSERT_TRUE(w.mw_state.seen.count(id) > 0) << id << " was acked to the MES and never arrived";
  }
  EXPECT_EQ(w.mw_state.seen, emitted);
  EXPECT_TRUE(w.mes_state.pending.empty());
  EXPECT_TRUE(w.mes_state.rejected.empty());
  EXPECT_EQ(edge.backlog(), 0u);
  EXPECT_TRUE(edge.queued().empty());
  // No reordering: the middleware first saw the events in the edge's store order.
  std::map<std::string, std::int64_t> seq_of;
  for (const EdgeStore::ForwardedRow& r : edge.forwarded()) {
    EXPECT_TRUE(seq_of.emplace(r.event_id, r.seq).second) << r.event_id << " stored twice";
  }
  std::int64_t last = 0;
  for (const std::string& id : w.mw_state.first_seen) {
    ASSERT_TRUE(seq_of.count(id) > 0) << id;
    ASSERT_GT(seq_of[id], last) << id << " arrived out of store order";
    last = seq_of[id];
  }
}

TEST(EdgePowerLoss, TornWritesAtRandomMomentsNeverLoseAnAckedEventNorReorderOverManySeeds) {
  FaultTally tally;
  constexpr std::uint64_t kSeeds = 60;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    run_with_power_losses(seed, &tally);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // The faults really happened, of both kinds.
  EXPECT_GT(tally.power_losses, static_cast<int>(kSeeds));
  EXPECT_GT(tally.io_faults, static_cast<int>(kSeeds) / 2);
  RecordProperty("events", static_cast<int>(tally.events));
}

// ---- Determinism. ----

struct RunDigest {
  std::uint64_t digest = 0;
  std::uint64_t records = 0;
  std::uint64_t stored = 0;
  std::uint64_t acked = 0;
};

RunDigest noisy_run(std::uint64_t seed) {
  sim::SimulationOptions options;
  options.seed = seed;
  options.network.default_link.loss_probability = 0.02;
  options.network.default_link.duplicate_probability = 0.02;
  sim::RandomCrashes crashes;
  crashes.mean_up = sim::seconds(5);
  crashes.mean_down = sim::seconds(1);
  crashes.power_loss_probability = 0.5;
  crashes.until = sim::kTimeZero + sim::seconds(30);
  EdgeWorld w(test_config(), options, /*mes_resends=*/true, nullptr, crashes);
  w.start();
  int n = 0;
  for (sim::Time t = sim::kTimeZero + sim::milliseconds(100); t < sim::kTimeZero + sim::seconds(30);
       t += sim::milliseconds(100)) {
    w.run_until(t);
    w.emit(testing::events("ev-", 3, n + 1));
    n += 3;
  }
  w.run_for(sim::seconds(60));
  return RunDigest{w.sim.tracer().digest(), w.sim.tracer().records(), w.book.stats().stored,
                   w.book.stats().acked};
}

TEST(EdgeDeterminism, SameSeedGivesTheSameTraceDigest) {
  const RunDigest a = noisy_run(7);
  const RunDigest b = noisy_run(7);
  EXPECT_EQ(sim::format_digest(a.digest), sim::format_digest(b.digest));
  EXPECT_EQ(a.records, b.records);
  EXPECT_EQ(a.stored, b.stored);
  EXPECT_EQ(a.acked, b.acked);
  EXPECT_EQ(a.stored, 897u);  // every event once, whatever the crashes did
  const RunDigest c = noisy_run(8);
  EXPECT_NE(a.digest, c.digest);
}

}  // namespace
}  // namespace mw::fakes
