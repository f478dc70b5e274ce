// Publisher: delivers downstream notifications (inventory updated, production confirmed, lot
// status) to every subscriber, at least once.
//
// Notifications are recorded in the transaction that marks their event posted, each with an
// id made of the event row, the subscriber's index and the notification's index (an event is
// posted once, so the id is unique), and a sequence number per (subscriber, ordering key);
// subscribers drop ids they have seen and apply in sequence order. A notification is resent
// every retry_ms until its subscriber acknowledges it; at most max_in_flight are outstanding
// per subscriber. An ack takes the notification out of memory at once. Acks are not written
// one by one: every ack_record_delay_ms the Publisher writes, per subscriber, a watermark just
// below its oldest unacknowledged notification (in recording order). A restart resends each
// subscriber's notifications above its watermark, including any acknowledged out of order:
// one statement a second instead of one per notification, paid for with resends after a crash.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "middleware/pipeline/context.h"
#include "middleware/pipeline/work_item.h"
#include "middleware/proto/wire.pb.h"

namespace mw::core {

class Publisher {
 public:
  explicit Publisher(Context& ctx) : ctx_(ctx) {}
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;
  ~Publisher();

  // record writes the notifications of a posted command for every subscriber. Call it inside
  // the transaction that marks the event posted; hand the result to publish after the commit.
  Result<std::vector<NotificationRow>> record(const WorkItem& item, const std::string& document);
  // publish sends recorded notifications and keeps resending them until acknowledged.
  void publish(std::vector<NotificationRow> rows);
  // publish_unrecorded sends notifications that exist only in memory (the unsafe
  // publish_before_posted_durable setting); they are not resent.
  void publish_unrecorded(const WorkItem& item, const std::string& document);
  // load resends what a previous life recorded and did not see acknowledged.
  Status load();

  void on_ack(const proto::NotificationAck& ack);
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    std::string id;
    std::string subscriber;
    std::string frame;  // serialized Frame with the notification
    Instant last_sent{};
    bool sent = false;
  };
  std::vector<proto::Notification> bodies_for(const WorkItem& item, const std::string& document);
  static std::string recorded_id(std::int64_t event_row, int subscriber, std::size_t body);
  // new_id makes a random id for a notification that is never recorded.
  std::string new_id();
  void send_some();
  void arm_retry();
  void arm_ack_timer();
  // record_acks writes the watermarks that moved since the last time.
  void record_acks();

  Context& ctx_;
  // Outstanding notifications by their seq (recording order), so each subscriber receives a
  // key's notifications in sequence order unless the network reorders them.
  std::map<std::int64_t, Pending> pending_;
  std::map<std::string, std::int64_t> seq_of_;  // notification id -> key in pending_
  // Per subscriber, the notifications not sent yet, in order: sending never scans the
  // outstanding ones.
  std::map<std::string, std::deque<std::int64_t>> unsent_;
  std::map<std::string, std::uint32_t> in_flight_;  // by subscriber
  // Per subscriber: the ack watermark as committed, and the newest notification published.
  std::map<std::string, std::int64_t> watermarks_;
  std::map<std::string, std::int64_t> published_through_;
  TimerId retry_timer_ = 0;
  TimerId ack_timer_ = 0;
};

}  // namespace mw::core
