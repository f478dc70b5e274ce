// ErpLedger: the simulated ERP's books, its ground truth.
//
// The ledger stands for the ERP's database. It is owned outside the ERP process (by the test or
// the world that builds the run) and must outlive the Simulation that runs the ERP node: an ERP
// process crash loses requests in flight but never anything committed. A posting is in the
// ledger exactly when the ERP committed it, so oracles in properties/ read the ledger to decide
// what the ERP really holds, whatever the replies said.
//
// What it holds:
//   - stock in milli-units by (plant, material, lot, storage location); only non-zero balances
//     are kept, and opening balances set before the run are part of it;
//   - every posting in commit order, with its document number ("49" and an 8-digit counter,
//     wider past 99,999,999), sequence number (1, 2, 3, ...), commit time and the command;
//   - lot statuses by (plant, material, lot), LOT_STATUS_RELEASED unless set;
//   - closed posting periods ("YYYY-MM") and the history of closes and reopens.
//
// Only the ERP process writes postings and period changes (one ledger per ERP node); tests and
// scenarios may set opening stock and lot statuses before the run starts. Not thread-safe: one
// simulation is one thread.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/erp/erp_stats.h"
#include "middleware/proto/common.pb.h"
#include "middleware/proto/erp.pb.h"
#include "sim/id_index.h"
#include "sim/time.h"

namespace mw::fakes {

struct StockKey {
  std::string plant;
  std::string material;
  std::string lot;
  std::string storage_location;
  friend auto operator<=>(const StockKey&, const StockKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const StockKey& k) {
    return H::combine(std::move(h), k.plant, k.material, k.lot, k.storage_location);
  }
};

struct LotKey {
  std::string plant;
  std::string material;
  std::string lot;
  friend auto operator<=>(const LotKey&, const LotKey&) = default;
};

// StockDelta is one signed change of one stock balance.
struct StockDelta {
  StockKey key;
  std::int64_t milli = 0;
};

// stock_effects returns the stock changes `command` makes when posted, in order: GoodsIssue -qty
// at its storage location; GoodsReceipt +qty; ScrapPosting -qty at its storage location;
// Transfer -qty at from_location then +qty at to_location; Adjustment +delta.
// ProductionConfirmation and LotStatusChange change no stock (empty result).
std::vector<StockDelta> stock_effects(const proto::ErpCommand& command);

// Posting is one committed command.
struct Posting {
  std::uint64_t sequence = 0;  // 1 for the first commit, then +1 per commit
  std::string document_number;
  std::string external_reference;
  std::string source_event_id;
  proto::ErpCommand command;
  sim::Time committed_at{};
};

// Rejection is one command the ERP refused on business grounds (closed period, blocked lot,
// missing stock, ...): ground truth of why an event could not be posted at that moment.
struct Rejection {
  std::string source_event_id;
  proto::RejectionCode code = proto::REJECTION_CODE_UNSPECIFIED;
  sim::Time at{};
};

// PeriodChange is one close or reopen of a posting period, as the ERP applied it.
struct PeriodChange {
  sim::Time at{};
  std::string period;  // "YYYY-MM"
  bool closed = false;
};

class ErpLedger {
 public:
  ErpLedger() = default;
  ErpLedger(const ErpLedger&) = delete;
  ErpLedger& operator=(const ErpLedger&) = delete;

  // --- Setup, before the run starts. -------------------------------------------------------

  // set_opening_stock sets the balance of `key` to `milli` without a posting, and remembers it
  // as an opening balance (opening_stock()), so that conservation checks can start from it.
  void set_opening_stock(const StockKey& key, std::int64_t milli);
  // set_opening_lot_status sets the status of lot `key` without a posting.
  void set_opening_lot_status(const LotKey& key, proto::LotStatus status);

  // --- Writes by the ERP process. ----------------------------------------------------------

