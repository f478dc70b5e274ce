// The disk model: file contents, what a sync makes durable, and what a crash or a power loss
// leaves behind. The SQLite side (handles, locks, shared memory) is in vfs.cc.
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
void apply_write(std::vector<std::uint8_t>& content, std::uint64_t offset, const std::uint8_t* bytes,
                 std::uint64_t n) {
  if (n == 0) return;
  if (content.size() < offset + n) content.resize(offset + n);
  std::memcpy(content.data() + offset, bytes, n);
}

// lose_unsynced replays the unsynced ops of `f` on its durable content, keeping each sector
// piece of each write and each truncate by a draw from `rng`, and makes the result durable.
void lose_unsynced(Inode& f, std::uint64_t sector, double survives, Rng& rng) {
  std::vector<std::uint8_t> out = std::move(f.durable);
  for (const Op& op : f.unsynced) {
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
  f.visible = out;
  f.durable = std::move(out);
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

std::uint64_t read_at(VolumeState& v, const Inode& f, std::uint64_t offset, void* out,
                      std::uint64_t n) {
  ++v.stats.reads;
  if (offset >= f.visible.size()) return 0;
  const std::uint64_t got = std::min<std::uint64_t>(n, f.visible.size() - offset);
  std::memcpy(out, f.visible.data() + offset, got);
  return got;
}

void write_at(VolumeState& v, Inode& f, std::uint64_t offset, const void* data, std::uint64_t n) {
  ++v.stats.writes;
  v.stats.bytes_written += n;
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  apply_write(f.visible, offset, bytes, n);
  f.unsynced.push_back(Op{false, offset, std::vector<std::uint8_t>(bytes, bytes + n)});
}

void truncate_to(VolumeState& v, Inode& f, std::uint64_t size) {
  ++v.stats.truncates;
  f.visible.resize(size);
  f.unsynced.push_back(Op{true, size, {}});
}

void sync(VolumeState& v, Inode& f) {
  ++v.stats.syncs;
  f.durable = f.visible;
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
  return it->second->visible.size();
}

std::optional<std::string> Volume::contents(const std::string& path) const {
  const auto it = state_->files.find(path);
  if (it == state_->files.end()) return std::nullopt;
  const auto& bytes = it->second->visible;
  return std::string(bytes.begin(), bytes.end());
}

std::size_t Volume::open_handles() const { return state_->handles.size(); }

}  // namespace mw::sim
