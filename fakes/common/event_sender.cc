#include "fakes/common/event_sender.h"

#include <utility>

#include "sim/check.h"

namespace mw::fakes {

std::vector<std::string> validate_sender_config(const SenderConfig& c, const std::string& prefix) {
  std::vector<std::string> problems;
  if (c.target.empty()) problems.push_back(prefix + "target: must name a node");
  if (c.max_batch_events == 0) problems.push_back(prefix + "max_batch_events: must be positive");
  if (c.max_batches_per_flush == 0) {
    problems.push_back(prefix + "max_batches_per_flush: must be positive");
  }
  if (c.flush_interval <= sim::Duration::zero()) {
    problems.push_back(prefix + "flush_interval: must be positive");
  }
  if (c.resend_after <= sim::Duration::zero()) {
    problems.push_back(prefix + "resend_after: must be positive");
  }
  if (!(c.duplicate_probability >= 0 && c.duplicate_probability <= 1)) {
    problems.push_back(prefix + "duplicate_probability: must be in [0, 1]");
  }
  if (!(c.reorder_probability >= 0 && c.reorder_probability <= 1)) {
    problems.push_back(prefix + "reorder_probability: must be in [0, 1]");
  }
  return problems;
}

void OutboxStore::add(std::string event_id, proto::SourceEvent event) {
  const std::uint64_t n = next_++;
  const bool fresh = by_id_.emplace(event_id, n).second;
  MW_CHECK(fresh, "an event id was queued twice in one outbox");
  entries_.emplace(n, Entry{std::move(event_id), std::move(event)});
  ++stats_.enqueued;
}

bool OutboxStore::remove(std::string_view event_id) {
  const auto it = by_id_.find(event_id);
  if (it == by_id_.end()) return false;
  entries_.erase(it->second);
  by_id_.erase(it);
  return true;
}

OutboxStore::Entry* OutboxStore::find(std::string_view event_id) {
  const auto it = by_id_.find(event_id);
  return it == by_id_.end() ? nullptr : &entries_.at(it->second);
}

void OutboxStore::reject(std::string_view event_id, std::string reason) {
  rejections_.emplace(std::string(event_id), std::move(reason));
}

EventSender::EventSender(sim::Node& node, OutboxStore& store, SenderConfig config, sim::Rng rng)
    : node_(node),
      store_(store),
      config_(std::move(config)),
      rng_(std::move(rng)),
      target_(node.find(config_.target)),
      // Batch ids only label traces and acks; the incarnation keeps them unique across crashes.
      next_batch_id_(static_cast<std::uint64_t>(node.incarnation()) << 32) {
  node_.after(config_.flush_interval, [this] { flush(); });
}

void EventSender::enqueue(std::string event_id, proto::SourceEvent event) {
  store_.add(std::move(event_id), std::move(event));
}

void EventSender::flush() {
  const sim::Time now = node_.now();
  std::vector<const OutboxStore::Entry*> batch;
  std::size_t batches = 0;
  for (auto& [n, entry] : store_.entries()) {
    if (batches == config_.max_batches_per_flush) break;
    const bool due =
        entry.sends == 0 || entry.retry_now || now - entry.last_sent >= config_.resend_after;
    if (!due) continue;
    if (entry.sends > 0) ++store_.stats().resends;
    ++entry.sends;
    entry.last_sent = now;
    entry.retry_now = false;
    batch.push_back(&entry);
    if (batch.size() == config_.max_batch_events) {
      send_batch(batch);
      ++batches;
    }
  }
  if (!batch.empty()) send_batch(batch);
  node_.after(config_.flush_interval, [this] { flush(); });
}

void EventSender::send_batch(std::vector<const OutboxStore::Entry*>& batch) {
  for (std::size_t i = 0; i + 1 < batch.size(); ++i) {
    if (config_.reorder_probability > 0 && rng_.bernoulli(config_.reorder_probability)) {
      std::swap(batch[i], batch[i + 1]);
      ++i;  // an event moves at most one place
    }
  }
  proto::Frame frame;
  proto::EventBatch& out = *frame.mutable_event_batch();
  out.set_batch_id(++next_batch_id_);
  std::vector<std::string>& ids = sent_batches_[out.batch_id()];
  for (const OutboxStore::Entry* e : batch) {
    *out.add_events() = e->event;
    ids.push_back(e->event_id);
    ++store_.stats().sends;
    if (config_.duplicate_probability > 0 && rng_.bernoulli(config_.duplicate_probability)) {
      *out.add_events() = e->event;
      ids.push_back(e->event_id);
      ++store_.stats().sends;
      ++store_.stats().duplicates;
    }
  }
  if (sent_batches_.size() > kRememberedBatches) sent_batches_.erase(sent_batches_.begin());
  ++store_.stats().batches;
  node_.trace("src.send", {{"batch", out.batch_id()}, {"events", out.events_size()}});
  std::string bytes;
  MW_CHECK(frame.SerializeToString(&bytes), "an event batch failed to serialize");
  node_.send(target_, std::move(bytes));
  batch.clear();
}

bool EventSender::on_frame(const proto::Frame& frame) {
  if (frame.has_ack()) {
    std::uint64_t removed = 0;
    for (const std::string& id : frame.ack().event_ids()) removed += store_.remove(id) ? 1 : 0;
    store_.stats().acked += removed;
    node_.trace("src.ack", {{"batch", frame.ack().batch_id()}, {"events", removed}});
    return true;
  }
  if (frame.has_nack()) {
    const proto::Nack& nack = frame.nack();
    node_.trace("src.nack", {{"event", nack.event_id()},
                             {"retryable", nack.retryable() ? 1 : 0},
                             {"reason", nack.reason()}});
    const std::string id =
        nack.event_id().empty() ? event_at(nack.batch_id(), nack.index()) : nack.event_id();
    if (id.empty()) return true;  // a batch too old to remember: the resend will be nacked again
    if (nack.retryable()) {
      ++store_.stats().nacked_retryable;
      if (OutboxStore::Entry* entry = store_.find(id)) entry->retry_now = true;
    } else if (store_.remove(id)) {
      ++store_.stats().rejected;
      store_.reject(id, nack.reason());
    }
    return true;
  }
  return false;
}

std::string EventSender::event_at(std::uint64_t batch_id, std::uint32_t index) const {
  const auto it = sent_batches_.find(batch_id);
  if (it == sent_batches_.end() || index >= it->second.size()) return "";
  return it->second[index];
}

}  // namespace mw::fakes
