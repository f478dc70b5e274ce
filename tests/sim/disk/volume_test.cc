// Unit tests of the Volume's disk model, driven through its SQLite VFS the way SQLite drives it.
#include "sim/disk/volume.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scheduler.h"
#include "tests/sim/disk/vfs_file.h"

namespace mw::sim {
namespace {

Volume make_volume(std::uint64_t seed, double survives = 0.5) {
  return Volume("disk", Rng(seed), nullptr, VolumeOptions{.sector_survives_probability = survives});
}

TEST(Volume, ReadsSeeUnsyncedWrites) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile f(volume, "a.db");
  ASSERT_EQ(f.open_rc(), SQLITE_OK);
  ASSERT_EQ(f.write("hello", 10), SQLITE_OK);
  std::string got;
  EXPECT_EQ(f.read(got, 5, 10), SQLITE_OK);
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(volume.file_size("a.db"), 15u);
  EXPECT_EQ(volume.contents("a.db"), std::string(10, '\0') + "hello");
}

TEST(Volume, ShortReadZeroFillsTheRest) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile f(volume, "a.db");
  ASSERT_EQ(f.write("abc", 0), SQLITE_OK);
  std::string got;
  EXPECT_EQ(f.read(got, 6, 1), SQLITE_IOERR_SHORT_READ);
  EXPECT_EQ(got, std::string("bc\0\0\0\0", 6));
}

TEST(Volume, UnsyncedWritesVanishOnPowerLoss) {
  Volume volume = make_volume(7, /*survives=*/0.0);
  VfsFile f(volume, "a.db");
  ASSERT_EQ(f.write("durable", 0), SQLITE_OK);
  ASSERT_EQ(f.sync(), SQLITE_OK);
  ASSERT_EQ(f.write("XX", 0), SQLITE_OK);
  ASSERT_EQ(f.write("appended", 4096), SQLITE_OK);
  volume.power_loss();
  EXPECT_EQ(volume.contents("a.db"), "durable");
  EXPECT_EQ(volume.stats().power_losses, 1u);
}

TEST(Volume, SyncedWritesSurvivePowerLoss) {
  Volume volume = make_volume(7, /*survives=*/0.0);
  VfsFile f(volume, "a.db");
  ASSERT_EQ(f.write("first", 0), SQLITE_OK);
  ASSERT_EQ(f.write("second", 600), SQLITE_OK);
  ASSERT_EQ(f.sync(), SQLITE_OK);
  const auto before = volume.contents("a.db");
  volume.power_loss();
  EXPECT_EQ(volume.contents("a.db"), before);
}

TEST(Volume, PowerLossTearsWritesAtSectorsAndNeverTouchesOtherBytes) {
  // Pieces of a write at [100, 1900) with 512-byte sectors: [100,512) [512,1024) [1024,1536)
  // [1536,1900). Each must be all old or all new; bytes outside the write stay old.
  const std::vector<std::pair<std::size_t, std::size_t>> pieces = {
      {100, 512}, {512, 1024}, {1024, 1536}, {1536, 1900}};
  int all_kept = 0, all_dropped = 0, torn = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Volume volume = make_volume(seed);
    VfsFile f(volume, "a.db");
    ASSERT_EQ(f.write(std::string(4096, 'A'), 0), SQLITE_OK);
    ASSERT_EQ(f.sync(), SQLITE_OK);
    ASSERT_EQ(f.write(std::string(1800, 'B'), 100), SQLITE_OK);
    volume.power_loss();
    const std::string after = *volume.contents("a.db");
    ASSERT_EQ(after.size(), 4096u);
    EXPECT_EQ(after.substr(0, 100), std::string(100, 'A'));
    EXPECT_EQ(after.substr(1900), std::string(4096 - 1900, 'A'));
    int kept = 0;
    for (auto [begin, end] : pieces) {
      const std::string piece = after.substr(begin, end - begin);
      const bool is_new = piece == std::string(end - begin, 'B');
      EXPECT_TRUE(is_new || piece == std::string(end - begin, 'A')) << "seed " << seed;
      kept += is_new ? 1 : 0;
    }
    all_kept += kept == 4;
    all_dropped += kept == 0;
    torn += kept > 0 && kept < 4;
  }
  EXPECT_GT(all_kept, 0);
  EXPECT_GT(all_dropped, 0);
  EXPECT_GT(torn, 0);
}

