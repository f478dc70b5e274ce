#include "middleware/core.h"

#include <memory>
#include <type_traits>
#include <variant>

#include "middleware/config_defaults.h"
#include "middleware/core_parts.h"
#include "middleware/enrich/enrich.h"
#include "middleware/ingest/decode.h"
#include "middleware/ingest/validate.h"
#include "middleware/pipeline/context.h"
#include "middleware/pipeline/effects.h"
#include "middleware/pipeline/event_info.h"
#include "middleware/pipeline/poster.h"
#include "middleware/pipeline/publisher.h"
#include "middleware/pipeline/sequencer.h"
#include "middleware/probes.h"
#include "middleware/proto_util.h"
#include "middleware/store/schema.h"

namespace mw::core {
namespace {

// The write-behind delay of the unsafe ack_before_commit setting.
constexpr auto kAckBeforeCommitDelay = std::chrono::milliseconds(100);

}  // namespace

Core::Core(std::unique_ptr<Parts> parts) : p_(std::move(parts)) {}

Core::~Core() {
  if (p_->unwritten_timer != 0) p_->runtime.cancel_timer(p_->unwritten_timer);
}

const proto::Config& Core::config() const { return p_->config; }
const MasterData& Core::master_data() const { return p_->master; }

Result<std::unique_ptr<Core>> Core::open(const proto::Config& config, Runtime& runtime,
                                         const std::string& db_path, const std::string& vfs) {
  if (const auto problems = config_problems(config); !problems.empty()) {
    std::string message = "the core refuses this config:";
    for (const ConfigProblem& p : problems) message += " " + p.field + " " + p.what + ";";
    return Error{ErrorKind::kInvalidArgument, message};
  }
  MW_ASSIGN(db, Db::open(db_path, vfs));
  MW_TRY(migrate(*db));
  auto parts = std::make_unique<Parts>(with_defaults(config), runtime, std::move(db));
  MW_ASSIGN(master, parts->store.load_master_data());
  parts->master = std::move(master);
  auto core = std::make_unique<Core>(std::move(parts));
  MW_TRY(core->recover());
  return core;
}

Status Core::recover() {
  // Commands that were waiting or in flight when the previous life ended.
  MW_ASSIGN(outbox, p_->store.outbox_pending());
  if (!outbox.empty()) p_->runtime.reached(probes::kRecoveredQueuedWork);
  for (const OutboxRow& o : outbox) {
    MW_ASSIGN(row, p_->store.event_get(o.event_row));
    proto::ErpCommand command;
    if (!command.ParseFromString(o.command)) {
      return technical("outbox command of row " + std::to_string(o.event_row) + " does not parse");
    }
    WorkItem item = work_item_for(row, &command);
    p_->poster.add(std::move(item), /*recovered=*/true);
  }
  // Dead letters still park their keys (a sequence regression or an out-of-range number parks
  // nothing).
  MW_ASSIGN(parked, p_->store.dead_letters(/*parked_only=*/true));
  for (const DeadLetterRow& d : parked) {
    if (!parks_its_key(d.dead_letter_class)) continue;
    MW_ASSIGN(row, p_->store.event_get(d.event_row));
    p_->poster.add(work_item_for(row, nullptr));
  }
  p_->runtime.crash_point(probes::kDuringRecovery);
  MW_TRY(p_->publisher.load());
  Effects fx;
  MW_ASSIGN(keys, p_->store.keys_with_waiting());
  fx.keys_waiting.insert(keys.begin(), keys.end());
  p_->sequencer.apply(fx, [this](const std::string& key) { on_gap_timeout(key); });
  p_->poster.pump();
  return Status::ok();
}

void Core::on_message(std::string_view from, std::string_view bytes) {
  const std::uint32_t max_frame = p_->config.ingest().max_frame_bytes();
  if (bytes.size() > max_frame) {
    return quarantine_frame(from, bytes,
                            "frame of " + std::to_string(bytes.size()) +
                                " bytes is larger than ingest.max_frame_bytes (" +
                                std::to_string(max_frame) + "); not parsed");
  }
  proto::Frame frame;
  if (!frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return quarantine_frame(from, bytes, "not a protobuf Frame");
  }
  switch (frame.body_case()) {
    case proto::Frame::kEventBatch:
      return on_batch(from, frame.event_batch());
    case proto::Frame::kErpReply:
      return p_->poster.on_reply(frame.erp_reply());
    case proto::Frame::kNotificationAck:
      return p_->publisher.on_ack(frame.notification_ack());
    default:
      return quarantine_frame(from, bytes,
                              "a frame the middleware does not accept (body case " +
                                  std::to_string(frame.body_case()) + ")");
  }
}

void Core::quarantine_frame(std::string_view from, std::string_view bytes,
                            const std::string& reason) {
  ++p_->metrics.frames_malformed;
  p_->commits.flush();  // the row commits on its own: a non-retryable nack needs it durable
  const Status kept = quarantine_put(from, "", 0, bytes, reason);
  if (kept.is_ok()) ++p_->metrics.quarantined;
  proto::Frame nack;
  // Only bytes that are kept may be refused for good; otherwise the sender must send them again.
  nack.mutable_nack()->set_reason(
      "frame rejected: " + reason +
      (kept.is_ok() ? "" : "; not stored (" + kept.error().message + "), resend"));
  nack.mutable_nack()->set_retryable(!kept.is_ok());
  p_->runtime.send(from, nack.SerializeAsString());
}

Status Core::quarantine_put(std::string_view from, const std::string& event_id, int format,
                            std::string_view raw, const std::string& reason) {
  const proto::IngestConfig& in = p_->config.ingest();
  const std::int64_t now = p_->ctx.now_ns();
  const QuarantineRow row{0,
                          now,
                          std::string(from),
                          event_id,
                          format,
                          std::string(raw.substr(0, in.quarantine_kept_bytes())),
                          reason,
                          static_cast<std::int64_t>(raw.size()),
                          payload_hash_of_bytes(raw)};
  MW_TRY(p_->store.quarantine_put(row));
  const std::int64_t cutoff =
      now - static_cast<std::int64_t>(in.quarantine_retention_days()) * 86'400'000'000'000LL;
  MW_ASSIGN(dropped, p_->store.quarantine_prune(cutoff, in.quarantine_max_rows()));
  p_->metrics.quarantine_dropped += static_cast<std::uint64_t>(dropped);
  return Status::ok();
}

void Core::on_batch(std::string_view from, const proto::EventBatch& batch) {
  ++p_->metrics.batches_received;
  if (!p_->config.unsafe().ack_before_commit()) return ingest(from, batch, /*send_acks=*/true);
  // Unsafe: ack what decodes now, write it later. A crash in between loses acked events.
  proto::Frame ack;
  ack.mutable_ack()->set_batch_id(batch.batch_id());
  for (const auto& raw : batch.events()) {
    auto decoded = decode_source_event(raw, p_->config.ingest().max_event_bytes());
    if (decoded.is_ok()) ack.mutable_ack()->add_event_ids(decoded.value().event_id());
  }
  p_->runtime.send(from, ack.SerializeAsString());
  p_->unwritten.emplace_back(std::string(from), batch);
  if (p_->unwritten_timer == 0) {
    p_->unwritten_timer = p_->runtime.set_timer(kAckBeforeCommitDelay, [this] {
      p_->unwritten_timer = 0;
      auto batches = std::move(p_->unwritten);
      p_->unwritten.clear();
      for (const auto& [sender, b] : batches) ingest(sender, b, /*send_acks=*/false);
    });
  }
}

void Core::ingest(std::string_view from, const proto::EventBatch& batch, bool send_acks) {
  const auto& in = p_->config.ingest();
  const std::int64_t now = p_->ctx.now_ns();
  // Dedup remembers an event id this long after its receipt, and always while it is unfinished.
  const std::int64_t dedup_cutoff =
      now - static_cast<std::int64_t>(in.dedup_retention_days()) * 86'400'000'000'000LL;
  Effects fx;
  proto::Frame ack;
  ack.mutable_ack()->set_batch_id(batch.batch_id());
  std::vector<proto::Nack> nacks;
  Metrics counts;  // counted only once the batch commits
  auto nack = [&](int i, std::string event_id, std::string reason, bool retryable) {
    proto::Nack n;
    n.set_batch_id(batch.batch_id());
    n.set_index(static_cast<std::uint32_t>(i));
    n.set_event_id(std::move(event_id));
    n.set_reason(std::move(reason));
    n.set_retryable(retryable);
    nacks.push_back(std::move(n));
  };
  auto quarantine = [&](const proto::SourceEvent& raw, const std::string& event_id,
                        const std::string& reason) {
    ++counts.quarantined;
    return quarantine_put(from, event_id, raw.format(), raw.payload(), reason);
  };

  Status failure = p_->commits.begin();
  for (int i = 0; failure.is_ok() && i < batch.events_size(); ++i) {
    const proto::SourceEvent& raw = batch.events(i);
    ++counts.events_received;
    if (static_cast<std::uint32_t>(i) >= in.max_batch_events()) {
      // One nack for all of the rest, however many: index and count say which.
      p_->runtime.reached(probes::kRetryableNack);
      nack(i, "",
           "batch holds " + std::to_string(batch.events_size()) + " events; at most " +
               std::to_string(in.max_batch_events()) + " are taken per batch: resend the rest",
           true);
      nacks.back().set_count(static_cast<std::uint32_t>(batch.events_size() - i));
      counts.events_received += static_cast<std::uint64_t>(batch.events_size() - i - 1);
      break;
    }
    auto decoded = decode_source_event(raw, in.max_event_bytes());
    if (!decoded.is_ok()) {
      failure = quarantine(raw, "", decoded.error().message);
      nack(i, "", decoded.error().message, false);
      continue;
    }
    const proto::EventEnvelope& env = decoded.value();
    if (Status v = validate_envelope(env, p_->master); !v.is_ok()) {  // quarantined, kept
      failure = quarantine(raw, env.event_id(), v.error().message);
      nack(i, env.event_id(), v.error().message, false);
      continue;
    }
    std::string envelope_bytes = serialize_deterministic(env);
    const std::string hash = payload_hash_of_bytes(envelope_bytes);
    if (!p_->config.unsafe().dedup_disabled()) {
      auto seen = p_->store.remembered_hash(env.event_id(), dedup_cutoff);
      if (!seen.is_ok()) {
        failure = seen.status();
        break;
      }
      if (seen.value() && *seen.value() == hash) {
        ++counts.duplicates;
        ack.mutable_ack()->add_event_ids(env.event_id());
        continue;
      }
      if (seen.value()) {
        p_->runtime.reached(probes::kDuplicateIdOtherPayload);
        ++counts.conflicts;
        const std::string reason = "event id '" + env.event_id() +
                                   "' reused with a different payload (hash " + hash +
                                   ", first seen " + *seen.value() + ")";
        failure = quarantine(raw, env.event_id(), reason);
        nack(i, env.event_id(), reason, false);
        continue;
      }
    }
    EventRow row{0,
                 env.event_id(),
                 hash,
                 env.ordering_key(),
                 static_cast<std::int64_t>(env.source_sequence()),
                 env.source().plant(),
                 std::string(domain_of(env.event_type())),
                 env.correlation_id(),
                 std::move(envelope_bytes),
                 "",
                 now,
                 0,
                 ""};
    failure = p_->sequencer.accept(row, env, fx);
    if (!failure.is_ok()) break;
    ++counts.events_accepted;
    ack.mutable_ack()->add_event_ids(env.event_id());
  }
  if (failure.is_ok()) p_->sequencer.stage(fx);
  // What the batch decided leaves only once its group commits.
  struct Outcome {
    std::string from;
    std::decay_t<decltype(batch.batch_id())> batch_id;
    Effects fx;
    proto::Frame ack;
    std::vector<proto::Nack> nacks;
    Metrics counts;
  };
  auto out =
      std::make_shared<Outcome>(Outcome{std::string(from), batch.batch_id(), std::move(fx),
                                        std::move(ack), std::move(nacks), std::move(counts)});
  p_->commits.end(
      failure,
      [this, out, send_acks] {
        Metrics& m = p_->metrics;
        m.events_received += out->counts.events_received;
        m.events_accepted += out->counts.events_accepted;
        m.duplicates += out->counts.duplicates;
        m.conflicts += out->counts.conflicts;
        m.quarantined += out->counts.quarantined;
        apply(out->fx);
        if (!send_acks) return;
        p_->runtime.crash_point(probes::kAfterBatchCommitBeforeAck);
        if (out->ack.ack().event_ids_size() > 0) {
          p_->runtime.send(out->from, out->ack.SerializeAsString());
        }
        for (proto::Nack& n : out->nacks) {
          proto::Frame frame;
          *frame.mutable_nack() = std::move(n);
          p_->runtime.send(out->from, frame.SerializeAsString());
        }
      },
      [this, out, send_acks](const Error& why) {
        // Nothing of the batch is durable: ask for all of it again.
        if (!send_acks) return;
        p_->runtime.reached(probes::kRetryableNack);
        proto::Frame frame;
        proto::Nack* n = frame.mutable_nack();
        n->set_batch_id(out->batch_id);
        n->set_reason("store unavailable, resend the batch: " + why.message);
        n->set_retryable(true);
        p_->runtime.send(out->from, frame.SerializeAsString());
      });
}

void Core::apply(Effects& fx) {
  Metrics& m = p_->metrics;
  m.held_out_of_order += fx.held;
  m.no_posting += fx.no_posting;
  for (const auto& [cls, n] : fx.dead_lettered_by_class) {
    m.dead_lettered += n;
    m.dead_lettered_by_class[cls] += n;
  }
  for (WorkItem& w : fx.work) p_->poster.add(std::move(w));
  p_->sequencer.apply(fx, [this](const std::string& key) { on_gap_timeout(key); });
  p_->poster.pump();
}

void Core::on_gap_timeout(const std::string& key) {
  // A rare path: it keeps its own transaction. The step that filled the gap may have been
  // waiting in the open group, so that commits first, and a filled gap raises no alert.
  p_->commits.flush();
  if (auto held = p_->store.waiting_events(key); held.is_ok() && held.value().empty()) {
    Effects drained;
    drained.mark_drained(key);
    return apply(drained);
  }
  ++p_->metrics.gap_alerts;
  p_->runtime.reached(probes::kGapTimedOut);
  Effects fx;
  Transaction tx(*p_->db);
  Status s = tx.begin();
  bool resolved = false;
  if (s.is_ok()) {
    auto r = p_->sequencer.resolve_gap(key, fx);
    s = r.status();
    if (s.is_ok()) resolved = r.value();
  }
  if (s.is_ok()) s = tx.commit();
  if (!s.is_ok()) {
    fx = Effects{};
    fx.keys_waiting.insert(key);  // try again after another timeout
  } else if (resolved) {
    ++p_->metrics.gaps_skipped;
  }
  apply(fx);
}

MetricsSnapshot Core::metrics() {
  MetricsSnapshot s;
  s.counters = p_->metrics;
  auto count = [&](std::string_view state) -> std::uint64_t {
    auto r = p_->store.count_events(state);
    return r.is_ok() ? static_cast<std::uint64_t>(r.value()) : 0;
  };
  s.waiting = count(kWaiting);
  s.queued = count(kQueued);
  s.parked = count(kDeadLettered);
  if (auto held = p_->store.count_held_behind_dead_letters(); held.is_ok()) {
    s.held_behind_dead_letters = static_cast<std::uint64_t>(held.value());
  }
  s.in_flight = p_->poster.in_flight();
  s.notifications_pending = p_->publisher.pending();
  s.uncommitted_steps = p_->commits.steps();
  if (auto b = p_->store.backlog(); b.is_ok()) s.backlog_by_plant_domain = std::move(b.value());
  s.breaker_state = p_->poster.breaker_state();
  return s;
}

}  // namespace mw::core
