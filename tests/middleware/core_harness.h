// CoreHarness: a Core on a real SQLite file, a ManualRuntime, canonical event builders and a
// hand-driven ERP, for the pipeline tests. crash() drops the core and its timers the way a
// process crash does; open() starts the next life on the same database.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "middleware/core.h"
#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"
#include "tests/middleware/manual_runtime.h"

namespace mw::core::testing {

inline MasterData test_master_data() {
  MasterData m;
  m.plants["P100"] = PlantInfo{"1000", "CC-100"};
  m.materials["RM-100"] = MaterialInfo{"000000000000100100", "KG"};
  m.materials["FG-200"] = MaterialInfo{"000000000000200200", "EA"};
  m.conversions[{"G", "KG"}] = UomConversion{1, 1000};
  return m;
}

// consumption builds a MATERIAL_CONSUMED event of `milli` KG of RM-100 from lot L1.
inline proto::EventEnvelope consumption(const std::string& id, const std::string& key,
                                        std::uint64_t seq, std::int64_t milli = 1500,
                                        const std::string& material = "RM-100") {
  proto::EventEnvelope e;
  e.set_event_id(id);
  e.mutable_source()->set_plant("P100");
  e.mutable_source()->set_system("mes-p100");
  e.set_correlation_id("corr-" + key);
  e.set_event_type(proto::MATERIAL_CONSUMED);
  e.set_schema_version(1);
  e.set_occurred_at_ns(1'767'571'200'000'000'000LL);
  e.set_posting_date("2026-01-05");
  e.set_ordering_key(key);
  e.set_source_sequence(seq);
  auto* c = e.mutable_material_consumed();
  c->set_work_order("4711");
  c->set_operation("0010");
  c->set_material(material);
  c->set_lot("L1");
  c->mutable_quantity()->set_milli(milli);
  c->mutable_quantity()->set_uom("KG");
  c->set_storage_location("0001");
  return e;
}

// scrap builds a SCRAP_RECORDED event of `milli` KG of RM-100 from lot L1 at location 0001.
inline proto::EventEnvelope scrap(const std::string& id, const std::string& key, std::uint64_t seq,
                                  std::int64_t milli = 250) {
  proto::EventEnvelope e = consumption(id, key, seq);
  e.set_event_type(proto::SCRAP_RECORDED);
  auto* s = e.mutable_scrap_recorded();  // replaces the consumption payload
  s->set_work_order("4711");
  s->set_operation("0010");
  s->set_material("RM-100");
  s->set_lot("L1");
  s->mutable_quantity()->set_milli(milli);
  s->mutable_quantity()->set_uom("KG");
  s->set_reason_code("DMG");
  s->set_storage_location("0001");
  return e;
}

inline proto::EventEnvelope operation_started(const std::string& id, const std::string& key,
                                              std::uint64_t seq) {
  proto::EventEnvelope e = consumption(id, key, seq);
  e.set_event_type(proto::OPERATION_STARTED);
  auto* o = e.mutable_operation_started();  // replaces the consumption payload
  o->set_work_order("4711");
  o->set_operation("0010");
  o->set_work_center("WC-1");
  return e;
}

class CoreHarness {
 public:
  explicit CoreHarness(proto::Config config = {}) : config_(std::move(config)) {
    static int counter = 0;
    path_ = (std::filesystem::path(::testing::TempDir()) /
             ("mw_core_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + ".db"))
                .string();
    remove_files();
    if (config_.publisher().subscribers_size() == 0)
      config_.mutable_publisher()->add_subscribers("wms");
    // Pipeline tests follow each step to its commit; the commit window has tests of its own,
    // which set it.
    if (!config_.store().has_commit_window_ms()) config_.mutable_store()->set_commit_window_ms(0);
    open();
    if (core_ != nullptr) {
      EXPECT_TRUE(core().set_master_data(test_master_data()).is_ok());
    }
  }
  ~CoreHarness() {
    core_.reset();
    remove_files();
  }

  void open() {
    auto r = Core::open(config_, rt, path_, "");
    ASSERT_TRUE(r.is_ok()) << r.error().message;
    core_ = std::move(r.value());
  }
  // crash ends the process: the core is gone with its timers and nothing is flushed (SQLite
  // only ever holds committed transactions on disk).
  void crash() {
    rt.drop_timers();
    core_.reset();
    rt.drop_timers();
    collect();
    outbox_.clear();
  }
  void restart() {
    crash();
    open();
  }
  Core& core() { return *core_; }
  const std::string& path() const { return path_; }  // the core's database file

  void send_events(const std::vector<proto::EventEnvelope>& events, std::uint64_t batch_id = 1,
                   const std::string& from = "mes-p100") {
    proto::Frame f;
    f.mutable_event_batch()->set_batch_id(batch_id);
    for (const auto& e : events) {
      auto* s = f.mutable_event_batch()->add_events();
      s->set_format(proto::CANONICAL_PROTO);
      s->set_payload(e.SerializeAsString());
    }
    core_->on_message(from, f.SerializeAsString());
  }
  void send_raw(const proto::SourceEvent& raw, std::uint64_t batch_id = 1) {
    proto::Frame f;
    f.mutable_event_batch()->set_batch_id(batch_id);
    *f.mutable_event_batch()->add_events() = raw;
    core_->on_message("mes-p100", f.SerializeAsString());
  }

  // frames returns and forgets what was sent to `endpoint`.
  std::vector<proto::Frame> frames(const std::string& endpoint) {
    collect();
    std::vector<proto::Frame> out(outbox_[endpoint].begin(), outbox_[endpoint].end());
    outbox_[endpoint].clear();
    return out;
  }
  // ack_notification acknowledges a notification frame as its subscriber "wms" would.
  void ack_notification(const proto::Frame& notification) {
    proto::Frame f;
    f.mutable_notification_ack()->set_notification_id(
        notification.notification().notification_id());
    core_->on_message("wms", f.SerializeAsString());
  }
  std::vector<proto::ErpRequest> erp_requests() {
    std::vector<proto::ErpRequest> out;
    for (const auto& f : frames("erp")) out.push_back(f.erp_request());
    return out;
  }
  std::vector<std::string> acked_ids(const std::string& to = "mes-p100") {
    std::vector<std::string> ids;
    for (const auto& f : peek(to)) {
      if (f.has_ack())
        ids.insert(ids.end(), f.ack().event_ids().begin(), f.ack().event_ids().end());
    }
    return ids;
  }
  std::vector<proto::Nack> nacks(const std::string& to = "mes-p100") {
    std::vector<proto::Nack> out;
    for (const auto& f : peek(to)) {
      if (f.has_nack()) out.push_back(f.nack());
    }
    return out;
  }

  void reply(const proto::ErpReply& r) {
    proto::Frame f;
    *f.mutable_erp_reply() = r;
    core_->on_message("erp", f.SerializeAsString());
  }
  void reply_success(const proto::ErpRequest& req, const std::string& doc = "4900000001") {
    proto::ErpReply r;
    r.set_request_id(req.request_id());
    r.mutable_success()->set_document_number(doc);
    reply(r);
  }
  void reply_rejection(const proto::ErpRequest& req, proto::RejectionCode code) {
    proto::ErpReply r;
    r.set_request_id(req.request_id());
    r.mutable_rejection()->set_code(code);
    r.mutable_rejection()->set_message("rejected by test");
    reply(r);
  }
  void reply_transient(const proto::ErpRequest& req, proto::TransientKind kind,
                       std::uint32_t retry_after_ms = 0) {
    proto::ErpReply r;
    r.set_request_id(req.request_id());
    r.mutable_transient()->set_kind(kind);
    r.mutable_transient()->set_retry_after_ms(retry_after_ms);
    reply(r);
  }
  void reply_query(const proto::ErpRequest& req, bool found,
                   const std::string& doc = "4900000001") {
    proto::ErpReply r;
    r.set_request_id(req.request_id());
    r.mutable_query_result()->set_found(found);
    r.mutable_query_result()->set_document_number(doc);
    reply(r);
  }

  ManualRuntime rt;

 private:
  void collect() {
    for (auto& m : rt.take_sent()) {
      proto::Frame f;
      EXPECT_TRUE(f.ParseFromString(m.bytes));
      outbox_[m.endpoint].push_back(std::move(f));
    }
  }
  std::vector<proto::Frame> peek(const std::string& endpoint) {
    collect();
    return {outbox_[endpoint].begin(), outbox_[endpoint].end()};
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path_ + suffix);
  }

  proto::Config config_;
  std::string path_;
  std::unique_ptr<Core> core_;
  std::map<std::string, std::deque<proto::Frame>> outbox_;
};

}  // namespace mw::core::testing
