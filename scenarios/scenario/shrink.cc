#include "scenarios/scenario/shrink.h"

#include <google/protobuf/text_format.h>

#include <optional>

#include "scenarios/scenario/duration_text.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"

namespace mw::scen {
namespace {

namespace sp = ::mw::scenario;

// Candidate: one change to try, as a name and an edit of a copy of the scenario. An edit
// returns false when it does not apply (nothing to remove, already short).
struct Candidate {
  std::string name;
  std::function<bool(sp::Scenario&)> edit;
};

// halve halves a duration text in place; false when it is already at most a second.
bool halve(std::string* text) {
  const auto d = parse_duration_text(*text);
  if (!d || *d <= sim::seconds(1)) return false;
  *text =
      format_duration_text(sim::Duration{(d->count() / 2) / 1000 * 1000});  // whole microseconds
  return true;
}

std::vector<Candidate> candidates(const sp::Scenario& s) {
  std::vector<Candidate> out;
  // Removing a fault is the biggest step: last first, so that indexes stay valid as they go.
  for (int i = s.faults_size() - 1; i >= 0; --i) {
    out.push_back({"remove faults[" + std::to_string(i) + "]", [i](sp::Scenario& c) {
                     if (i >= c.faults_size()) return false;
                     c.mutable_faults()->DeleteSubrange(i, 1);
                     return true;
                   }});
  }
  out.push_back({"remove random_faults", [](sp::Scenario& c) {
                   if (!c.has_random_faults()) return false;
                   c.clear_random_faults();
                   return true;
                 }});
  out.push_back({"remove random network partitions", [](sp::Scenario& c) {
                   if (c.network().partition_mean_interval().empty()) return false;
                   c.mutable_network()->clear_partition_mean_interval();
                   return true;
                 }});
  out.push_back({"make the default link reliable", [](sp::Scenario& c) {
                   auto* l = c.mutable_network()->mutable_default_link();
                   if (l->loss_probability() == 0 && l->duplicate_probability() == 0 &&
                       l->corrupt_probability() == 0 && l->outage_mean_up().empty()) {
                     return false;
                   }
                   l->clear_outage_mean_up();
                   l->set_loss_probability(0);
                   l->set_duplicate_probability(0);
                   l->set_corrupt_probability(0);
                   return true;
                 }});
  out.push_back({"remove the links' own settings", [](sp::Scenario& c) {
                   if (c.network().links_size() == 0) return false;
                   c.mutable_network()->clear_links();
                   return true;
                 }});
  out.push_back({"make the ERP reliable (no 500s, no lost replies)", [](sp::Scenario& c) {
                   if (c.erp().internal_error_probability() == 0 &&
                       c.erp().lost_reply_probability() == 0)
                     return false;
                   c.mutable_erp()->set_internal_error_probability(0);
                   c.mutable_erp()->set_lost_reply_probability(0);
                   return true;
                 }});
  out.push_back({"remove quality", [](sp::Scenario& c) {
                   if (!c.has_quality()) return false;
                   c.clear_quality();
                   return true;
                 }});
  out.push_back({"remove operator actions", [](sp::Scenario& c) {
                   if (c.operator_actions_size() == 0) return false;
                   c.clear_operator_actions();
                   return true;
                 }});
  for (int i = 0; i < s.plants_size(); ++i) {
    out.push_back({"plants[" + std::to_string(i) + "]: no emission faults", [i](sp::Scenario& c) {
                     if (i >= c.plants_size()) return false;
                     auto* p = c.mutable_plants(i);
                     if (p->duplicate_probability() == 0 && p->reorder_probability() == 0 &&
                         p->malformed_probability() == 0) {
                       return false;
                     }
                     p->set_duplicate_probability(0);
                     p->set_reorder_probability(0);
                     p->set_malformed_probability(0);
                     return true;
                   }});
  }
  for (int i = s.plants_size() - 1; i >= 1; --i) {
    out.push_back({"remove plants[" + std::to_string(i) + "]", [i](sp::Scenario& c) {
                     if (i >= c.plants_size()) return false;
                     c.mutable_plants()->DeleteSubrange(i, 1);
                     return true;
                   }});
  }
  for (int i = 0; i < s.plants_size(); ++i) {
    out.push_back({"plants[" + std::to_string(i) + "]: halve the copies", [i](sp::Scenario& c) {
                     if (i >= c.plants_size() || c.plants(i).copies() <= 1) return false;
                     c.mutable_plants(i)->set_copies(c.plants(i).copies() / 2);
                     return true;
                   }});
  }
  for (int i = 0; i < s.faults_size(); ++i) {
    out.push_back({"halve faults[" + std::to_string(i) + "].duration", [i](sp::Scenario& c) {
                     return i < c.faults_size() && !c.faults(i).duration().empty() &&
                            halve(c.mutable_faults(i)->mutable_duration());
                   }});
  }
  out.push_back({"halve the production time", [](sp::Scenario& c) {
                   if (c.production().empty()) c.set_production("1h");
                   return halve(c.mutable_production());
                 }});
  return out;
}

}  // namespace

ShrinkResult shrink(const ScenarioFile& file, std::uint64_t seed, int max_runs,
                    const std::function<void(const std::string&)>& log) {
  ShrinkResult result;
  result.minimal = file.scenario;
  // fails runs `s` and tells whether `check` (or, at the start, any check) failed.
  auto fails = [&](const sp::Scenario& s) -> std::optional<std::string> {
    ScenarioFile f;
    f.path = file.path;
    f.scenario = s;
    const BuiltWorld built = build_world(f, seed);
    if (!built.ok()) return std::nullopt;  // an edit that makes the scenario invalid is not kept
    ++result.runs;
    const ScenarioRun run = run_scenario(f, built);
    for (const Check& c : run.checks) {
      if (!c.passed && (result.check.empty() || c.name == result.check)) return c.name;
    }
    return std::nullopt;
  };
  const auto first = fails(result.minimal);
  if (!first) return result;
  result.failed_at_start = true;
  result.check = *first;
  log("seed " + std::to_string(seed) + " fails " + result.check +
      "; shrinking while it still does");
  for (bool progress = true; progress && result.runs < max_runs;) {
    progress = false;
    for (const Candidate& c : candidates(result.minimal)) {
      if (result.runs >= max_runs) break;
      sp::Scenario next = result.minimal;
      if (!c.edit(next)) continue;
      if (fails(next)) {
        result.minimal = std::move(next);
        result.kept.push_back(c.name);
        log("kept: " + c.name);
        progress = true;
      }
    }
  }
  return result;
}

std::string shrunk_text(const ShrinkResult& result, const std::string& source_path,
                        std::uint64_t seed) {
  std::string body;
  google::protobuf::TextFormat::PrintToString(result.minimal, &body);
  std::string out = "# Shrunk by `mwsim shrink " + source_path + " --seed " + std::to_string(seed) +
                    "` in " + std::to_string(result.runs) + " runs: still fails " + result.check +
                    ".\n";
  out += "# Changes kept:\n";
  for (const std::string& k : result.kept) out += "#   " + k + "\n";
  out += "# Replay: mwsim replay <this file> --seed " + std::to_string(seed) + "\n";
  return out + body;
}

}  // namespace mw::scen
