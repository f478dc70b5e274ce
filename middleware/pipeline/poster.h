// Poster: delivers ERP commands from the outbox, exactly once in effect, in key order.
//
// Per ordering key, items (commands and dead-letter barriers) are kept in sequence order and at
// most one request is in flight (max_in_flight_per_key, an unsafe setting, raises that). Every
// command carries an external reference derived from its event id, so repeating it is safe on an
// ERP that honours idempotency keys. On one that does not, an attempt whose outcome is unknown
// (timeout, restart) is reconciled first: the Poster asks for the reference and posts again
// only if the ERP has no such posting.
//
// Flow control: a token bucket (rate_limit_per_s, burst) that an ERP's retry-after pauses, a
// cap on requests in flight, exponential backoff with jitter per item, and a circuit breaker
// that stops traffic after consecutive technical failures and probes with one request.
//
// Outcomes: success marks the command posted, with its ERP document number, and enqueues the
// downstream notifications in the same transaction; a business rejection dead-letters the event
// and turns it into a barrier that parks the rest of its key.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "middleware/metrics/histogram.h"
#include "middleware/pipeline/context.h"
#include "middleware/pipeline/work_item.h"
#include "middleware/policy/circuit_breaker.h"
#include "middleware/policy/token_bucket.h"
#include "middleware/proto/erp.pb.h"

namespace mw::core {

class Publisher;

class Poster {
 public:
  Poster(Context& ctx, Publisher& publisher);
  Poster(const Poster&) = delete;
  Poster& operator=(const Poster&) = delete;
  ~Poster();

  // add queues a command or a barrier (after the transaction that created it committed).
  // `recovered` marks an item found in the store at start: on an ERP without idempotency keys
  // it is reconciled before it is sent, since a previous life may have sent it.
  void add(WorkItem item, bool recovered = false);
  // replace_barrier turns the barrier of `event_row` into `command` (a replayed dead letter),
  // or removes it when `command` is null (discarded, or replayed with no ERP effect).
  void replace_barrier(const std::string& key, std::int64_t event_row,
                       const proto::ErpCommand* command);

  // on_reply handles a reply from the ERP.
  void on_reply(const proto::ErpReply& reply);

  // pump sends what flow control allows now.
  void pump();

  std::size_t in_flight() const { return in_flight_.size(); }
  std::size_t queued() const;
  std::string breaker_state() const;

 private:
  struct Item {
    WorkItem work;
    std::uint32_t attempts = 0;
    Instant not_before{};
    bool needs_reconcile = false;
    // in_doubt_until: until then, the ERP may still commit the command last sent for this item
    // (see PosterConfig.in_doubt_wait_ms); a reconciliation query waits for it.
    Instant in_doubt_until{};
    std::uint32_t in_flight = 0;
    TimerId retry_timer = 0;
    // concluding: its outcome (posted or dead-lettered) is written in a commit group that has
    // not committed yet. It counts as in flight, so its key waits, and later replies about it
    // are ignored.
    bool concluding = false;
  };
  struct Flight {
    std::string key;
    std::int64_t event_row = 0;
    bool query = false;
    // probe: sent while the breaker was half-open, as the one request it lets through.
    bool probe = false;
    TimerId timer = 0;
  };
  using Queue = std::map<std::pair<std::int64_t, std::int64_t>, Item>;  // (sequence, row) -> item

  // sendable returns the item of `key` that may be sent now, or null.
  Item* sendable(const std::string& key, Instant now);
  void send(const std::string& key, Item& item, bool probe);
  void on_timeout(std::uint64_t request_id);
  void finish_flight(Flight& flight);
  // report_to_breaker gives the breaker the outcome of a request answered before its timeout
  // (a timeout is reported by on_timeout): each request the breaker let through is reported
  // exactly once, whatever became of its item. A throttled reply also pauses the bucket.
  void report_to_breaker(const Flight& flight, const proto::ErpReply& reply);
  void handle_outcome(const Flight& flight, const proto::ErpReply& reply);
  void erase(const std::string& key, const Item& item);
  void retry_later(const std::string& key, Item& item, Duration at_least);
  void posted(const std::string& key, Item& item, const std::string& document);
  void commit_posted(const std::string& key, Item& item, const std::string& document);
  // conclude writes an item's outcome through the commit group: `write` runs now, `committed`
  // after the commit with the item found again (null if it is gone), and on failure the item
  // is retried, reconciled first if `outcome_exists_in_erp` on an ERP without idempotency keys.
  void conclude(const std::string& key, Item& item, bool outcome_exists_in_erp,
                const std::function<Status()>& write, std::function<void(Item*)> committed);
  void rejected(const std::string& key, Item& item, const proto::ErpRejection& rejection);
  Item* find(const std::string& key, std::int64_t event_row);
  void make_ready(const std::string& key);
  // failure reports a technical failure to the breaker, noting when it opens.
  void failure(Instant now);
  void wake_at(Instant when);

  Context& ctx_;
  Publisher& publisher_;
  TokenBucket bucket_;
  CircuitBreaker breaker_;
  std::map<std::string, Queue> queues_;
  std::deque<std::string> ready_;  // keys that may have a sendable item, in FIFO order
  std::set<std::string> ready_set_;
  std::map<std::uint64_t, Flight> in_flight_;
  std::map<std::uint64_t, Flight> timed_out_;  // late replies may still report a success
  std::uint64_t next_request_id_;
  TimerId wake_timer_ = 0;
  Instant wake_at_{};
  Instant breaker_opened_at_{};
  // Write-behind timers of the unsafe publish_before_posted_durable setting, by token.
  std::map<std::uint64_t, TimerId> write_behind_timers_;
  std::uint64_t next_write_behind_ = 0;
};

}  // namespace mw::core
