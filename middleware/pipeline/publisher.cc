#include "middleware/pipeline/publisher.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <utility>

#include "middleware/probes.h"

namespace mw::core {

Publisher::~Publisher() {
  if (retry_timer_ != 0) ctx_.runtime.cancel_timer(retry_timer_);
  if (ack_timer_ != 0) ctx_.runtime.cancel_timer(ack_timer_);
}

std::string Publisher::new_id() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "n-%016llx%016llx",
                static_cast<unsigned long long>(ctx_.runtime.random_u64()),
                static_cast<unsigned long long>(ctx_.runtime.random_u64()));
  return buf;
}

std::string Publisher::recorded_id(std::int64_t event_row, int subscriber, std::size_t body) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "n-%012llx-%d-%zu", static_cast<unsigned long long>(event_row),
                subscriber, body);
  return buf;
}

std::vector<proto::Notification> Publisher::bodies_for(const WorkItem& item,
                                                       const std::string& document) {
  const proto::ErpCommand& c = item.command;
  std::vector<proto::Notification> out;
  auto inventory = [&](const std::string& plant, const std::string& material,
                       const std::string& lot, const std::string& location,
                       const proto::Quantity& q, bool negate) {
    proto::Notification n;
    proto::InventoryUpdated* u = n.mutable_inventory_updated();
    u->set_plant(plant);
    u->set_material(material);
    u->set_lot(lot);
    u->set_storage_location(location);
    *u->mutable_delta() = q;
    if (negate) u->mutable_delta()->set_milli(-q.milli());
    u->set_erp_document(document);
    out.push_back(std::move(n));
  };
  switch (c.body_case()) {
    case proto::ErpCommand::kGoodsIssue: {
      const auto& g = c.goods_issue();
      inventory(g.plant(), g.material(), g.lot(), g.storage_location(), g.quantity(), true);
      break;
    }
    case proto::ErpCommand::kGoodsReceipt: {
      const auto& g = c.goods_receipt();
      inventory(g.plant(), g.material(), g.lot(), g.storage_location(), g.quantity(), false);
      break;
    }
    case proto::ErpCommand::kScrap: {
      const auto& g = c.scrap();
      inventory(g.plant(), g.material(), g.lot(), g.storage_location(), g.quantity(), true);
      break;
    }
    case proto::ErpCommand::kTransfer: {
      const auto& t = c.transfer();
      inventory(t.plant(), t.material(), t.lot(), t.from_location(), t.quantity(), true);
      inventory(t.plant(), t.material(), t.lot(), t.to_location(), t.quantity(), false);
      break;
    }
    case proto::ErpCommand::kAdjustment: {
      const auto& a = c.adjustment();
      inventory(a.plant(), a.material(), a.lot(), a.storage_location(), a.delta(), false);
      break;
    }
    case proto::ErpCommand::kProductionConfirmation: {
      const auto& p = c.production_confirmation();
      proto::Notification n;
      proto::ProductionConfirmed* pc = n.mutable_production_confirmed();
      pc->set_plant(p.plant());
      pc->set_work_order(p.work_order());
      pc->set_operation(p.operation());
      *pc->mutable_yield_quantity() = p.yield_quantity();
      *pc->mutable_scrap_quantity() = p.scrap_quantity();
      pc->set_erp_document(document);
      out.push_back(std::move(n));
      break;
    }
    case proto::ErpCommand::kLotStatusChange: {
      const auto& l = c.lot_status_change();
      proto::Notification n;
      proto::LotStatusUpdated* u = n.mutable_lot_status_updated();
      u->set_plant(l.plant());
      u->set_material(l.material());
      u->set_lot(l.lot());
      u->set_status(l.status());
      out.push_back(std::move(n));
      break;
    }
    default:
      break;
  }
  for (auto& n : out) {
    n.set_source_event_id(item.event_id);
    n.set_ordering_key(item.ordering_key);
  }
  return out;
}

