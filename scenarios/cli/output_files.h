// OutputFiles: the files a command writes, checked before it runs and written whole or not at
// all. Before the run: no output may be one of the command's inputs or another output (so
// `run x.textproto --report x.textproto` is refused instead of replacing the scenario with
// HTML), and each output is created as a temporary file beside its target (so a missing
// directory or a read-only place is reported before minutes of simulation, not after). After
// the run, `commit` writes the text into the temporary file and renames it over the target, so
// a reader never sees half a report and a failed write leaves the old file as it was.
// Temporary files never committed are removed when the OutputFiles goes.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mw::cli {

class OutputFiles {
 public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  ~OutputFiles();

  // add_input records `path` as a file the command reads: no output may replace it.
  void add_input(const std::string& path);
  // add records the output that option `option` (say "--json") names; an empty path is no
  // output.
  void add(const std::string& option, const std::string& path);
  // add_directory records a directory the command may write files into (swarm's --out).
  void add_directory(const std::string& option, const std::string& path);

  // conflicts returns the usage errors: an output that is an input or another output.
  std::vector<std::string> conflicts() const;
  // prepare creates every output's temporary file and every directory; returns the I/O
  // errors, each naming the option and the path.
  std::vector<std::string> prepare();

  // commit writes `text` to the output of `option` and says where on stderr; false (and a
  // message on stderr) when it cannot. An option without an output is a no-op returning true.
  bool commit(const std::string& option, const std::string& text);
  // has tells whether `option` names an output.
  bool has(const std::string& option) const { return outputs_.contains(option); }
  const std::string& path(const std::string& option) const { return outputs_.at(option).path; }

 private:
  struct Output {
    std::string path;
    std::string temporary;  // empty until prepared, and for a device or pipe written in place
    bool in_place = false;  // an existing non-regular file (/dev/stdout, a FIFO)
    bool committed = false;
  };
  std::vector<std::string> inputs_;
  std::map<std::string, Output> outputs_;                  // by option
  std::vector<std::pair<std::string, std::string>> dirs_;  // option, path
};

}  // namespace mw::cli
