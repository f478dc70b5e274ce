#include "scenarios/scenario/shrink_candidates.h"

#include <algorithm>
#include <array>
#include <utility>

#include "scenarios/scenario/duration_text.h"

namespace mw::scen {
namespace {

namespace sp = ::mw::scenario;

bool has_random_crashes(const sp::Scenario& s) {
  return s.has_random_faults() && (!s.random_faults().middleware_mean_up().empty() ||
                                   s.random_faults().node_crashes_size() > 0);
}

bool has_random_outages(const sp::Scenario& s) {
  if (!s.network().default_link().outage_mean_up().empty()) return true;
  for (const model::LinkOverride& o : s.network().links()) {
    if (!o.link().outage_mean_up().empty()) return true;
  }
  return false;
}

constexpr std::array<std::pair<const char*, sp::Fault::WhatCase>, 9> kFaultFamilies = {{
    {"ERP outage", sp::Fault::kErpOutage},
    {"ERP slow spell", sp::Fault::kErpSlow},
    {"WAN partition", sp::Fault::kWanPartition},
    {"crash", sp::Fault::kCrash},
    {"closed period", sp::Fault::kPostingPeriodClosed},
    {"link outage", sp::Fault::kLinkOutage},
    {"isolation", sp::Fault::kIsolation},
    {"disk errors", sp::Fault::kDiskErrors},
    {"full disk", sp::Fault::kDiskFull},
}};

// whole_us rounds `d` down to whole microseconds, the finest unit a scenario file writes.
sim::Duration whole_us(sim::Duration d) { return sim::Duration{d.count() / 1000 * 1000}; }

// scheduled_at fills a fault's `at` and `duration` from what happened; a fault must last, so
// a draw shorter than a microsecond becomes one.
void scheduled_at(sp::Fault* f, sim::Time at, sim::Duration length) {
  f->set_at(format_duration_text(whole_us(at.time_since_epoch())));
  f->set_duration(
      format_duration_text(std::max<sim::Duration>(whole_us(length), sim::microseconds(1))));
}

// remove_faults_of removes every scheduled fault of kind `which`; false if there is none.
bool remove_faults_of(sp::Scenario& c, sp::Fault::WhatCase which) {
  auto* faults = c.mutable_faults();
  const int before = faults->size();
  for (int i = faults->size() - 1; i >= 0; --i) {
    if (faults->Get(i).what_case() == which) faults->DeleteSubrange(i, 1);
  }
  return faults->size() != before;
}

// halve halves a duration text in place; false when it is already at most a second.
bool halve(std::string* text) {
  const auto d = parse_duration_text(*text);
  if (!d || *d <= sim::seconds(1)) return false;
  *text =
      format_duration_text(sim::Duration{(d->count() / 2) / 1000 * 1000});  // whole microseconds
  return true;
}

// zero_knob is a candidate that sets one probability of the message `at` finds to zero; false
// when it is zero already (or `at` finds no message).
template <typename Message>
ShrinkCandidate zero_knob(std::string name, std::function<Message*(sp::Scenario&)> at,
                          double (Message::*get)() const, void (Message::*set)(double)) {
  return {std::move(name), [at = std::move(at), get, set](sp::Scenario& c) {
            Message* m = at(c);
            if (m == nullptr || (m->*get)() == 0) return false;
            (m->*set)(0);
            return true;
          }};
}

}  // namespace

std::vector<ShrinkCandidate> shrink_candidates(const sp::Scenario& s,
                                               const RandomFaultsThatHappened& happened) {
  std::vector<ShrinkCandidate> out;
  if (!happened.crashes.empty() && has_random_crashes(s)) {
    out.push_back({"turn the random crashes into the " + std::to_string(happened.crashes.size()) +
                       " that happened",
                   [crashes = happened.crashes](sp::Scenario& c) {
                     if (!has_random_crashes(c)) return false;
                     auto* r = c.mutable_random_faults();
                     r->clear_middleware_mean_up();
                     r->clear_middleware_mean_down();
                     r->clear_power_loss_probability();
                     r->clear_node_crashes();
                     if (r->node_crashes_size() == 0 && r->middleware_mean_up().empty()) {
                       c.clear_random_faults();
                     }
                     for (const sim::CrashRecord& x : crashes) {
                       sp::Fault* f = c.add_faults();
                       scheduled_at(f, x.at, x.downtime);
                       f->mutable_crash()->set_node(x.node);
                       f->mutable_crash()->set_power_loss(x.kind == sim::CrashKind::kPowerLoss);
                     }
                     return true;
                   }});
  }
  // Each node pair's up/down process draws from its own stream, so the outages it caused,
  // scheduled instead, leave every other draw of the run as it was.
  if (has_random_outages(s)) {
    out.push_back({"turn the random link outages into the " +
                       std::to_string(happened.outages.size()) + " that happened",
                   [outages = happened.outages](sp::Scenario& c) {
                     if (!has_random_outages(c)) return false;
                     auto* n = c.mutable_network();
                     n->mutable_default_link()->clear_outage_mean_up();
                     n->mutable_default_link()->clear_outage_mean_down();
                     for (model::LinkOverride& o : *n->mutable_links()) {
                       o.mutable_link()->clear_outage_mean_up();
                       o.mutable_link()->clear_outage_mean_down();
                     }
                     for (const sim::OutageRecord& x : outages) {
                       sp::Fault* f = c.add_faults();
                       scheduled_at(f, x.start, x.duration);
                       f->mutable_link_outage()->set_a(x.a);
                       f->mutable_link_outage()->set_b(x.b);
                     }
                     return true;
                   }});
  }
  if (!s.network().partition_mean_interval().empty()) {
    out.push_back({"turn the random partitions into the " +
                       std::to_string(happened.isolations.size()) + " isolations that happened",
                   [isolations = happened.isolations](sp::Scenario& c) {
                     if (c.network().partition_mean_interval().empty()) return false;
                     c.mutable_network()->clear_partition_mean_interval();
                     c.mutable_network()->clear_partition_mean_duration();
                     for (const sim::IsolationRecord& x : isolations) {
                       sp::Fault* f = c.add_faults();
                       scheduled_at(f, x.start, x.duration);
                       f->mutable_isolation()->set_node(x.node);
                       f->mutable_isolation()->set_one_way(x.one_way);
                     }
                     return true;
                   }});
  }
  // Whole families of scheduled faults, before single ones.
  for (const auto& [name, which] : kFaultFamilies) {
    out.push_back({"remove every " + std::string(name) + " fault",
                   [which = which](sp::Scenario& c) { return remove_faults_of(c, which); }});
  }
  // Removing a fault is the biggest step: last first, so that indexes stay valid as they go.
  for (int i = s.faults_size() - 1; i >= 0; --i) {
    out.push_back({"remove faults[" + std::to_string(i) + "]", [i](sp::Scenario& c) {
                     if (i >= c.faults_size()) return false;
                     c.mutable_faults()->DeleteSubrange(i, 1);
                     return true;
                   }});
  }
  out.push_back({"no ERP throttling", [](sp::Scenario& c) {
                   if (c.erp().throttle_requests_per_second() == 0) return false;
                   c.mutable_erp()->clear_throttle_requests_per_second();
                   c.mutable_erp()->clear_throttle_burst();
                   return true;
                 }});
  out.push_back({"no ERP 500s", [](sp::Scenario& c) {
                   if (c.erp().internal_error_probability() == 0) return false;
                   c.mutable_erp()->clear_internal_error_probability();
                   return true;
                 }});
  out.push_back({"no lost ERP replies", [](sp::Scenario& c) {
                   if (c.erp().lost_reply_probability() == 0) return false;
                   c.mutable_erp()->clear_lost_reply_probability();
                   return true;
                 }});
  out.push_back({"no random middleware crashes", [](sp::Scenario& c) {
                   if (!c.has_random_faults() || c.random_faults().middleware_mean_up().empty() ||
                       c.random_faults().node_crashes_size() == 0) {
                     return false;  // removing the only process is "remove random_faults"
                   }
                   auto* r = c.mutable_random_faults();
                   r->clear_middleware_mean_up();
                   r->clear_middleware_mean_down();
                   r->clear_power_loss_probability();
                   return true;
                 }});
  for (int i = s.has_random_faults() ? s.random_faults().node_crashes_size() - 1 : -1; i >= 0;
       --i) {
    out.push_back(
        {"remove random_faults.node_crashes[" + std::to_string(i) + "]", [i](sp::Scenario& c) {
           if (i >= c.random_faults().node_crashes_size()) return false;
           if (c.random_faults().node_crashes_size() == 1 &&
               c.random_faults().middleware_mean_up().empty()) {
             return false;  // the only process: "remove random_faults"
           }
           c.mutable_random_faults()->mutable_node_crashes()->DeleteSubrange(i, 1);
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
                       c.erp().lost_reply_probability() == 0 &&
                       c.erp().internal_error_after_commit_probability() == 0)
                     return false;
                   c.mutable_erp()->set_internal_error_probability(0);
                   c.mutable_erp()->set_lost_reply_probability(0);
                   c.mutable_erp()->set_internal_error_after_commit_probability(0);
                   return true;
                 }});
  out.push_back({"remove crash points", [](sp::Scenario& c) {
                   if (!c.has_crash_points()) return false;
                   c.clear_crash_points();
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
                         p->malformed_probability() == 0 &&
                         p->restamped_resend_probability() == 0 &&
                         p->reissued_resend_probability() == 0 &&
                         p->corrupt_sequence_probability() == 0) {
                       return false;
                     }
                     p->set_duplicate_probability(0);
                     p->set_reorder_probability(0);
                     p->set_malformed_probability(0);
                     p->set_restamped_resend_probability(0);
                     p->set_reissued_resend_probability(0);
                     p->set_corrupt_sequence_probability(0);
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
  // One knob at a time, once the grouped steps above are done with: a family that does not
  // matter goes even when its neighbours do.
  const std::function<model::Link*(sp::Scenario&)> default_link = [](sp::Scenario& c) {
    return c.mutable_network()->mutable_default_link();
  };
  out.push_back(zero_knob<model::Link>("no link loss", default_link, &model::Link::loss_probability,
                                       &model::Link::set_loss_probability));
  out.push_back(zero_knob<model::Link>("no link duplication", default_link,
                                       &model::Link::duplicate_probability,
                                       &model::Link::set_duplicate_probability));
  out.push_back(zero_knob<model::Link>("no link corruption", default_link,
                                       &model::Link::corrupt_probability,
                                       &model::Link::set_corrupt_probability));
  out.push_back({"no random link outages", [](sp::Scenario& c) {
                   auto* l = c.mutable_network()->mutable_default_link();
                   if (l->outage_mean_up().empty()) return false;
                   l->clear_outage_mean_up();
                   l->clear_outage_mean_down();
                   return true;
                 }});
  const std::function<model::Erp*(sp::Scenario&)> erp = [](sp::Scenario& c) {
    return c.mutable_erp();
  };
  out.push_back(zero_knob<model::Erp>("no ERP 500s after commit", erp,
                                      &model::Erp::internal_error_after_commit_probability,
                                      &model::Erp::set_internal_error_after_commit_probability));
  for (int i = 0; i < s.plants_size(); ++i) {
    const std::string at = "plants[" + std::to_string(i) + "]: ";
    const std::function<model::Plant*(sp::Scenario&)> plant = [i](sp::Scenario& c) {
      return i < c.plants_size() ? c.mutable_plants(i) : nullptr;
    };
    out.push_back(zero_knob<model::Plant>(at + "no duplicates", plant,
                                          &model::Plant::duplicate_probability,
                                          &model::Plant::set_duplicate_probability));
    out.push_back(zero_knob<model::Plant>(at + "no reordering", plant,
                                          &model::Plant::reorder_probability,
                                          &model::Plant::set_reorder_probability));
    out.push_back(zero_knob<model::Plant>(at + "no malformed events", plant,
                                          &model::Plant::malformed_probability,
                                          &model::Plant::set_malformed_probability));
    out.push_back(zero_knob<model::Plant>(at + "no restamped resends", plant,
                                          &model::Plant::restamped_resend_probability,
                                          &model::Plant::set_restamped_resend_probability));
    out.push_back(zero_knob<model::Plant>(at + "no reissued resends", plant,
                                          &model::Plant::reissued_resend_probability,
                                          &model::Plant::set_reissued_resend_probability));
    out.push_back(zero_knob<model::Plant>(at + "no corrupt sequence numbers", plant,
                                          &model::Plant::corrupt_sequence_probability,
                                          &model::Plant::set_corrupt_sequence_probability));
  }
  for (int i = 0; i < s.faults_size(); ++i) {
    if (!s.faults(i).has_disk_errors()) continue;
    out.push_back(
        {"halve faults[" + std::to_string(i) + "].disk_errors.probability", [i](sp::Scenario& c) {
           if (i >= c.faults_size() || !c.faults(i).has_disk_errors()) return false;
           auto* e = c.mutable_faults(i)->mutable_disk_errors();
           if (e->probability() <= 0.001) return false;
           e->set_probability(e->probability() / 2);
           return true;
         }});
  }
  out.push_back({"halve the production time", [](sp::Scenario& c) {
                   if (c.production().empty()) c.set_production("1h");
                   return halve(c.mutable_production());
                 }});
  return out;
}

const std::vector<FaultFamily>& fault_families() {
  static const std::vector<FaultFamily> families = [] {
    std::vector<FaultFamily> out;
    for (const auto& [name, which] : kFaultFamilies) {
      out.push_back({std::string(name) + " faults",
                     [which = which](const sp::Scenario& s) {
                       return std::any_of(s.faults().begin(), s.faults().end(),
                                          [&](const sp::Fault& f) { return f.what_case() == which; });
                     },
                     [which = which](sp::Scenario& s) { remove_faults_of(s, which); }});
    }
    out.push_back({"random crashes", [](const sp::Scenario& s) { return has_random_crashes(s); },
                   [](sp::Scenario& s) { s.clear_random_faults(); }});
    out.push_back({"random partitions",
                   [](const sp::Scenario& s) {
                     return !s.network().partition_mean_interval().empty();
                   },
                   [](sp::Scenario& s) {
                     s.mutable_network()->clear_partition_mean_interval();
                     s.mutable_network()->clear_partition_mean_duration();
                   }});
    const auto link_faulty = [](const model::Link& l) {
      return l.loss_probability() > 0 || l.duplicate_probability() > 0 ||
             l.corrupt_probability() > 0 || !l.outage_mean_up().empty();
    };
    const auto make_reliable = [](model::Link* l) {
      l->set_loss_probability(0);
      l->set_duplicate_probability(0);
      l->set_corrupt_probability(0);
      l->clear_outage_mean_up();
      l->clear_outage_mean_down();
    };
    out.push_back({"link faults",
                   [link_faulty](const sp::Scenario& s) {
                     if (link_faulty(s.network().default_link())) return true;
                     return std::any_of(
                         s.network().links().begin(), s.network().links().end(),
                         [&](const model::LinkOverride& o) { return link_faulty(o.link()); });
                   },
                   [make_reliable](sp::Scenario& s) {
                     make_reliable(s.mutable_network()->mutable_default_link());
                     for (model::LinkOverride& o : *s.mutable_network()->mutable_links())
                       make_reliable(o.mutable_link());
                   }});
    out.push_back({"ERP faults",
                   [](const sp::Scenario& s) {
                     const model::Erp& e = s.erp();
                     return e.internal_error_probability() > 0 || e.lost_reply_probability() > 0 ||
                            e.throttle_requests_per_second() > 0 ||
                            e.internal_error_after_commit_probability() > 0;
                   },
                   [](sp::Scenario& s) {
                     model::Erp* e = s.mutable_erp();
                     e->set_internal_error_probability(0);
                     e->set_lost_reply_probability(0);
                     e->set_internal_error_after_commit_probability(0);
                     e->clear_throttle_requests_per_second();
                     e->clear_throttle_burst();
                   }});
    out.push_back({"MES emission faults",
                   [](const sp::Scenario& s) {
                     return std::any_of(
                         s.plants().begin(), s.plants().end(), [](const model::Plant& p) {
                           return p.duplicate_probability() > 0 || p.reorder_probability() > 0 ||
                                  p.malformed_probability() > 0 ||
                                  p.restamped_resend_probability() > 0 ||
                                  p.reissued_resend_probability() > 0 ||
                                  p.corrupt_sequence_probability() > 0;
                         });
                   },
                   [](sp::Scenario& s) {
                     for (model::Plant& p : *s.mutable_plants()) {
                       p.set_duplicate_probability(0);
                       p.set_reorder_probability(0);
                       p.set_malformed_probability(0);
                       p.set_restamped_resend_probability(0);
                       p.set_reissued_resend_probability(0);
                       p.set_corrupt_sequence_probability(0);
                     }
                   }});
    out.push_back({"crash points", [](const sp::Scenario& s) { return s.has_crash_points(); },
                   [](sp::Scenario& s) { s.clear_crash_points(); }});
    return out;
  }();
  return families;
}

int fault_count(const sp::Scenario& s) {
  int n = s.faults_size();
  if (s.has_random_faults()) {
    n += s.random_faults().middleware_mean_up().empty() ? 0 : 1;
    n += s.random_faults().node_crashes_size();
  }
  const auto link = [&n](const model::Link& l) {
    n += (l.loss_probability() > 0) + (l.duplicate_probability() > 0) +
         (l.corrupt_probability() > 0) + !l.outage_mean_up().empty();
  };
  link(s.network().default_link());
  for (const model::LinkOverride& o : s.network().links()) link(o.link());
  n += !s.network().partition_mean_interval().empty();
  n += s.has_crash_points();
  n += (s.erp().internal_error_probability() > 0) + (s.erp().lost_reply_probability() > 0) +
       (s.erp().throttle_requests_per_second() > 0) +
       (s.erp().internal_error_after_commit_probability() > 0);
  for (const model::Plant& p : s.plants()) {
    n += (p.duplicate_probability() > 0) + (p.reorder_probability() > 0) +
         (p.malformed_probability() > 0) + (p.restamped_resend_probability() > 0) +
         (p.reissued_resend_probability() > 0) + (p.corrupt_sequence_probability() > 0);
  }
  return n;
}

}  // namespace mw::scen
