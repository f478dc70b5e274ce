// Volume: one node's simulated disk, seen by SQLite through a VFS of its own.
//
// A Volume is a namespace of in-memory files (path -> file). Each file keeps its current
// content and the ordered list of operations (writes, truncates) issued since its last sync,
// with the bytes each one replaced, so the content as of that sync can be rebuilt. Reads see
// everything written, synced or not, as they would through an OS page cache.
//
// Fault model:
//   - crash(): the process dies. Every file handle open at that moment is fenced, the locks it
//     held are released and the shared memory (wal-index) of every database is discarded. The
//     data stays, synced or not: it is in the page cache, which outlives the process.
//   - power_loss(): a crash, and the page cache is lost too. Each file's unsynced operations
//     are replayed in order on top of its durable content; every sector-aligned piece of every
//     write survives with probability `sector_survives_probability`, so a write can be kept,
//     dropped or torn at sector granularity, and each truncate survives with probability 1/2.
//     Bytes outside a write's range are never touched (SQLITE_IOCAP_POWERSAFE_OVERWRITE).
//   - Creating and deleting a file are durable at once, as on a journaling file system
//     mounted with dirsync. (SQLite's VFS has no rename, so the Volume offers none.)
//   - power_loss_after_io(n) / crash_after_io(n) make the fault strike inside the (n+1)-th
//     I/O call from now, so a test can stop a workload at any point of a commit or checkpoint.
//   - set_io_error_probability(p): while p > 0, each read, write, truncate and sync fails with
//     probability p, with the SQLite code the unix VFS gives for a failed read, write, ftruncate
//     or fsync (SQLITE_IOERR_READ, _WRITE, _TRUNCATE, _FSYNC), and changes nothing: the data,
//     what is synced and the process are as before the call. The disk is not damaged: the
//     next call may succeed.
//   - set_quota_bytes(q): a full disk. A write that would make the files in the namespace hold
//     more than q bytes in all fails with SQLITE_FULL and changes nothing; writes within the
//     current size of a file, truncates, syncs and reads still work. Lifting the quota
//     (nullopt) ends it. Temporary files (no name) are not counted.
//
// Determinism: every random draw comes from the Rng given at construction, in a fixed order
// (files in path order). I/O errors draw from a stream of their own, and only while their
// probability is positive, so arming them never shifts the power-loss draws. The VFS name is unique in the process but never influences behaviour.
// SQLite's own PRNG is process-wide and seeded from the default VFS, not from this one; it
// only picks WAL salts and temporary names, so database files are reproducible but WAL files
// may differ between runs in their salt bytes.
//
// Lifetime and threads: the Volume must outlive every SQLite connection opened on it (the
// destructor aborts if a file is still open). A Volume is used by one thread; distinct Volumes
// share no mutable state beyond SQLite's VFS registry, so threads may each own their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace mw::sim {

class Scheduler;

namespace disk_internal {
struct VolumeState;
}  // namespace disk_internal

// VolumeOptions: every knob of the disk model.
struct VolumeOptions {
  // sector_bytes is the unit of tearing at a power loss, and what xSectorSize reports.
  std::uint32_t sector_bytes = 512;
  // sector_survives_probability is the chance that one sector of an unsynced write reaches the
  // platter at a power loss.
  double sector_survives_probability = 0.5;
  // epoch_unix_ms is what xCurrentTime reports at simulated time zero: 2026-01-05T00:00:00Z.
  std::int64_t epoch_unix_ms = 1767571200000;
};

// VolumeStats counts what the Volume has done since it was built. I/O calls on fenced handles
// are not counted: they never reach the disk.
struct VolumeStats {
  std::uint64_t writes = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t syncs = 0;
  std::uint64_t reads = 0;
  std::uint64_t truncates = 0;
  std::uint64_t power_losses = 0;  // power_loss() calls, armed ones included.
  std::uint64_t crashes = 0;       // crash() calls, armed ones included; not power losses.
  std::uint64_t io_errors = 0;     // Calls failed by set_io_error_probability (all kinds).
  std::uint64_t read_errors = 0;   // Of which reads, writes, syncs (truncates are the rest).
  std::uint64_t write_errors = 0;
  std::uint64_t sync_errors = 0;
  std::uint64_t full_errors = 0;   // Writes refused with SQLITE_FULL by the quota.
};

class Volume {
 public:
  // Volume registers a SQLite VFS (never as the default) for a disk named `name`. `rng` drives
  // power-loss tearing and xRandomness. `clock` gives xCurrentTime; it may be null, in which
  // case the time is always simulated time zero; if not null it must outlive the Volume.
  Volume(std::string name, Rng rng, const Scheduler* clock, VolumeOptions options = {});
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;
  // ~Volume unregisters the VFS. Every file opened through it must be closed by then.
  ~Volume();

  const std::string& name() const;
  // vfs_name is the name to pass as the last argument of sqlite3_open_v2.
  const std::string& vfs_name() const;
  const VolumeOptions& options() const;

  // crash fences every open handle: all its calls except xClose then fail with
  // SQLITE_IOERR_* and change nothing (unlocks succeed: the locks are already gone). Its
  // locks are released and every wal-index is discarded; all written data stays. The only
  // thing left to do with a connection opened before the crash is sqlite3_close it.
  void crash();
  // power_loss is crash() plus the loss of unsynced data, as described at the top.
  void power_loss();

  // power_loss_after_io arms a fault: the next `n` I/O calls (read, write, sync, truncate on
  // any file) run normally; the one after calls power_loss() before doing anything and fails.
  // Arming replaces any fault armed before.
  void power_loss_after_io(std::uint64_t n);
  // crash_after_io is power_loss_after_io with crash() as the fault.
  void crash_after_io(std::uint64_t n);
  // disarm_fault cancels an armed fault; fault_armed says whether one is armed. A fault is
  // disarmed once it strikes.
  void disarm_fault();
  bool fault_armed() const;

  // set_io_error_probability makes each later read, write, truncate and sync fail with
  // probability `p` (clamped to [0, 1]); 0 ends the errors. A failed call changes nothing. An
  // armed crash or power loss is counted and strikes before an error is drawn.
  void set_io_error_probability(double p);
  double io_error_probability() const;
  // set_quota_bytes caps the bytes the named files may hold in all; nullopt lifts the cap. A
  // write that would grow them past it fails with SQLITE_FULL. Setting a quota below what the
  // files already hold shrinks nothing: only growth is refused.
  void set_quota_bytes(std::optional<std::uint64_t> bytes);
  std::optional<std::uint64_t> quota_bytes() const;
  // used_bytes is what the named files hold now, synced or not.
  std::uint64_t used_bytes() const;

  const VolumeStats& stats() const;

  // For tests and reports: the files in the namespace, in path order, and what reads of them
  // would return now (synced or not). file_size and contents are nullopt for a missing file.
  std::vector<std::string> file_names() const;
  bool exists(const std::string& path) const;
  std::optional<std::uint64_t> file_size(const std::string& path) const;
  std::optional<std::string> contents(const std::string& path) const;
  // open_handles counts files opened through the VFS and not yet closed, fenced ones included.
  std::size_t open_handles() const;

 private:
  std::unique_ptr<disk_internal::VolumeState> state_;
};

}  // namespace mw::sim
