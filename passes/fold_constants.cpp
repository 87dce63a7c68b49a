// Evaluates, at compile time, every node whose inputs are all constant, with the same kernels
// the generated code would run. A node is kept when folding would add more constant bytes
// than the limit beyond what its inputs hold (e.g. Expand of a scalar to a large tensor): the
// run-time computation is then cheaper in flash than the folded result.
#include "compiler/eval/evaluator.h"
#include "compiler/ops/op_def.h"
#include "passes/passes.h"

namespace mote {

void fold_constants(Graph& graph, PassContext& context) {
  std::vector<Node*> order;
  for (const auto& n : graph.nodes()) order.push_back(n.get());
  for (Node* node : order) {
    int64_t input_bytes = 0, output_bytes = 0;
    bool all_constant = true;
    for (const Value* in : node->inputs) {
      if (!in) continue;
      all_constant = all_constant && in->is_constant();
      if (in->is_constant()) input_bytes += in->byte_size();
    }
    if (!all_constant) continue;
    for (const Value* out : node->outputs)
      if (out) output_bytes += out->byte_size();
    if (output_bytes > input_bytes + context.options.fold_growth_limit_bytes) {
      context.notes.push_back("fold_constants: kept '" + node->label() + "' (" + node->op_name() + "): folding would add " +
                              std::to_string(output_bytes - input_bytes) + " bytes of constants");
      continue;
    }
    graph.fold_node(node, evaluate_node(*node));
  }
  graph.remove_unused_values();
}

}  // namespace mote
