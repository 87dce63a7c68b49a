// Evaluates, at compile time, every node whose inputs are all constant, with the same kernels
// the generated code would run. A node is kept when folding would add more constant bytes
// than the limit beyond what its inputs hold (e.g. Expand of a scalar to a large tensor): the
// run-time computation is then cheaper in flash than the folded result.
#include <algorithm>

#include "compiler/eval/evaluator.h"
#include "compiler/ops/op_def.h"
#include "passes/passes.h"

namespace mote {

void fold_constants(Graph& graph, PassContext& context) {
  std::vector<Node*> order;
  for (const auto& n : graph.nodes()) order.push_back(n.get());
  const auto users = graph.users();
  auto read = [&](const Value* v) {
    const auto it = users.find(v);
    return v && (graph.is_graph_output(v) || (it != users.end() && !it->second.empty()));
  };
  for (Node* node : order) {
    // Nothing reads it (fuse_qdq leaves the weights' DequantizeLinear so): eliminate_dead_nodes
    // removes it; evaluating it would only cost time.
    if (std::none_of(node->outputs.begin(), node->outputs.end(), read)) continue;
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