TEST(Volume, UnsyncedTruncateIsKeptOrUndoneAtPowerLoss) {
  int kept = 0, undone = 0;
  for (std::uint64_t seed = 0; seed < 32; ++seed) {
    Volume volume = make_volume(seed);
    VfsFile f(volume, "a.db");
    ASSERT_EQ(f.write(std::string(2048, 'A'), 0), SQLITE_OK);
    ASSERT_EQ(f.sync(), SQLITE_OK);
    ASSERT_EQ(f.truncate(512), SQLITE_OK);
    EXPECT_EQ(volume.file_size("a.db"), 512u);
    volume.power_loss();
    const auto size = volume.file_size("a.db");
    EXPECT_TRUE(size == 512u || size == 2048u);
    kept += size == 512u;
    undone += size == 2048u;
  }
  EXPECT_GT(kept, 0);
  EXPECT_GT(undone, 0);
}

// A reference model of one file: what reads see, what the last sync made durable, and the
// ops issued since (a truncate when `data` is empty).
struct ModelOp {
  std::uint64_t offset = 0;
  std::string data;
};

void model_write(std::string& file, const std::string& data, std::uint64_t offset) {
  if (file.size() < offset + data.size()) file.resize(offset + data.size(), '\0');
  file.replace(offset, data.size(), data);
}

struct ModelFile {
  std::string visible;
  std::string durable;
  std::vector<ModelOp> unsynced;
  void write(const std::string& data, std::uint64_t offset) {
    model_write(visible, data, offset);
    unsynced.push_back(ModelOp{offset, data});
  }
  void truncate(std::uint64_t size) {
    visible.resize(size, '\0');
    unsynced.push_back(ModelOp{size, ""});
  }
  void sync() {
    durable = visible;
    unsynced.clear();
  }
};

