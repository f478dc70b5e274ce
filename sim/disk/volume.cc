// The disk model: file contents, what a sync makes durable, what a crash or a power loss leaves
// behind, and the lock and shared-memory state the OS keeps across handles. The SQLite glue
// (opening files, the io methods) is in vfs.cc.
#include "sim/disk/volume.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "sim/check.h"
#include "sim/disk/vfs.h"

namespace mw::sim {
namespace disk_internal {
namespace {

// Every Volume registers its VFS under a name of its own. The counter is the only state that
// Volumes share; the name it produces is never used for anything but the lookup by SQLite.
std::atomic<std::uint64_t> g_next_vfs_number{0};

// apply_write writes `bytes` at `offset` of `content`, growing it (zero-filled) if needed.
void apply_write(std::vector<std::uint8_t>& content, std::uint64_t offset,
                 const std::uint8_t* bytes, std::uint64_t n) {
  if (n == 0) return;
  if (content.size() < offset + n) content.resize(offset + n);
  std::memcpy(content.data() + offset, bytes, n);
}

// lose_unsynced rebuilds `f` as of its last sync and replays its unsynced ops on top, keeping
// each sector piece of each write and each truncate by a draw from `rng`; the result is durable.
void lose_unsynced(Inode& f, std::uint64_t sector, double survives, Rng& rng) {
  if (f.unsynced.empty()) return;
  Rebuilt rebuilt = f.unsynced.rebuild(f.content);
  std::vector<std::uint8_t>& out = rebuilt.synced;
  for (const ReplayOp& op : rebuilt.ops) {
    if (op.is_truncate) {
      if (rng.bernoulli(0.5)) out.resize(op.offset);
      continue;
    }
    const std::uint64_t end = op.offset + op.bytes.size();
    for (std::uint64_t pos = op.offset; pos < end;) {
      // A piece ends at the next sector boundary of the file, or at the end of the write.
      const std::uint64_t piece_end = std::min(end, (pos / sector + 1) * sector);
      if (rng.bernoulli(survives)) {
        apply_write(out, pos, op.bytes.data() + (pos - op.offset), piece_end - pos);
      }
      pos = piece_end;
    }
  }
  f.unsynced.clear();
  f.content.resize(0);
  f.content.write(0, out.data(), out.size());
}

// fence ends the "process": handles opened before it are fenced by the boot count, and the
// lock and shared-memory state they built is dropped so the next process starts clean.
void fence(VolumeState& v) {
  ++v.boot;
  for (auto& [path, inode] : v.files) {
    inode->shared_holders = 0;
    inode->writer = 0;
    inode->writer_lock = SQLITE_LOCK_NONE;
    inode->shm.reset();
  }
}

void shm_release_locks(Handle& h, std::uint32_t mask) {
  for (int i = 0; i < SQLITE_SHM_NLOCK; ++i) {
    const std::uint32_t bit = 1u << i;
    if (!(mask & bit)) continue;
    if (h.shm_exclusive & bit) h.shm->locks[i] = 0;
    if (h.shm_shared & bit) --h.shm->locks[i];
  }
  h.shm_exclusive &= ~mask;
  h.shm_shared &= ~mask;
}

}  // namespace

bool begin_io(VolumeState& v) {
  if (v.fault == Fault::kNone) return true;
  if (v.fault_countdown > 0) {
    --v.fault_countdown;
    return true;
  }
  const Fault fault = v.fault;
  v.fault = Fault::kNone;
  if (fault == Fault::kCrash) {
    crash(v);
  } else {
    power_loss(v);
  }
  return false;
}

bool io_error(VolumeState& v, IoKind kind) {
  if (v.io_error_probability <= 0) return false;
  if (!v.error_rng.bernoulli(v.io_error_probability)) return false;
  ++v.stats.io_errors;
  switch (kind) {
    case IoKind::kRead:
      ++v.stats.read_errors;
      break;
    case IoKind::kWrite:
      ++v.stats.write_errors;
      break;
    case IoKind::kSync:
      ++v.stats.sync_errors;
      break;
    case IoKind::kTruncate:
      break;
  }
  return true;
}

std::uint64_t used_bytes(const VolumeState& v) {
  std::uint64_t total = 0;
  for (const auto& [path, inode] : v.files) total += inode->content.size();
  return total;
}

bool over_quota(VolumeState& v, const Handle& h, std::uint64_t new_size) {
  if (!v.quota_bytes || h.path.empty()) return false;
  const std::uint64_t size = h.inode->content.size();
  if (new_size <= size) return false;
  // A file deleted while open (no longer in the namespace) still holds its blocks, as after
  // unlink(2), but it is not counted: SQLite never writes to one.
  if (used_bytes(v) + (new_size - size) <= *v.quota_bytes) return false;
  ++v.stats.full_errors;
  return true;
}

std::uint64_t read_at(VolumeState& v, const Inode& f, std::uint64_t offset, void* out,
                      std::uint64_t n) {
  ++v.stats.reads;
  return f.content.read(offset, out, n);
}

void write_at(VolumeState& v, Inode& f, std::uint64_t offset, const void* data, std::uint64_t n) {
  ++v.stats.writes;
  v.stats.bytes_written += n;
  f.unsynced.record_write(f.content, offset, n);
  f.content.write(offset, data, n);
}

void truncate_to(VolumeState& v, Inode& f, std::uint64_t size) {
  ++v.stats.truncates;
  f.unsynced.record_truncate(f.content, size);
  f.content.resize(size);
}

void sync(VolumeState& v, Inode& f) {
  ++v.stats.syncs;
  // The content already is what the sync makes durable; only the undo log goes.
  f.unsynced.clear();
}

void crash(VolumeState& v) {
  ++v.stats.crashes;
  fence(v);
}

void power_loss(VolumeState& v) {
  ++v.stats.power_losses;
  fence(v);
  // std::map iterates in path order, so the draws happen in the same order in every run.
  for (auto& [path, inode] : v.files) {
    lose_unsynced(*inode, v.options.sector_bytes, v.options.sector_survives_probability,
                  v.loss_rng);
  }
}

// ---- File locks and the wal-index: state the OS keeps across handles, which a crash drops. ----
//
// Locks follow the unix VFS's state machine, shared across every handle on one Volume, so
// several connections to one database in one thread see each other: SHARED is counted,
// RESERVED/PENDING/EXCLUSIVE have one owner, and a PENDING writer keeps new readers out.

int lock_file(Inode& f, Handle& h, int level) {
  if (h.lock >= level) return SQLITE_OK;
  const bool other_writer = f.writer != 0 && f.writer != h.id;
  switch (level) {
    case SQLITE_LOCK_SHARED:
      // A writer waiting for (PENDING) or holding EXCLUSIVE admits no new reader, so readers
      // cannot starve it.
      if (other_writer && f.writer_lock >= SQLITE_LOCK_PENDING) return SQLITE_BUSY;
      ++f.shared_holders;
      h.lock = SQLITE_LOCK_SHARED;
      return SQLITE_OK;
    case SQLITE_LOCK_RESERVED:
      MW_CHECK(h.lock == SQLITE_LOCK_SHARED, "RESERVED requested without SHARED");
      if (other_writer) return SQLITE_BUSY;
      f.writer = h.id;
      f.writer_lock = h.lock = SQLITE_LOCK_RESERVED;
      return SQLITE_OK;
    case SQLITE_LOCK_EXCLUSIVE:
      MW_CHECK(h.lock >= SQLITE_LOCK_SHARED, "EXCLUSIVE requested without SHARED");
      if (other_writer) return SQLITE_BUSY;
      // PENDING first: it stays held while other readers drain, as in the unix VFS.
      f.writer = h.id;
      f.writer_lock = h.lock = SQLITE_LOCK_PENDING;
      if (f.shared_holders > 1) return SQLITE_BUSY;
      f.writer_lock = h.lock = SQLITE_LOCK_EXCLUSIVE;
      return SQLITE_OK;
    default:
      MW_CHECK(false, "SQLite asked for a lock level it never requests");
      return SQLITE_IOERR_LOCK;
  }
}

void unlock_file(Inode& f, Handle& h, int level) {
  if (h.lock <= level) return;
  if (h.lock > SQLITE_LOCK_SHARED && f.writer == h.id) {
    f.writer = 0;
    f.writer_lock = SQLITE_LOCK_NONE;
  }
  if (level == SQLITE_LOCK_NONE) {
    --f.shared_holders;
    MW_CHECK(f.shared_holders >= 0, "more SHARED locks released than taken");
  }
  h.lock = level;
}

void shm_attach(Handle& h) {
  if (h.shm) return;
  if (!h.inode->shm) h.inode->shm = std::make_shared<Shm>();
  h.shm = h.inode->shm;
  ++h.shm->connections;
}

void shm_detach(Handle& h) {
  if (!h.shm) return;
  shm_release_locks(h, ~0u);
  // The last connection out discards the wal-index, so the next one rebuilds it from the WAL.
  if (--h.shm->connections == 0 && h.inode->shm == h.shm) h.inode->shm.reset();
  h.shm.reset();
}

int shm_lock(Handle& h, int offset, int n, int flags) {
  shm_attach(h);
  Shm& shm = *h.shm;
  const std::uint32_t mask = ((1u << n) - 1) << offset;
  if (flags & SQLITE_SHM_UNLOCK) {
    shm_release_locks(h, mask);
    return SQLITE_OK;
  }
  if (flags & SQLITE_SHM_SHARED) {
    if (h.shm_shared & mask) return SQLITE_OK;
    if (shm.locks[offset] < 0) return SQLITE_BUSY;
    ++shm.locks[offset];
    h.shm_shared |= mask;
    return SQLITE_OK;
  }
  for (int i = offset; i < offset + n; ++i) {
    // Any holder but ourselves, shared or exclusive, blocks an exclusive lock.
    if (!(h.shm_exclusive & (1u << i)) && shm.locks[i] != 0) return SQLITE_BUSY;
  }
  for (int i = offset; i < offset + n; ++i) shm.locks[i] = -1;
  h.shm_exclusive |= mask;
  return SQLITE_OK;
}

}  // namespace disk_internal

using disk_internal::VolumeState;

Volume::Volume(std::string name, Rng rng, const Scheduler* clock, VolumeOptions options)
    : state_(std::make_unique<VolumeState>(std::move(name), rng, clock, options)) {
  MW_CHECK(options.sector_bytes > 0, "a volume's sector size must be positive");
  state_->vfs_name = "mwsim-disk-" + std::to_string(disk_internal::g_next_vfs_number++);
  disk_internal::init_vfs(*state_);
  const int rc = sqlite3_vfs_register(&state_->vfs, /*makeDflt=*/0);
  MW_CHECK(rc == SQLITE_OK, "sqlite3_vfs_register failed for a simulated volume");
}

Volume::~Volume() {
  // SQLite would call into freed memory if a connection outlived the volume.
  MW_CHECK(state_->handles.empty(),
           "a simulated volume was destroyed while SQLite still had files open on it: close "
           "every connection first");
  sqlite3_vfs_unregister(&state_->vfs);
}

const std::string& Volume::name() const { return state_->name; }
const std::string& Volume::vfs_name() const { return state_->vfs_name; }
const VolumeOptions& Volume::options() const { return state_->options; }

void Volume::crash() { disk_internal::crash(*state_); }
void Volume::power_loss() { disk_internal::power_loss(*state_); }

void Volume::power_loss_after_io(std::uint64_t n) {
  state_->fault = disk_internal::Fault::kPowerLoss;
  state_->fault_countdown = n;
}

void Volume::crash_after_io(std::uint64_t n) {
  state_->fault = disk_internal::Fault::kCrash;
  state_->fault_countdown = n;
}

void Volume::disarm_fault() { state_->fault = disk_internal::Fault::kNone; }
bool Volume::fault_armed() const { return state_->fault != disk_internal::Fault::kNone; }

void Volume::set_io_error_probability(double p) {
  state_->io_error_probability = std::clamp(p, 0.0, 1.0);
}
double Volume::io_error_probability() const { return state_->io_error_probability; }
void Volume::set_quota_bytes(std::optional<std::uint64_t> bytes) { state_->quota_bytes = bytes; }
std::optional<std::uint64_t> Volume::quota_bytes() const { return state_->quota_bytes; }
std::uint64_t Volume::used_bytes() const { return disk_internal::used_bytes(*state_); }

const VolumeStats& Volume::stats() const { return state_->stats; }

std::vector<std::string> Volume::file_names() const {
  std::vector<std::string> names;
  names.reserve(state_->files.size());
  for (const auto& [path, inode] : state_->files) names.push_back(path);
  return names;
}

bool Volume::exists(const std::string& path) const { return state_->files.contains(path); }

std::optional<std::uint64_t> Volume::file_size(const std::string& path) const {
  const auto it = state_->files.find(path);
  if (it == state_->files.end()) return std::nullopt;
  return it->second->content.size();
}

std::optional<std::string> Volume::contents(const std::string& path) const {
  const auto it = state_->files.find(path);
  if (it == state_->files.end()) return std::nullopt;
  const std::vector<std::uint8_t> bytes = it->second->content.bytes();
  return std::string(bytes.begin(), bytes.end());
}

std::size_t Volume::open_handles() const { return state_->handles.size(); }

}  // namespace mw::sim