Result<std::vector<NotificationRow>> Publisher::record(const WorkItem& item,
                                                       const std::string& document) {
  std::vector<NotificationRow> rows;
  const std::vector<proto::Notification> bodies = bodies_for(item, document);
  const auto& subscribers = ctx_.config.publisher().subscribers();
  for (int s = 0; s < subscribers.size(); ++s) {
    const std::string& subscriber = subscribers[s];
    for (std::size_t b = 0; b < bodies.size(); ++b) {
      MW_ASSIGN(sequence, ctx_.store.next_notification_sequence(
                              subscriber, item.ordering_key, Store::CounterWrite::kWithNextFlush));
      proto::Frame frame;
      proto::Notification* n = frame.mutable_notification();
      *n = bodies[b];
      n->set_notification_id(recorded_id(item.event_row, s, b));
      n->set_sequence(static_cast<std::uint64_t>(sequence));
      NotificationRow row{0, n->notification_id(), subscriber, frame.SerializeAsString()};
      MW_ASSIGN(seq, ctx_.store.notification_put(row.id, subscriber, item.event_row,
                                                 item.ordering_key, sequence, row.body));
      row.seq = seq;
      // A subscriber's first notification brings its watermark row (kept if it exists), so
      // that a restart knows where to start resending.
      if (watermarks_.count(subscriber) == 0) {
        MW_TRY(ctx_.store.notification_watermark_add(subscriber, seq - 1));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

void Publisher::publish(std::vector<NotificationRow> rows) {
  for (NotificationRow& r : rows) {
    watermarks_.try_emplace(r.subscriber, r.seq - 1);  // as record wrote it
    std::int64_t& through = published_through_[r.subscriber];
    through = std::max(through, r.seq);
    // An id is recorded once per event posting; should one ever be stored twice, the copy
    // already outstanding stands for both (an ack settles it; the watermark passes the other).
    if (seq_of_.count(r.id) != 0) continue;
    ctx_.metrics.notifications_enqueued++;
    seq_of_[r.id] = r.seq;
    unsent_[r.subscriber].push_back(r.seq);
    pending_[r.seq] = Pending{std::move(r.id), std::move(r.subscriber), std::move(r.body)};
  }
  send_some();
  arm_retry();
}

void Publisher::publish_unrecorded(const WorkItem& item, const std::string& document) {
  for (const std::string& subscriber : ctx_.config.publisher().subscribers()) {
    for (proto::Notification n : bodies_for(item, document)) {
      auto sequence = ctx_.store.next_notification_sequence(subscriber, item.ordering_key,
                                                            Store::CounterWrite::kNow);
      if (!sequence.is_ok()) continue;  // unsafe path: nothing retries it
      n.set_notification_id(new_id());
      n.set_sequence(static_cast<std::uint64_t>(sequence.value()));
      proto::Frame frame;
      *frame.mutable_notification() = n;
      ctx_.metrics.notifications_sent++;
      ctx_.runtime.send(subscriber, frame.SerializeAsString());
    }
  }
}

Status Publisher::load() {
  MW_ASSIGN(marks, ctx_.store.notification_watermarks());
  std::int64_t from = 0;
  if (!marks.empty()) {
    from = std::min_element(marks.begin(), marks.end(), [](const auto& a, const auto& b) {
             return a.second < b.second;
           })->second;
  }
  watermarks_ = marks;
  published_through_ = marks;
  MW_ASSIGN(rows, ctx_.store.notifications_after(from));
  std::vector<NotificationRow> unacked;
  for (NotificationRow& r : rows) {
    auto mark = marks.find(r.subscriber);
    if (mark == marks.end() || r.seq > mark->second) unacked.push_back(std::move(r));
  }
  publish(std::move(unacked));
  return Status::ok();
}

void Publisher::send_some() {
  const Instant now = ctx_.now();
  const std::uint32_t cap = ctx_.config.publisher().max_in_flight();
  for (auto& [subscriber, queue] : unsent_) {
    std::uint32_t& flying = in_flight_[subscriber];
    while (!queue.empty() && flying < cap) {
      auto it = pending_.find(queue.front());
      queue.pop_front();
      if (it == pending_.end()) continue;  // acknowledged before it was ever sent
      Pending& p = it->second;
      ++flying;
      p.sent = true;
      p.last_sent = now;
      ctx_.metrics.notifications_sent++;
      ctx_.runtime.send(p.subscriber, p.frame);
      ctx_.runtime.crash_point(probes::kAfterNotificationSent);
    }
  }
}

void Publisher::arm_retry() {
  if (retry_timer_ != 0 || pending_.empty()) return;
  retry_timer_ =
      ctx_.runtime.set_timer(std::chrono::milliseconds(ctx_.config.publisher().retry_ms()), [this] {
        retry_timer_ = 0;
        const Instant now = ctx_.now();
        const Duration retry = std::chrono::milliseconds(ctx_.config.publisher().retry_ms());
        for (auto& [order, p] : pending_) {
          if (p.sent && now - p.last_sent >= retry) {
            p.last_sent = now;
            ctx_.metrics.notifications_sent++;
            ctx_.runtime.send(p.subscriber, p.frame);
          }
        }
        send_some();
        arm_retry();
      });
}

void Publisher::on_ack(const proto::NotificationAck& ack) {
  auto it = seq_of_.find(ack.notification_id());
  if (it == seq_of_.end()) return;  // a repeated ack
  auto pit = pending_.find(it->second);
  if (pit->second.sent) --in_flight_[pit->second.subscriber];
  pending_.erase(pit);
  seq_of_.erase(it);
  ctx_.metrics.notifications_acked++;
  // Written later with others: losing it to a crash only means resends.
  arm_ack_timer();
  send_some();
}

void Publisher::record_acks() {
  // A subscriber's watermark is just below its oldest outstanding notification, or its newest
  // published one when none is outstanding. Notifications recorded but not yet published
  // (their group has not committed) are above both.
  std::map<std::string, std::int64_t> marks = published_through_;
  std::set<std::string> found;
  for (const auto& [seq, p] : pending_) {
    if (found.size() == marks.size()) break;
    if (found.insert(p.subscriber).second) marks[p.subscriber] = seq - 1;
  }
  auto moved = std::make_shared<std::vector<std::pair<std::string, std::int64_t>>>();
  for (const auto& [subscriber, mark] : marks) {
    if (mark > watermarks_[subscriber]) moved->emplace_back(subscriber, mark);
  }
  if (moved->empty()) return;
  Status s = ctx_.commits.begin();
  for (const auto& [subscriber, mark] : *moved) {
    if (s.is_ok()) s = ctx_.store.notification_watermark_put(subscriber, mark);
  }
  ctx_.commits.end(
      s,
      [this, moved] {
        for (const auto& [subscriber, mark] : *moved) {
          std::int64_t& stored = watermarks_[subscriber];
          stored = std::max(stored, mark);
        }
        if (!pending_.empty()) ctx_.runtime.crash_point(probes::kAfterAckWatermarkCommits);
      },
      [this](const Error&) { arm_ack_timer(); });  // try again later; a restart only resends
}

void Publisher::arm_ack_timer() {
  if (ack_timer_ != 0) return;
  ack_timer_ = ctx_.runtime.set_timer(
      std::chrono::milliseconds(ctx_.config.publisher().ack_record_delay_ms()), [this] {
        ack_timer_ = 0;
        record_acks();
      });
}

}  // namespace mw::core
