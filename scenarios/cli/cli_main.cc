// The mwsim command line: one CLI11 app, one subcommand per command (cmd_*.cc), each with only
// the options it takes; a parse error names the option and what it expected, and exits 2.
#include <cstdio>
#include <string>
#include <vector>

#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/version.h"

namespace mw::cli {

int mwsim_main(int argc, char** argv) {
  CLI::App app{
      "mwsim: deterministic simulation and test harness for manufacturing integration "
      "middleware",
      "mwsim"};
  app.set_version_flag("--version", std::string(scen::mwsim_version()));
  app.require_subcommand(1, 1);
  app.footer(std::string("SCENARIO is a .textproto file or the name of a catalogue scenario "
                         "(mwsim list).\n`mwsim COMMAND --help` lists a command's options.\n") +
             kExitCodesHelp + ".");
  const std::vector<Command> commands = {add_list(app),    add_validate(app), add_run(app),
                                         add_replay(app),  add_check(app),    add_sweep(app),
                                         add_swarm(app),   add_merge(app),    add_shrink(app),
                                         add_compare(app), add_demo(app)};
  for (const Command& c : commands) c.app->footer(kExitCodesHelp);

  if (argc < 2) {
    std::fputs(app.help().c_str(), stderr);
    return kInvalidInput;
  }
  const std::string first = argv[1];
  if (first == "help") {
    std::fputs(app.help().c_str(), stdout);
    return kPassed;
  }
  if (!first.starts_with("-")) {
    bool known = false;
    std::string names;
    for (const Command& c : commands) {
      known |= c.app->get_name() == first;
      names += (names.empty() ? "" : ", ") + c.app->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "mwsim: unknown command '%s'; the commands are: %s\n", first.c_str(),
                   names.c_str());
      return kInvalidInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // the chosen command's help, on stdout
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::vector<CLI::App*> chosen = app.get_subcommands();
    const std::string command = chosen.empty() ? "" : " " + chosen.front()->get_name();
    std::fprintf(stderr, "mwsim%s: %s\n(mwsim%s --help lists its options)\n", command.c_str(),
                 e.what(), command.c_str());
    return kInvalidInput;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return kInvalidInput;  // require_subcommand makes this unreachable
}

}  // namespace mw::cli
