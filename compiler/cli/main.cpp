// The mote command line. Exit codes (docs/cli.md): 0 success, 1 user error (options, files, an
// invalid model), 2 a valid model Mote cannot compile, 3 a RAM/flash budget exceeded, 4 a bug.
#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "compiler/cli/command.h"
#include "compiler/ir/errors.h"
#include "frontend/onnx/model_loader.h"

int main(int argc, char** argv) {
  using namespace mote;
  onnx_frontend::isolate_shape_inference(true);
  CLI::App app{"mote: compiles ONNX models into dependency-free C++ for microcontrollers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mote ") + MOTE_VERSION);
  const std::vector<cli::Command> commands = {cli::add_compile_command(app), cli::add_inspect_command(app),
                                              cli::add_ops_command(app), cli::add_passes_command(app),
                                              cli::add_targets_command(app), cli::add_report_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUserError;
  }
  try {
    for (const cli::Command& command : commands)
      if (command.parser->parsed()) return command.run();
  } catch (const UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const InternalError& e) {
    std::cerr << e.what() << "\nThis is a bug in Mote; please report it with the model.\n";
    return kExitInternalError;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\nThis is a bug in Mote; please report it with the model.\n";
    return kExitInternalError;
  }
  return kExitInternalError;
}
