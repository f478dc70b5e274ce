// StandInMiddleware: a scripted "middleware" node for testing the fakes that talk to it as
// sources (event batches in, Ack / Nack out) and as subscribers (Notification out,
// NotificationAck in). It is not the core: it records what arrives and answers as the test's
// MiddlewareScript says. Used by the WMS and quality tests.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"
#include "sim/node.h"

namespace mw::fakes::testing {

// ReceivedEvent is one copy of one event, as it arrived in a batch.
struct ReceivedEvent {
  sim::Time at;
  std::uint64_t batch_id = 0;
  proto::EventEnvelope envelope;  // empty if the payload did not parse
};

struct MiddlewareScript {
  // ack_events: answer every batch with an Ack of its events (except rejected ones).
  bool ack_events = true;
  // reject: event id -> reason; such events get a non-retryable Nack instead of an Ack.
  std::map<std::string, std::string> reject;

  std::vector<ReceivedEvent> events;           // every copy received, in arrival order
  std::vector<std::string> notification_acks;  // ids, in arrival order
  int other = 0;                               // anything else

  // copies_of returns how many copies of event `id` arrived.
  std::size_t copies_of(std::string_view id) const {
    std::size_t n = 0;
    for (const ReceivedEvent& e : events) n += e.envelope.event_id() == id ? 1 : 0;
    return n;
  }
  // distinct returns the first copy of every event, in first-arrival order.
  std::vector<proto::EventEnvelope> distinct() const {
    std::vector<proto::EventEnvelope> out;
    std::map<std::string, bool> seen;
    for (const ReceivedEvent& e : events) {
      if (seen.emplace(e.envelope.event_id(), true).second) out.push_back(e.envelope);
    }
    return out;
  }
  // acks_of returns how many NotificationAcks named `id`.
  std::size_t acks_of(std::string_view id) const {
    std::size_t n = 0;
    for (const std::string& a : notification_acks) n += a == id ? 1 : 0;
    return n;
  }
};

class StandInMiddleware final : public sim::Process {
 public:
  StandInMiddleware(sim::Node& node, MiddlewareScript* script) : node_(node), script_(script) {}

  void on_message(sim::NodeId from, std::string_view bytes) override {
    proto::Frame frame;
    if (!frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      ++script_->other;
      return;
    }
    if (frame.has_notification_ack()) {
      script_->notification_acks.push_back(frame.notification_ack().notification_id());
      return;
    }
    if (!frame.has_event_batch()) {
      ++script_->other;
      return;
    }
    const proto::EventBatch& batch = frame.event_batch();
    proto::Frame ack;
    ack.mutable_ack()->set_batch_id(batch.batch_id());
    for (int i = 0; i < batch.events_size(); ++i) {
      ReceivedEvent r{node_.now(), batch.batch_id(), {}};
      const std::string& payload = batch.events(i).payload();
      (void)r.envelope.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
      const std::string id = r.envelope.event_id();
      script_->events.push_back(std::move(r));
      if (const auto it = script_->reject.find(id); it != script_->reject.end()) {
        proto::Frame nack;
        proto::Nack& n = *nack.mutable_nack();
        n.set_batch_id(batch.batch_id());
        n.set_index(static_cast<std::uint32_t>(i));
        n.set_event_id(id);
        n.set_reason(it->second);
        n.set_retryable(false);
        node_.send(from, nack.SerializeAsString());
      } else if (script_->ack_events) {
        ack.mutable_ack()->add_event_ids(id);
      }
    }
    if (ack.ack().event_ids_size() > 0) node_.send(from, ack.SerializeAsString());
  }

  // send_notification sends `n` to node `to` now.
  static void send_notification(sim::Node& from, sim::NodeId to, const proto::Notification& n) {
    proto::Frame frame;
    *frame.mutable_notification() = n;
    from.send(to, frame.SerializeAsString());
  }

 private:
  sim::Node& node_;
  MiddlewareScript* script_;
};

}  // namespace mw::fakes::testing
