// mote ops, mote passes: what this build of Mote supports.
#include <iostream>

#include "compiler/cli/command.h"
#include "compiler/driver/targets.h"
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

Command add_targets_command(CLI::App& app) {
  CLI::App* parser = app.add_subcommand("targets", "list the target descriptions (targets/*/target.txt)");
  return {parser, [] {
            for (const std::string& name : target_names()) {
              const TargetDescription t = find_target(name);
              std::string features;
              for (const std::string& f : t.features) features += (features.empty() ? "" : ", ") + f;
              std::cout << t.name << ": " << t.summary << "\n  flags: " << t.flags << "\n  features: " << (features.empty() ? "none" : features)
                        << "\n  emulator: " << (t.qemu_machine.empty() ? "none" : "qemu-system-arm -M " + t.qemu_machine) << "\n";
              if (!t.board.empty()) std::cout << "  reference board: " << t.board << "\n";
              if (t.active_ua_per_mhz)
                std::cout << "  active current: " << *t.active_ua_per_mhz << " uA/MHz at " << t.supply_volts << " V (" << t.datasheet << ")\n";
            }
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
