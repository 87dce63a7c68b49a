// Chooses the runtime-min kernel calls for every node (op lowering), collecting every node
// Mote cannot lower so they are reported together.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"

namespace mote {

void lower_kernels(Graph& graph, PassContext& context_of_pass) {
  std::vector<Diagnostic> problems;
  for (const auto& node : graph.nodes()) {
    try {
      LowerContext context(*node, context_of_pass.options.lowering);
      node->kernels = node->op->lower(context);
    } catch (const UserError& e) {
      for (Diagnostic d : e.diagnostics()) {
        if (d.node.empty()) {
          d.node = node->label();
          d.op = node->op_name();
          d.opset = node->opset;
        }
        problems.push_back(d);
      }
    }
  }
  if (!problems.empty()) throw UserError(problems, graph.name);
}

}  // namespace mote
