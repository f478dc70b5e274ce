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
  MW_CHECK(target_.valid(), "the event sender's target names no node of the simulation");
  node_.after(config_.flush_interval, [this] { flush(); });
}

void EventSender::enqueue(std::string event_id, proto::SourceEvent event) {
  store_.add(std::move(event_id), std::move(event));
}

void EventSender::flush() {
  const sim::Time now = node_.now();
  std::vector<OutboxStore::Entry*> batch;
  std::size_t batches = 0;
  auto& entries = store_.entries();
  // A held entry that left the outbox (it cannot: it was never sent) is simply forgotten.
  if (held_ && !entries.contains(held_->n)) held_.reset();
  for (auto& [n, entry] : entries) {
    if (batches == config_.max_batches_per_flush) break;
    if (held_ && n == held_->n) continue;
    const bool due =
        entry.sends == 0 || entry.retry_now || now - entry.last_sent >= config_.resend_after;
    if (!due) continue;
    if (!held_ && entry.sends == 0 && config_.reorder_probability > 0 &&
        rng_.bernoulli(config_.reorder_probability)) {
      held_ = Held{n, now};  // leaves after the next event queued behind it
      continue;
    }
    take(entry, batch, batches);
    if (held_ && n > held_->n && batches < config_.max_batches_per_flush) {
      take(entries.at(held_->n), batch, batches);
      held_.reset();
    }
  }
  // Nothing overtook the held event within resend_after: it goes alone.
  if (held_ && now - held_->since >= config_.resend_after &&
      batches < config_.max_batches_per_flush) {
    take(entries.at(held_->n), batch, batches);
    held_.reset();
  }
  if (!batch.empty()) send_batch(batch);
  node_.after(config_.flush_interval, [this] { flush(); });
}

void EventSender::take(OutboxStore::Entry& entry, std::vector<OutboxStore::Entry*>& batch,
                       std::size_t& batches) {
  if (entry.sends > 0) ++store_.stats().resends;
  ++entry.sends;
  entry.last_sent = node_.now();
  entry.retry_now = false;
  const bool copy =
      config_.duplicate_probability > 0 && rng_.bernoulli(config_.duplicate_probability);
  for (int i = copy ? 2 : 1; i > 0; --i) {
    batch.push_back(&entry);
    if (batch.size() == config_.max_batch_events) {
      send_batch(batch);
      ++batches;
    }
  }
  if (copy) ++store_.stats().duplicates;
}

void EventSender::send_batch(std::vector<OutboxStore::Entry*>& batch) {
  proto::Frame frame;
  proto::EventBatch& out = *frame.mutable_event_batch();
  out.set_batch_id(++next_batch_id_);
  std::vector<std::string>& ids = sent_batches_[out.batch_id()];
  ids.reserve(batch.size());
  std::uint64_t resent = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    OutboxStore::Entry* e = batch[i];
    *out.add_events() = e->event;
    ids.push_back(e->event_id);
    if (e->first_batch == 0) e->first_batch = out.batch_id();
    // A deliberate copy directly follows its original; only the original can be a resend.
    const bool copy_of_previous = i > 0 && batch[i - 1] == e;
    if (!copy_of_previous && e->sends > 1) ++resent;
  }
  store_.stats().sends += batch.size();
  if (sent_batches_.size() > kRememberedBatches) sent_batches_.erase(sent_batches_.begin());
  ++store_.stats().batches;
  node_.trace("src.send",
              {{"batch", out.batch_id()}, {"events", out.events_size()}, {"resent", resent}});
  std::string bytes;
  MW_CHECK(frame.SerializeToString(&bytes), "an event batch failed to serialize");
  node_.send(target_, std::move(bytes));
  batch.clear();
}

bool EventSender::on_frame(const proto::Frame& frame) {
  if (frame.has_ack()) {
    std::uint64_t removed = 0;
    for (const std::string& id : frame.ack().event_ids()) {
      removed += about_entry(id, frame.ack().batch_id()) && store_.remove(id) ? 1 : 0;
    }
    store_.stats().acked += removed;
    node_.trace("src.ack", {{"batch", frame.ack().batch_id()}, {"events", removed}});
    return true;
  }
  if (frame.has_nack()) {
    const proto::Nack& nack = frame.nack();
    node_.trace("src.nack", {{"event", nack.event_id()},
                             {"retryable", nack.retryable() ? 1 : 0},
                             {"reason", nack.reason()}});
    if (nack.retryable()) {
      ++store_.stats().nacked_retryable;
      if (!nack.event_id().empty()) {
        if (OutboxStore::Entry* entry = store_.find(nack.event_id())) entry->retry_now = true;
      } else if (const auto it = sent_batches_.find(nack.batch_id()); it != sent_batches_.end()) {
        // No event named: the whole batch (a store failure) or one index of it (a batch too
        // large). Either way, what is still unacked of the batch is due: a resend costs at most
        // a duplicate, which the middleware absorbs.
        for (const std::string& id : it->second) {
          if (OutboxStore::Entry* entry = store_.find(id)) entry->retry_now = true;
        }
      }
      return true;
    }
    const std::string id =
        nack.event_id().empty() ? event_at(nack.batch_id(), nack.index()) : nack.event_id();
    if (id.empty()) return true;  // a batch too old to remember: the resend will be nacked again
    if (about_entry(id, nack.batch_id()) && store_.remove(id)) {
      ++store_.stats().rejected;
      store_.reject(id, nack.reason());
    }
    return true;
  }
  return false;
}

bool EventSender::about_entry(const std::string& event_id, std::uint64_t batch_id) {
  const OutboxStore::Entry* e = store_.find(event_id);
  return e != nullptr && e->first_batch != 0 && batch_id >= e->first_batch;
}

std::string EventSender::event_at(std::uint64_t batch_id, std::uint32_t index) const {
  const auto it = sent_batches_.find(batch_id);
  if (it == sent_batches_.end() || index >= it->second.size()) return "";
  return it->second[index];
}

}  // namespace mw::fakes
