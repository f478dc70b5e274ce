// The SQLite VFS over a Volume: opening files and the io methods, which check for fencing and
// hand the work to the disk model (volume.cc). Nothing here reads the wall clock or sleeps.
#include "sim/disk/vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "sim/scheduler.h"

namespace mw::sim::disk_internal {
namespace {

constexpr int kMaxPathBytes = 512;
// Julian day number of 1970-01-01T00:00:00Z, in milliseconds, as xCurrentTimeInt64 wants.
constexpr sqlite3_int64 kUnixEpochJulianMs = 210866760000000;

// File is what SQLite allocates for each open file (szOsFile bytes). SQLite reads pMethods
// from `base`, which must come first. The Handle is owned by VolumeState::handles.
struct File {
  sqlite3_file base;
  VolumeState* volume;
  Handle* handle;
};

VolumeState& volume_of(sqlite3_vfs* vfs) { return *static_cast<VolumeState*>(vfs->pAppData); }
File& file_of(sqlite3_file* f) { return *reinterpret_cast<File*>(f); }

// ---- sqlite3_io_methods. Every call on a fenced handle fails and changes nothing. ----

int x_close(sqlite3_file* file) {
  File& f = file_of(file);
  VolumeState& v = *f.volume;
  Handle& h = *f.handle;
  if (!fenced(v, h)) unlock_file(*h.inode, h, SQLITE_LOCK_NONE);
  shm_detach(h);
  v.handles.erase(h.id);
  return SQLITE_OK;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  File& f = file_of(file);
  VolumeState& v = *f.volume;
  if (fenced(v, *f.handle) || !begin_io(v) || io_error(v, IoKind::kRead)) {
    return SQLITE_IOERR_READ;
  }
  const auto want = static_cast<std::uint64_t>(amount);
  const std::uint64_t got =
      read_at(v, *f.handle->inode, static_cast<std::uint64_t>(offset), out, want);
  if (got == want) return SQLITE_OK;
  // SQLite relies on the unread tail being zero-filled.
  std::memset(static_cast<std::uint8_t*>(out) + got, 0, want - got);
  return SQLITE_IOERR_SHORT_READ;
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  File& f = file_of(file);
  VolumeState& v = *f.volume;
  if (fenced(v, *f.handle) || !begin_io(v) || io_error(v, IoKind::kWrite)) {
    return SQLITE_IOERR_WRITE;
  }
  const auto end = static_cast<std::uint64_t>(offset) + static_cast<std::uint64_t>(amount);
  if (over_quota(v, *f.handle, end)) return SQLITE_FULL;
  write_at(v, *f.handle->inode, static_cast<std::uint64_t>(offset), data,
           static_cast<std::uint64_t>(amount));
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  File& f = file_of(file);
  VolumeState& v = *f.volume;
  if (fenced(v, *f.handle) || !begin_io(v) || io_error(v, IoKind::kTruncate)) {
    return SQLITE_IOERR_TRUNCATE;
  }
  // Growing a file by truncate takes space as a write does.
  if (over_quota(v, *f.handle, static_cast<std::uint64_t>(size))) return SQLITE_FULL;
  truncate_to(v, *f.handle->inode, static_cast<std::uint64_t>(size));
  return SQLITE_OK;
}

int x_sync(sqlite3_file* file, int /*flags: every kind of sync makes the whole file durable*/) {
  File& f = file_of(file);
  VolumeState& v = *f.volume;
  if (fenced(v, *f.handle) || !begin_io(v) || io_error(v, IoKind::kSync)) {
    return SQLITE_IOERR_FSYNC;
  }
  sync(v, *f.handle->inode);
  return SQLITE_OK;
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  File& f = file_of(file);
  *size = 0;
  if (fenced(*f.volume, *f.handle)) return SQLITE_IOERR_FSTAT;
  *size = static_cast<sqlite3_int64>(f.handle->inode->content.size());
  return SQLITE_OK;
}

int x_lock(sqlite3_file* file, int level) {
  File& f = file_of(file);
  if (fenced(*f.volume, *f.handle)) return SQLITE_IOERR_LOCK;
  return lock_file(*f.handle->inode, *f.handle, level);
}

int x_unlock(sqlite3_file* file, int level) {
  File& f = file_of(file);
  // A fenced handle's locks were released by the crash; there is nothing left to release.
  if (!fenced(*f.volume, *f.handle)) unlock_file(*f.handle->inode, *f.handle, level);
  return SQLITE_OK;
}

int x_check_reserved_lock(sqlite3_file* file, int* reserved) {
  File& f = file_of(file);
  *reserved = 0;
  if (fenced(*f.volume, *f.handle)) return SQLITE_IOERR_CHECKRESERVEDLOCK;
  *reserved = f.handle->inode->writer != 0 ? 1 : 0;
  return SQLITE_OK;
}

int x_file_control(sqlite3_file* /*file*/, int /*op*/, void* /*arg*/) { return SQLITE_NOTFOUND; }

int x_sector_size(sqlite3_file* file) {
  return static_cast<int>(file_of(file).volume->options.sector_bytes);
}

// Only what the model guarantees: a power loss never touches bytes outside a write's range.
// Not SAFE_APPEND (a later sector of an append can survive an earlier one) nor SEQUENTIAL.
int x_device_characteristics(sqlite3_file* /*file*/) { return SQLITE_IOCAP_POWERSAFE_OVERWRITE; }

int x_shm_map(sqlite3_file* file, int region, int region_bytes, int extend, void volatile** out) {
  File& f = file_of(file);
  *out = nullptr;
  if (fenced(*f.volume, *f.handle)) return SQLITE_IOERR_SHMMAP;
  Handle& h = *f.handle;
  shm_attach(h);
  auto& regions = h.shm->regions;
  const auto index = static_cast<std::size_t>(region);
  if (index >= regions.size()) {
    if (!extend) return SQLITE_OK;  // SQLite asked whether the region exists: it does not.
    while (regions.size() <= index) {
      regions.push_back(std::make_unique<std::uint8_t[]>(static_cast<std::size_t>(region_bytes)));
    }
  }
  *out = regions[index].get();
  return SQLITE_OK;
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  File& f = file_of(file);
  if (fenced(*f.volume, *f.handle)) {
    return (flags & SQLITE_SHM_UNLOCK) ? SQLITE_OK : SQLITE_IOERR_SHMLOCK;
  }
  return shm_lock(*f.handle, offset, n, flags);
}

// Every connection to a Volume runs on the Volume's one thread, so there is no other thread's
// view of the wal-index to order memory against.
void x_shm_barrier(sqlite3_file* /*file*/) {}

int x_shm_unmap(sqlite3_file* file, int /*delete_flag: the wal-index is never a file*/) {
  shm_detach(*file_of(file).handle);
  return SQLITE_OK;
}

constexpr sqlite3_io_methods kIoMethods = {
    /*iVersion=*/2,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    /*xFetch=*/nullptr,
    /*xUnfetch=*/nullptr,
};

// ---- sqlite3_vfs. ----

int x_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  VolumeState& v = volume_of(vfs);
  File& f = file_of(file);
  f.base.pMethods = nullptr;  // On failure SQLite must not call xClose.
  auto handle = std::make_unique<Handle>();
  // A file deleted on close gets no name in the namespace at all, as the unix VFS unlinks it
  // right after opening: a crash can never leave it behind.
  if (name == nullptr || (flags & SQLITE_OPEN_DELETEONCLOSE)) {
    handle->inode = std::make_shared<Inode>();
  } else {
    handle->path = name;
    const auto it = v.files.find(handle->path);
    if (it != v.files.end()) {
      if ((flags & SQLITE_OPEN_EXCLUSIVE) && (flags & SQLITE_OPEN_CREATE)) return SQLITE_CANTOPEN;
      handle->inode = it->second;
    } else {
      if (!(flags & SQLITE_OPEN_CREATE)) return SQLITE_CANTOPEN;
      handle->inode = std::make_shared<Inode>();
      v.files.emplace(handle->path, handle->inode);  // Creation is durable at once.
    }
  }
  handle->id = v.next_handle_id++;
  handle->boot = v.boot;
  f.volume = &v;
  f.handle = handle.get();
  v.handles.emplace(handle->id, std::move(handle));
  f.base.pMethods = &kIoMethods;
  if (out_flags != nullptr) *out_flags = flags;
  return SQLITE_OK;
}

int x_delete(sqlite3_vfs* vfs, const char* name, int /*sync_dir: deletion is durable at once*/) {
  VolumeState& v = volume_of(vfs);
  const auto it = v.files.find(std::string_view(name));
  if (it == v.files.end()) return SQLITE_IOERR_DELETE_NOENT;
  v.files.erase(it);  // Handles still open keep the inode, as after unlink(2).
  return SQLITE_OK;
}

// x_access answers for files in the namespace, and for "<db>-shm" while the database's
// wal-index is mapped: that is when the unix VFS's -shm file would exist.
int x_access(sqlite3_vfs* vfs, const char* name, int /*flags*/, int* result) {
  const VolumeState& v = volume_of(vfs);
  const std::string_view path(name);
  *result = v.files.contains(path) ? 1 : 0;
  constexpr std::string_view kShm = "-shm";
  if (*result == 0 && path.ends_with(kShm)) {
    const auto db = v.files.find(path.substr(0, path.size() - kShm.size()));
    *result = (db != v.files.end() && db->second->shm) ? 1 : 0;
  }
  return SQLITE_OK;
}

// Paths are names in the volume's namespace: the full pathname is the name as given.
int x_full_pathname(sqlite3_vfs* /*vfs*/, const char* name, int out_bytes, char* out) {
  const std::size_t n = std::strlen(name);
  if (n + 1 > static_cast<std::size_t>(out_bytes)) return SQLITE_CANTOPEN;
  std::memcpy(out, name, n + 1);
  return SQLITE_OK;
}

// Loadable extensions are not supported: they would reach outside the simulation.
void* x_dl_open(sqlite3_vfs* /*vfs*/, const char* /*path*/) { return nullptr; }
void x_dl_error(sqlite3_vfs* /*vfs*/, int out_bytes, char* out) {
  std::snprintf(out, static_cast<std::size_t>(out_bytes), "%s",
                "loadable extensions are not supported on a simulated volume");
}
void (*x_dl_sym(sqlite3_vfs* /*vfs*/, void* /*lib*/, const char* /*symbol*/))(void) {
  return nullptr;
}
void x_dl_close(sqlite3_vfs* /*vfs*/, void* /*lib*/) {}

int x_randomness(sqlite3_vfs* vfs, int n, char* out) {
  Rng& rng = volume_of(vfs).random_rng;
  for (int i = 0; i < n; i += 8) {
    const std::uint64_t word = rng.next_u64();
    std::memcpy(out + i, &word, static_cast<std::size_t>(std::min(8, n - i)));
  }
  return n;
}

// x_sleep returns at once: simulated code must not block, and the busy handler only counts the
// time it asked for.
int x_sleep(sqlite3_vfs* /*vfs*/, int microseconds) { return microseconds; }

std::int64_t unix_ms(const VolumeState& v) {
  const std::int64_t since_start_ms = v.clock ? to_nanos(v.clock->now()) / 1'000'000 : 0;
  return v.options.epoch_unix_ms + since_start_ms;
}

int x_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  *out = kUnixEpochJulianMs + unix_ms(volume_of(vfs));
  return SQLITE_OK;
}

