// The mwsim command line as users meet it: the real binary, run as a child process, with its
// exit code, stdout and stderr. Each test is a promise of README.md: every option a command
// does not take is an error, no output replaces an input, an output that cannot be written
// fails before the run, and each kind of outcome has its own exit code.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {
namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// A folder of its own per test, emptied first. It is named after the running test too: ctest
// runs each test as its own process, in parallel, and two must never share a folder.
fs::path scratch(const std::string& name) {
  const testing::TestInfo* t = testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir =
      fs::path(testing::TempDir()) /
      ("mwsim_cli_" + std::string(t->test_suite_name()) + "." + t->name() + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// mwsim runs the binary with `args` in `dir` and waits for it.
Outcome mwsim(const std::vector<std::string>& args, const fs::path& dir) {
  const fs::path out = dir / ".stdout";
  const fs::path err = dir / ".stderr";
  std::vector<std::string> argv_text = {MWSIM_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  pid_t pid = 0;
  Outcome o;
  if (posix_spawn(&pid, MWSIM_BINARY, &actions, nullptr, argv.data(), environ) != 0) return o;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = read_all(out);
  o.err = read_all(err);
  fs::remove(out);
  fs::remove(err);
  return o;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A scenario of three simulated minutes: a run takes well under a second.
constexpr const char* kSmall = R"(name: "small"
story: "One plant runs three minutes of a shift."
production: "3m"
plants { events_per_second_per_line: 1 }
)";

TEST(MwsimExitCodes, APassingRunExitsZeroAndAFailedCheckOne) {
  const fs::path dir = scratch("exit_codes");
  write_text(dir / "small.textproto", kSmall);
  write_text(dir / "strict.textproto",
             std::string(kSmall) + "expect { max_p99_posting_latency: \"1us\" }\n");
  EXPECT_EQ(mwsim({"run", "small.textproto"}, dir).exit_code, 0);
  const Outcome failed = mwsim({"run", "strict.textproto"}, dir);
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
}

TEST(MwsimExitCodes, AnInvalidScenarioIsTwoAndAnUnwritableReportThree) {
  const fs::path dir = scratch("exit_codes_2");
  write_text(dir / "small.textproto", kSmall);
  write_text(dir / "bad.textproto", "name: \"bad\"\nproduction: \"3 fortnights\"\n");
  EXPECT_EQ(mwsim({"run", "bad.textproto"}, dir).exit_code, 2);
  EXPECT_EQ(mwsim({"validate", "bad.textproto"}, dir).exit_code, 2);
  const Outcome io = mwsim({"run", "small.textproto", "--json", "no/such/dir/r.json"}, dir);
  EXPECT_EQ(io.exit_code, 3) << io.err;
  EXPECT_TRUE(has(io.err, "--json: cannot create no/such/dir/r.json")) << io.err;
  EXPECT_TRUE(has(io.err, "nothing was run")) << "checked before the run, not after: " << io.err;
  EXPECT_FALSE(has(io.out, "trace digest")) << "no run happened: " << io.out;
}

TEST(MwsimOutputs, AReportNamingTheScenarioIsRefusedAndTheScenarioKept) {
  const fs::path dir = scratch("clobber");
  write_text(dir / "small.textproto", kSmall);
  const Outcome o = mwsim({"run", "small.textproto", "--report", "./small.textproto"}, dir);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(has(o.err, "is an input of this command")) << o.err;
  EXPECT_EQ(read_all(dir / "small.textproto"), kSmall);
}

TEST(MwsimOutputs, TwoOutputsNamingOneFileAreRefused) {
  const fs::path dir = scratch("two_outputs");
  write_text(dir / "small.textproto", kSmall);
  const Outcome o = mwsim({"run", "small.textproto", "--json", "a", "--report", "a"}, dir);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(has(o.err, "both name a")) << o.err;
  EXPECT_FALSE(fs::exists(dir / "a"));
}

TEST(MwsimOutputs, ReportsAreWrittenWholeAndNoTemporaryFileIsLeft) {
  const fs::path dir = scratch("whole");
  write_text(dir / "small.textproto", kSmall);
  write_text(dir / "r.json", "an older report");
  const Outcome o = mwsim(
      {"run", "small.textproto", "--json", "r.json", "--junit", "r.xml", "--report", "r.html"},
      dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(has(read_all(dir / "r.json"), "\"scenario\": \"small\""));
  EXPECT_TRUE(has(read_all(dir / "r.xml"), "<testsuite"));
  EXPECT_TRUE(has(read_all(dir / "r.html"), "<html"));
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_FALSE(has(entry.path().filename().string(), ".mwsim-")) << entry.path();
}

// sweep --report and compare --report once wrote nothing; now each writes its HTML page.
TEST(MwsimOutputs, SweepAndCompareWriteTheirHtmlReports) {
  const fs::path dir = scratch("many_reports");
  write_text(dir / "small.textproto", kSmall);
  const Outcome sweep = mwsim({"sweep", "small.textproto", "--seeds", "1..2", "--report", "s.html"}, dir);
  ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
  const std::string s = read_all(dir / "s.html");
  EXPECT_TRUE(has(s, "id=\"chart-seeds\"")) << s.substr(0, 400);
  EXPECT_TRUE(has(s, "seeds 1..2"));
  const Outcome compare = mwsim({"compare", "small.textproto", "--design", "safe_default",
                                 "--design", "fast_retries", "--seeds", "1..2", "--report",
                                 "c.html"},
                                dir);
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  const std::string c = read_all(dir / "c.html");
  EXPECT_TRUE(has(c, "id=\"comparison\""));
  EXPECT_TRUE(has(c, "<th>fast_retries</th>"));
  EXPECT_TRUE(has(c, "poster.request_timeout_ms: 10000 -&gt; 2000")) << "its differences";
}

TEST(MwsimOptions, AnOptionTheCommandDoesNotTakeIsAUsageError) {
  const fs::path dir = scratch("options");
  write_text(dir / "small.textproto", kSmall);
  const std::vector<std::vector<std::string>> wrong = {
      {"run", "small.textproto", "--seeds", "1..3"},
      {"sweep", "small.textproto", "--seeds", "1..2", "--budget", "10s"},
      {"sweep", "small.textproto", "--seeds", "1..2", "--trace", "t.json"},
      {"compare", "small.textproto", "--design", "safe_default", "--design", "fast_retries",
       "--trace", "t.json"},
      {"list", "--seed", "3"},
      {"merge", "--out", "x", "a.json"},
  };
  for (const auto& args : wrong) {
    const Outcome o = mwsim(args, dir);
    EXPECT_EQ(o.exit_code, 2) << args[0] << " " << args[2] << ": " << o.err;
    EXPECT_TRUE(has(o.err, "--help lists its options")) << o.err;
  }
  EXPECT_FALSE(fs::exists(dir / "r.html"));
}

TEST(MwsimOptions, AnOptionGivenTwiceIsAUsageError) {
  const fs::path dir = scratch("twice");
  write_text(dir / "small.textproto", kSmall);
  const Outcome o = mwsim({"run", "small.textproto", "--seed", "3", "--seed", "5"}, dir);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(has(o.err, "--seed")) << o.err;
}

TEST(MwsimOptions, AValueErrorNamesTheOptionAndWhatItExpects) {
  const fs::path dir = scratch("values");
  const Outcome seed = mwsim({"run", "small", "--seed", "-1"}, dir);
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_TRUE(has(seed.err, "--seed")) << seed.err;
  EXPECT_TRUE(has(seed.err, "expects a non-negative integer, got '-1'")) << seed.err;
  const Outcome range = mwsim({"sweep", "small", "--seeds", "9..3"}, dir);
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_TRUE(has(range.err, "expects A..B with A <= B")) << range.err;
  const Outcome family = mwsim({"swarm", "--seeds", "1", "--off", "meteors"}, dir);
  EXPECT_EQ(family.exit_code, 2);
  EXPECT_TRUE(has(family.err, "meteors")) << family.err;
}

TEST(MwsimOptions, ABillionSeedsAreRefusedAtOnceWithTheWayToSplitThem) {
  const fs::path dir = scratch("billion");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"sweep", "clean_shift", "--seeds", "1..1000000000"},
        std::vector<std::string>{"swarm", "--seeds", "1..18446744073709551615"}}) {
    const Outcome o = mwsim(args, dir);
    EXPECT_EQ(o.exit_code, 2) << o.err;
    EXPECT_TRUE(has(o.err, "one run takes at most 1000000")) << o.err;
    EXPECT_TRUE(has(o.err, "--shard K/N")) << o.err;
  }
}

TEST(MwsimOptions, SixtyFivePlantsOrTenThousandAreAnErrorNotAnAbort) {
  const fs::path dir = scratch("plants");
  for (const char* copies : {"65", "10000"}) {
    write_text(dir / "many.textproto",
               std::string("name: \"many\"\nstory: \"Too many plants.\"\nproduction: \"3m\"\n"
                           "plants { copies: ") +
                   copies + " }\n");
    for (const char* command : {"validate", "run"}) {
      const Outcome o = mwsim({command, "many.textproto"}, dir);
      EXPECT_EQ(o.exit_code, 2) << command << " " << copies << ": " << o.err;
      EXPECT_TRUE(has(o.err, "at most 64")) << o.err;
    }
  }
}

TEST(MwsimHelp, EachCommandsHelpListsEveryOptionItTakes) {
  const fs::path dir = scratch("help");
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"run", {"--seed", "--catalogue", "--design", "--json", "--junit", "--trace", "--report"}},
      {"replay", {"--seed", "--design", "--json", "--report"}},
      {"sweep",
       {"--seeds", "--jobs", "--shard", "--design", "--json", "--junit", "--report", "--catalogue"}},
      {"swarm",
       {"--seeds", "--jobs", "--budget", "--out", "--off", "--until-failure", "--json", "--report"}},
      {"merge", {"SWEEP_JSON", "--json", "--junit", "--report"}},
      {"shrink", {"--seed", "--output", "--max-runs", "--catalogue"}},
      {"compare",
       {"--design", "--designs", "--seeds", "--jobs", "--catalogue", "--json", "--junit",
        "--report"}},
      {"validate", {"--seed", "--catalogue"}},
      {"check", {"SCENARIO", "--jobs", "--junit", "--catalogue"}},
      {"list", {"--catalogue"}},
      {"demo", {"--seed"}},
  };
  for (const auto& [command, options] : expected) {
    const Outcome o = mwsim({command, "--help"}, dir);
    EXPECT_EQ(o.exit_code, 0) << command;
    EXPECT_TRUE(has(o.out, "mwsim " + command)) << command << " prints its own help:\n" << o.out;
    for (const std::string& option : options)
      EXPECT_TRUE(has(o.out, option)) << command << " --help lacks " << option << ":\n" << o.out;
    EXPECT_TRUE(has(o.out, "exit codes: 0 passed, 1 a check failed")) << o.out;
  }
}

