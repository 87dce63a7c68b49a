// A `mote` subcommand: its CLI11 parser and the function that runs it once parsed. Each
// subcommand lives in its own file and registers itself in main.cpp's list.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace mote::cli {

struct Command {
  CLI::App* parser = nullptr;
  std::function<int()> run;  // returns the exit code; throws UserError / InternalError
};

Command add_compile_command(CLI::App& app);
Command add_inspect_command(CLI::App& app);
Command add_ops_command(CLI::App& app);
Command add_passes_command(CLI::App& app);
Command add_targets_command(CLI::App& app);
Command add_report_command(CLI::App& app);

}  // namespace mote::cli
