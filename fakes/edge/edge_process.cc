#include "fakes/edge/edge_process.h"

#include <algorithm>
#include <utility>

#include "fakes/common/process_factory.h"
#include "fakes/edge/event_key.h"
#include "sim/check.h"

namespace mw::fakes {
namespace {

constexpr const char* kUnreadableReason =
    "edge: the event id cannot be read; the event is stored and forwarded as sent, and the "
    "middleware will quarantine it: do not send it again";

}  // namespace

EdgeProcess::EdgeProcess(sim::Node& node, EdgeBook& book, std::shared_ptr<const EdgeConfig> config)
    : node_(node),
      book_(book),
      config_(std::move(config)),
      target_(node.find(config_->target)),
      // Batch ids only need to be unique per edge; the incarnation keeps them so across crashes.
      next_batch_id_(static_cast<std::uint64_t>(node.incarnation()) << 32) {
  MW_CHECK(target_.valid(), "edge.target names no node of the simulation");
  open();
  node_.after(config_->flush_interval, [this] { tick(); });
}

void EdgeProcess::open() {
  std::string error;
  store_ = EdgeStore::open(config_->db_path, node_.volume().vfs_name(), &error);
  std::uint64_t held = 0;
  if (store_ != nullptr && !store_->count(&held)) {
    error = store_->error();
    store_.reset();
  }
  if (store_ == nullptr) {
    ++book_.stats().open_failures;
    node_.trace("edge.open_failed", {{"reason", error}});
    node_.after(config_->reopen_interval, [this] { open(); });
    return;
  }
  backlog_ = held;
  unsent_ = held;
  cursor_ = 0;
  last_sweep_.reset();
  book_.set_backlog(held);
  node_.trace("edge.open", {{"backlog", held}});
}

void EdgeProcess::fail_store(std::string_view op) {
  ++book_.stats().store_failures;
  node_.trace("edge.store_failed", {{"op", op}, {"reason", store_->error()}});
  store_.reset();
  // What was in flight goes again from the store after the reopen. The compositions of retired
  // batches are forgotten too: a commit lost with the disk may give its seqs to other events.
  in_flight_.clear();
  batch_of_.clear();
  retired_.clear();
  node_.after(config_->reopen_interval, [this] { open(); });
}

void EdgeProcess::on_message(sim::NodeId from, std::string_view bytes) {
  proto::Frame frame;
  const bool parsed = frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  const bool from_target = from == target_;
  if (parsed && frame.has_event_batch()) return on_batch(from, frame.event_batch());
  if (parsed && from_target && frame.has_ack()) return on_ack(frame.ack());
  if (parsed && from_target && frame.has_nack()) return on_nack(frame.nack());
  ++book_.stats().garbage;
  node_.trace("edge.garbage", {{"from", node_.peer_name(from)}, {"bytes", bytes.size()}});
}

// ---- Upstream: store, then answer. ----

void EdgeProcess::on_batch(sim::NodeId from, const proto::EventBatch& batch) {
  EdgeStats& stats = book_.stats();
  const auto n = static_cast<std::size_t>(batch.events_size());
  stats.received += n;
  std::vector<EdgeStore::Incoming> in(n);
  std::vector<std::string> ids(n);  // "" when unreadable
  for (std::size_t i = 0; i < n; ++i) {
    const proto::SourceEvent& e = batch.events(static_cast<int>(i));
    std::optional<std::string> id = peek_event_id(e.format(), e.payload());
    if (!id) ++stats.unreadable_ids;
    ids[i] = id.value_or("");
    in[i] =
        EdgeStore::Incoming{ids[i], event_hash(e.format(), e.payload()), e.format(), e.payload()};
  }
  if (store_ == nullptr) {
    return nack_all(from, batch, ids, "edge store unavailable, resend later");
  }
  const std::uint64_t room =
      backlog_ >= config_->max_backlog_events ? 0 : config_->max_backlog_events - backlog_;
  const bool remember = config_->dedup_memory > sim::Duration::zero();
  const std::int64_t now_ns = sim::to_nanos(node_.now());
  std::vector<EdgeStore::Outcome> outcomes;
  if (!store_->store_batch(in, now_ns, room, remember, now_ns - config_->dedup_memory.count(),
                           &outcomes)) {
    nack_all(from, batch, ids, "edge store failed, resend later: " + store_->error());
    return fail_store("store batch");
  }

  proto::Frame ack;
  ack.mutable_ack()->set_batch_id(batch.batch_id());
  std::vector<proto::Frame> nacks;
  auto nack = [&](std::size_t i, const std::string& reason, bool retryable) {
    proto::Nack& out = *nacks.emplace_back().mutable_nack();
    out.set_batch_id(batch.batch_id());
    out.set_index(static_cast<std::uint32_t>(i));
    out.set_event_id(ids[i]);
    out.set_reason(reason);
    out.set_retryable(retryable);
  };
  std::uint64_t fresh = 0;
  for (std::size_t i = 0; i < n; ++i) {
    switch (outcomes[i]) {
      case EdgeStore::Outcome::kStored:
        ++fresh;
        break;
      case EdgeStore::Outcome::kDuplicate:
        ++stats.duplicates;
        break;
      case EdgeStore::Outcome::kFull:
        ++stats.refused;
        nack(i, "edge store full (" + std::to_string(backlog_) + " events), resend later", true);
        continue;
    }
    if (ids[i].empty()) {
      nack(i, kUnreadableReason, false);
    } else {
      ack.mutable_ack()->add_event_ids(ids[i]);
    }
  }
  stats.stored += fresh;
  backlog_ += fresh;
  unsent_ += fresh;
  book_.set_backlog(backlog_);
  node_.trace("edge.store", {{"batch", batch.batch_id()}, {"events", fresh}});
  if (ack.ack().event_ids_size() > 0) send_upstream(from, ack);
  for (const proto::Frame& f : nacks) send_upstream(from, f);
  if (unsent_ >= config_->max_batch_events) fill_window(/*full_only=*/true);
}

void EdgeProcess::nack_all(sim::NodeId to, const proto::EventBatch& batch,
                           const std::vector<std::string>& ids, const std::string& reason) {
  book_.stats().refused += ids.size();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    proto::Frame f;
    proto::Nack& out = *f.mutable_nack();
    out.set_batch_id(batch.batch_id());
    out.set_index(static_cast<std::uint32_t>(i));
    out.set_event_id(ids[i]);
    out.set_reason(reason);
    out.set_retryable(true);
    send_upstream(to, f);
  }
}

