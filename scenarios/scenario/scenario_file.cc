#include "scenarios/scenario/scenario_file.h"

#include <google/protobuf/io/tokenizer.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/check.h"

namespace mw::scen {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Collector turns the text parser's errors into "path:line:column: message" (1-based).
class Collector : public google::protobuf::io::ErrorCollector {
 public:
  Collector(const std::string& path, std::vector<std::string>& errors)
      : path_(path), errors_(errors) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    // The parser quotes the token it choked on; a token can be a megabyte-long string.
    constexpr std::size_t kMaxMessage = 300;
    const std::string shown = message.size() <= kMaxMessage
                                  ? message
                                  : message.substr(0, kMaxMessage) + "... (" +
                                        std::to_string(message.size()) + " characters)";
    errors_.push_back(path_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) +
                      ": " + shown);
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    // The text parser warns where a reader would be misled (e.g. a deprecated field): an error
    // here, as every doubt in a scenario file is.
    AddError(line, column, message);
  }

 private:
  const std::string& path_;
  std::vector<std::string>& errors_;
};

const FieldDescriptor* field_of(const Message& m, std::string_view name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(std::string(name));
  MW_CHECK(f != nullptr, "the scenario locator was asked for a field its message does not have");
  return f;
}

}  // namespace

std::vector<std::string> parse_text_message(
    const std::string& path, std::string_view text, Message& message,
    google::protobuf::TextFormat::ParseInfoTree* locations) {
  std::vector<std::string> errors;
  Collector collector(path, errors);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (locations != nullptr) parser.WriteLocationsTo(locations);
  // Editors on Windows save UTF-8 with a byte order mark; columns count from after it.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (!parser.ParseFromString(std::string(text), &message) && errors.empty()) {
    errors.push_back(path + ":1:1: the file does not parse as a " +
                     message.GetDescriptor()->name());
  }
  return errors;
}

bool read_text_file(const std::string& path, std::string& text, std::vector<std::string>& errors) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    errors.push_back(path + ": is a directory, not a file");
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back(path + ": cannot open the file (does it exist, and may you read it?)");
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

LoadedScenario parse_scenario_text(const std::string& path, std::string_view text) {
  LoadedScenario out;
  out.file.path = path;
  out.errors = parse_text_message(path, text, out.file.scenario, out.file.locations.get());
  return out;
}

LoadedScenario load_scenario_file(const std::string& path) {
  std::string text;
  LoadedScenario out;
  out.file.path = path;
  if (!read_text_file(path, text, out.errors)) return out;
  return parse_scenario_text(path, text);
}

std::string Locator::where(int line, int column) const {
  if (tree_ == nullptr || line < 0) return file_ + ":1:1";
  return file_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1);
}

std::string Locator::child_path(std::string_view field, int index) const {
  std::string p = field_path_.empty() ? std::string(field) : field_path_ + "." + std::string(field);
  if (index >= 0) p += "[" + std::to_string(index) + "]";
  return p;
}

std::pair<int, int> Locator::location_of(const FieldDescriptor* f, int index) const {
  // A repeated field has a place per element only: without one, the message's place.
  if (tree_ != nullptr && (index >= 0 || !f->is_repeated())) {
    const auto loc = tree_->GetLocation(f, index);
    if (loc.line >= 0) return {loc.line, loc.column};
  }
  return {line_, column_};
}

Locator Locator::nested(const Message& parent, std::string_view field, int index) const {
  const FieldDescriptor* f = field_of(parent, field);
  const google::protobuf::TextFormat::ParseInfoTree* child =
      tree_ != nullptr ? tree_->GetTreeForNested(f, index) : nullptr;
  const auto [line, column] = location_of(f, index);
  return Locator(file_, child, child_path(field, index), line, column, *errors_);
}

void Locator::error(const Message& message, std::string_view field, const std::string& what,
                    int index) const {
  const auto [line, column] = location_of(field_of(message, field), index);
  errors_->push_back(where(line, column) + ": " + child_path(field, index) + ": " + what);
}

void Locator::error_here(const std::string& what) const {
  errors_->push_back(where(line_, column_) + ": " +
                     (field_path_.empty() ? "scenario" : field_path_) + ": " + what);
}

}  // namespace mw::scen
