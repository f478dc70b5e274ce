// Acceptance test of the simulated disk: SQLite in WAL mode with synchronous=FULL, hit by a
// power loss or a crash at a random point of a random workload (mid-transaction, mid-commit,
// mid-checkpoint), must reopen with an intact database holding exactly the acknowledged
// commits, plus at most the one commit in flight, whole or not at all.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "sim/disk/volume.h"
#include "sim/rng.h"

namespace mw::sim {
namespace {

enum class Locking { kExclusive, kNormal };
enum class Fault { kPowerLoss, kCrash };

struct Row {
  std::int64_t k = 0;
  std::string v;
  friend bool operator==(const Row&, const Row&) = default;
};
using Table = std::map<std::int64_t, Row>;

constexpr int kTransactions = 60;
// The workload makes roughly this many I/O calls; the fault strikes uniformly inside it. When
// it does not strike (a shorter run), it hits at rest after the last transaction.
constexpr std::uint64_t kIoSpan = 1200;

int exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

// query_text returns the first column of the first row, or "<error: ...>".
std::string query_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return std::string("<error: ") + sqlite3_errmsg(db) + ">";
  }
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  } else {
    out = std::string("<error: ") + sqlite3_errmsg(db) + ">";
  }
  sqlite3_finalize(stmt);
  return out;
}

// run_statement binds (id, k, v) as present and steps `sql` once.
int run_statement(sqlite3* db, const char* sql, std::int64_t id, const Row* row) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_int64(stmt, 1, id);
  if (row != nullptr) {
    sqlite3_bind_int64(stmt, 2, row->k);
    sqlite3_bind_text(stmt, 3, row->v.data(), static_cast<int>(row->v.size()), SQLITE_STATIC);
  }
  rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

Table read_table(sqlite3* db) {
  Table table;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT id, k, v FROM t ORDER BY id", -1, &stmt, nullptr),
            SQLITE_OK);
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
    table[sqlite3_column_int64(stmt, 0)] =
        Row{sqlite3_column_int64(stmt, 1), std::string(text, sqlite3_column_bytes(stmt, 2))};
  }
  EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  return table;
}

sqlite3* open_db(const Volume& volume, Locking locking) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2("test.db", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                 volume.vfs_name().c_str());
  EXPECT_EQ(rc, SQLITE_OK);
  // locking_mode must come before journal_mode=WAL for the wal-index to live on the heap.
  if (locking == Locking::kExclusive) {
    EXPECT_EQ(query_text(db, "PRAGMA locking_mode=EXCLUSIVE"), "exclusive");
  }
  EXPECT_EQ(exec(db, "PRAGMA page_size=1024"), SQLITE_OK);
  EXPECT_EQ(query_text(db, "PRAGMA journal_mode=WAL"), "wal");
  // FULL is what makes an acknowledged WAL commit durable (NORMAL syncs only at checkpoints).
  EXPECT_EQ(exec(db, "PRAGMA synchronous=FULL"), SQLITE_OK);
  // A tiny cache spills uncommitted pages into the WAL mid-transaction.
  EXPECT_EQ(exec(db, "PRAGMA cache_size=10"), SQLITE_OK);
  EXPECT_EQ(exec(db, "PRAGMA wal_autocheckpoint=40"), SQLITE_OK);
  return db;
}

std::string random_text(Rng& rng) {
  const std::uint64_t n = rng.bernoulli(0.1) ? 1500 + rng.uniform(5000) : 1 + rng.uniform(200);
  std::string s(n, ' ');
  for (char& c : s) c = static_cast<char>('a' + rng.uniform(26));
  return s;
}

// options_for varies the disk per seed: small and large sectors, and from heavy loss (half the
// sectors of unsynced writes lost) to light loss, which lets in-flight commits survive whole.
VolumeOptions options_for(std::uint64_t seed) {
  Rng rng = Rng(seed).fork("options");
  constexpr double kSurvives[] = {0.5, 0.9, 0.99};
  VolumeOptions options;
  options.sector_bytes = rng.bernoulli(0.5) ? 512 : 4096;
  options.sector_survives_probability = kSurvives[rng.uniform(3)];
  return options;
}

std::string describe(std::uint64_t seed) {
  const VolumeOptions o = options_for(seed);
  return "seed " + std::to_string(seed) + " (sector_bytes " + std::to_string(o.sector_bytes) +
         ", sector_survives_probability " + std::to_string(o.sector_survives_probability) + ")";
}

// Outcome of one run: what the database held after recovery, and what it may hold.
struct Outcome {
  Table recovered;
  Table committed;
  std::optional<Table> in_flight;  // The state had the unacknowledged commit taken effect.
  std::string integrity;
  std::string db_bytes;  // test.db after the final clean close.
  // What the workload was doing when the fault struck: "read", "statement", "commit" (which
  // includes automatic checkpoints), "checkpoint"; "at rest" if it finished first.
  std::string struck_in = "at rest";
};

