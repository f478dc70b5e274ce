// Unit tests of the Volume's I/O errors and full disk, through its VFS and through SQLite.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <string>

#include "sim/disk/volume.h"
#include "tests/sim/disk/vfs_file.h"

namespace mw::sim {
namespace {

TEST(VolumeFaults, IoErrorFailsEachKindOfCallWithItsCodeAndChangesNothing) {
  Volume volume("disk", Rng(1), nullptr, VolumeOptions{.sector_survives_probability = 0.0});
  VfsFile f(volume, "a.db");
  ASSERT_EQ(f.write("synced", 0), SQLITE_OK);
  ASSERT_EQ(f.sync(), SQLITE_OK);
  ASSERT_EQ(f.write("unsynced", 6), SQLITE_OK);
  volume.set_io_error_probability(1.0);
  std::string got;
  EXPECT_EQ(f.write("xx", 0), SQLITE_IOERR_WRITE);
  EXPECT_EQ(f.read(got, 6, 0), SQLITE_IOERR_READ);
  EXPECT_EQ(f.truncate(2), SQLITE_IOERR_TRUNCATE);
  EXPECT_EQ(f.sync(), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(volume.contents("a.db"), "syncedunsynced");
  EXPECT_EQ(volume.stats().io_errors, 4u);
  EXPECT_EQ(volume.stats().read_errors, 1u);
  EXPECT_EQ(volume.stats().write_errors, 1u);
  EXPECT_EQ(volume.stats().sync_errors, 1u);
  EXPECT_EQ(volume.stats().writes, 2u);  // Failed calls did not reach the disk.
  // The failed sync made nothing durable: a power loss still drops the unsynced write.
  volume.set_io_error_probability(0.0);
  volume.power_loss();
  EXPECT_EQ(volume.contents("a.db"), "synced");
}

TEST(VolumeFaults, IoErrorsEndWhenTheProbabilityReturnsToZero) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile f(volume, "a.db");
  volume.set_io_error_probability(1.0);
  EXPECT_EQ(f.write("ab", 0), SQLITE_IOERR_WRITE);
  volume.set_io_error_probability(0.0);
  EXPECT_EQ(f.write("ab", 0), SQLITE_OK);
  EXPECT_EQ(f.sync(), SQLITE_OK);
  EXPECT_EQ(volume.contents("a.db"), "ab");
}

// errors_in drives `n` writes at probability `p` and returns which failed, as a string of 0/1.
std::string errors_in(std::uint64_t seed, double p, int n) {
  Volume volume("disk", Rng(seed), nullptr);
  VfsFile f(volume, "a.db");
  volume.set_io_error_probability(p);
  std::string pattern;
  for (int i = 0; i < n; ++i) pattern += f.write("x", i) == SQLITE_OK ? '0' : '1';
  return pattern;
}

TEST(VolumeFaults, IoErrorsComeAtTheirRateFromTheVolumeSeed) {
  const std::string a = errors_in(7, 0.25, 2000);
  EXPECT_EQ(a, errors_in(7, 0.25, 2000));
  EXPECT_NE(a, errors_in(8, 0.25, 2000));
  const auto failed = std::count(a.begin(), a.end(), '1');
  EXPECT_GT(failed, 400);
  EXPECT_LT(failed, 600);
}

TEST(VolumeFaults, IoErrorDrawsNeverShiftPowerLossTearing) {
  auto torn = [](bool with_read_errors) {
    Volume volume("disk", Rng(3), nullptr);
    VfsFile f(volume, "a.db");
    for (int i = 0; i < 8; ++i) f.write(std::string(700, static_cast<char>('a' + i)), 300 * i);
    if (with_read_errors) {
      volume.set_io_error_probability(0.5);
      std::string got;
      for (int i = 0; i < 50; ++i) f.read(got, 10, 0);
      volume.set_io_error_probability(0.0);
    }
    volume.power_loss();
    return *volume.contents("a.db");
  };
  EXPECT_EQ(torn(false), torn(true));
}

TEST(VolumeFaults, FullDiskRefusesGrowthWithSqliteFullUntilTheQuotaIsLifted) {
  Volume volume("disk", Rng(1), nullptr);
  VfsFile a(volume, "a.db");
  VfsFile b(volume, "b.db");
  volume.set_quota_bytes(10);
  EXPECT_EQ(a.write("12345678", 0), SQLITE_OK);
  EXPECT_EQ(b.write("abc", 0), SQLITE_FULL);   // 11 bytes in all.
  EXPECT_EQ(a.write("xyz", 7), SQLITE_OK);    // 10 bytes: exactly the quota.
  EXPECT_EQ(a.write("!", 10), SQLITE_FULL);
  EXPECT_EQ(volume.file_size("a.db"), 10u);
  EXPECT_EQ(volume.stats().full_errors, 2u);
  EXPECT_EQ(volume.used_bytes(), 10u);
  EXPECT_EQ(a.write("AB", 0), SQLITE_OK);  // Within the file's size: no new space.
  EXPECT_EQ(a.truncate(4), SQLITE_OK);     // Shrinking frees space.
  EXPECT_EQ(b.write("abc", 0), SQLITE_OK);
  volume.set_quota_bytes(std::nullopt);
  EXPECT_EQ(b.write(std::string(100, 'z'), 3), SQLITE_OK);
  EXPECT_EQ(volume.contents("a.db"), "AB34");
  EXPECT_EQ(volume.file_size("b.db"), 103u);
}

TEST(VolumeFaults, TemporaryFilesAreNotCountedAgainstTheQuota) {
  Volume volume("disk", Rng(1), nullptr);
  volume.set_quota_bytes(0);
  VfsFile temp(volume, nullptr, kCreate | SQLITE_OPEN_DELETEONCLOSE);
  EXPECT_EQ(temp.write("scratch", 0), SQLITE_OK);
}

// A SQLite database on the volume: statements fail under the faults, nothing half-done stays,
// and the connection works again once they end.
TEST(VolumeFaults, SqliteFailsCleanlyUnderFaultsAndResumesAfterThem) {
  Volume volume("disk", Rng(2), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2("t.db", &db, kCreate, volume.vfs_name().c_str()), SQLITE_OK);
  auto exec = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); };
  ASSERT_EQ(exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t(x TEXT); INSERT INTO t VALUES('a');"),
            SQLITE_OK);
  volume.set_io_error_probability(1.0);
  EXPECT_EQ(exec("INSERT INTO t VALUES('b')") & 0xff, SQLITE_IOERR);
  EXPECT_EQ(sqlite3_get_autocommit(db), 1);  // SQLite rolled the statement's transaction back.
  volume.set_io_error_probability(0.0);
  volume.set_quota_bytes(volume.used_bytes());
  EXPECT_EQ(exec("BEGIN; INSERT INTO t SELECT printf('%0900d', 1) FROM t; COMMIT;"), SQLITE_FULL);
  if (sqlite3_get_autocommit(db) == 0) exec("ROLLBACK");
  EXPECT_GT(volume.stats().full_errors, 0u);
  volume.set_quota_bytes(std::nullopt);
  ASSERT_EQ(exec("INSERT INTO t VALUES('c')"), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT group_concat(x, '') FROM t", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), "ac");
  sqlite3_finalize(st);
  EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
}

}  // namespace
}  // namespace mw::sim
