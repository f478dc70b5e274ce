// with_defaults: the Config a core runs with. Zero fields of the proto stand for "default";
// this fills in the documented default for each (see proto/config.proto).
#pragma once

#include <string>
#include <vector>

#include "middleware/proto/config.pb.h"

namespace mw::core {

proto::Config with_defaults(proto::Config config);

// ConfigProblem: a field of a Config outside what the core accepts.
struct ConfigProblem {
  std::string field;  // dotted path inside Config, e.g. "poster.backoff_jitter_percent"
  std::string what;   // what is wrong and what is accepted
};

// config_problems checks `config` (zero fields stand for defaults and always pass); empty means
// the core accepts it. Core::open refuses a config with problems.
std::vector<ConfigProblem> config_problems(const proto::Config& config);

// describe_config renders every field of the effective config, one "key: value" per line, so
// a run's report states the design it ran.
std::string describe_config(const proto::Config& config);

}  // namespace mw::core
