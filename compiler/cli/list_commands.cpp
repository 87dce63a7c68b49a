// mote ops, mote passes: what this build of Mote supports.
#include <iostream>

#include "compiler/cli/command.h"
#include "compiler/ops/op_def.h"
#include "passes/pipeline.h"

namespace mote::cli {

Command add_ops_command(CLI::App& app) {
  CLI::App* parser = app.add_subcommand("ops", "list the supported operators");
  return {parser, [] {
            for (const OpDef* op : all_ops())
              std::cout << (op->domain[0] ? std::string(op->domain) + "." : std::string()) << op->name << "\n";
            return 0;
          }};
}

Command add_passes_command(CLI::App& app) {
  CLI::App* parser = app.add_subcommand("passes", "list the passes of the pipeline");
  return {parser, [] {
            for (const Pass& p : default_pipeline())
              std::cout << p.name << (p.optional ? "" : " (always on)") << ": " << p.summary << "\n";
            return 0;
          }};
}

}  // namespace mote::cli
