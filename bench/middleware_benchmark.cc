// The middleware core's cost per event, end to end and step by step, on SQLite in memory
// (":memory:", so the figures are CPU cost, not disk latency).
//
// BM_IngestToAck: one EventBatch frame of N canonical events through Core::on_message, up to
// the ack: decode, validate, dedup inbox, event row, sequencer, enrichment, outbox, commit.
// BM_PostedMark: an ERP success reply through to the committed posted mark and notification.
// The others time one step each, outside any transaction.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "middleware/core.h"
#include "middleware/enrich/enrich.h"
#include "middleware/ingest/decode.h"
#include "middleware/ingest/validate.h"
#include "middleware/ingest/vendor_kv.h"
#include "middleware/proto/wire.pb.h"

namespace {

using namespace mw;

// A Runtime whose clock moves 1 us per call and whose timers never fire: the benchmark
// measures the synchronous path only. It remembers the last ERP request sent.
class BenchRuntime : public core::Runtime {
 public:
  core::Instant now() const override { return now_ += std::chrono::microseconds(1), now_; }
  core::TimerId set_timer(core::Duration, std::function<void()>) override { return ++timers_; }
  void cancel_timer(core::TimerId) override {}
  void send(std::string_view endpoint, std::string bytes) override {
    if (endpoint == "erp") last_erp_ = std::move(bytes);
    bytes_sent_ += bytes.size();
  }
  std::uint64_t random_u64() override { return state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL; }
  const std::string& last_erp() const { return last_erp_; }

 private:
  mutable core::Instant now_ = core::from_unix_nanos(1'767'571'200'000'000'000LL);
  core::TimerId timers_ = 0;
  std::uint64_t state_ = 1;
  std::uint64_t bytes_sent_ = 0;
  std::string last_erp_;
};

core::MasterData master() {
  core::MasterData m;
  m.plants["P100"] = core::PlantInfo{"1000", "CC-100"};
  m.materials["RM-100"] = core::MaterialInfo{"000000000000100100", "KG"};
  return m;
}

proto::EventEnvelope event(std::uint64_t n) {
  proto::EventEnvelope e;
  e.set_event_id("evt-" + std::to_string(n));
  e.mutable_source()->set_plant("P100");
  e.mutable_source()->set_system("mes-p100");
  e.set_correlation_id("wo-" + std::to_string(n / 10));
  e.set_event_type(proto::MATERIAL_CONSUMED);
  e.set_schema_version(1);
  e.set_occurred_at_ns(1'767'571'200'000'000'000LL);
  e.set_posting_date("2026-01-05");
  e.set_ordering_key("wo:" + std::to_string(n % 64));  // 64 work orders
  e.set_source_sequence(n / 64 + 1);
  auto* c = e.mutable_material_consumed();
  c->set_work_order(std::to_string(4700 + n % 64));
  c->set_operation("0010");
  c->set_material("RM-100");
  c->set_lot("L1");
  c->mutable_quantity()->set_milli(1500);
  c->mutable_quantity()->set_uom("KG");
  c->set_storage_location("0001");
  return e;
}

std::unique_ptr<core::Core> open_core(BenchRuntime& rt) {
  proto::Config config;
  config.mutable_publisher()->add_subscribers("wms");
  // Each step commits at once: the benchmark's timers never fire, so a commit window would
  // leave the work it measures uncommitted.
  config.mutable_store()->set_commit_window_ms(0);
  // Never throttle the path measured: the largest limits the core accepts (0 would mean the
  // defaults, 50 requests a second).
  config.mutable_poster()->set_max_in_flight(100'000);
  config.mutable_poster()->set_rate_limit_per_s(1'000'000);
  config.mutable_poster()->set_rate_limit_burst(1'000'000);
  auto core = core::Core::open(config, rt, ":memory:", "");
  if (!core.is_ok()) {
    std::fprintf(stderr, "the core does not open: %s\n", core.error().message.c_str());
    return nullptr;
  }
  (void)core.value()->set_master_data(master());
  return std::move(core.value());
}

void BM_IngestToAck(benchmark::State& state) {
  BenchRuntime rt;
  auto core = open_core(rt);
  if (core == nullptr) return state.SkipWithError("the core does not open");
  const auto batch = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    proto::Frame f;
    f.mutable_event_batch()->set_batch_id(n);
    for (std::uint64_t i = 0; i < batch; ++i) {
      auto* s = f.mutable_event_batch()->add_events();
      s->set_format(proto::CANONICAL_PROTO);
      s->set_payload(event(n++).SerializeAsString());
    }
    const std::string bytes = f.SerializeAsString();
    state.ResumeTiming();
    core->on_message("mes-p100", bytes);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["us_per_event"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_PostedMark(benchmark::State& state) {
  BenchRuntime rt;
  auto core = open_core(rt);
  if (core == nullptr) return state.SkipWithError("the core does not open");
  std::uint64_t n = 1'000'000;
  for (auto _ : state) {
    state.PauseTiming();
    proto::Frame f;
    auto* s = f.mutable_event_batch()->add_events();
    s->set_format(proto::CANONICAL_PROTO);
    proto::EventEnvelope e = event(n++);
    e.set_ordering_key("solo:" + std::to_string(n));
    e.set_source_sequence(1);
    s->set_payload(e.SerializeAsString());
    core->on_message("mes-p100", f.SerializeAsString());
    proto::Frame request;
    request.ParseFromString(rt.last_erp());
    proto::Frame reply;
    reply.mutable_erp_reply()->set_request_id(request.erp_request().request_id());
    reply.mutable_erp_reply()->mutable_success()->set_document_number("4900000001");
    const std::string bytes = reply.SerializeAsString();
    state.ResumeTiming();
    core->on_message("erp", bytes);
  }
  // A benchmark of a path that was not taken would measure nothing.
  if (core->metrics().counters.posted != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("replies did not post");
}

void BM_DecodeCanonical(benchmark::State& state) {
  proto::SourceEvent raw;
  raw.set_format(proto::CANONICAL_PROTO);
  raw.set_payload(event(7).SerializeAsString());
  for (auto _ : state) benchmark::DoNotOptimize(core::decode_source_event(raw, 65536));
}

void BM_DecodeVendorKv(benchmark::State& state) {
  proto::SourceEvent raw;
  raw.set_format(proto::VENDOR_KV);
  raw.set_payload(core::encode_vendor_kv(event(7)));
  for (auto _ : state) benchmark::DoNotOptimize(core::decode_source_event(raw, 65536));
}

void BM_Validate(benchmark::State& state) {
  const auto m = master();
  const auto e = event(7);
  for (auto _ : state) benchmark::DoNotOptimize(core::validate_envelope(e, m));
}

void BM_PayloadHash(benchmark::State& state) {
  const auto e = event(7);
  for (auto _ : state) benchmark::DoNotOptimize(core::payload_hash(e));
}

void BM_Enrich(benchmark::State& state) {
  const auto m = master();
  const auto e = event(7);
  for (auto _ : state) benchmark::DoNotOptimize(core::enrich(e, m));
}

}  // namespace

BENCHMARK(BM_IngestToAck)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_PostedMark);
BENCHMARK(BM_DecodeCanonical);
BENCHMARK(BM_DecodeVendorKv);
BENCHMARK(BM_Validate);
BENCHMARK(BM_PayloadHash);
BENCHMARK(BM_Enrich);
