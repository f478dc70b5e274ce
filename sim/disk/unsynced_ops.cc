#include "sim/disk/unsynced_ops.h"

#include <algorithm>
#include <cstring>

namespace mw::sim::disk_internal {

void UnsyncedOps::record_write(const FileBytes& content, std::uint64_t offset, std::uint64_t n) {
  record(content, Op{.is_truncate = false, .offset = offset, .size = n}, n);
}

void UnsyncedOps::record_truncate(const FileBytes& content, std::uint64_t size) {
  record(content, Op{.is_truncate = true, .offset = size}, content.size());
}

void UnsyncedOps::record(const FileBytes& content, Op op, std::uint64_t n) {
  op.size_before = content.size();
  op.undo_at = undo_size_;
  if (op.offset < op.size_before) op.undo_size = std::min(n, op.size_before - op.offset);
  if (undo_size_ + op.undo_size > undo_capacity_) {
    const std::uint64_t capacity = std::max(2 * undo_capacity_, undo_size_ + op.undo_size);
    auto grown = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
    if (undo_size_ > 0) std::memcpy(grown.get(), undo_.get(), undo_size_);
    undo_ = std::move(grown);
    undo_capacity_ = capacity;
  }
  if (op.undo_size > 0) content.read(op.offset, undo_.get() + op.undo_at, op.undo_size);
  undo_size_ += op.undo_size;
  ops_.push_back(op);
}

void UnsyncedOps::clear() {
  ops_.clear();
  undo_size_ = 0;
}

Rebuilt UnsyncedOps::rebuild(const FileBytes& content) const {
  Rebuilt out{content.bytes(), std::vector<ReplayOp>(ops_.size())};
  std::vector<std::uint8_t>& file = out.synced;
  for (std::size_t i = ops_.size(); i-- > 0;) {
    const Op& op = ops_[i];
    ReplayOp& replay = out.ops[i];
    replay.is_truncate = op.is_truncate;
    replay.offset = op.offset;
    if (!op.is_truncate && op.size > 0) {
      // `file` is now as it was right after this op, so its range holds what the op wrote.
      replay.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(op.offset),
                          file.begin() + static_cast<std::ptrdiff_t>(op.offset + op.size));
    }
    file.resize(op.size_before);
    if (op.undo_size > 0) {
      std::memcpy(file.data() + op.offset, undo_.get() + op.undo_at, op.undo_size);
    }
  }
  return out;
}

}  // namespace mw::sim::disk_internal
