#include "fakes/edge/edge_store.h"

#include <sqlite3.h>

#include "sim/check.h"

namespace mw::fakes {
namespace {

constexpr int kSchemaVersion = 1;

// The whole schema, in one place. Hashes are stored as the signed 64-bit view of their bits.
constexpr const char* kSchema = R"sql(
CREATE TABLE queue(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  hash INTEGER NOT NULL,
  format INTEGER NOT NULL,
  payload BLOB NOT NULL,
  stored_at_ns INTEGER NOT NULL);
CREATE UNIQUE INDEX queue_key ON queue(event_id, hash);
CREATE TABLE forwarded(
  event_id TEXT NOT NULL,
  hash INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  done_at_ns INTEGER NOT NULL,
  PRIMARY KEY(event_id, hash)) WITHOUT ROWID;
CREATE TABLE rejected(
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  hash INTEGER NOT NULL,
  format INTEGER NOT NULL,
  payload BLOB NOT NULL,
  reason TEXT NOT NULL,
  rejected_at_ns INTEGER NOT NULL);
PRAGMA user_version = 1;
)sql";

// The statements, indexed by EdgeStore::Stmt.
constexpr const char* kSql[] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SELECT 1 FROM forwarded WHERE event_id = ?1 AND hash = ?2 AND done_at_ns >= ?3",
    "SELECT 1 FROM queue WHERE event_id = ?1 AND hash = ?2",
    "INSERT OR IGNORE INTO queue(event_id, hash, format, payload, stored_at_ns) "
    "VALUES(?1, ?2, ?3, ?4, ?5)",
    "SELECT seq, event_id, hash, format, payload FROM queue WHERE seq > ?1 ORDER BY seq "
    "LIMIT ?2",
    "SELECT seq, event_id, hash, format, payload FROM queue WHERE seq = ?1",
    "INSERT OR REPLACE INTO forwarded(event_id, hash, seq, done_at_ns) VALUES(?3, ?4, ?1, ?2)",
    "INSERT INTO rejected(seq, event_id, hash, format, payload, reason, rejected_at_ns) "
    "SELECT seq, event_id, hash, format, payload, ?2, ?3 FROM queue WHERE seq = ?1",
    "DELETE FROM queue WHERE seq = ?1",
    "DELETE FROM forwarded WHERE done_at_ns < ?1",
    "SELECT count(*) FROM queue",
    "SELECT seq, event_id, hash, format, payload FROM queue ORDER BY seq",
    "SELECT seq, event_id, reason, rejected_at_ns FROM rejected ORDER BY seq",
    "SELECT seq, event_id, done_at_ns FROM forwarded ORDER BY seq",
};
static_assert(sizeof kSql / sizeof kSql[0] == 16, "one SQL text per statement");

std::string column_string(sqlite3_stmt* st, int i) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
  return p == nullptr ? std::string()
                      : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
}

