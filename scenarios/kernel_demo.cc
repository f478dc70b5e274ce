#include "scenarios/kernel_demo.h"

#include <sqlite3.h>

#include <charconv>
#include <map>
#include <memory>
#include <set>
#include <string_view>

#include "sim/simulation.h"

namespace mw::scen {
namespace {

using sim::Duration;
using sim::Node;
using sim::NodeId;

// A message is "<tag> <k> <check>"; the check catches bytes the network corrupted.
std::uint64_t check_of(std::uint64_t k) { return (k * 0x9E3779B1ULL) & 0xffffffffULL; }

std::string encode(char tag, std::uint64_t k) {
  return std::string(1, tag) + " " + std::to_string(k) + " " + std::to_string(check_of(k));
}

// decode returns k, or 0 when the message is not a well-formed `tag` message.
std::uint64_t decode(std::string_view bytes, char tag) {
  if (bytes.size() < 5 || bytes[0] != tag || bytes[1] != ' ') return 0;
  const auto space = bytes.find(' ', 2);
  if (space == std::string_view::npos) return 0;
  std::uint64_t k = 0, check = 0;
  const auto r1 = std::from_chars(bytes.data() + 2, bytes.data() + space, k);
  const auto r2 = std::from_chars(bytes.data() + space + 1, bytes.data() + bytes.size(), check);
  if (r1.ec != std::errc{} || r1.ptr != bytes.data() + space) return 0;
  if (r2.ec != std::errc{} || r2.ptr != bytes.data() + bytes.size()) return 0;
  return check == check_of(k) ? k : 0;
}

struct Truth {
  std::uint64_t produced = 0;
  std::set<std::uint64_t> acknowledged;
  std::uint64_t rejected_corrupt = 0;
};

// Store: keeps readings in SQLite on its node's disk; acks only after the commit.
class Store : public sim::Process {
 public:
  Store(Node& node, Truth& truth) : node_(node), truth_(truth) {
    const int rc = sqlite3_open_v2("store.db", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                   node.volume().vfs_name().c_str());
    healthy_ = rc == SQLITE_OK &&
               exec("PRAGMA journal_mode=WAL") && exec("PRAGMA synchronous=FULL") &&
               exec("CREATE TABLE IF NOT EXISTS readings(k INTEGER PRIMARY KEY)") &&
               sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO readings(k) VALUES(?)", -1, &insert_,
                                  nullptr) == SQLITE_OK;
    node.trace("store.open", {{"healthy", healthy_ ? 1 : 0}});
  }
  ~Store() override {
    sqlite3_finalize(insert_);
    sqlite3_close_v2(db_);
  }
  void on_message(NodeId from, std::string_view bytes) override {
    const std::uint64_t k = decode(bytes, 'R');
    if (k == 0) {
      truth_.rejected_corrupt++;
      return;
    }
    if (!healthy_) return;
    sqlite3_bind_int64(insert_, 1, static_cast<sqlite3_int64>(k));
    const int rc = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    if (rc != SQLITE_DONE) return;  // not durable: no ack, the plant will resend.
    node_.send(from, encode('A', k));
  }

 private:
  bool exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

  Node& node_;
  Truth& truth_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool healthy_ = false;
};

// Plant: emits readings during the fault phase and resends the unacknowledged ones.
class Plant : public sim::Process {
 public:
  Plant(Node& node, Truth& truth, sim::Time stop_emitting)
      : node_(node), truth_(truth), store_(node.find("store")), stop_emitting_(stop_emitting) {
    emit();
    resend();
  }
  void on_message(NodeId, std::string_view bytes) override {
    const std::uint64_t k = decode(bytes, 'A');
    if (k == 0) {
      truth_.rejected_corrupt++;
      return;
    }
    if (unacked_.erase(k) != 0) truth_.acknowledged.insert(k);
  }

 private:
  void emit() {
    node_.after(node_.rng().exponential_duration(sim::milliseconds(10)), [this] {
      if (node_.now() >= stop_emitting_) return;
      const std::uint64_t k = ++truth_.produced;
      unacked_.insert(k);
      node_.send(store_, encode('R', k));
      emit();
    });
  }
  void resend() {
    node_.after(sim::milliseconds(250), [this] {
      int budget = 200;  // bounded, like a real sender's window
      for (std::uint64_t k : unacked_) {
        if (budget-- == 0) break;
        node_.send(store_, encode('R', k));
      }
      resend();
    });
  }

  Node& node_;
  Truth& truth_;
  NodeId store_;
  sim::Time stop_emitting_;
  std::set<std::uint64_t> unacked_;
};

std::set<std::uint64_t> read_stored(sim::Volume& volume) {
  std::set<std::uint64_t> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2("store.db", &db, SQLITE_OPEN_READONLY, volume.vfs_name().c_str()) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT k FROM readings", -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) out.insert(static_cast<std::uint64_t>(sqlite3_column_int64(st, 0)));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close_v2(db);
  return out;
}

}  // namespace

DemoResult run_kernel_demo(const DemoOptions& options) {
  const sim::Time faults_end = sim::kTimeZero + options.fault_phase;
  sim::SimulationOptions so;
  so.seed = options.seed;
  auto& link = so.network.default_link;
  link.latency = sim::LatencyModel{sim::microseconds(300), sim::microseconds(500), 1.0, sim::seconds(2)};
  link.loss_probability = 0.02;
  link.duplicate_probability = 0.02;
  link.corrupt_probability = 0.005;
  link.random_outages = sim::RandomOutages{sim::seconds(90), sim::seconds(5), faults_end};
  sim::Simulation sim(so);

  Truth truth;
  sim.add_node("plant", [&truth, faults_end](Node& n) {
    return std::make_unique<Plant>(n, truth, faults_end);
  });
  const NodeId store = sim.add_node(
      "store", [&truth](Node& n) { return std::make_unique<Store>(n, truth); },
      sim::RandomCrashes{sim::seconds(45), sim::seconds(3), 0.5, faults_end});

  DemoResult r;
  r.options = sim.describe_options();
  const auto errors = sim.start();
  if (!errors.empty()) {
    for (const auto& e : errors) r.options += "error: " + e + "\n";
    return r;
  }
  sim.scheduler().run_until(faults_end + options.settle_phase);

  r.store_crashes = sim.node(store).incarnation() - 1;
  r.store_power_losses = sim.node(store).volume().stats().power_losses;
  // Stop the store the way a crash would (nothing is flushed) and read what its disk holds.
  sim.crash(store);
  const std::set<std::uint64_t> stored = read_stored(sim.node(store).volume());

  r.digest = sim.tracer().digest();
  r.trace_records = sim.tracer().records();
  r.events_run = sim.scheduler().events_run();
  r.simulated = sim.scheduler().now().time_since_epoch();
  r.produced = truth.produced;
  r.acknowledged = truth.acknowledged.size();
  r.stored = stored.size();
  for (std::uint64_t k : truth.acknowledged) r.acknowledged_but_missing += stored.count(k) == 0;
  r.rejected_corrupt = truth.rejected_corrupt;
  const sim::LinkCounters c = sim.network().total_counters();
  r.messages_sent = c.sent;
  r.messages_delivered = c.delivered;
  r.messages_lost = c.lost + c.dropped_outage + c.dropped_partition + c.dropped_node_down;
  r.messages_duplicated = c.duplicated;
  r.messages_corrupted = c.corrupted;
  return r;
}

}  // namespace mw::scen
