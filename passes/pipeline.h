// The pass pipeline, as data, and the manager that runs it.
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "passes/pass.h"

namespace mote {

// All passes in the order `mote compile` runs them.
const std::vector<Pass>& default_pipeline();
const Pass* find_pass(const std::string& name);

struct PipelineOptions {
  std::set<std::string> disabled;    // --disable-pass NAME
  std::set<std::string> dump_after;  // --dump-ir-after NAME ("all" for every pass)
  std::ostream* dump = nullptr;      // where IR dumps go
  std::string stop_after;            // run the pipeline up to this pass (tests)
};

// Runs the pipeline; throws UserError(Usage) for unknown or mandatory pass names.
void run_pipeline(Graph& graph, PassContext& context, const PipelineOptions& options);

}  // namespace mote
