// EdgeStore: the plant edge's durable state, one SQLite database on its node's simulated disk.
//
// Schema (version 1, PRAGMA user_version; created in one transaction by open):
//   queue      the events held, in store order: seq (AUTOINCREMENT, never reused), event id
//              ("" when unreadable), hash of format and bytes, format, payload, stored time.
//              UNIQUE (event_id, hash) is the dedup key.
//   forwarded  keys (event_id, hash) of events settled downstream, with their seq and the
//              time: the dedup memory. Lookups ignore keys older than the memory; a sweep
//              deletes them now and then.
//   rejected   events the middleware refused for good: the queue row and the reason.
// The database runs in WAL mode with synchronous=FULL, as the middleware's does: a commit
// returns only once its WAL frames are synced, and a torn tail of the WAL fails its checksums
// and is ignored at recovery, so a power loss keeps exactly the committed transactions (the
// simulated disk's own acceptance test, tests/sim/disk/crash_recovery_test.cc, checks this
// for both locking modes and for pages smaller than a sector). The connection holds the
// database in exclusive locking mode (it is the only one) and uses 1 KiB pages: a commit of
// one event rewrites a few small pages, which keeps the per-event cost low.
//
// Every operation that writes is one transaction (BEGIN IMMEDIATE ... COMMIT) through prepared
// statements; store order is read by rowid range with a LIMIT, never by scanning. A failed
// operation is rolled back and returns false; error() then says what failed and why. After a
// failure the owner should close the store and open it again (a fenced volume fails every call
// until then). One EdgeStore is one connection, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "middleware/proto/wire.pb.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mw::fakes {

class EdgeStore {
  // Only open can make the key, so only it can construct an EdgeStore (through make_unique).
  class OpenKey {
    friend class EdgeStore;
    OpenKey() = default;
  };

 public:
  // Incoming is one event offered to store_batch; `payload` must stay valid during the call.
  struct Incoming {
    std::string event_id;  // "" when unreadable
    std::uint64_t hash = 0;
    proto::SourceFormat format = proto::SOURCE_FORMAT_UNSPECIFIED;
    std::string_view payload;
  };
  enum class Outcome {
    kStored,     // new: inserted in the queue
    kDuplicate,  // held already, or forwarded within the dedup memory: nothing written
    kFull,       // not held and the store is at capacity: nothing written
  };
  // Row is one queued event.
  struct Row {
    std::int64_t seq = 0;
    std::string event_id;
    std::uint64_t hash = 0;
    proto::SourceFormat format = proto::SOURCE_FORMAT_UNSPECIFIED;
    std::string payload;
  };
  // Settlement is the middleware's verdict on the queued event `seq`: acked, or rejected for
  // `reason`.
  struct Settlement {
    std::int64_t seq = 0;
    std::string event_id;
    std::uint64_t hash = 0;
    bool rejected = false;
    std::string reason;
  };
  struct ForwardedRow {
    std::int64_t seq = 0;
    std::string event_id;
    std::int64_t done_at_ns = 0;
  };
  struct RejectedRow {
    std::int64_t seq = 0;
    std::string event_id;
    std::string reason;
    std::int64_t at_ns = 0;
  };

  // open opens (creating if needed) the database `path` on the VFS `vfs` and checks or creates
  // its schema. On failure it returns null and sets `*error`.
  static std::unique_ptr<EdgeStore> open(const std::string& path, const std::string& vfs,
                                         std::string* error);
  EdgeStore(OpenKey, sqlite3* db) : db_(db) {}
  EdgeStore(const EdgeStore&) = delete;
  EdgeStore& operator=(const EdgeStore&) = delete;
  ~EdgeStore();

  // store_batch stores `events` in one transaction, in order, and sets (*outcomes)[i] for each.
  // `room` is how many new events the store may still take; with `remember`, keys settled at or
  // after `remember_since_ns` (the forwarded memory) count as duplicates.
  bool store_batch(std::span<const Incoming> events, std::int64_t now_ns, std::uint64_t room,
                   bool remember, std::int64_t remember_since_ns, std::vector<Outcome>* outcomes);
  // read_after replaces `*out` with up to `limit` queued events with seq > `after`, in order.
  bool read_after(std::int64_t after, std::size_t limit, std::vector<Row>* out);
  // read_seq reads the queued event `seq` into `*out`; `*found` says whether it is queued.
  bool read_seq(std::int64_t seq, Row* out, bool* found);
  // settle deletes each settled event from the queue in one transaction, copying a rejected
  // one to `rejected`; with `remember` their keys go to the forwarded memory. With
  // `forget_before_ns`, the same transaction sweeps the memory of keys settled before it (a scan
  // of the whole memory: do it seldom; lookups ignore expired keys anyway). Every seq must be
  // queued (MW_CHECK).
  bool settle(std::span<const Settlement> settlements, std::int64_t now_ns, bool remember,
              std::optional<std::int64_t> forget_before_ns);
  // count sets `*n` to the number of queued events (a full count: call it at open only).
  bool count(std::uint64_t* n);
  // list_queue, list_forwarded and list_rejected return every row in seq order, for tests and
  // oracles.
  bool list_queue(std::vector<Row>* out);
  bool list_forwarded(std::vector<ForwardedRow>* out);
  bool list_rejected(std::vector<RejectedRow>* out);

  // error describes the last failure: the statement and SQLite's code and message.
  const std::string& error() const { return error_; }
  // vm_steps returns the virtual machine operations the prepared statements have run so far: a
  // measure of work that does not depend on the machine, for tests of the cost per event.
  std::uint64_t vm_steps() const;

 private:
  enum Stmt : int {
    kBegin,
    kCommit,
    kRollback,
    kFindForwarded,
    kFindHeld,
    kInsert,
    kReadAfter,
    kReadSeq,
    kRemember,
    kReject,
    kDelete,
    kForget,
    kCount,
    kListQueue,
    kListRejected,
    kListForwarded,
    kStmtCount,
  };

  bool prepare_all();
  // fail records the failure of `what` and returns false.
  bool fail(std::string_view what);
  // prepared returns statement `s`, reset and with its bindings cleared.
  sqlite3_stmt* prepared(Stmt s);
  // run steps `s` to completion.
  bool run(Stmt s);
  bool begin();
  bool commit();
  void rollback();
  bool read_rows(sqlite3_stmt* st, Stmt which, std::vector<Row>* out);

  sqlite3* db_;
  sqlite3_stmt* stmts_[kStmtCount] = {};
  std::string error_;
};

}  // namespace mw::fakes