TEST(MwsimHelp, AnUnknownCommandListsEveryCommand) {
  const Outcome o = mwsim({"runn", "small"}, scratch("unknown"));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(has(o.err, "unknown command 'runn'")) << o.err;
  for (const char* c : {"list", "validate", "run", "replay", "check", "sweep", "swarm", "merge",
                        "shrink", "compare", "demo"})
    EXPECT_TRUE(has(o.err, c)) << o.err;
}

TEST(MwsimHelp, VersionNamesTheBuild) {
  const Outcome o = mwsim({"--version"}, scratch("version"));
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_TRUE(has(o.out, "0.5.0 ")) << o.out;
}

// Two shards of one sweep, for the merge tests; run once per test process.
struct Shards {
  fs::path dir;
  Shards() : dir(scratch("shards")) {
    write_text(dir / "small.textproto", kSmall);
    for (const char* k : {"0", "1"}) {
      const Outcome o = mwsim({"sweep", "small.textproto", "--seeds", "1..4", "--shard",
                               std::string(k) + "/2", "--json", std::string("s") + k + ".json"},
                              dir);
      EXPECT_EQ(o.exit_code, 0) << o.err;
    }
  }
};
const Shards& shards() {
  static const Shards s;
  return s;
}

TEST(MwsimMerge, EveryShardMergesGreen) {
  const Outcome o = mwsim({"merge", "s0.json", "s1.json", "--json", "all.json"}, shards().dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "4 runs, 4 passed")) << o.out;
  EXPECT_TRUE(has(o.out, "PASSED")) << o.out;
}