int x_current_time(sqlite3_vfs* vfs, double* out) {
  sqlite3_int64 julian_ms = 0;
  x_current_time_int64(vfs, &julian_ms);
  *out = static_cast<double>(julian_ms) / 86400000.0;  // SQLite's API wants Julian days.
  return SQLITE_OK;
}

int x_get_last_error(sqlite3_vfs* /*vfs*/, int /*n*/, char* /*out*/) { return 0; }

}  // namespace

void init_vfs(VolumeState& v) {
  v.vfs = sqlite3_vfs{};
  v.vfs.iVersion = 2;
  v.vfs.szOsFile = sizeof(File);
  v.vfs.mxPathname = kMaxPathBytes;
  v.vfs.zName = v.vfs_name.c_str();
  v.vfs.pAppData = &v;
  v.vfs.xOpen = x_open;
  v.vfs.xDelete = x_delete;
  v.vfs.xAccess = x_access;
  v.vfs.xFullPathname = x_full_pathname;
  v.vfs.xDlOpen = x_dl_open;
  v.vfs.xDlError = x_dl_error;
  v.vfs.xDlSym = x_dl_sym;
  v.vfs.xDlClose = x_dl_close;
  v.vfs.xRandomness = x_randomness;
  v.vfs.xSleep = x_sleep;
  v.vfs.xCurrentTime = x_current_time;
  v.vfs.xGetLastError = x_get_last_error;
  v.vfs.xCurrentTimeInt64 = x_current_time_int64;
}

}  // namespace mw::sim::disk_internal