// Workload drives one writer connection and, with normal locking, a second connection that
// reads (sometimes across a writer's commit) and checkpoints.
class Workload {
 public:
  Workload(std::uint64_t seed, Locking locking, Fault fault)
      : rng_(Rng(seed).fork("workload")),
        volume_("node", Rng(seed).fork("disk"), nullptr, options_for(seed)),
        locking_(locking),
        fault_(fault) {}

  Outcome run() {
    Outcome out;
    sqlite3* writer = open_db(volume_, locking_);
    sqlite3* other = locking_ == Locking::kNormal ? open_db(volume_, locking_) : nullptr;
    EXPECT_EQ(exec(writer,
                   "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, "
                   "v TEXT NOT NULL); CREATE INDEX t_k ON t(k);"),
              SQLITE_OK);
    // A few seeds let the workload finish and take the fault at rest.
    const std::uint64_t n = rng_.bernoulli(0.05) ? UINT64_MAX : rng_.uniform(kIoSpan);
    if (fault_ == Fault::kPowerLoss) {
      volume_.power_loss_after_io(n);
    } else {
      volume_.crash_after_io(n);
    }

    for (int i = 0; i < kTransactions && volume_.fault_armed(); ++i) {
      if (!transaction(writer, other, out)) break;
    }
    if (volume_.fault_armed()) {
      volume_.disarm_fault();
      if (fault_ == Fault::kPowerLoss) {
        volume_.power_loss();
      } else {
        volume_.crash();
      }
    }
    // Closing after the fault fails quietly inside SQLite: every handle is fenced.
    EXPECT_EQ(sqlite3_close_v2(writer), SQLITE_OK);
    if (other != nullptr) {
      EXPECT_EQ(sqlite3_close_v2(other), SQLITE_OK);
    }
    EXPECT_EQ(volume_.open_handles(), 0u);

    sqlite3* db = open_db(volume_, locking_);
    out.integrity = query_text(db, "PRAGMA integrity_check");
    out.recovered = read_table(db);
    EXPECT_EQ(sqlite3_close_v2(db), SQLITE_OK);
    // A clean close of the last connection checkpoints and deletes the WAL.
    EXPECT_EQ(volume_.file_names(), std::vector<std::string>{"test.db"});
    out.db_bytes = volume_.contents("test.db").value_or("<missing>");
    return out;
  }

 private:
  // transaction runs one writer transaction and maybe a checkpoint. Returns false once the
  // fault has struck; any failure before that fails the test.
  bool transaction(sqlite3* writer, sqlite3* other, Outcome& out) {
    if (other != nullptr && !reader_open_ && rng_.bernoulli(0.3)) {
      // A snapshot taken now must show exactly the committed rows, even after the next commit.
      if (!ok(exec(other, "BEGIN"), other)) return false;
      const std::string count = query_text(other, "SELECT count(*) FROM t");
      if (struck(out, "read")) return false;
      EXPECT_EQ(count, std::to_string(out.committed.size()));
      reader_open_ = true;
    }
    Table next = out.committed;
    if (!ok(exec(writer, "BEGIN"), writer)) return false;
    const int ops = 1 + static_cast<int>(rng_.uniform(6));
    for (int op = 0; op < ops; ++op) {
      const int rc = change(writer, next);
      if (struck(out, "statement") || !ok(rc, writer)) return false;
    }
    const int rc = exec(writer, "COMMIT");
    struck(out, "commit");
    if (rc != SQLITE_OK) {
      ok(rc, writer);  // Only the fault may make a commit fail.
      out.in_flight = std::move(next);
      return false;
    }
    out.committed = std::move(next);
    if (reader_open_ && rng_.bernoulli(0.5)) {
      const int end_rc = exec(other, "COMMIT");
      if (struck(out, "read") || !ok(end_rc, other)) return false;
      reader_open_ = false;
    }
    if (rng_.bernoulli(0.15)) {
      static constexpr const char* kModes[] = {
          "PRAGMA wal_checkpoint(PASSIVE)", "PRAGMA wal_checkpoint(FULL)",
          "PRAGMA wal_checkpoint(RESTART)", "PRAGMA wal_checkpoint(TRUNCATE)"};
      // A connection inside a read transaction cannot checkpoint (SQLITE_LOCKED).
      const bool by_other = other != nullptr && !reader_open_ && rng_.bernoulli(0.5);
      sqlite3* by = by_other ? other : writer;
      const std::string result = query_text(by, kModes[rng_.uniform(4)]);
      if (struck(out, "checkpoint")) return false;
      EXPECT_EQ(result.find("<error"), std::string::npos) << result;
    }
    return true;
  }

