#include "middleware/pipeline/commit_group.h"

#include <utility>

#include "middleware/probes.h"

namespace mw::core {

CommitGroup::CommitGroup(Db& db, Runtime& runtime, Duration window,
                         std::function<Status()> before_commit)
    : db_(db), runtime_(runtime), window_(window), before_commit_(std::move(before_commit)) {}

CommitGroup::~CommitGroup() {
  if (timer_ != 0) runtime_.cancel_timer(timer_);
}

Status CommitGroup::begin() {
  if (open_ && !db_.in_transaction()) {
    // SQLite rolled the transaction back by itself (an I/O, full or memory error in some
    // statement): the group's steps are lost, and later writes must not go to autocommit.
    fail_all(close(), technical("the store rolled back the open commit group"));
  }
  if (open_) return Status::ok();
  MW_TRY(db_.begin());
  open_ = true;
  if (window_ > Duration::zero()) {
    timer_ = runtime_.set_timer(window_, [this] {
      timer_ = 0;
      flush();
    });
  }
  return Status::ok();
}

void CommitGroup::end(const Status& s, Committed committed, Failed failed) {
  if (!s.is_ok()) {
    std::vector<Step> steps = close();
    db_.rollback();
    steps.push_back(Step{std::move(committed), std::move(failed)});
    return fail_all(std::move(steps), s.error());
  }
  steps_.push_back(Step{std::move(committed), std::move(failed)});
  if (window_ == Duration::zero()) flush();
}

void CommitGroup::flush() {
  if (!open_) return;
  std::vector<Step> steps = close();
  if (!db_.in_transaction()) {
    return fail_all(std::move(steps), technical("the store rolled back the open commit group"));
  }
  Status s = before_commit_ ? before_commit_() : Status::ok();
  if (s.is_ok()) runtime_.crash_point(probes::kInsideGroupCommit);
  if (s.is_ok()) s = db_.commit();
  if (!s.is_ok()) {
    db_.rollback();
    return fail_all(std::move(steps), s.error());
  }
  for (Step& step : steps) step.committed();
}

std::vector<CommitGroup::Step> CommitGroup::close() {
  if (timer_ != 0) runtime_.cancel_timer(timer_);
  timer_ = 0;
  open_ = false;
  return std::exchange(steps_, {});
}

void CommitGroup::fail_all(std::vector<Step> steps, const Error& why) {
  runtime_.reached(probes::kGroupCommitFailed);
  for (Step& step : steps) step.failed(why);
}

}  // namespace mw::core
