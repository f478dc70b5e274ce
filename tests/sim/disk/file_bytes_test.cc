// Unit tests of FileBytes, a simulated file's content in fixed-size chunks.
#include "sim/disk/file_bytes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mw::sim::disk_internal {
namespace {

constexpr std::uint64_t kChunk = FileBytes::kChunkBytes;

std::string read_string(const FileBytes& f, std::uint64_t offset, std::uint64_t n) {
  std::string out(n, '?');
  out.resize(f.read(offset, out.data(), n));
  return out;
}

TEST(FileBytes, WriteAcrossChunkBoundariesReadsBackWhole) {
  FileBytes f;
  std::string data;
  for (std::uint64_t i = 0; i < 3 * kChunk; ++i) data += static_cast<char>('a' + i % 23);
  f.write(kChunk - 5, data.data(), data.size());
  EXPECT_EQ(f.size(), kChunk - 5 + data.size());
  EXPECT_EQ(read_string(f, kChunk - 5, data.size()), data);
  EXPECT_EQ(read_string(f, 2 * kChunk - 1, 3), data.substr(kChunk + 4, 3));
}

TEST(FileBytes, GapBeforeAWriteReadsAsZeros) {
  FileBytes f;
  f.write(0, "ab", 2);
  f.write(kChunk + 10, "cd", 2);
  EXPECT_EQ(read_string(f, 0, kChunk + 12), "ab" + std::string(kChunk + 8, '\0') + "cd");
}

TEST(FileBytes, ReadPastTheEndReturnsOnlyWhatExists) {
  FileBytes f;
  f.write(0, "hello", 5);
  EXPECT_EQ(read_string(f, 3, 10), "lo");
  EXPECT_EQ(read_string(f, 5, 10), "");
  EXPECT_EQ(read_string(f, kChunk * 4, 10), "");
}

TEST(FileBytes, ShrinkThenGrowReadsZerosWhereBytesWereCut) {
  FileBytes f;
  const std::string full(2 * kChunk + 100, 'x');
  f.write(0, full.data(), full.size());
  f.resize(kChunk + 7);
  EXPECT_EQ(f.size(), kChunk + 7);
  f.resize(2 * kChunk + 100);  // grows back: the cut bytes must not reappear
  EXPECT_EQ(read_string(f, 0, f.size()),
            std::string(kChunk + 7, 'x') + std::string(kChunk + 93, '\0'));
  f.resize(3);
  f.write(10, "z", 1);
  EXPECT_EQ(read_string(f, 0, 11), std::string("xxx") + std::string(7, '\0') + "z");
}

TEST(FileBytes, BytesReturnsTheWholeContent) {
  FileBytes f;
  EXPECT_TRUE(f.bytes().empty());
  f.write(kChunk - 1, "12", 2);
  const std::vector<std::uint8_t> all = f.bytes();
  ASSERT_EQ(all.size(), kChunk + 1);
  EXPECT_EQ(all[kChunk - 2], 0);
  EXPECT_EQ(all[kChunk - 1], '1');
  EXPECT_EQ(all[kChunk], '2');
}

}  // namespace
}  // namespace mw::sim::disk_internal