  // change applies one random insert, update or delete to `db` and, if it succeeds, to `next`.
  int change(sqlite3* db, Table& next) {
    const std::uint64_t kind = next.empty() ? 0 : rng_.uniform(4);
    if (kind <= 1) {
      const Row row{static_cast<std::int64_t>(rng_.uniform(1000)), random_text(rng_)};
      const std::int64_t id = next_id_++;
      const int rc = run_statement(db, "INSERT INTO t(id, k, v) VALUES (?1, ?2, ?3)", id, &row);
      if (rc == SQLITE_OK) next[id] = row;
      return rc;
    }
    auto it = std::next(next.begin(), static_cast<long>(rng_.uniform(next.size())));
    if (kind == 2) {
      const Row row{static_cast<std::int64_t>(rng_.uniform(1000)), random_text(rng_)};
      const int rc =
          run_statement(db, "UPDATE t SET k = ?2, v = ?3 WHERE id = ?1", it->first, &row);
      if (rc == SQLITE_OK) it->second = row;
      return rc;
    }
    const int rc = run_statement(db, "DELETE FROM t WHERE id = ?1", it->first, nullptr);
    if (rc == SQLITE_OK) next.erase(it);
    return rc;
  }

  // struck records `phase` in `out` and returns true if the fault has just struck.
  bool struck(Outcome& out, const char* phase) {
    if (volume_.fault_armed() || out.struck_in != "at rest") return !volume_.fault_armed();
    out.struck_in = phase;
    return true;
  }

  // ok says whether `rc` succeeded; a failure is a test failure unless the fault has struck.
  bool ok(int rc, sqlite3* db) {
    if (rc == SQLITE_OK) return true;
    EXPECT_FALSE(volume_.fault_armed())
        << "unexpected error before the fault: " << rc << " " << sqlite3_errmsg(db);
    return false;
  }

  Rng rng_;
  Volume volume_;
  Locking locking_;
  Fault fault_;
  std::int64_t next_id_ = 1;
  bool reader_open_ = false;
};

void check_recovery(Locking locking, Fault fault, std::uint64_t seeds) {
  std::map<std::string, int> struck_in;
  int in_flight_kept = 0, in_flight_lost = 0;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    const Outcome out = Workload(seed, locking, fault).run();
    ASSERT_EQ(out.integrity, "ok") << describe(seed);
    const bool as_committed = out.recovered == out.committed;
    const bool as_in_flight = out.in_flight && out.recovered == *out.in_flight;
    ASSERT_TRUE(as_committed || as_in_flight)
        << describe(seed) << ": recovered " << out.recovered.size() << " rows, committed "
        << out.committed.size() << (out.in_flight ? ", a commit was in flight" : "");
    ++struck_in[out.struck_in];
    if (out.in_flight && out.committed != *out.in_flight) {
      (as_in_flight ? in_flight_kept : in_flight_lost) += 1;
    }
  }
  // The seeds must hit every phase of the workload, not only the quiet moments.
  std::string summary;
  for (const char* phase : {"statement", "commit", "checkpoint", "read", "at rest"}) {
    if (std::string_view(phase) != "read" || locking == Locking::kNormal) {
      EXPECT_GT(struck_in[phase], 0) << "no fault struck in phase " << phase;
    }
    summary += std::string(phase) + " " + std::to_string(struck_in[phase]) + ", ";
  }
  std::printf("faults struck in: %sin-flight commits kept %d, lost %d\n", summary.c_str(),
              in_flight_kept, in_flight_lost);
}

TEST(CrashRecovery, PowerLossInWalExclusiveModeKeepsExactlyTheAcknowledgedCommits) {
  check_recovery(Locking::kExclusive, Fault::kPowerLoss, 200);
}

TEST(CrashRecovery, PowerLossInWalNormalLockingWithTwoConnectionsKeepsAcknowledgedCommits) {
  check_recovery(Locking::kNormal, Fault::kPowerLoss, 200);
}

TEST(CrashRecovery, CrashInWalExclusiveModeKeepsEveryAcknowledgedCommit) {
  check_recovery(Locking::kExclusive, Fault::kCrash, 200);
}

TEST(CrashRecovery, CrashInWalNormalLockingKeepsEveryAcknowledgedCommit) {
  check_recovery(Locking::kNormal, Fault::kCrash, 200);
}

TEST(CrashRecovery, SameSeedGivesByteIdenticalDatabaseFiles) {
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    for (Locking locking : {Locking::kExclusive, Locking::kNormal}) {
      const Outcome first = Workload(seed, locking, Fault::kPowerLoss).run();
      const Outcome second = Workload(seed, locking, Fault::kPowerLoss).run();
      EXPECT_EQ(first.db_bytes, second.db_bytes) << "seed " << seed;
      EXPECT_EQ(first.recovered, second.recovered) << "seed " << seed;
    }
  }
}

TEST(CrashRecovery, ThreadsWithTheirOwnVolumesMatchSerialRuns) {
  constexpr int kSeeds = 8;
  std::vector<std::string> serial(kSeeds), parallel(kSeeds);
  for (int s = 0; s < kSeeds; ++s) {
    serial[s] = Workload(s, Locking::kNormal, Fault::kPowerLoss).run().db_bytes;
  }
  std::vector<std::thread> threads;
  threads.reserve(kSeeds);
  for (int s = 0; s < kSeeds; ++s) {
    threads.emplace_back([s, &parallel] {
      parallel[s] = Workload(s, Locking::kNormal, Fault::kPowerLoss).run().db_bytes;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(serial, parallel);
}

}  // namespace
}  // namespace mw::sim
