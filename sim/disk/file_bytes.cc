#include "sim/disk/file_bytes.h"

#include <algorithm>
#include <cstring>

namespace mw::sim::disk_internal {

std::uint64_t FileBytes::read(std::uint64_t offset, void* out, std::uint64_t n) const {
  if (offset >= size_) return 0;
  const std::uint64_t got = std::min(n, size_ - offset);
  auto* dst = static_cast<std::uint8_t*>(out);
  for (std::uint64_t done = 0; done < got;) {
    const std::uint64_t pos = offset + done;
    const std::uint64_t in_chunk = pos % kChunkBytes;
    const std::uint64_t piece = std::min(got - done, kChunkBytes - in_chunk);
    std::memcpy(dst + done, chunks_[pos / kChunkBytes].get() + in_chunk, piece);
    done += piece;
  }
  return got;
}

void FileBytes::write(std::uint64_t offset, const void* data, std::uint64_t n) {
  if (n == 0) return;
  const std::uint64_t end = offset + n;
  const std::uint64_t chunks_needed = (end + kChunkBytes - 1) / kChunkBytes;
  while (chunks_.size() < chunks_needed) {
    chunks_.push_back(std::make_unique<std::uint8_t[]>(kChunkBytes));  // zero-filled
  }
  const auto* src = static_cast<const std::uint8_t*>(data);
  for (std::uint64_t done = 0; done < n;) {
    const std::uint64_t pos = offset + done;
    const std::uint64_t in_chunk = pos % kChunkBytes;
    const std::uint64_t piece = std::min(n - done, kChunkBytes - in_chunk);
    std::memcpy(chunks_[pos / kChunkBytes].get() + in_chunk, src + done, piece);
    done += piece;
  }
  size_ = std::max(size_, end);
}

void FileBytes::resize(std::uint64_t size) {
  if (size >= size_) {
    // The chunks already hold zeros past the old end; only new chunks are missing.
    const std::uint64_t chunks_needed = (size + kChunkBytes - 1) / kChunkBytes;
    while (chunks_.size() < chunks_needed) {
      chunks_.push_back(std::make_unique<std::uint8_t[]>(kChunkBytes));
    }
    size_ = size;
    return;
  }
  const std::uint64_t chunks_kept = (size + kChunkBytes - 1) / kChunkBytes;
  chunks_.resize(chunks_kept);
  if (size % kChunkBytes != 0) {
    // Keep the invariant: the dropped tail of the last chunk reads as zeros if the file grows.
    const std::uint64_t in_chunk = size % kChunkBytes;
    const std::uint64_t dropped_here = std::min(size_, chunks_kept * kChunkBytes) - size;
    std::memset(chunks_.back().get() + in_chunk, 0, dropped_here);
  }
  size_ = size;
}

std::vector<std::uint8_t> FileBytes::bytes() const {
  std::vector<std::uint8_t> out(size_);
  read(0, out.data(), size_);
  return out;
}

}  // namespace mw::sim::disk_internal