void EdgeProcess::send_upstream(sim::NodeId to, const proto::Frame& frame) {
  std::string bytes;
  MW_CHECK(frame.SerializeToString(&bytes), "an edge reply failed to serialize");
  node_.send(to, std::move(bytes));
}

// ---- Downstream: forward in store order, settle on the middleware's word. ----

void EdgeProcess::tick() {
  if (store_ != nullptr) resend_due();
  if (store_ != nullptr) fill_window(/*full_only=*/false);
  node_.after(config_->flush_interval, [this] { tick(); });
}

void EdgeProcess::fill_window(bool full_only) {
  const EdgeConfig& c = *config_;
  std::vector<EdgeStore::Row> rows;
  while (store_ != nullptr && in_flight_.size() < c.max_batches_in_flight && unsent_ > 0 &&
         (!full_only || unsent_ >= c.max_batch_events)) {
    if (!store_->read_after(cursor_, c.max_batch_events, &rows)) return fail_store("read batch");
    if (rows.size() != std::min<std::uint64_t>(unsent_, c.max_batch_events)) {
      // Only a store that lost or tore what it had committed gets here (a disk that ignored
      // its syncs): the edge goes on with what its store holds, and the oracles see the loss.
      node_.trace("edge.store_disagrees", {{"counted", unsent_}, {"read", rows.size()}});
      unsent_ = rows.size();
      if (rows.empty()) return;
    }
    cursor_ = rows.back().seq;
    unsent_ -= rows.size();
    send_batch(rows, /*resent=*/false);
  }
}

