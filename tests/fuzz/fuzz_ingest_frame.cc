// Fuzz target: raw bytes arriving at the core from a sender, as one frame. Whatever they are,
// the core must not crash, must answer, and must keep what it refuses (quarantine) or what it
// takes (events). One core on an in-memory store per process; a fresh one every 1,000 inputs
// so that its tables stay small. Sequence numbers are the place to look (SKIP jumps), so the
// core runs the SKIP policy with a short gap timeout, and time moves on after every input.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "middleware/core.h"
#include "tests/middleware/manual_runtime.h"

namespace {

struct Harness {
  mw::core::testing::ManualRuntime runtime;
  std::unique_ptr<mw::core::Core> core;
  int inputs = 0;

  Harness() {
    mw::proto::Config c;
    c.mutable_sequencer()->set_gap_policy(mw::proto::SKIP);
    c.mutable_sequencer()->set_gap_timeout_ms(1000);
    c.mutable_ingest()->set_max_batch_events(64);
    auto opened = mw::core::Core::open(c, runtime, ":memory:", "");
    if (!opened.is_ok()) __builtin_trap();  // the fuzzer must not run without its core
    core = std::move(opened.value());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto harness = std::make_unique<Harness>();
  if (++harness->inputs > 1000) harness = std::make_unique<Harness>();
  harness->core->on_message("mes-p100",
                            std::string_view(reinterpret_cast<const char*>(data), size));
  harness->runtime.advance(std::chrono::seconds(2));  // commit windows, gap timeouts, retries
  harness->runtime.take_sent();
  return 0;
}