// apply_random_ops drives `f` and `model` through the same random writes (overlapping ones,
// some across the 64 KiB chunks the content is kept in), truncates (shrinking and growing)
// and syncs, and ends with unsynced writes, among which `unsynced_truncates` truncates.
void apply_random_ops(Rng& rng, VfsFile& f, ModelFile& model, int unsynced_truncates = 0) {
  const auto truncate = [&](std::uint64_t size) {
    ASSERT_EQ(f.truncate(static_cast<sqlite3_int64>(size)), SQLITE_OK);
    model.truncate(size);
  };
  const auto write = [&](std::uint64_t offset, std::size_t n, char c) {
    const std::string data(n, c);
    ASSERT_EQ(f.write(data, static_cast<sqlite3_int64>(offset)), SQLITE_OK);
    model.write(data, offset);
  };
  for (int i = 0; i < 60; ++i) {
    const std::int64_t what = rng.uniform_range(0, 9);
    if (what == 0) {
      ASSERT_EQ(f.sync(), SQLITE_OK);
      model.sync();
    } else if (what == 1) {
      truncate(static_cast<std::uint64_t>(rng.uniform_range(0, 200'000)));
    } else {
      write(static_cast<std::uint64_t>(rng.uniform_range(0, 200'000)),
            static_cast<std::size_t>(rng.uniform_range(1, 70'000)),
            static_cast<char>('a' + i % 26));
    }
  }
  ASSERT_EQ(f.sync(), SQLITE_OK);
  model.sync();
  for (int i = 0; i < 8; ++i) {
    if (i % 3 == 1 && unsynced_truncates-- > 0) {
      truncate(static_cast<std::uint64_t>(rng.uniform_range(0, 250'000)));
    }
    write(static_cast<std::uint64_t>(rng.uniform_range(0, 250'000)),
          static_cast<std::size_t>(rng.uniform_range(1, 70'000)), static_cast<char>('A' + i));
  }
}

TEST(Volume, PowerLossLosingEveryUnsyncedSectorRestoresExactlyTheLastSyncedContent) {
  for (std::uint64_t seed = 0; seed < 16; ++seed) {
    Volume volume = make_volume(seed, /*survives=*/0.0);
    VfsFile f(volume, "a.db");
    Rng rng(seed + 100);
    ModelFile model;
    apply_random_ops(rng, f, model);
    ASSERT_EQ(volume.contents("a.db"), model.visible) << "seed " << seed;
    volume.power_loss();
    EXPECT_EQ(volume.contents("a.db"), model.durable) << "seed " << seed;
  }
}

TEST(Volume, PowerLossKeepingEveryUnsyncedSectorLeavesWhatReadsSaw) {
  for (std::uint64_t seed = 0; seed < 16; ++seed) {
    Volume volume = make_volume(seed, /*survives=*/1.0);
    VfsFile f(volume, "a.db");
    Rng rng(seed + 100);
    ModelFile model;
    apply_random_ops(rng, f, model);
    volume.power_loss();
    EXPECT_EQ(volume.contents("a.db"), model.visible) << "seed " << seed;
  }
}

// With every sector lost (or every one kept), a power loss leaves the synced content with the
// unsynced writes dropped (or applied) and each unsynced truncate kept or undone on its own:
// the result must be one of those outcomes, and over the seeds each truncate goes both ways.
TEST(Volume, PowerLossKeepsOrUndoesEachUnsyncedTruncateBetweenWrites) {
  for (const double survives : {0.0, 1.0}) {
    std::set<unsigned> outcomes;  // which truncates were kept, as a bit mask
    for (std::uint64_t seed = 0; seed < 24; ++seed) {
      Volume volume = make_volume(seed, survives);
      VfsFile f(volume, "a.db");
      Rng rng(seed + 200);
      ModelFile model;
      apply_random_ops(rng, f, model, /*unsynced_truncates=*/2);
      volume.power_loss();
      const std::optional<std::string> got = volume.contents("a.db");
      bool matched = false;
      for (unsigned kept = 0; kept < 4; ++kept) {
        std::string file = model.durable;
        unsigned truncate_index = 0;
        for (const ModelOp& op : model.unsynced) {
          if (!op.data.empty()) {
            if (survives == 1.0) model_write(file, op.data, op.offset);
          } else if (kept & (1u << truncate_index++)) {
            file.resize(op.offset, '\0');
          }
        }
        if (got == file) {
          matched = true;
          outcomes.insert(kept);
        }
      }
      EXPECT_TRUE(matched) << "seed " << seed << ", survives " << survives;
    }
    EXPECT_GE(outcomes.size(), 3u) << "survives " << survives;
  }
}

TEST(Volume, CrashKeepsUnsyncedData) {
  Volume volume = make_volume(3, /*survives=*/0.0);
  VfsFile f(volume, "a.db");
  ASSERT_EQ(f.write("unsynced", 0), SQLITE_OK);
  volume.crash();
  EXPECT_EQ(volume.contents("a.db"), "unsynced");
  EXPECT_EQ(volume.stats().crashes, 1u);
  // The page cache still holds it, so a power loss later can still lose it.
  volume.power_loss();
  EXPECT_EQ(volume.contents("a.db"), "");
}

TEST(Volume, CrashFencesOpenHandlesAndReleasesTheirLocks) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile old_handle(volume, "a.db");
  ASSERT_EQ(old_handle.write("before", 0), SQLITE_OK);
  ASSERT_EQ(old_handle.lock(SQLITE_LOCK_SHARED), SQLITE_OK);
  ASSERT_EQ(old_handle.lock(SQLITE_LOCK_EXCLUSIVE), SQLITE_OK);
  volume.crash();

  std::string got;
  EXPECT_EQ(old_handle.write("after!", 0), SQLITE_IOERR_WRITE);
  EXPECT_EQ(old_handle.read(got, 6, 0), SQLITE_IOERR_READ);
  EXPECT_EQ(old_handle.sync(), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(old_handle.truncate(0), SQLITE_IOERR_TRUNCATE);
  sqlite3_int64 size = -1;
  EXPECT_EQ(old_handle.io().xFileSize(old_handle.file(), &size), SQLITE_IOERR_FSTAT);
  EXPECT_EQ(old_handle.lock(SQLITE_LOCK_SHARED), SQLITE_IOERR_LOCK);
  EXPECT_EQ(volume.contents("a.db"), "before");

  VfsFile new_handle(volume, "a.db");
  EXPECT_EQ(new_handle.lock(SQLITE_LOCK_SHARED), SQLITE_OK);
  EXPECT_EQ(new_handle.lock(SQLITE_LOCK_EXCLUSIVE), SQLITE_OK);
  EXPECT_EQ(new_handle.read(got, 6, 0), SQLITE_OK);
  EXPECT_EQ(got, "before");
  old_handle.close();  // Closing a fenced handle works and leaves the new one's locks alone.
  int reserved = 0;
  EXPECT_EQ(new_handle.io().xCheckReservedLock(new_handle.file(), &reserved), SQLITE_OK);
  EXPECT_EQ(reserved, 1);
}

TEST(Volume, LocksFollowSqliteLockingAcrossHandles) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile a(volume, "a.db");
  VfsFile b(volume, "a.db");
  ASSERT_EQ(a.lock(SQLITE_LOCK_SHARED), SQLITE_OK);
  ASSERT_EQ(b.lock(SQLITE_LOCK_SHARED), SQLITE_OK);
  ASSERT_EQ(a.lock(SQLITE_LOCK_RESERVED), SQLITE_OK);
  EXPECT_EQ(b.lock(SQLITE_LOCK_RESERVED), SQLITE_BUSY);   // One writer at a time.
  EXPECT_EQ(a.lock(SQLITE_LOCK_EXCLUSIVE), SQLITE_BUSY);  // b still reads: a waits PENDING.
  ASSERT_EQ(b.unlock(SQLITE_LOCK_NONE), SQLITE_OK);
  EXPECT_EQ(b.lock(SQLITE_LOCK_SHARED), SQLITE_BUSY);  // PENDING admits no new reader.
  EXPECT_EQ(a.lock(SQLITE_LOCK_EXCLUSIVE), SQLITE_OK);
  ASSERT_EQ(a.unlock(SQLITE_LOCK_SHARED), SQLITE_OK);
  EXPECT_EQ(b.lock(SQLITE_LOCK_SHARED), SQLITE_OK);
  int reserved = 1;
  EXPECT_EQ(b.io().xCheckReservedLock(b.file(), &reserved), SQLITE_OK);
  EXPECT_EQ(reserved, 0);
}

TEST(Volume, SharedMemoryIsZeroFilledSharedAndDiscardedByCrash) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile a(volume, "a.db");
  VfsFile b(volume, "a.db");
  volatile void* region_a = nullptr;
  volatile void* region_b = nullptr;
  ASSERT_EQ(a.io().xShmMap(a.file(), 0, 32768, /*extend=*/0, &region_a), SQLITE_OK);
  EXPECT_EQ(region_a, nullptr);  // Not created without extend.
  ASSERT_EQ(a.io().xShmMap(a.file(), 0, 32768, 1, &region_a), SQLITE_OK);
  ASSERT_EQ(b.io().xShmMap(b.file(), 0, 32768, 1, &region_b), SQLITE_OK);
  EXPECT_EQ(region_a, region_b);
  auto* bytes = static_cast<volatile unsigned char*>(region_a);
  EXPECT_EQ(bytes[0] | bytes[32767], 0);
  bytes[0] = 42;
  int exists = 0;
  sqlite3_vfs* vfs = sqlite3_vfs_find(volume.vfs_name().c_str());
  vfs->xAccess(vfs, "a.db-shm", SQLITE_ACCESS_EXISTS, &exists);
  EXPECT_EQ(exists, 1);

  const int kExcl = SQLITE_SHM_LOCK | SQLITE_SHM_EXCLUSIVE;
  const int kShared = SQLITE_SHM_LOCK | SQLITE_SHM_SHARED;
  EXPECT_EQ(a.io().xShmLock(a.file(), 3, 1, kShared), SQLITE_OK);
  EXPECT_EQ(b.io().xShmLock(b.file(), 3, 1, kShared), SQLITE_OK);
  EXPECT_EQ(b.io().xShmLock(b.file(), 2, 2, kExcl), SQLITE_BUSY);
  EXPECT_EQ(a.io().xShmLock(a.file(), 3, 1, SQLITE_SHM_UNLOCK | SQLITE_SHM_SHARED), SQLITE_OK);
  EXPECT_EQ(b.io().xShmLock(b.file(), 3, 1, SQLITE_SHM_UNLOCK | SQLITE_SHM_SHARED), SQLITE_OK);
  EXPECT_EQ(b.io().xShmLock(b.file(), 2, 2, kExcl), SQLITE_OK);
  EXPECT_EQ(a.io().xShmLock(a.file(), 3, 1, kShared), SQLITE_BUSY);

  volume.crash();
  EXPECT_EQ(bytes[0], 42);  // Old mappings stay readable until unmapped: no use-after-free.
  EXPECT_EQ(a.io().xShmLock(a.file(), 0, 1, kShared), SQLITE_IOERR_SHMLOCK);
  VfsFile c(volume, "a.db");
  volatile void* region_c = nullptr;
  ASSERT_EQ(c.io().xShmMap(c.file(), 0, 32768, 1, &region_c), SQLITE_OK);
  EXPECT_NE(region_c, region_a);
  EXPECT_EQ(static_cast<volatile unsigned char*>(region_c)[0], 0);
  EXPECT_EQ(c.io().xShmLock(c.file(), 2, 2, kExcl), SQLITE_OK);  // b's lock died with it.
  EXPECT_EQ(c.io().xShmUnmap(c.file(), 0), SQLITE_OK);
  EXPECT_EQ(a.io().xShmUnmap(a.file(), 0), SQLITE_OK);
}

TEST(Volume, PowerLossAfterIoStrikesInsideTheNextCallAfterN) {
  Volume volume = make_volume(5, /*survives=*/0.0);
  VfsFile f(volume, "a.db");
  ASSERT_EQ(f.write("synced", 0), SQLITE_OK);
  ASSERT_EQ(f.sync(), SQLITE_OK);
  volume.power_loss_after_io(2);
  EXPECT_TRUE(volume.fault_armed());
  EXPECT_EQ(f.write("ab", 0), SQLITE_OK);
  std::string got;
  EXPECT_EQ(f.read(got, 2, 0), SQLITE_OK);
  EXPECT_EQ(f.sync(), SQLITE_IOERR_FSYNC);  // The third call: the power fails first.
  EXPECT_FALSE(volume.fault_armed());
  EXPECT_EQ(volume.stats().power_losses, 1u);
  EXPECT_EQ(volume.contents("a.db"), "synced");
  EXPECT_EQ(f.write("cd", 0), SQLITE_IOERR_WRITE);  // Fenced from then on.
}

TEST(Volume, CrashAfterIoKeepsWrittenData) {
  Volume volume = make_volume(5, /*survives=*/0.0);
  VfsFile f(volume, "a.db");
  volume.crash_after_io(1);
  EXPECT_EQ(f.write("ab", 0), SQLITE_OK);
  EXPECT_EQ(f.sync(), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(volume.stats().crashes, 1u);
  EXPECT_EQ(volume.contents("a.db"), "ab");
}

std::string bytes_after_power_loss(std::uint64_t seed) {
  Volume volume = make_volume(seed);
  VfsFile f(volume, "a.db");
  for (int i = 0; i < 16; ++i) {
    f.write(std::string(700, static_cast<char>('a' + i)), sqlite3_int64{300} * i);
    if (i == 5) f.sync();
  }
  volume.power_loss();
  return *volume.contents("a.db");
}

TEST(Volume, SameSeedGivesIdenticalBytesAfterPowerLoss) {
  bool some_seed_differs = false;
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    EXPECT_EQ(bytes_after_power_loss(seed), bytes_after_power_loss(seed));
    some_seed_differs |= bytes_after_power_loss(seed) != bytes_after_power_loss(seed + 100);
  }
  EXPECT_TRUE(some_seed_differs);
}

TEST(Volume, CurrentTimeFollowsTheScheduler) {
  Scheduler scheduler;
  Volume volume("disk", Rng(1), &scheduler);
  sqlite3_vfs* vfs = sqlite3_vfs_find(volume.vfs_name().c_str());
  constexpr sqlite3_int64 kJulianUnixEpochMs = 210866760000000;
  sqlite3_int64 now = 0;
  vfs->xCurrentTimeInt64(vfs, &now);
  EXPECT_EQ(now, kJulianUnixEpochMs + 1767571200000);
  scheduler.run_until(kTimeZero + milliseconds(90'061'500));  // 1 day, 1 h, 1 min, 1.5 s.
  vfs->xCurrentTimeInt64(vfs, &now);
  EXPECT_EQ(now, kJulianUnixEpochMs + 1767571200000 + 90'061'500);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2("t.db", &db, kCreate, volume.vfs_name().c_str()), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT strftime('%Y-%m-%d %H:%M:%f','now')", -1, &stmt, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
               "2026-01-06 01:01:01.500");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(Volume, RandomnessComesFromTheVolumeSeed) {
  auto draw = [](std::uint64_t seed) {
    Volume volume("disk", Rng(seed), nullptr);
    sqlite3_vfs* vfs = sqlite3_vfs_find(volume.vfs_name().c_str());
    std::string bytes(13, '\0');
    EXPECT_EQ(vfs->xRandomness(vfs, 13, bytes.data()), 13);
    return bytes;
  };
  EXPECT_EQ(draw(9), draw(9));
  EXPECT_NE(draw(9), draw(10));
}

TEST(Volume, TwoVolumesAreIndependent) {
  Volume one = make_volume(1, /*survives=*/0.0);
  Volume two = make_volume(1, /*survives=*/0.0);
  EXPECT_NE(one.vfs_name(), two.vfs_name());
  VfsFile f1(one, "a.db");
  VfsFile f2(two, "a.db");
  ASSERT_EQ(f1.write("one", 0), SQLITE_OK);
  ASSERT_EQ(f2.write("two", 0), SQLITE_OK);
  one.power_loss();
  EXPECT_EQ(one.contents("a.db"), "");
  EXPECT_EQ(two.contents("a.db"), "two");
  std::string got;
  EXPECT_EQ(f2.read(got, 3, 0), SQLITE_OK);  // Not fenced by the other volume's loss.
}

TEST(Volume, CreateAndDeleteAreDurableAtOnce) {
  Volume volume = make_volume(1, /*survives=*/0.0);
  sqlite3_vfs* vfs = sqlite3_vfs_find(volume.vfs_name().c_str());
  {
    VfsFile created(volume, "a.db-wal");
    VfsFile doomed(volume, "b.db");
  }
  EXPECT_EQ(vfs->xDelete(vfs, "b.db", 0), SQLITE_OK);
  EXPECT_EQ(vfs->xDelete(vfs, "b.db", 0), SQLITE_IOERR_DELETE_NOENT);
  volume.power_loss();
  EXPECT_EQ(volume.file_names(), std::vector<std::string>{"a.db-wal"});
  int exists = 0;
  vfs->xAccess(vfs, "a.db-wal", SQLITE_ACCESS_EXISTS, &exists);
  EXPECT_EQ(exists, 1);
  vfs->xAccess(vfs, "b.db", SQLITE_ACCESS_EXISTS, &exists);
  EXPECT_EQ(exists, 0);
  VfsFile missing(volume, "c.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MAIN_DB);
  EXPECT_EQ(missing.open_rc(), SQLITE_CANTOPEN);
}

TEST(Volume, TemporaryFilesHaveNoNameAndVanishOnClose) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile temp(volume, nullptr,
               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_DELETEONCLOSE |
                   SQLITE_OPEN_TEMP_JOURNAL);
  ASSERT_EQ(temp.open_rc(), SQLITE_OK);
  ASSERT_EQ(temp.write("scratch", 0), SQLITE_OK);
  std::string got;
  EXPECT_EQ(temp.read(got, 7, 0), SQLITE_OK);
  EXPECT_EQ(got, "scratch");
  EXPECT_TRUE(volume.file_names().empty());
  temp.close();
  EXPECT_EQ(volume.open_handles(), 0u);
}

TEST(Volume, SqliteTemporaryFilesWorkWithoutNames) {
  Volume volume("disk", Rng(1), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2("t.db", &db, kCreate, volume.vfs_name().c_str()), SQLITE_OK);
  // A file-backed temp store with a tiny cache makes SQLite open unnamed temporary files.
  const char* sql =
      "PRAGMA temp_store=FILE; PRAGMA temp.cache_size=2;"
      "CREATE TEMP TABLE scratch(x TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
      "  INSERT INTO scratch SELECT printf('%0500d', i) FROM n;";
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  EXPECT_GT(volume.stats().bytes_written, 500u * 1000u);
  // Only the main database has a name, and it is still empty: everything went to temp files.
  EXPECT_EQ(volume.file_names(), std::vector<std::string>{"t.db"});
  EXPECT_EQ(volume.file_size("t.db"), 0u);
  EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
  EXPECT_EQ(volume.open_handles(), 0u);
}

}  // namespace
}  // namespace mw::sim
