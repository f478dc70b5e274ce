// Command: one `mwsim` command, registered on the CLI11 app by its own file (cmd_*.cc). Its
// options live in the command's own struct, bound to the subcommand, so an option another
// command takes is an error here, not silently ignored.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace mw::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // called once when the command was chosen; returns an ExitCode
};

Command add_list(CLI::App& mwsim);
Command add_validate(CLI::App& mwsim);
Command add_run(CLI::App& mwsim);
Command add_replay(CLI::App& mwsim);
Command add_sweep(CLI::App& mwsim);
Command add_swarm(CLI::App& mwsim);
Command add_merge(CLI::App& mwsim);
Command add_shrink(CLI::App& mwsim);
Command add_compare(CLI::App& mwsim);
Command add_check(CLI::App& mwsim);
Command add_demo(CLI::App& mwsim);

// mwsim_main is the whole command line: parse, run the chosen command, its exit code.
int mwsim_main(int argc, char** argv);

}  // namespace mw::cli
