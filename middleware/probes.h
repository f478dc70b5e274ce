// Situation probes and crash points: the one list of their names.
//
// A probe names a rare situation that matters (FoundationDB's CODE_PROBE): the core calls
// Runtime::reached(name) each time it is in it. A simulator counts them per run, so a sweep can
// say which situations it never produced; a production host ignores them.
//
// A crash point names a place where a simulated world may crash or power off the middleware
// (FoundationDB's BUGGIFY): the core calls Runtime::crash_point(name) there. In production it
// does nothing.
//
// Every name the core passes is one of the constants below, and each appears in its list
// (kProbes, kCrashPoints), in the order reports print them. Names are stable: scenario files
// require probes and enable crash points by name.
#pragma once

#include <array>
#include <string_view>

namespace mw::core::probes {

// A reply (any outcome) came for a request that had already timed out.
inline constexpr std::string_view kLateReply = "late_reply";
// A reconciliation query (ERP without idempotency keys) found the posting.
inline constexpr std::string_view kReconcileFound = "reconcile_found";
// A reconciliation query found no posting: the command will be sent again.
inline constexpr std::string_view kReconcileNotFound = "reconcile_not_found";
// A gap outlived gap_timeout_ms with events still held behind it.
inline constexpr std::string_view kGapTimedOut = "gap_timed_out";
// A dead letter parks its key while later events of the key are queued behind it.
inline constexpr std::string_view kDeadLetterParksSuccessors = "dead_letter_parks_successors";
// An event id came again with another payload (a conflict: quarantined).
inline constexpr std::string_view kDuplicateIdOtherPayload = "duplicate_id_other_payload";
// A group commit failed (a step or the COMMIT): every step of the group rolls back.
inline constexpr std::string_view kGroupCommitFailed = "group_commit_failed";
// A retryable nack went to a sender (store unavailable, or more events than a batch takes).
inline constexpr std::string_view kRetryableNack = "retryable_nack";
// An ordering key reached sequence 256 (past one byte).
inline constexpr std::string_view kKeyPastSequence255 = "key_past_sequence_255";
// Recovery found commands that were queued or in flight in the previous life.
inline constexpr std::string_view kRecoveredQueuedWork = "recovered_queued_work";
// The circuit breaker opened.
inline constexpr std::string_view kBreakerOpened = "breaker_opened";
// The half-open breaker's probe timed out (the breaker opened again) and its reply came after:
// the reply may still settle its item, but the breaker keeps the timeout as the outcome.
inline constexpr std::string_view kHalfOpenProbeAnsweredLate = "half_open_probe_answered_late";

// A replayed dead letter carried a fact already posted or queued (under its own id or, from a
// source that reissued it, another): it was finished as already posted, not posted again.
inline constexpr std::string_view kReplayFoundFactPosted = "replay_found_fact_posted";

inline constexpr std::array<std::string_view, 13> kProbes = {
    kLateReply,
    kReconcileFound,
    kReconcileNotFound,
    kGapTimedOut,
    kDeadLetterParksSuccessors,
    kDuplicateIdOtherPayload,
    kGroupCommitFailed,
    kRetryableNack,
    kKeyPastSequence255,
    kRecoveredQueuedWork,
    kBreakerOpened,
    kHalfOpenProbeAnsweredLate,
    kReplayFoundFactPosted,
};

// Crash points.
// An ERP request (command or reconciliation query) has just been handed to the network.
inline constexpr std::string_view kAfterErpRequestSent = "after_erp_request_sent";
// A success (or a query that found the posting) was received; its posted mark is written in
// the open commit group but not committed.
inline constexpr std::string_view kBeforePostedMarkCommits = "before_posted_mark_commits";
// A group commit is about to COMMIT: its steps are written, none of their effects released.
inline constexpr std::string_view kInsideGroupCommit = "inside_group_commit";
// A notification has just been sent to a subscriber; its ack is not recorded.
inline constexpr std::string_view kAfterNotificationSent = "after_notification_sent";
// An ack watermark committed while notifications of its subscribers are still outstanding:
// a restart here resends exactly what lies above the watermark, so a watermark one too high
// loses a notification for good.
inline constexpr std::string_view kAfterAckWatermarkCommits = "after_ack_watermark_commits";
// A batch committed; the ack to its sender has not been sent.
inline constexpr std::string_view kAfterBatchCommitBeforeAck = "after_batch_commit_before_ack";
// Recovery rebuilt the posting queues from the store and has not resumed posting.
inline constexpr std::string_view kDuringRecovery = "during_recovery";

inline constexpr std::array<std::string_view, 7> kCrashPoints = {
    kAfterErpRequestSent,   kBeforePostedMarkCommits,  kInsideGroupCommit,
    kAfterNotificationSent, kAfterAckWatermarkCommits, kAfterBatchCommitBeforeAck,
    kDuringRecovery,
};

// is_probe / is_crash_point tell whether `name` is in the list.
constexpr bool is_probe(std::string_view name) {
  for (std::string_view p : kProbes)
    if (p == name) return true;
  return false;
}
constexpr bool is_crash_point(std::string_view name) {
  for (std::string_view p : kCrashPoints)
    if (p == name) return true;
  return false;
}

}  // namespace mw::core::probes