void EdgeProcess::resend_due() {
  const sim::Time now = node_.now();
  // Go-back-N: the batches in flight in store order (by their first unsettled event); from the
  // oldest one that is due, that batch and every newer one go again, so that a resend never
  // arrives behind something newer that the edge sent after it.
  std::vector<std::pair<std::int64_t, std::uint64_t>> order;
  for (const auto& [id, f] : in_flight_) {
    const auto first = std::find_if(f.members.begin(), f.members.end(),
                                    [](const Member& m) { return !m.settled; });
    MW_CHECK(first != f.members.end(), "a settled batch stayed in flight");
    order.emplace_back(first->seq, id);
  }
  std::sort(order.begin(), order.end());
  const auto due = std::find_if(order.begin(), order.end(), [&](const auto& entry) {
    const InFlight& f = in_flight_.at(entry.second);
    return f.retry_now || now - f.last_sent >= config_->resend_after;
  });
  EdgeStats& stats = book_.stats();
  std::vector<EdgeStore::Row> rows;
  for (auto it = due; it != order.end(); ++it) {
    const std::uint64_t id = it->second;
    InFlight& f = in_flight_.at(id);
    if (f.open == f.members.size()) {
      f.last_sent = now;
      f.retry_now = false;
      ++stats.batches_sent;
      stats.forward_sends += f.open;
      stats.resends += f.open;
      node_.trace("edge.forward", {{"batch", id}, {"events", f.open}, {"resent", 1}});
      node_.send(target_, f.bytes);
      continue;
    }
    // Part of it is settled: the rest goes in a new batch.
    rows.clear();
    for (const Member& m : f.members) {
      if (m.settled) continue;
      EdgeStore::Row& row = rows.emplace_back();
      bool found = false;
      if (!store_->read_seq(m.seq, &row, &found)) return fail_store("read resend");
      MW_CHECK(found, "an unsettled event in flight is missing from the edge's store");
    }
    retire(id);
    send_batch(rows, /*resent=*/true);
  }
}

void EdgeProcess::send_batch(std::vector<EdgeStore::Row>& rows, bool resent) {
  const std::uint64_t id = ++next_batch_id_;
  proto::Frame frame;
  proto::EventBatch& batch = *frame.mutable_event_batch();
  batch.set_batch_id(id);
  InFlight f;
  f.members.reserve(rows.size());
  for (EdgeStore::Row& row : rows) {
    proto::SourceEvent& e = *batch.add_events();
    e.set_format(row.format);
    e.set_payload(std::move(row.payload));
    batch_of_[row.seq] = id;
    f.members.push_back(Member{row.seq, std::move(row.event_id), row.hash, false});
  }
  MW_CHECK(frame.SerializeToString(&f.bytes), "an edge batch failed to serialize");
  f.open = rows.size();
  f.last_sent = node_.now();
  EdgeStats& stats = book_.stats();
  ++stats.batches_sent;
  stats.forward_sends += rows.size();
  if (resent) stats.resends += rows.size();
  node_.trace("edge.forward", {{"batch", id}, {"events", rows.size()}, {"resent", resent ? 1 : 0}});
  node_.send(target_, f.bytes);
  in_flight_.emplace(id, std::move(f));
}

void EdgeProcess::retire(std::uint64_t batch_id) {
  auto it = in_flight_.find(batch_id);
  std::vector<std::int64_t>& seqs = retired_[batch_id];
  for (const Member& m : it->second.members) {
    seqs.push_back(m.seq);
    if (!m.settled) batch_of_.erase(m.seq);
  }
  in_flight_.erase(it);
  if (retired_.size() > kRememberedBatches) retired_.erase(retired_.begin());
}

EdgeProcess::Found EdgeProcess::find_member(std::uint64_t batch_id, std::string_view event_id) {
  // Only within the composition of the batch the reply names: an id may be in flight twice with
  // two payloads (a MES that reused it), and a reply about one copy must never settle the other,
  // which the middleware may not even have seen yet.
  if (auto it = in_flight_.find(batch_id); it != in_flight_.end()) {
    for (Member& m : it->second.members) {
      if (!m.settled && m.event_id == event_id) return {batch_id, &m};
    }
    return {0, nullptr};
  }
  // A batch retired for a resend: its unsettled events went on in newer batches.
  if (auto r = retired_.find(batch_id); r != retired_.end()) {
    for (const std::int64_t seq : r->second) {
      auto b = batch_of_.find(seq);
      if (b == batch_of_.end()) continue;  // settled
      for (Member& m : in_flight_.at(b->second).members) {
        if (m.seq == seq && !m.settled && m.event_id == event_id) return {b->second, &m};
      }
    }
  }
  return {0, nullptr};  // settled already, forgotten, or sent by an earlier incarnation
}

void EdgeProcess::on_ack(const proto::Ack& ack) {
  EdgeStats& stats = book_.stats();
  if (store_ == nullptr) {
    stats.stray_replies += static_cast<std::uint64_t>(ack.event_ids_size());
    return;
  }
  std::vector<EdgeStore::Settlement> settlements;
  std::vector<std::uint64_t> batches;
  for (const std::string& id : ack.event_ids()) {
    const auto [batch, member] = find_member(ack.batch_id(), id);
    if (member == nullptr) {
      ++stats.stray_replies;  // settled already, or sent by an earlier incarnation
      continue;
    }
    member->settled = true;  // a failed commit closes the store and drops in-flight state
    settlements.push_back(
        EdgeStore::Settlement{member->seq, member->event_id, member->hash, false, ""});
    batches.push_back(batch);
  }
  if (settlements.empty()) return;
  if (!settle(settlements, batches)) return;
  stats.acked += settlements.size();
  node_.trace("edge.ack", {{"batch", ack.batch_id()}, {"events", settlements.size()}});
  fill_window(/*full_only=*/true);
}

