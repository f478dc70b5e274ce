// VfsFile: a test helper that opens one file through a Volume's VFS, as SQLite would, and
// calls its io methods directly.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/disk/volume.h"

namespace mw::sim {

inline constexpr int kCreate = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MAIN_DB;

// VfsFile opens one file through a Volume's VFS and closes it when destroyed.
class VfsFile {
 public:
  VfsFile(const Volume& volume, const char* path, int flags = kCreate)
      : vfs_(sqlite3_vfs_find(volume.vfs_name().c_str())),
        storage_((static_cast<std::size_t>(vfs_->szOsFile) + sizeof(std::max_align_t) - 1) /
                 sizeof(std::max_align_t)) {
    open_rc_ = vfs_->xOpen(vfs_, path, file(), flags, nullptr);
  }
  VfsFile(const VfsFile&) = delete;
  VfsFile& operator=(const VfsFile&) = delete;
  ~VfsFile() { close(); }

  int open_rc() const { return open_rc_; }
  sqlite3_file* file() { return reinterpret_cast<sqlite3_file*>(storage_.data()); }
  const sqlite3_io_methods& io() { return *file()->pMethods; }

  int write(std::string_view data, sqlite3_int64 offset) {
    return io().xWrite(file(), data.data(), static_cast<int>(data.size()), offset);
  }
  int read(std::string& out, int n, sqlite3_int64 offset) {
    out.assign(static_cast<std::size_t>(n), '?');
    return io().xRead(file(), out.data(), n, offset);
  }
  int sync() { return io().xSync(file(), SQLITE_SYNC_FULL); }
  int truncate(sqlite3_int64 size) { return io().xTruncate(file(), size); }
  int lock(int level) { return io().xLock(file(), level); }
  int unlock(int level) { return io().xUnlock(file(), level); }
  void close() {
    if (file()->pMethods != nullptr) io().xClose(file());
    file()->pMethods = nullptr;
  }

 private:
  sqlite3_vfs* vfs_;
  std::vector<std::max_align_t> storage_;
  int open_rc_ = SQLITE_ERROR;
};

}  // namespace mw::sim
