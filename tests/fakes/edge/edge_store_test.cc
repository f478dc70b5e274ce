// The edge's store on its own, on a simulated disk: its schema survives a reopen, and the work
// and disk writes of one event do not grow with the backlog.
#include "fakes/edge/edge_store.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fakes/edge/event_key.h"
#include "sim/disk/volume.h"
#include "sim/rng.h"
#include "tests/fakes/edge/edge_harness.h"

namespace mw::fakes {
namespace {

constexpr std::int64_t kDay = 86'400'000'000'000;

class StoreFixture {
 public:
  StoreFixture() : volume_("edge", sim::Rng(1), nullptr) { reopen(); }

  void reopen() {
    store_.reset();
    std::string error;
    store_ = EdgeStore::open("edge.db", volume_.vfs_name(), &error);
    ASSERT_NE(store_, nullptr) << error;
  }

  // add stores event `n` (one transaction) at time `n` seconds.
  void add(int n) {
    payloads_.push_back(testing::canonical_event("P100-ev-" + std::to_string(n), n).payload());
    const std::string& p = payloads_.back();
    const EdgeStore::Incoming in{"P100-ev-" + std::to_string(n),
                                 event_hash(proto::CANONICAL_PROTO, p), proto::CANONICAL_PROTO, p};
    std::vector<EdgeStore::Outcome> out;
    ASSERT_TRUE(store_->store_batch({&in, 1}, now(n), 1'000'000, true, now(n) - kDay, &out))
        << store_->error();
    ASSERT_EQ(out[0], EdgeStore::Outcome::kStored);
  }

  // forward_oldest reads the oldest event after `after` and settles it as acked.
  void forward_oldest(std::int64_t after, int n) {
    std::vector<EdgeStore::Row> rows;
    ASSERT_TRUE(store_->read_after(after, 10, &rows)) << store_->error();
    ASSERT_FALSE(rows.empty());
    const EdgeStore::Settlement s{rows[0].seq, rows[0].event_id, rows[0].hash, false, ""};
    ASSERT_TRUE(store_->settle({&s, 1}, now(n), true, std::nullopt)) << store_->error();
  }

  static std::int64_t now(int n) { return std::int64_t{n} * 1'000'000'000; }

  sim::Volume& volume() { return volume_; }
  EdgeStore& store() { return *store_; }

 private:
  sim::Volume volume_;
  std::vector<std::string> payloads_;
  std::unique_ptr<EdgeStore> store_;
};

TEST(EdgeStore, KeepsItsRowsAndTheirOrderAcrossAReopen) {
  StoreFixture f;
  for (int n = 1; n <= 5; ++n) f.add(n);
  f.forward_oldest(0, 6);
  f.reopen();
  std::vector<EdgeStore::Row> rows;
  ASSERT_TRUE(f.store().list_queue(&rows));
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].event_id, "P100-ev-" + std::to_string(i + 2));
    if (i > 0) {
      EXPECT_GT(rows[i].seq, rows[i - 1].seq);
    }
  }
  std::vector<EdgeStore::ForwardedRow> forwarded;
  ASSERT_TRUE(f.store().list_forwarded(&forwarded));
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_EQ(forwarded[0].event_id, "P100-ev-1");
  std::uint64_t n = 0;
  ASSERT_TRUE(f.store().count(&n));
  EXPECT_EQ(n, 4u);
}

// The work of one event (store, read, settle) measured once with a small backlog and a small
// dedup memory, and once with both 50 times larger: index probes grow with the logarithm of the
// size, a scan would grow 50 times.
TEST(EdgeStore, WorkAndDiskWritesPerEventDoNotGrowWithTheBacklog) {
  StoreFixture f;
  int next = 1;
  std::int64_t cursor = 0;
  auto cycle = [&](int events, std::uint64_t* steps, std::uint64_t* bytes) {
    const std::uint64_t steps0 = f.store().vm_steps();
    const std::uint64_t bytes0 = f.volume().stats().bytes_written;
    for (int i = 0; i < events; ++i) {
      f.add(next);
      f.forward_oldest(cursor, next);
      ++next;
    }
    *steps = (f.store().vm_steps() - steps0) / static_cast<std::uint64_t>(events);
    *bytes = (f.volume().stats().bytes_written - bytes0) / static_cast<std::uint64_t>(events);
  };
  for (int i = 0; i < 200; ++i) f.add(next++);  // a backlog of 200, never forwarded here
  std::uint64_t small_steps = 0;
  std::uint64_t small_bytes = 0;
  cycle(200, &small_steps, &small_bytes);
  for (int i = 0; i < 10'000; ++i) f.add(next++);  // a backlog of 10,200
  std::uint64_t large_steps = 0;
  std::uint64_t large_bytes = 0;
  cycle(10'000, &large_steps, &large_bytes);  // and a dedup memory of 10,200
  EXPECT_LT(large_steps, small_steps * 3 / 2) << small_steps << " vs " << large_steps;
  // Two commits of a few 1 KiB pages each, and their share of checkpoints.
  EXPECT_LT(large_bytes, 12'000u) << small_bytes << " vs " << large_bytes;
}

}  // namespace
}  // namespace mw::fakes