TEST(MwsimMerge, AMissingOrRepeatedShardIsRefusedWithoutAVerdict) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"merge", "s0.json"},
        std::vector<std::string>{"merge", "s0.json", "s0.json", "s1.json"}}) {
    const Outcome o = mwsim(args, shards().dir);
    EXPECT_EQ(o.exit_code, 2) << o.err;
    EXPECT_TRUE(has(o.err, "no verdict")) << o.err;
    EXPECT_FALSE(has(o.out, "PASSED")) << o.out;
  }
}

TEST(MwsimMerge, AShardOfAnEditedScenarioIsRefused) {
  const fs::path dir = scratch("edited");
  write_text(dir / "small.textproto", kSmall);
  fs::copy_file(shards().dir / "s0.json", dir / "s0.json");
  write_text(dir / "small.textproto",
             std::string(kSmall) + "erp { lost_reply_probability: 0.1 }\n");
  ASSERT_EQ(
      mwsim({"sweep", "small.textproto", "--seeds", "1..4", "--shard", "1/2", "--json", "s1.json"},
            dir)
          .exit_code,
      0);
  const Outcome o = mwsim({"merge", "s0.json", "s1.json"}, dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(has(o.err, "another scenario file with the same name")) << o.err;
  EXPECT_FALSE(has(o.out, "PASSED")) << o.out;
}

}  // namespace

