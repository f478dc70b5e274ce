#include "sim/callback.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>

namespace mw::sim {
namespace {

TEST(Callback, SmallCapturesAreStoredInline) {
  int* p = nullptr;
  std::uint64_t a = 0, b = 0, c = 0;
  auto small = [p, a, b, c] { (void)p, (void)a, (void)b, (void)c; };
  static_assert(Callback::fits_inline<decltype(small)>());
  std::array<char, 200> big{};
  auto large = [big] { (void)big; };
  static_assert(!Callback::fits_inline<decltype(large)>());
}

TEST(Callback, InvokesInlineAndHeapCallables) {
  int calls = 0;
  Callback small([&calls] { ++calls; });
  std::array<int, 64> payload{};
  payload[63] = 5;
  Callback large([&calls, payload] { calls += payload[63]; });
  small();
  large();
  EXPECT_EQ(calls, 6);
}

TEST(Callback, MoveTransfersTheCallableAndEmptiesTheSource) {
  int calls = 0;
  Callback a([&calls] { ++calls; });
  Callback b(std::move(a));
  EXPECT_FALSE(static_cast<bool>(a));  // NOLINT(bugprone-use-after-move): checking the moved-from state.
  b();
  Callback c;
  c = std::move(b);
  c();
  EXPECT_EQ(calls, 2);
}

TEST(Callback, DestroysCapturesExactlyOnce) {
  auto counter = std::make_shared<int>(0);
  {
    Callback a([counter] {});
    EXPECT_EQ(counter.use_count(), 2);
    Callback b(std::move(a));
    EXPECT_EQ(counter.use_count(), 2);
    std::array<char, 100> pad{};
    Callback heap([counter, pad] { (void)pad; });
    EXPECT_EQ(counter.use_count(), 3);
    Callback moved(std::move(heap));
    EXPECT_EQ(counter.use_count(), 3);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(Callback, HoldsMoveOnlyCaptures) {
  auto owned = std::make_unique<int>(7);
  int seen = 0;
  Callback cb([o = std::move(owned), &seen] { seen = *o; });
  cb();
  EXPECT_EQ(seen, 7);
}

}  // namespace
}  // namespace mw::sim
