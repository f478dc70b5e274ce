// Scenario files: reading a *.textproto into a Scenario, with the location of every field kept
// so that later checks can name file:line:column too.
#pragma once

#include <google/protobuf/text_format.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/proto/scenario.pb.h"

namespace mw::scen {

struct ScenarioFile {
  std::string path;
  mw::scenario::Scenario scenario;
  // The design (`--design NAME`) merged over the scenario's own, if any: replay commands name
  // it, so that they run what ran.
  std::string design;
  // Where each field was written; empty for a scenario built in code.
  std::shared_ptr<google::protobuf::TextFormat::ParseInfoTree> locations =
      std::make_shared<google::protobuf::TextFormat::ParseInfoTree>();
};

struct LoadedScenario {
  ScenarioFile file;
  std::vector<std::string> errors;  // "path:line:column: what"; empty means it parsed
  bool ok() const { return errors.empty(); }
};

// load_scenario_file reads and parses `path`. Unknown fields, bad values and syntax errors
// are errors; the file is not checked any further (see build_world).
LoadedScenario load_scenario_file(const std::string& path);
// parse_scenario_text parses `text` as if read from `path`.
LoadedScenario parse_scenario_text(const std::string& path, std::string_view text);

// parse_text_message parses protobuf text `text` (read from `path`) into `message`, with the
// field locations into `locations` if given; returns "path:line:column: what" errors.
std::vector<std::string> parse_text_message(
    const std::string& path, std::string_view text, google::protobuf::Message& message,
    google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);
// read_text_file reads `path` into `text`; false (with an error in `errors`) when it cannot.
bool read_text_file(const std::string& path, std::string& text, std::vector<std::string>& errors);

// Locator names a field of a parsed scenario as "path:line:column: field.path" for errors.
class Locator {
 public:
  Locator(const ScenarioFile& file, std::vector<std::string>& errors)
      : Locator(file.path, file.locations.get(), "", -1, -1, errors) {}

  // nested returns the locator of the message in `field` (element `index` if repeated).
  Locator nested(const google::protobuf::Message& parent, std::string_view field,
                 int index = -1) const;
  // error records a problem with `field` of `message` (element `index` if repeated), placed
  // where the field was written, or where its message was if it was not.
  void error(const google::protobuf::Message& message, std::string_view field,
             const std::string& what, int index = -1) const;
  // error_here records a problem with the message this locator stands for.
  void error_here(const std::string& what) const;
  const std::string& path() const { return field_path_; }

 private:
  Locator(std::string file, const google::protobuf::TextFormat::ParseInfoTree* tree,
          std::string field_path, int line, int column, std::vector<std::string>& errors)
      : file_(std::move(file)),
        tree_(tree),
        field_path_(std::move(field_path)),
        line_(line),
        column_(column),
        errors_(&errors) {}
  std::string where(int line, int column) const;
  // location_of is where `f` (element `index`) was written, or this message's place.
  std::pair<int, int> location_of(const google::protobuf::FieldDescriptor* f, int index) const;
  std::string child_path(std::string_view field, int index) const;

  std::string file_;
  const google::protobuf::TextFormat::ParseInfoTree* tree_;
  std::string field_path_;  // "plants[1].shift"; empty at the top
  int line_;                // of this message, 0-based; -1 when unknown
  int column_;
  std::vector<std::string>* errors_;
};

}  // namespace mw::scen