namespace {

TEST(MwsimCompare, WritesItsJsonAndAJunitSuitePerDesign) {
  const fs::path dir = scratch("compare");
  write_text(dir / "small.textproto", kSmall);
  const Outcome o =
      mwsim({"compare", "small.textproto", "--design", "safe_default", "--design", "fast_retries",
             "--seeds", "1..2", "--json", "c.json", "--junit", "c.xml"},
            dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "design fast_retries differs from the scenario's own design in:"))
      << o.out;
  EXPECT_TRUE(has(o.out, "poster.request_timeout_ms: 10000 -> 2000")) << o.out;
  const std::string json = read_all(dir / "c.json");
  EXPECT_TRUE(has(json, "\"designs\"")) << json.substr(0, 300);
  EXPECT_TRUE(has(json, "\"differences\"")) << json.substr(0, 300);
  const std::string xml = read_all(dir / "c.xml");
  EXPECT_TRUE(has(xml, "<testsuite name=\"small [safe_default]\"")) << xml.substr(0, 300);
  EXPECT_TRUE(has(xml, "<testsuite name=\"small [fast_retries]\"")) << xml.substr(0, 300);
}

TEST(MwsimRun, ADesignIsMergedOverTheScenarioAndNamedInTheReplayCommand) {
  const fs::path dir = scratch("run_design");
  write_text(dir / "small.textproto", kSmall);
  const Outcome o =
      mwsim({"run", "small.textproto", "--design", "fast_retries", "--json", "r.json"}, dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "request_timeout_ms: 2000")) << "the effective configuration:\n" << o.out;
  EXPECT_TRUE(has(read_all(dir / "r.json"), "--design fast_retries"));
  const Outcome bad = mwsim({"run", "small.textproto", "--design", "no_such_design"}, dir);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST(MwsimCheck, RunsEachScenarioWithTheSeedsItListsIntoOneJunitFile) {
  const fs::path dir = scratch("check");
  fs::create_directories(dir / "suite");
  write_text(dir / "suite" / "small.textproto", std::string(kSmall) + "seeds: \"1..2\"\n");
  write_text(dir / "suite" / "other.textproto",
             "name: \"other\"\nstory: \"Another plant.\"\nseed: 7\nproduction: \"2m\"\n"
             "plants { events_per_second_per_line: 1 }\n");
  const Outcome o = mwsim({"check", "suite", "--jobs", "2", "--junit", "check.xml"}, dir);
  ASSERT_EQ(o.exit_code, 0) << o.err << o.out;
  EXPECT_TRUE(has(o.out, "3 runs, 3 passed, 0 failed")) << o.out;
  EXPECT_TRUE(has(o.out, "PASSED")) << o.out;
  const std::string xml = read_all(dir / "check.xml");
  for (const char* suite : {"small (seed 1)", "small (seed 2)", "other (seed 7)"})
    EXPECT_TRUE(has(xml, std::string("<testsuite name=\"") + suite)) << suite << "\n" << xml;
  EXPECT_TRUE(has(xml, "<property name=\"digest\"")) << xml;
}