void bind_text(sqlite3_stmt* st, int i, std::string_view v) {
  sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

// query_text returns the first column of the first row of `sql`, or "" on any failure.
std::string query_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    out = column_string(st, 0);
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace

std::unique_ptr<EdgeStore> EdgeStore::open(const std::string& path, const std::string& vfs,
                                           std::string* error) {
  sqlite3* db = nullptr;
  // NOMUTEX: one simulation is one thread.
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 vfs.c_str());
  if (rc != SQLITE_OK) {
    *error =
        "cannot open " + path + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return nullptr;
  }
  auto store = std::make_unique<EdgeStore>(OpenKey{}, db);
  // Small pages: a commit of a few events rewrites a handful of pages, and every byte of them
  // is written to the WAL, checksummed and copied by the simulated disk. It only takes effect
  // when the database is created.
  if (sqlite3_exec(db, "PRAGMA page_size=1024", nullptr, nullptr, nullptr) != SQLITE_OK) {
    store->fail("PRAGMA page_size=1024");
    *error = store->error();
    return nullptr;
  }
  // One connection owns the database: an exclusive lock, taken at the first transaction and
  // kept, spares every transaction the lock and wal-index round trips. It must come before
  // journal_mode=WAL so that the wal-index lives in the connection's heap.
  if (query_text(db, "PRAGMA locking_mode=EXCLUSIVE") != "exclusive") {
    store->fail("PRAGMA locking_mode=EXCLUSIVE");
    *error = store->error();
    return nullptr;
  }
  // journal_mode answers the mode it ended in: anything but "wal" (a VFS without shared
  // memory, an unreadable file) means the durability argument above does not hold.
  const std::string mode = query_text(db, "PRAGMA journal_mode=WAL");
  if (mode != "wal") {
    store->fail("PRAGMA journal_mode=WAL (answered '" + mode + "')");
    *error = store->error();
    return nullptr;
  }
  if (sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    store->fail("PRAGMA synchronous=FULL");
    *error = store->error();
    return nullptr;
  }
  const std::string version = query_text(db, "PRAGMA user_version");
  if (version == "0") {
    const std::string create = std::string("BEGIN IMMEDIATE;") + kSchema + "COMMIT;";
    if (sqlite3_exec(db, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      store->fail("create schema");
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      *error = store->error();
      return nullptr;
    }
  } else if (version != std::to_string(kSchemaVersion)) {
    *error = "open " + path + ": schema version '" + version + "', expected " +
             std::to_string(kSchemaVersion) + " (" + sqlite3_errmsg(db) + ")";
    return nullptr;
  }
  if (!store->prepare_all()) {
    *error = store->error();
    return nullptr;
  }
  return store;
}

EdgeStore::~EdgeStore() {
  for (sqlite3_stmt*& st : stmts_) sqlite3_finalize(st);
  // On a fenced volume the close still succeeds: SQLite ignores the failed unlocks.
  sqlite3_close_v2(db_);
}

bool EdgeStore::prepare_all() {
  for (int i = 0; i < kStmtCount; ++i) {
    if (sqlite3_prepare_v3(db_, kSql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmts_[i], nullptr) !=
        SQLITE_OK) {
      return fail(std::string("prepare ") + kSql[i]);
    }
  }
  return true;
}

bool EdgeStore::fail(std::string_view what) {
  error_ = std::string(what) + ": sqlite error " + std::to_string(sqlite3_extended_errcode(db_)) +
           " (" + sqlite3_errmsg(db_) + ")";
  return false;
}

sqlite3_stmt* EdgeStore::prepared(Stmt s) {
  sqlite3_stmt* st = stmts_[s];
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return st;
}

bool EdgeStore::run(Stmt s) {
  sqlite3_stmt* st = stmts_[s];
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    fail(kSql[s]);
    sqlite3_reset(st);
    return false;
  }
  sqlite3_reset(st);
  return true;
}

bool EdgeStore::begin() {
  prepared(kBegin);
  return run(kBegin);
}

bool EdgeStore::commit() {
  prepared(kCommit);
  return run(kCommit);
}

void EdgeStore::rollback() {
  if (sqlite3_get_autocommit(db_) != 0) return;  // no transaction open (a failed COMMIT may end it)
  const std::string kept = error_;
  prepared(kRollback);
  run(kRollback);
  error_ = kept;  // the first failure is the one to report
}

bool EdgeStore::store_batch(std::span<const Incoming> events, std::int64_t now_ns,
                            std::uint64_t room, bool remember, std::int64_t remember_since_ns,
                            std::vector<Outcome>* outcomes) {
  error_.clear();
  outcomes->assign(events.size(), Outcome::kDuplicate);
  if (!begin()) return false;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Incoming& e = events[i];
    const auto hash = static_cast<std::int64_t>(e.hash);
    // Three lookups at most, each one probe of a unique index.
    auto probe = [&](Stmt s, bool* hit) {
      sqlite3_stmt* st = prepared(s);
      bind_text(st, 1, e.event_id);
      sqlite3_bind_int64(st, 2, hash);
      if (s == kFindForwarded) sqlite3_bind_int64(st, 3, remember_since_ns);
      const int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(kSql[s]);
      *hit = rc == SQLITE_ROW;
      return true;
    };
    bool hit = false;
    if (remember && !probe(kFindForwarded, &hit)) break;
    if (hit) continue;
    if (room == 0) {
      if (!probe(kFindHeld, &hit)) break;
      if (!hit) (*outcomes)[i] = Outcome::kFull;
      continue;
    }
    sqlite3_stmt* st = prepared(kInsert);
    bind_text(st, 1, e.event_id);
    sqlite3_bind_int64(st, 2, hash);
    sqlite3_bind_int(st, 3, static_cast<int>(e.format));
    sqlite3_bind_blob(st, 4, e.payload.data(), static_cast<int>(e.payload.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ns);
    if (!run(kInsert)) break;
    if (sqlite3_changes(db_) == 1) {
      (*outcomes)[i] = Outcome::kStored;
      --room;
    }
  }
  if (!error_.empty() || !commit()) {
    rollback();
    return false;
  }
  return true;
}

