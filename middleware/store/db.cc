#include "middleware/store/db.h"

namespace mw::core {
namespace {

// SQLite counts every allocation it makes for sqlite3_memory_used() behind a process-wide
// mutex; nothing here reads those figures, and the counting cost 1 to 2 % of a simulated
// shift. sqlite3_config only works before SQLite initialises, which happens on the first
// sqlite3_open or sqlite3_vfs_register, so it runs during static initialisation, before main.
// (If SQLite is already initialised the call fails harmlessly and the counting stays on.)
[[maybe_unused]] const bool kMemoryStatisticsOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;

}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

// SQLITE_STATIC: SQLite reads the caller's bytes instead of copying them. Safe because every
// Store method binds, steps and resets within one call (see bind in db.h).
Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = technical("sqlite error " + std::to_string(rc) + " (" + sqlite3_errmsg(db_) +
                      ") in: " + sql_);
  sqlite3_reset(stmt_);
  return e;
}

Status Statement::run() {
  for (;;) {
    Result<bool> r = step();
    if (!r.is_ok()) return r.status();
    if (!r.value()) break;
  }
  reset();
  return Status::ok();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::column_text(int i) const {
  const auto* p = sqlite3_column_text(stmt_, i);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p),
                                    static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

std::string Statement::column_blob(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  return p == nullptr ? std::string()
                      : std::string(static_cast<const char*>(p),
                                    static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

Result<std::unique_ptr<Db>> Db::open(const std::string& path, const std::string& vfs) {
  sqlite3* handle = nullptr;
  // NOMUTEX: a Db belongs to one thread, so SQLite need not lock around every call.
  const int rc = sqlite3_open_v2(path.c_str(), &handle,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open database '" + path +
                      "': " + (handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
    sqlite3_close_v2(handle);
    return technical(std::move(msg));
  }
  auto db = std::make_unique<Db>(OpenKey{}, handle);
  // Counts every rollback, also those SQLite does by itself after an I/O or full error.
  sqlite3_rollback_hook(
      handle, [](void* self) { ++static_cast<Db*>(self)->rollbacks_; }, db.get());
  // Another connection (a backup, an operator's shell) may hold a lock for a moment.
  sqlite3_busy_timeout(handle, 5000);
  // 1 KiB pages (new databases only): a commit writes and checksums every page it touched into
  // the WAL, and our rows are small, so smaller pages cut the bytes per commit. Measured with
  // callgrind on the one-plant one-hour world: 3.35 G instructions at 4 KiB, 2.98 G at 1 KiB,
  // 3.24 G at 512 B; again after the schema lost its inbox and outbox tables: 2.39 G at 4 KiB,
  // 2.21 G at 2 KiB, 2.11 G at 1 KiB.
  for (const char* pragma : {"PRAGMA page_size=1024", "PRAGMA journal_mode=WAL",
                             "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    Status s = db->exec(pragma);
    if (!s.is_ok()) return s.error();
  }
  return db;
}

Db::~Db() {
  statements_.clear();  // finalize before closing
  sqlite3_close_v2(db_);
}

Error Db::error(std::string_view what) const {
  return technical(std::string(what) + ": sqlite error " +
                   std::to_string(sqlite3_extended_errcode(db_)) + " (" + sqlite3_errmsg(db_) +
                   ")");
}

Status Db::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return error(text);
  return Status::ok();
}

Result<Statement*> Db::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      return error("prepare " + sql);
    }
    it = statements_.emplace(sql, std::make_unique<Statement>(db_, stmt, sql)).first;
  }
  it->second->reset();
  return it->second.get();
}

Result<Statement*> Db::prepare_static(const char* sql) {
  auto it = static_statements_.find(sql);
  if (it != static_statements_.end()) {
    it->second->reset();
    return it->second;
  }
  MW_ASSIGN(st, prepare(std::string(sql)));
  static_statements_.emplace(sql, st);
  return st;
}

// Transaction control goes through cached statements: sqlite3_exec would parse the SQL again
// every time, which costs more than the statements of a small transaction.
Status Db::begin() {
  MW_ASSIGN(st, prepare_static("BEGIN IMMEDIATE"));
  return st->run();
}

Status Db::commit() {
  MW_ASSIGN(st, prepare_static("COMMIT"));
  return st->run();
}

void Db::rollback() {
  if (!in_transaction()) return;
  auto st = prepare_static("ROLLBACK");
  if (!st.is_ok() || !st.value()->run().is_ok())
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace mw::core