void EdgeProcess::on_nack(const proto::Nack& nack) {
  EdgeStats& stats = book_.stats();
  if (nack.retryable()) ++stats.nacked_retryable;
  if (store_ == nullptr) {
    ++stats.stray_replies;
    return;
  }
  // The event: by index in a batch in flight (the one composition its id ever had), else by
  // id, else by index in a retired batch.
  Found found{0, nullptr};
  if (auto it = in_flight_.find(nack.batch_id());
      it != in_flight_.end() && nack.index() < it->second.members.size()) {
    Member& m = it->second.members[nack.index()];
    if (nack.event_id().empty() || nack.event_id() == m.event_id) found = {it->first, &m};
  }
  if (found.second == nullptr && !nack.event_id().empty()) {
    found = find_member(nack.batch_id(), nack.event_id());
  }
  if (found.second == nullptr && nack.event_id().empty()) {
    if (auto r = retired_.find(nack.batch_id());
        r != retired_.end() && nack.index() < r->second.size()) {
      if (auto b = batch_of_.find(r->second[nack.index()]); b != batch_of_.end()) {
        for (Member& m : in_flight_.at(b->second).members) {
          if (m.seq == b->first) found = {b->second, &m};
        }
      }
    }
  }
  if (found.second == nullptr || found.second->settled) {
    ++stats.stray_replies;
    return;
  }
  if (nack.retryable()) {
    in_flight_.at(found.first).retry_now = true;
    return;
  }
  Member& m = *found.second;
  m.settled = true;
  const EdgeRejection rejection{m.seq, m.event_id, nack.reason(), node_.now()};
  if (!settle({EdgeStore::Settlement{m.seq, m.event_id, m.hash, true, nack.reason()}},
              {found.first})) {
    return;
  }
  ++stats.rejected;
  node_.trace("edge.reject", {{"event", rejection.event_id}, {"reason", rejection.reason}});
  book_.add_rejection(rejection);
  fill_window(/*full_only=*/true);
}

bool EdgeProcess::settle(const std::vector<EdgeStore::Settlement>& settlements,
                         const std::vector<std::uint64_t>& batches) {
  const sim::Time now = node_.now();
  const bool remember = config_->dedup_memory > sim::Duration::zero();
  // Lookups ignore expired keys; the sweep that deletes them scans the memory, so it runs at
  // most once per kSweepInterval (and at the first settle of a store connection).
  std::optional<std::int64_t> forget_before;
  if (remember && (!last_sweep_ || now - *last_sweep_ >= kSweepInterval)) {
    forget_before = sim::to_nanos(now) - config_->dedup_memory.count();
  }
  if (!store_->settle(settlements, sim::to_nanos(now), remember, forget_before)) {
    fail_store("settle");
    return false;
  }
  if (forget_before) last_sweep_ = now;
  for (std::size_t i = 0; i < settlements.size(); ++i) {
    batch_of_.erase(settlements[i].seq);
    InFlight& f = in_flight_.at(batches[i]);
    if (--f.open == 0) retire(batches[i]);
  }
  backlog_ -= settlements.size();
  book_.set_backlog(backlog_);
  return true;
}

std::vector<EdgeStore::Row> EdgeProcess::queued() {
  std::vector<EdgeStore::Row> rows;
  if (store_ != nullptr && !store_->list_queue(&rows)) fail_store("list queue");
  return rows;
}

std::vector<EdgeStore::ForwardedRow> EdgeProcess::forwarded() {
  std::vector<EdgeStore::ForwardedRow> rows;
  if (store_ != nullptr && !store_->list_forwarded(&rows)) fail_store("list forwarded");
  return rows;
}

std::vector<EdgeStore::RejectedRow> EdgeProcess::rejected() {
  std::vector<EdgeStore::RejectedRow> rows;
  if (store_ != nullptr && !store_->list_rejected(&rows)) fail_store("list rejected");
  return rows;
}

sim::ProcessFactory make_edge(EdgeBook& book, EdgeConfig config) {
  require_valid(validate_edge_config(config));
  return process_factory<EdgeProcess>(book, std::make_shared<const EdgeConfig>(std::move(config)));
}

}  // namespace mw::fakes