bool EdgeStore::read_rows(sqlite3_stmt* st, Stmt which, std::vector<Row>* out) {
  out->clear();
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    Row r;
    r.seq = sqlite3_column_int64(st, 0);
    r.event_id = column_string(st, 1);
    r.hash = static_cast<std::uint64_t>(sqlite3_column_int64(st, 2));
    r.format = static_cast<proto::SourceFormat>(sqlite3_column_int(st, 3));
    r.payload = column_string(st, 4);
    out->push_back(std::move(r));
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return fail(kSql[which]);
  return true;
}

bool EdgeStore::read_after(std::int64_t after, std::size_t limit, std::vector<Row>* out) {
  sqlite3_stmt* st = prepared(kReadAfter);
  sqlite3_bind_int64(st, 1, after);
  sqlite3_bind_int64(st, 2, static_cast<std::int64_t>(limit));
  return read_rows(st, kReadAfter, out);
}

bool EdgeStore::read_seq(std::int64_t seq, Row* out, bool* found) {
  sqlite3_stmt* st = prepared(kReadSeq);
  sqlite3_bind_int64(st, 1, seq);
  std::vector<Row> rows;
  if (!read_rows(st, kReadSeq, &rows)) return false;
  *found = !rows.empty();
  if (*found) *out = std::move(rows.front());
  return true;
}

bool EdgeStore::settle(std::span<const Settlement> settlements, std::int64_t now_ns, bool remember,
                       std::optional<std::int64_t> forget_before_ns) {
  error_.clear();
  if (!begin()) return false;
  for (const Settlement& s : settlements) {
    if (s.rejected) {
      sqlite3_stmt* st = prepared(kReject);
      sqlite3_bind_int64(st, 1, s.seq);
      bind_text(st, 2, s.reason);
      sqlite3_bind_int64(st, 3, now_ns);
      if (!run(kReject)) break;
    }
    if (remember) {
      sqlite3_stmt* st = prepared(kRemember);
      sqlite3_bind_int64(st, 1, s.seq);
      sqlite3_bind_int64(st, 2, now_ns);
      bind_text(st, 3, s.event_id);
      sqlite3_bind_int64(st, 4, static_cast<std::int64_t>(s.hash));
      if (!run(kRemember)) break;
    }
    sqlite3_bind_int64(prepared(kDelete), 1, s.seq);
    if (!run(kDelete)) break;
    MW_CHECK(sqlite3_changes(db_) == 1, "the edge settled an event its store does not hold");
  }
  if (error_.empty() && forget_before_ns) {
    sqlite3_bind_int64(prepared(kForget), 1, *forget_before_ns);
    run(kForget);
  }
  if (!error_.empty() || !commit()) {
    rollback();
    return false;
  }
  return true;
}

std::uint64_t EdgeStore::vm_steps() const {
  std::uint64_t total = 0;
  for (sqlite3_stmt* st : stmts_) {
    total += static_cast<std::uint64_t>(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0));
  }
  return total;
}

bool EdgeStore::count(std::uint64_t* n) {
  sqlite3_stmt* st = prepared(kCount);
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *n = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? true : fail(kSql[kCount]);
}

bool EdgeStore::list_queue(std::vector<Row>* out) {
  return read_rows(prepared(kListQueue), kListQueue, out);
}

bool EdgeStore::list_forwarded(std::vector<ForwardedRow>* out) {
  sqlite3_stmt* st = prepared(kListForwarded);
  out->clear();
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    out->push_back(ForwardedRow{sqlite3_column_int64(st, 0), column_string(st, 1),
                                sqlite3_column_int64(st, 2)});
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? true : fail(kSql[kListForwarded]);
}

bool EdgeStore::list_rejected(std::vector<RejectedRow>* out) {
  sqlite3_stmt* st = prepared(kListRejected);
  out->clear();
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    out->push_back(RejectedRow{sqlite3_column_int64(st, 0), column_string(st, 1),
                               column_string(st, 2), sqlite3_column_int64(st, 3)});
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? true : fail(kSql[kListRejected]);
}

}  // namespace mw::fakes
