// with_defaults: the Config a core runs with. Zero fields of the proto stand for "default";
// this fills in the documented default for each (see proto/config.proto).
#pragma once

#include <string>

#include "middleware/proto/config.pb.h"

namespace mw::core {

proto::Config with_defaults(proto::Config config);

// describe_config renders every field of the effective config, one "key: value" per line, so
// a run's report states the design it ran.
std::string describe_config(const proto::Config& config);

}  // namespace mw::core
