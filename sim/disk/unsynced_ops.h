// UnsyncedOps: the writes and truncates issued to one simulated file since its last sync, each
// with the bytes it replaced, so the file as of that sync can be rebuilt.
//
// Only a power loss needs that older content, and power losses are rare, so the model keeps
// just the current content (FileBytes) and this undo log: a sync forgets the log, a write
// copies the bytes it overwrites. Keeping a durable copy instead cost a second copy of every
// file and of every byte written.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/disk/file_bytes.h"

namespace mw::sim::disk_internal {

// ReplayOp is one unsynced op as issued: a write of `bytes` at `offset`, or a truncate to
// `offset`.
struct ReplayOp {
  bool is_truncate = false;
  std::uint64_t offset = 0;
  std::vector<std::uint8_t> bytes;
};

// Rebuilt is a file as of its last sync, and the ops issued since, in order.
struct Rebuilt {
  std::vector<std::uint8_t> synced;
  std::vector<ReplayOp> ops;
};

class UnsyncedOps {
 public:
  // record_write and record_truncate log an op about to be applied to `content`; call them
  // before changing it.
  void record_write(const FileBytes& content, std::uint64_t offset, std::uint64_t n);
  void record_truncate(const FileBytes& content, std::uint64_t size);
  void clear();
  bool empty() const { return ops_.empty(); }

  // rebuild undoes the logged ops on `content` (which must have them all applied), newest
  // first, and returns the file as of its last sync with the ops to replay on top of it.
  Rebuilt rebuild(const FileBytes& content) const;

 private:
  struct Op {
    bool is_truncate = false;
    std::uint64_t offset = 0;       // A write's first byte, or the size a truncate sets.
    std::uint64_t size = 0;         // A write's length; 0 for a truncate.
    std::uint64_t size_before = 0;  // The file's size before the op.
    std::uint64_t undo_at = 0;      // The replaced bytes, from `offset` to the old end of
    std::uint64_t undo_size = 0;    // the file, in undo_.
  };
  void record(const FileBytes& content, Op op, std::uint64_t n);

  std::vector<Op> ops_;
  // The replaced bytes of every op, in one buffer reused from sync to sync; it is written
  // before it is read, so it grows without zero-filling (a std::vector would).
  std::unique_ptr<std::uint8_t[]> undo_;
  std::uint64_t undo_size_ = 0;
  std::uint64_t undo_capacity_ = 0;
};

}  // namespace mw::sim::disk_internal