  // commit records `command` as the next posting at time `at` and applies its effects
  // (stock_effects, and the status of a LotStatusChange). It checks nothing: the caller decided
  // that the command may be posted. Returns the posting, valid as long as the ledger.
  const Posting& commit(const proto::ErpCommand& command, sim::Time at);
  // change_period closes (closed = true) or reopens posting period `period` ("YYYY-MM") at time
  // `at` and appends the change to period_history().
  void change_period(std::string_view period, bool closed, sim::Time at);

  // record_rejection remembers that the ERP refused the command of `source_event_id` with
  // `code` at time `at` (nothing is posted; rejections_of() lists them).
  void record_rejection(std::string_view source_event_id, proto::RejectionCode code, sim::Time at);
  // set_lot_status is what an ERP user does by hand (no posting): an operator releasing a lot
  // that the quality system blocked, so that parked postings can be replayed.
  void set_lot_status(const LotKey& key, proto::LotStatus status) { lot_status_[key] = status; }

  // --- Reads, for the ERP process and for oracles. -----------------------------------------

  // stock returns the balance of `key` in milli-units, 0 if it never moved.
  std::int64_t stock(const StockKey& key) const;
  // all_stock returns every non-zero balance, ordered by key (a copy: for oracles and reports).
  std::map<StockKey, std::int64_t> all_stock() const {
    return std::map<StockKey, std::int64_t>(stock_.begin(), stock_.end());
  }
  const std::map<StockKey, std::int64_t>& opening_stock() const { return opening_stock_; }

  // postings returns every posting in commit order; references stay valid as it grows.
  const std::deque<Posting>& postings() const { return postings_; }
  // postings_for returns every posting whose external reference is `external_reference`, in
  // commit order (a legacy ERP may hold several; an idempotent one at most one).
  std::vector<const Posting*> postings_for(std::string_view external_reference) const;
  // first_posting_for returns the earliest posting with `external_reference`, or nullptr.
  const Posting* first_posting_for(std::string_view external_reference) const;
  // count_for_source_event returns how many postings carry `source_event_id`.
  std::size_t count_for_source_event(std::string_view source_event_id) const;
  // postings_for_source_event returns every posting carrying `source_event_id`, in commit order.
  std::vector<const Posting*> postings_for_source_event(std::string_view source_event_id) const;

  // lot_status returns the status of lot `key`: LOT_STATUS_RELEASED unless a LotStatusChange or
  // the opening status said otherwise.
  proto::LotStatus lot_status(const LotKey& key) const;

  // rejections_of returns every business rejection of `source_event_id`'s commands, in order.
  std::vector<Rejection> rejections_of(std::string_view source_event_id) const;
  // lots_not_released returns every lot whose status is not LOT_STATUS_RELEASED.
  std::vector<LotKey> lots_not_released() const;

  // period_closed tells whether posting period `period` ("YYYY-MM") is closed now.
  bool period_closed(std::string_view period) const { return closed_periods_.contains(period); }
  const std::set<std::string, std::less<>>& closed_periods() const { return closed_periods_; }
  // period_history returns every close and reopen in the order the ERP applied them.
  const std::vector<PeriodChange>& period_history() const { return period_history_; }

  // stats returns the ERP's counters (see erp_stats.h): observations, not books.
  ErpStats& stats() { return stats_; }
  const ErpStats& stats() const { return stats_; }

 private:
  void add_stock(const StockKey& key, std::int64_t milli);

  // A hash table: every posting looks up its balances twice (the check, the commit), and an
  // ordered map spent a tree walk of string compares on each; only all_stock() needs the
  // order, and sorts a copy.
  absl::flat_hash_map<StockKey, std::int64_t> stock_;
  std::map<StockKey, std::int64_t> opening_stock_;
  std::deque<Posting> postings_;
  sim::IdIndex<std::vector<std::size_t>> by_reference_;     // indices
  sim::IdIndex<std::vector<std::size_t>> by_source_event_;  // indices
  std::map<LotKey, proto::LotStatus> lot_status_;
  sim::IdIndex<std::vector<Rejection>> rejections_;  // by source event id
  std::set<std::string, std::less<>> closed_periods_;
  std::vector<PeriodChange> period_history_;
  ErpStats stats_;
};

}  // namespace mw::fakes
