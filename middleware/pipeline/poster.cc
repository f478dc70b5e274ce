#include "middleware/pipeline/poster.h"

#include <algorithm>

#include "middleware/dead_letter.h"
#include "middleware/pipeline/publisher.h"
#include "middleware/policy/backoff.h"
#include "middleware/probes.h"
#include "middleware/proto/wire.pb.h"

namespace mw::core {
namespace {

// How many timed-out requests are remembered so that a late success can still be used.
constexpr std::size_t kMaxTimedOutRemembered = 10000;
// The write-behind delay of the unsafe publish_before_posted_durable setting.
constexpr int kWriteBehindMs = 50;

// answers_question tells whether `reply` answers what was asked: a query result (or a
// transient failure) to a query; a success, rejection (or transient failure) to a command. Any
// other reply (a query result to a command, a posting to a query, no outcome at all) proves
// nothing and counts as an unknown outcome.
bool answers_question(bool query, const proto::ErpReply& reply) {
  const auto outcome = reply.outcome_case();
  if (outcome == proto::ErpReply::kTransient) return true;
  return query ? outcome == proto::ErpReply::kQueryResult
               : outcome == proto::ErpReply::kSuccess || outcome == proto::ErpReply::kRejection;
}

DeadLetterClass class_of(proto::RejectionCode code) {
  switch (code) {
    case proto::CLOSED_PERIOD:
      return DeadLetterClass::kClosedPeriod;
    case proto::BLOCKED_LOT:
      return DeadLetterClass::kBlockedLot;
    case proto::UNKNOWN_MATERIAL:
      return DeadLetterClass::kUnknownMaterial;
    case proto::INSUFFICIENT_STOCK:
      return DeadLetterClass::kInsufficientStock;
    case proto::UNKNOWN_WORK_ORDER:
      return DeadLetterClass::kUnknownWorkOrder;
    default:
      return DeadLetterClass::kInvalidCommand;
  }
}

}  // namespace

Poster::Poster(Context& ctx, Publisher& publisher)
    : ctx_(ctx),
      publisher_(publisher),
      bucket_(ctx.config.poster().rate_limit_per_s(), ctx.config.poster().rate_limit_burst()),
      breaker_(ctx.config.poster().breaker_failure_threshold(),
               std::chrono::milliseconds(ctx.config.poster().breaker_open_ms())),
      // Request ids of different process lives must not collide: a late reply to a previous
      // life must never match a request of this one.
      next_request_id_((ctx.runtime.random_u64() >> 20) + 1) {}

Poster::~Poster() {
  for (auto& [id, flight] : in_flight_) ctx_.runtime.cancel_timer(flight.timer);
  for (auto& [key, queue] : queues_) {
    for (auto& [pos, item] : queue) {
      if (item.retry_timer != 0) ctx_.runtime.cancel_timer(item.retry_timer);
    }
  }
  if (wake_timer_ != 0) ctx_.runtime.cancel_timer(wake_timer_);
  for (const auto& [token, t] : write_behind_timers_) ctx_.runtime.cancel_timer(t);
}

void Poster::add(WorkItem work, bool recovered) {
  const std::string key = work.ordering_key;
  Item item;
  item.needs_reconcile =
      recovered && !work.barrier && !ctx_.config.poster().erp_honours_idempotency_keys();
  item.work = std::move(work);
  Queue& queue = queues_[key];
  Item& placed = queue[{item.work.sequence, item.work.event_row}] = std::move(item);
  if (!placed.work.barrier && queue.begin()->second.work.barrier) {
    ctx_.runtime.reached(probes::kDeadLetterParksSuccessors);
  }
  if (placed.needs_reconcile) {
    // A previous life may have sent this command just before it died, and the ERP may still
    // be processing it. A query sent now could find nothing and lead to a second posting:
    // wait the in-doubt time first, as after a timeout in this life.
    const Duration wait = std::chrono::milliseconds(ctx_.config.poster().in_doubt_wait_ms());
    placed.in_doubt_until = ctx_.now() + wait;
    placed.not_before = placed.in_doubt_until;
    const std::int64_t row = placed.work.event_row;
    placed.retry_timer = ctx_.runtime.set_timer(wait, [this, key, row] {
      if (Item* it = find(key, row)) it->retry_timer = 0;
      make_ready(key);
      pump();
    });
  }
  make_ready(key);
}

void Poster::replace_barrier(const std::string& key, std::int64_t event_row,
                             const proto::ErpCommand* command) {
  auto qit = queues_.find(key);
  if (qit == queues_.end()) return;
  for (auto it = qit->second.begin(); it != qit->second.end(); ++it) {
    if (it->second.work.event_row != event_row) continue;
    if (command == nullptr) {
      qit->second.erase(it);
    } else {
      Item& item = it->second;
      item.work.barrier = false;
      item.work.command = *command;
      item.attempts = 0;
      item.needs_reconcile = false;
    }
    break;
  }
  if (qit->second.empty()) queues_.erase(qit);
  make_ready(key);
}

std::size_t Poster::queued() const {
  std::size_t n = 0;
  for (const auto& [key, queue] : queues_) n += queue.size();
  return n;
}

std::string Poster::breaker_state() const {
  return std::string(to_string(breaker_.state(ctx_.now())));
}

Poster::Item* Poster::find(const std::string& key, std::int64_t event_row) {
  auto qit = queues_.find(key);
  if (qit == queues_.end()) return nullptr;
  for (auto& [pos, item] : qit->second) {
    if (item.work.event_row == event_row) return &item;
  }
  return nullptr;
}

void Poster::failure(Instant now) {
  const bool was_open = breaker_.state(now) == CircuitBreaker::State::kOpen;
  breaker_.on_failure(now);
  if (!was_open && breaker_.state(now) == CircuitBreaker::State::kOpen) {
    breaker_opened_at_ = now;
    ++ctx_.metrics.breaker_opened;
    ctx_.runtime.reached(probes::kBreakerOpened);
  }
}

void Poster::make_ready(const std::string& key) {
  if (ready_set_.insert(key).second) ready_.push_back(key);
}

Poster::Item* Poster::sendable(const std::string& key, Instant now) {
  auto qit = queues_.find(key);
  if (qit == queues_.end()) return nullptr;
  const auto& unsafe = ctx_.config.unsafe();
  const std::uint32_t per_key = std::max<std::uint32_t>(1, unsafe.max_in_flight_per_key());
  // Count every request of the key in flight, wherever its item sorts: a replayed event with
  // an earlier sequence must not fly beside a later one.
  std::uint32_t flying = 0;
  for (const auto& [pos, item] : qit->second) flying += item.in_flight;
  if (flying >= per_key) return nullptr;
  for (auto& [pos, item] : qit->second) {
    if (item.work.barrier) {
      if (unsafe.no_parking_behind_dead_letter()) continue;
      return nullptr;  // parked behind a dead letter
    }
    if (item.in_flight > 0) continue;
    // Later items never overtake one waiting for its backoff.
    return item.not_before <= now ? &item : nullptr;
  }
  return nullptr;
}

void Poster::wake_at(Instant when) {
  if (wake_timer_ != 0 && wake_at_ <= when) return;
  if (wake_timer_ != 0) ctx_.runtime.cancel_timer(wake_timer_);
  wake_at_ = when;
  const Duration delay = when > ctx_.now() ? when - ctx_.now() : Duration::zero();
  wake_timer_ = ctx_.runtime.set_timer(delay, [this] {
    wake_timer_ = 0;
    pump();
  });
}

void Poster::pump() {
  const Instant now = ctx_.now();
  const std::uint32_t max_in_flight = ctx_.config.poster().max_in_flight();
  while (!ready_.empty()) {
    if (in_flight_.size() >= max_in_flight) return;  // a reply or timeout pumps again
    const std::string key = ready_.front();
    Item* item = sendable(key, now);
    if (item == nullptr) {
      ready_.pop_front();
      ready_set_.erase(key);
      continue;
    }
    const Instant token_at = bucket_.next_available(now);
    if (token_at > now) return wake_at(token_at);
    const bool probe = breaker_.state(now) == CircuitBreaker::State::kHalfOpen;
    if (!breaker_.allow(now)) {
      // Open: wake when it turns half-open. Half-open with its probe out: the probe's outcome
      // pumps again.
      if (breaker_.state(now) == CircuitBreaker::State::kOpen) {
        wake_at(breaker_opened_at_ +
                std::chrono::milliseconds(ctx_.config.poster().breaker_open_ms()));
      }
      return;
    }
    bucket_.try_take(now);
    ready_.pop_front();
    ready_set_.erase(key);
    send(key, *item, probe);
    if (ctx_.config.unsafe().max_in_flight_per_key() > 1) make_ready(key);
  }
}

void Poster::send(const std::string& key, Item& item, bool probe) {
  const std::uint64_t id = next_request_id_++;
  proto::Frame frame;
  proto::ErpRequest* req = frame.mutable_erp_request();
  req->set_request_id(id);
  const bool query = item.needs_reconcile;
  if (query) {
    req->mutable_query()->set_external_reference(item.work.command.external_reference());
    ++ctx_.metrics.reconciliations;
  } else {
    *req->mutable_command() = item.work.command;
    if (item.attempts > 0) ++ctx_.metrics.retries;
    item.in_doubt_until =
        ctx_.now() + std::chrono::milliseconds(ctx_.config.poster().in_doubt_wait_ms());
  }
  ++ctx_.metrics.erp_requests;
  ++item.in_flight;
  const TimerId timer =
      ctx_.runtime.set_timer(std::chrono::milliseconds(ctx_.config.poster().request_timeout_ms()),
                             [this, id] { on_timeout(id); });
  in_flight_[id] = Flight{key, item.work.event_row, query, probe, timer};
  ctx_.runtime.send(ctx_.config.erp_endpoint(), frame.SerializeAsString());
  ctx_.runtime.crash_point(probes::kAfterErpRequestSent);
}

void Poster::finish_flight(Flight& flight) {
  if (Item* item = find(flight.key, flight.event_row); item != nullptr && item->in_flight > 0)
    --item->in_flight;
}

void Poster::on_timeout(std::uint64_t request_id) {
  auto it = in_flight_.find(request_id);
  if (it == in_flight_.end()) return;
  Flight flight = it->second;
  in_flight_.erase(it);
  timed_out_[request_id] = flight;
  if (timed_out_.size() > kMaxTimedOutRemembered) timed_out_.erase(timed_out_.begin());
  finish_flight(flight);
  ++ctx_.metrics.timeouts;
  failure(ctx_.now());
  if (Item* item = find(flight.key, flight.event_row)) {
    // The outcome is unknown. Without idempotency keys, ask before sending again.
    if (!flight.query && !ctx_.config.poster().erp_honours_idempotency_keys() &&
        !ctx_.config.unsafe().retry_without_reconciliation()) {
      item->needs_reconcile = true;
    }
    retry_later(flight.key, *item, Duration::zero());
  }
  make_ready(flight.key);
  pump();
}

void Poster::on_reply(const proto::ErpReply& reply) {
  Flight flight;
  if (auto it = in_flight_.find(reply.request_id()); it != in_flight_.end()) {
    flight = it->second;
    in_flight_.erase(it);
    ctx_.runtime.cancel_timer(flight.timer);
    finish_flight(flight);
    report_to_breaker(flight, reply);
  } else if (auto late = timed_out_.find(reply.request_id()); late != timed_out_.end()) {
    // The breaker already counted this request as failed when it timed out: a reply slower
    // than the design tolerates does not undo that (it would let a slow ERP's late replies
    // close the breaker while every new request still times out).
    flight = late->second;
    timed_out_.erase(late);
    ctx_.runtime.reached(probes::kLateReply);
    if (flight.probe) ctx_.runtime.reached(probes::kHalfOpenProbeAnsweredLate);
    // A late reply only helps if it proves the posting exists.
    const bool proves_posting =
        reply.has_success() || (reply.has_query_result() && reply.query_result().found());
    if (!proves_posting) return;
  } else {
    return;  // not ours, or already handled
  }
  handle_outcome(flight, reply);
  make_ready(flight.key);
  pump();
}

void Poster::report_to_breaker(const Flight& flight, const proto::ErpReply& reply) {
  if (answers_question(flight.query, reply) && !reply.has_transient()) {
    breaker_.on_success();  // the ERP answered: a rejection is a healthy ERP saying no
    return;
  }
  ++ctx_.metrics.transient_failures;
  failure(ctx_.now());
  if (reply.has_transient() && reply.transient().kind() == proto::THROTTLED) {
    ++ctx_.metrics.throttled;
    bucket_.pause_until(ctx_.now() + std::chrono::milliseconds(reply.transient().retry_after_ms()));
  }
}

void Poster::handle_outcome(const Flight& flight, const proto::ErpReply& reply) {
  Item* item = find(flight.key, flight.event_row);
  // Already finished (settled by a late reply to an earlier attempt): the breaker has had
  // this request's outcome, and nothing is left to do for the item.
  if (item == nullptr || item->work.barrier || item->concluding) return;
  const bool legacy = !ctx_.config.poster().erp_honours_idempotency_keys();
  if (!answers_question(flight.query, reply)) {
    if (legacy && !ctx_.config.unsafe().retry_without_reconciliation())
      item->needs_reconcile = true;
    return retry_later(flight.key, *item, Duration::zero());
  }
  // The ERP answered the command: it is no longer processing it. (Earlier commands of this
  // item were settled by a query before this one was sent.)
  if (!flight.query) item->in_doubt_until = ctx_.now();
  switch (reply.outcome_case()) {
    case proto::ErpReply::kSuccess:
      return posted(flight.key, *item, reply.success().document_number());
    case proto::ErpReply::kQueryResult:
      if (reply.query_result().found()) {
        ctx_.runtime.reached(probes::kReconcileFound);
        ++ctx_.metrics.reconciled_as_posted;
        return posted(flight.key, *item, reply.query_result().document_number());
      }
      ctx_.runtime.reached(probes::kReconcileNotFound);
      item->needs_reconcile = false;  // not posted: the command may be sent again, now
      return;
    case proto::ErpReply::kRejection:
      return rejected(flight.key, *item, reply.rejection());
    default: {
      const auto kind = reply.transient().kind();
      const Duration at_least =
          kind == proto::THROTTLED
              ? Duration(std::chrono::milliseconds(reply.transient().retry_after_ms()))
              : Duration::zero();
      // Unavailable and throttled mean the request was not processed. An internal error may
      // come after a commit, so on an ERP without idempotency keys it is an unknown outcome.
      // A failed query leaves the outcome as unknown as it was.
      if (!flight.query && kind != proto::UNAVAILABLE && kind != proto::THROTTLED && legacy &&
          !ctx_.config.unsafe().retry_without_reconciliation()) {
        item->needs_reconcile = true;
      }
      return retry_later(flight.key, *item, at_least);
    }
  }
}

void Poster::retry_later(const std::string& key, Item& item, Duration at_least) {
  ++item.attempts;
  const auto& p = ctx_.config.poster();
  const BackoffPolicy policy{std::chrono::milliseconds(p.backoff_initial_ms()),
                             std::chrono::milliseconds(p.backoff_max_ms()),
                             p.backoff_multiplier_percent(), p.backoff_jitter_percent()};
  Duration delay = backoff_delay(policy, item.attempts, ctx_.runtime.random_u64());
  if (delay < at_least) delay = at_least;
  // A question about a command the ERP may still be processing could be answered "not found"
  // and lead to a second posting: it waits until the command is no longer in doubt.
  if (item.needs_reconcile && item.in_doubt_until - ctx_.now() > delay)
    delay = item.in_doubt_until - ctx_.now();
  item.not_before = ctx_.now() + delay;
  if (item.retry_timer != 0) ctx_.runtime.cancel_timer(item.retry_timer);
  const std::int64_t row = item.work.event_row;
  item.retry_timer = ctx_.runtime.set_timer(delay, [this, key, row] {
    if (Item* it = find(key, row)) it->retry_timer = 0;
    make_ready(key);
    pump();
  });
}

void Poster::erase(const std::string& key, const Item& item) {
  auto qit = queues_.find(key);
  if (qit == queues_.end()) return;
  if (item.retry_timer != 0) ctx_.runtime.cancel_timer(item.retry_timer);
  qit->second.erase({item.work.sequence, item.work.event_row});
  if (qit->second.empty()) queues_.erase(qit);
}

void Poster::posted(const std::string& key, Item& item, const std::string& document) {
  if (!ctx_.config.unsafe().publish_before_posted_durable())
    return commit_posted(key, item, document);
  // Unsafe: tell subscribers first (with ids that exist only in memory) and write the posted
  // mark behind, later. A crash in that window loses the mark: the event is posted again and
  // its effect published again under new ids.
  ctx_.commits.flush();  // its notification counter is written at once, on its own
  publisher_.publish_unrecorded(item.work, document);
  ++item.in_flight;  // holds the key until the mark is written
  const std::int64_t row = item.work.event_row;
  const std::uint64_t token = next_write_behind_++;
  const TimerId timer = ctx_.runtime.set_timer(std::chrono::milliseconds(kWriteBehindMs),
                                               [this, key, row, document, token] {
                                                 write_behind_timers_.erase(token);
                                                 Item* it = find(key, row);
                                                 if (it == nullptr) return;
                                                 --it->in_flight;
                                                 commit_posted(key, *it, document);
                                               });
  write_behind_timers_[token] = timer;
}

void Poster::commit_posted(const std::string& key, Item& item, const std::string& document) {
  const bool record_notifications = !ctx_.config.unsafe().publish_before_posted_durable();
  auto notifications = std::make_shared<std::vector<NotificationRow>>();
  const WorkItem& work = item.work;
  conclude(
      key, item, /*outcome_exists_in_erp=*/true,
      [&]() -> Status {
        MW_TRY(ctx_.store.event_finish(work.event_row, kPosted, ctx_.now_ns(), document));
        if (record_notifications) {
          MW_ASSIGN(rows, publisher_.record(work, document));
          *notifications = std::move(rows);
        }
        ctx_.runtime.crash_point(probes::kBeforePostedMarkCommits);
        return Status::ok();
      },
      [this, key, notifications](Item* done) {
        ++ctx_.metrics.posted;
        if (done != nullptr) {
          ctx_.metrics.posting_latency.record(ctx_.now() - done->work.received_at);
          erase(key, *done);  // `done` is gone from here on
        }
        // Published whatever became of the item: the ack watermark would pass them otherwise.
        publisher_.publish(std::move(*notifications));
      });
}

void Poster::rejected(const std::string& key, Item& item, const proto::ErpRejection& rejection) {
  const DeadLetterClass cls = class_of(rejection.code());
  conclude(
      key, item, /*outcome_exists_in_erp=*/false,  // a repeated command is rejected again
      [&]() -> Status {
        MW_TRY(ctx_.store.event_set_state(item.work.event_row, kDeadLettered));
        return ctx_.store.dead_letter_put(
            item.work.event_row, to_string(cls),
            "ERP rejected " + item.work.command.external_reference() + ": " + rejection.message(),
            ctx_.now_ns());
      },
      [this, key, cls](Item* done) {
        ++ctx_.metrics.dead_lettered;
        ++ctx_.metrics.dead_lettered_by_class[std::string(to_string(cls))];
        if (done == nullptr) return;
        if (auto q = queues_.find(key); q != queues_.end() && q->second.size() > 1) {
          ctx_.runtime.reached(probes::kDeadLetterParksSuccessors);
        }
        done->work.barrier = true;
        done->attempts = 0;
      });
}

void Poster::conclude(const std::string& key, Item& item, bool outcome_exists_in_erp,
                      const std::function<Status()>& write, std::function<void(Item*)> committed) {
  ++item.in_flight;
  item.concluding = true;
  const std::int64_t row = item.work.event_row;
  Status s = ctx_.commits.begin();
  if (s.is_ok()) s = write();
  // Found again by key and row: the item may have moved in its queue's map meanwhile.
  auto settle = [this, key, row]() -> Item* {
    Item* it = find(key, row);
    if (it == nullptr) return nullptr;
    --it->in_flight;
    it->concluding = false;
    return it;
  };
  ctx_.commits.end(
      s,
      [this, key, settle, committed = std::move(committed)] {
        committed(settle());
        make_ready(key);
        pump();
      },
      [this, key, settle, outcome_exists_in_erp](const Error&) {
        Item* it = settle();
        if (it == nullptr) return;
        // The ERP has the posting but our mark of it did not commit: find it again rather than
        // post again on an ERP that would post twice.
        if (outcome_exists_in_erp && !ctx_.config.poster().erp_honours_idempotency_keys()) {
          it->needs_reconcile = true;
        }
        retry_later(key, *it, Duration::zero());
        make_ready(key);
        pump();
      });
}

}  // namespace mw::core
