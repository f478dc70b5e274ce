// Db: a thin RAII layer over one SQLite connection.
//
// It opens the database on the VFS the caller names (the simulator's Volume, or the default
// VFS in production), reuses prepared statements, and turns every SQLite failure into a
// technical Error that names the statement and SQLite's message: busy, locked, I/O and full
// errors are never swallowed. One Db is used by one thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "middleware/result.h"

namespace mw::core {

// Statement is a prepared statement owned by its Db. Bind parameters are 1-based, as in SQLite.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Text and blobs are not copied: the bytes must stay alive and unchanged until the
  // statement is reset (run() resets; a caller of step() resets before returning).
  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);

  // step runs one step: true when a row is available, false when done.
  Result<bool> step();
  // run steps to completion (for statements that return no rows) and resets.
  Status run();
  void reset();

  std::int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  bool column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string column_text(int i) const;
  std::string column_blob(int i) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
};

class Db {
  // Only Db::open can make the key, so only it can construct a Db (through make_unique).
  class OpenKey {
    friend class Db;
    OpenKey() = default;
  };

 public:
  Db(OpenKey, sqlite3* db) : db_(db) {}
  // open opens (creating if needed) the database at `path` on the VFS named `vfs` (empty: the
  // default VFS), in WAL mode with synchronous=FULL: a committed transaction survives power
  // loss.
  static Result<std::unique_ptr<Db>> open(const std::string& path, const std::string& vfs);
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // exec runs SQL without results (schema, pragmas).
  Status exec(std::string_view sql);
  // prepare returns the cached statement for `sql`, preparing it on first use. The statement
  // is reset and its bindings cleared before it is returned.
  Result<Statement*> prepare(const std::string& sql);
  // prepare_static is prepare for SQL in a string literal: the cache is keyed by the literal's
  // address, which skips building and comparing a std::string on every call of a hot path.
  Result<Statement*> prepare_static(const char* sql);

  // Transactions: begin takes the write lock at once (BEGIN IMMEDIATE).
  Status begin();
  Status commit();
  void rollback();
  // rollbacks counts rollbacks on this connection: a cache of rows kept beside the database
  // (Store) compares it to drop values a rolled-back transaction wrote.
  std::uint64_t rollbacks() const { return rollbacks_; }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() { return db_; }

  // error builds the technical error for the last failure of `what`.
  Error error(std::string_view what) const;

 private:
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Statement>> statements_;
  std::unordered_map<const char*, Statement*> static_statements_;
  std::uint64_t rollbacks_ = 0;
};

// Transaction is a scope: it rolls back unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) db_.rollback();
  }
  Status begin() {
    Status s = db_.begin();
    open_ = s.is_ok();
    return s;
  }
  Status commit() {
    Status s = db_.commit();
    if (s.is_ok()) open_ = false;
    return s;
  }

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace mw::core
