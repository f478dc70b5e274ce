// Internal to sim/disk: the state of one Volume, shared by volume.cc (the disk model, locks
// and wal-index) and vfs.cc (the SQLite VFS over it). Nothing outside sim/disk includes this
// header; the contract callers rely on is sim/disk/volume.h.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/disk/file_bytes.h"
#include "sim/disk/unsynced_ops.h"
#include "sim/disk/volume.h"
#include "sim/rng.h"

namespace mw::sim::disk_internal {

// Shm is the wal-index of one database: memory every connection to it maps, like the -shm
// file of the unix VFS. It only lives in memory. A crash discards it, and so does the last
// connection unmapping it (the unix VFS's dead-man switch has the same effect), so the first
// connection after either rebuilds it from the WAL. Handles that mapped a discarded Shm keep
// it alive through their shared_ptr, so SQLite never reads freed memory.
struct Shm {
  std::vector<std::unique_ptr<std::uint8_t[]>> regions;  // Stable addresses, zero-filled.
  std::array<int, SQLITE_SHM_NLOCK> locks{};  // Per slot: > 0 shared holders, -1 exclusive.
  int connections = 0;                        // Handles that have it mapped.
};

// Inode is one file's content and the lock state shared by every handle open on it.
struct Inode {
  FileBytes content;       // What reads see: the file as of its last sync with `unsynced` applied.
  UnsyncedOps unsynced;    // What changed since the last sync, and what it replaced.
  int shared_holders = 0;  // Handles at SQLITE_LOCK_SHARED or above.
  std::uint64_t writer = 0;  // The handle at RESERVED, PENDING or EXCLUSIVE; 0 if none.
  int writer_lock = SQLITE_LOCK_NONE;
  std::shared_ptr<Shm> shm;  // Created by the first xShmMap.
};

// Handle is one open file. It is fenced once the Volume's boot count moves past its own.
struct Handle {
  std::uint64_t id = 0;  // Never 0: 0 means "no handle" in Inode::writer.
  std::uint64_t boot = 0;
  std::shared_ptr<Inode> inode;
  std::string path;  // Empty for a temporary file, which has no name in the namespace.
  int lock = SQLITE_LOCK_NONE;
  std::shared_ptr<Shm> shm;      // Set while mapped.
  std::uint32_t shm_shared = 0;  // Bit i: holds slot i shared.
  std::uint32_t shm_exclusive = 0;
};

enum class Fault { kNone, kCrash, kPowerLoss };

struct VolumeState {
  VolumeState(std::string volume_name, Rng rng, const Scheduler* sim_clock, VolumeOptions opts)
      : name(std::move(volume_name)),
        options(opts),
        clock(sim_clock),
        loss_rng(rng.fork("power_loss")),
        random_rng(rng.fork("randomness")),
        error_rng(rng.fork("io_errors")) {}

  std::string name;
  std::string vfs_name;
  VolumeOptions options;
  const Scheduler* clock = nullptr;
  Rng loss_rng;    // Power-loss draws.
  Rng random_rng;  // xRandomness; a separate stream so SQLite's calls never shift the losses.
  Rng error_rng;   // I/O error draws, only while io_error_probability > 0.
  double io_error_probability = 0;
  std::optional<std::uint64_t> quota_bytes;
  VolumeStats stats;
  std::map<std::string, std::shared_ptr<Inode>, std::less<>> files;
  std::map<std::uint64_t, std::unique_ptr<Handle>> handles;  // Owns every open handle.
  std::uint64_t next_handle_id = 1;
  std::uint64_t boot = 0;  // Incremented by every crash and power loss.
  Fault fault = Fault::kNone;
  std::uint64_t fault_countdown = 0;
  sqlite3_vfs vfs{};  // Registered with SQLite; pAppData points back to this state.
};

// --- The disk model, locks and wal-index (volume.cc). ---

inline bool fenced(const VolumeState& v, const Handle& h) { return h.boot != v.boot; }
// begin_io counts one I/O call against the armed fault. It returns false if the fault struck
// now: the Volume has crashed or lost power, and the call must fail without doing anything.
bool begin_io(VolumeState& v);
// IoKind names the call an I/O error strikes, for its SQLite code and the stats.
enum class IoKind { kRead, kWrite, kTruncate, kSync };
// io_error draws whether this call fails with an I/O error (counting it if so). No draw is
// made while the probability is zero.
bool io_error(VolumeState& v, IoKind kind);
// over_quota says whether growing `f` to `new_size` bytes would pass the quota (counting the
// refusal if so). Files without a name in the namespace are never over quota.
bool over_quota(VolumeState& v, const Handle& h, std::uint64_t new_size);
// used_bytes sums the sizes of the named files.
std::uint64_t used_bytes(const VolumeState& v);
// read_at copies up to `n` bytes at `offset` into `out` and returns how many it copied.
std::uint64_t read_at(VolumeState& v, const Inode& f, std::uint64_t offset, void* out,
                      std::uint64_t n);
void write_at(VolumeState& v, Inode& f, std::uint64_t offset, const void* data, std::uint64_t n);
void truncate_to(VolumeState& v, Inode& f, std::uint64_t size);
void sync(VolumeState& v, Inode& f);
void crash(VolumeState& v);
void power_loss(VolumeState& v);

// File locks, as xLock/xUnlock define them: `level` is a SQLITE_LOCK_* value. lock_file
// returns SQLITE_OK or SQLITE_BUSY (the handle may then be left at PENDING, as SQLite
// expects); unlock_file lowers the handle to SHARED or NONE.
int lock_file(Inode& f, Handle& h, int level);
void unlock_file(Inode& f, Handle& h, int level);

// The wal-index. shm_attach maps the inode's Shm into `h` (creating it if needed);
// shm_detach releases h's slot locks and unmaps it, discarding the Shm with its last
// connection; shm_lock implements xShmLock and returns SQLITE_OK or SQLITE_BUSY.
void shm_attach(Handle& h);
void shm_detach(Handle& h);
int shm_lock(Handle& h, int offset, int n, int flags);

// --- The SQLite VFS (vfs.cc). ---

// init_vfs fills `v.vfs` (name, methods, pAppData = &v); the caller registers it.
void init_vfs(VolumeState& v);

}  // namespace mw::sim::disk_internal
