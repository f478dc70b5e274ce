// CommitGroup: group commit for the pipeline's transactions.
//
// Every step that writes (an ingested batch, a posted mark, a dead letter, a batch of recorded
// acks) writes inside the group's open transaction, opening it if none is open. The group
// commits `window` after its first step, so the steps of that window share one COMMIT: one
// WAL append and sync instead of one per step. With a zero window every step commits at once.
//
// A step hands over two callbacks. `committed` carries what the step decided for memory and the
// network (acks, ERP sends, notifications, counters); it runs only after the COMMIT that made
// the step durable, so nothing is acknowledged before it is on disk, however long the window.
// If a step fails, or the COMMIT does, the whole group rolls back and every step's `failed`
// runs instead, in step order: each step then behaves as if its own transaction had failed.
// A crash with a group open loses only steps whose effects never left the process.
//
// If SQLite rolls the open transaction back by itself (an I/O error in any statement, a read
// included), the group fails as a whole at its next step or commit.
// Paths that run their own transaction (operator actions, gap timeouts) call flush() first.
// Callbacks may start new steps; those open the next group.
#pragma once

#include <functional>
#include <vector>

#include "middleware/result.h"
#include "middleware/runtime.h"
#include "middleware/store/db.h"

namespace mw::core {

class CommitGroup {
 public:
  using Committed = std::function<void()>;
  using Failed = std::function<void(const Error&)>;

  // `before_commit` runs in the group's transaction just before its COMMIT (the store's
  // counter flush); if it fails, the group fails.
  CommitGroup(Db& db, Runtime& runtime, Duration window,
              std::function<Status()> before_commit = {});
  CommitGroup(const CommitGroup&) = delete;
  CommitGroup& operator=(const CommitGroup&) = delete;
  // ~CommitGroup cancels the window timer. An open group is left to the Db, whose closing
  // rolls it back: none of its effects has left the process.
  ~CommitGroup();

  // begin opens the group's transaction if none is open; a step calls it before writing.
  Status begin();
  // end closes a step whose writes went as `s` says. On success the step's callbacks wait for
  // the group's COMMIT (which happens now if the window is zero); on failure the group rolls
  // back now and `failed` runs after those of the earlier steps.
  void end(const Status& s, Committed committed, Failed failed);
  // flush commits the open group now, if there is one, and runs its callbacks.
  void flush();

  bool open() const { return open_; }
  // steps counts the steps waiting in the open group for its commit.
  std::size_t steps() const { return steps_.size(); }

 private:
  struct Step {
    Committed committed;
    Failed failed;
  };
  // close ends the open group: it cancels the timer and hands back the steps, so callbacks
  // that start new steps open a new group.
  std::vector<Step> close();
  void fail_all(std::vector<Step> steps, const Error& why);

  Db& db_;
  Runtime& runtime_;
  Duration window_;
  std::function<Status()> before_commit_;
  bool open_ = false;
  TimerId timer_ = 0;
  std::vector<Step> steps_;
};

}  // namespace mw::core
