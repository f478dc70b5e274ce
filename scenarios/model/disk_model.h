// The disks' model (disk_model.proto) and the simulated volume's options (sim::VolumeOptions):
// reading a scenario's knobs over the defaults, and writing back the knobs the disks run with.
#pragma once

#include "scenarios/model/disk_model.pb.h"
#include "scenarios/model/field_reader.h"
#include "sim/disk/volume.h"

namespace mw::scen {

// read_disk_model applies the knobs `m` sets over `o`, reporting each bad one through `r`.
void read_disk_model(const model::Disk& m, const FieldReader& r, sim::VolumeOptions& o);

// effective_disk_model returns every knob of `o`, as a scenario would write it.
model::Disk effective_disk_model(const sim::VolumeOptions& o);

}  // namespace mw::scen