TEST(MwsimCheck, OneFailedExpectationFailsTheCheckWithItsReplayCommand) {
  const fs::path dir = scratch("check_failed");
  write_text(dir / "small.textproto", kSmall);
  write_text(
      dir / "strict.textproto",
      "name: \"strict\"\nstory: \"Too strict.\"\nproduction: \"3m\"\n"
      "plants { events_per_second_per_line: 1 }\nexpect { max_p99_posting_latency: \"1us\" }\n");
  const Outcome o = mwsim({"check", "small.textproto", "strict.textproto"}, dir);
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_TRUE(has(o.out, "2 runs, 1 passed, 1 failed")) << o.out;
  EXPECT_TRUE(has(o.out, "replay: mwsim replay strict.textproto --seed 1")) << o.out;
  EXPECT_FALSE(has(o.out, "PASSED")) << o.out;
}

TEST(MwsimCheck, AnInvalidFileIsReportedTheOthersStillRunAndTheCheckFails) {
  const fs::path dir = scratch("check_invalid");
  write_text(dir / "small.textproto", kSmall);
  write_text(dir / "bad.textproto", std::string(kSmall) + "seeds: \"5..2\"\n");
  const Outcome o = mwsim({"check", "bad.textproto", "small.textproto"}, dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(has(o.err, "bad.textproto:5:1: seeds: must be A..B with A <= B")) << o.err;
  EXPECT_TRUE(has(o.out, "1 runs, 1 passed, 0 failed; 1 invalid files")) << o.out;
}

}  // namespace

namespace {

TEST(MwsimValidate, WarnsAboutAWorldThatWouldTakeHoursButAcceptsIt) {
  const fs::path dir = scratch("huge");
  write_text(dir / "huge.textproto",
             "name: \"huge\"\nstory: \"Every plant at full speed.\"\nproduction: \"8h\"\n"
             "plants { copies: 64 lines: 32 events_per_second_per_line: 100 }\n");
  write_text(dir / "crashy.textproto",
             std::string(kSmall) + "random_faults { middleware_mean_up: \"1ms\" }\n");
  const Outcome huge = mwsim({"validate", "huge.textproto"}, dir);
  EXPECT_EQ(huge.exit_code, 0) << huge.err;
  EXPECT_TRUE(has(huge.err, "huge.textproto: warning: the plants create about")) << huge.err;
  const Outcome crashy = mwsim({"validate", "crashy.textproto"}, dir);
  EXPECT_EQ(crashy.exit_code, 0) << crashy.err;
  EXPECT_TRUE(has(crashy.err, "warning: the middleware is up about 0.02 % of the production"))
      << crashy.err;
  write_text(dir / "storm.textproto",
             std::string(kSmall) +
                 "random_faults { middleware_mean_up: \"1ms\" middleware_mean_down: \"1ms\" }\n");
  const Outcome storm = mwsim({"validate", "storm.textproto"}, dir);
  EXPECT_TRUE(has(storm.err, "warning: random crashes come to about 9e+04")) << storm.err;
  write_text(dir / "small.textproto", kSmall);
  const Outcome small = mwsim({"validate", "small.textproto"}, dir);
  EXPECT_FALSE(has(small.err, "warning")) << small.err;
}

}  // namespace
