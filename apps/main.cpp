// The `vitrum` command: one subcommand per stage (DESIGN.md "The command line").
// Exit codes: 0 success, 2 bad input (InputError, IoError, usage), 1 internal failure,
// 3 a regression: `vitrum score --baseline` found a metric worse than the baseline.

#include <cstdio>
#include <exception>
#include <string>

#include "analyze.hpp"
#include "cli.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/version.hpp"

namespace {

// The command as recorded in provenance: "vitrum" and the arguments, without the options that
// cannot change a result (--threads, --quiet), so the same run gives the same bytes however
// it was scheduled.
std::string recorded_command(int argc, char** argv) {
  std::string line = "vitrum";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quiet" || arg.starts_with("--threads=")) continue;
    if (arg == "--threads") {
      ++i;
      continue;
    }
    line += " " + arg;
  }
  return line;
}

int print_error(const std::string& message, int code) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vitrum;
  app::GlobalOptions global;
  global.command_line = recorded_command(argc, argv);

  CLI::App cli{
      "vitrum — simulation-and-validation testbed for electron microscopy of "
      "amorphous materials",
      "vitrum"};
  cli.set_version_flag("--version", "vitrum " + std::string(vitrum::version()));
  cli.require_subcommand(1);
  cli.add_option("--threads", global.threads, "worker threads (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--seed", global.seed, "run seed: every random draw derives from it");
  cli.add_flag("--quiet", global.quiet, "print nothing but errors");

  app::add_analyze_command(cli, global);
  app::add_convert_command(cli, global);
  app::add_demo_command(cli, global);
  app::add_sim_command(cli, global);
  app::add_potential_command(cli, global);
  app::add_specimen_command(cli, global);
  app::add_stem_command(cli, global);
  app::add_tomo_command(cli, global);
  app::add_trace_command(cli, global);
  app::add_score_command(cli, global);
  app::add_run_command(cli, global);
  app::add_study_command(cli, global);
  app::add_dataset_command(cli, global);
  app::add_config_command(cli, {{"analyze", app::analyze_defaults_toml},
                                {"demo", app::demo_defaults_toml},
                                {"score", app::score_defaults_toml},
                                {"sim", app::sim_defaults_toml},
                                {"specimen", app::specimen_defaults_toml},
                                {"stem", app::stem_defaults_toml},
                                {"tomo", app::tomo_defaults_toml},
                                {"trace", app::trace_defaults_toml}});
  // Global options may also follow the subcommand: `vitrum demo --threads 2`.
  for (CLI::App* sub : cli.get_subcommands({})) sub->fallthrough();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return cli.exit(e);  // --help, --version
  } catch (const app::CommandExit& e) {
    return print_error(e.message, e.code);
  } catch (const CLI::ParseError& e) {
    return print_error(std::string(e.what()) + " (run 'vitrum --help')", 2);
  } catch (const InputError& e) {
    return print_error(describe(e), 2);
  } catch (const IoError& e) {
    return print_error(describe(e), 2);
  } catch (const Error& e) {
    return print_error(describe(e), 1);
  } catch (const std::exception& e) {
    return print_error(std::string("internal failure: ") + e.what(), 1);
  }
  return 0;
}
