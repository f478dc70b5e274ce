// FileBytes: the content of one simulated file, in fixed-size chunks.
//
// A file grows a chunk at a time, and growing never moves what is there. A flat
// std::vector doubled and copied the whole file as a database grew, and each doubling
// touched fresh memory the kernel had to zero: the core's database on a four-plant shift
// cost a quarter of a GiB of page faults that way, for 77 MB of data.
//
// Bytes past the end read as zeros, as in a sparse file: every byte of an allocated chunk
// beyond size() is kept zero, so growing needs no fill.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mw::sim::disk_internal {

class FileBytes {
 public:
  static constexpr std::uint64_t kChunkBytes = 64 * 1024;

  std::uint64_t size() const { return size_; }
  // read copies up to `n` bytes at `offset` into `out` and returns how many it copied (fewer
  // only at the end of the file).
  std::uint64_t read(std::uint64_t offset, void* out, std::uint64_t n) const;
  // write stores `n` bytes at `offset`, growing the file if needed; a gap reads as zeros.
  void write(std::uint64_t offset, const void* data, std::uint64_t n);
  // resize drops the bytes from `size` on, or grows the file with zeros.
  void resize(std::uint64_t size);
  // bytes returns the whole content, for reports and for rebuilding a file at a power loss.
  std::vector<std::uint8_t> bytes() const;

 private:
  std::vector<std::unique_ptr<std::uint8_t[]>> chunks_;
  std::uint64_t size_ = 0;
};

}  // namespace mw::sim::disk_internal
