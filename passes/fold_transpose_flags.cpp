// Folds a Transpose (OpDef::as_permutation) into the op reading it when that op can read the
// input permuted itself (OpDef::absorb_input_permutation: Gemm's transA / transB for a 2-D
// transpose) and nothing else reads the transposed tensor. Correct because Gemm with transA=1
// computes with A's transpose, exactly the tensor the Transpose node wrote; the copy is gone.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {

void fold_transpose_flags(Graph& graph, PassContext& context) {
  // Collected first: removing nodes while walking the node list would invalidate the walk.
  std::vector<Node*> readers;
  for (const auto& node : graph.nodes())
    if (node->op->absorb_input_permutation) readers.push_back(node.get());
  int folded = 0;
  for (Node* node : readers)
    for (size_t i = 0; i < node->inputs.size(); ++i) {
      Value* input = node->inputs[i];
      Node* transpose = input ? input->producer : nullptr;
      std::vector<int64_t> perm;
      if (!transpose || !transpose->op->as_permutation || sole_consumer(graph, input) != node ||
          !transpose->op->as_permutation(*transpose, perm) || !node->op->absorb_input_permutation(*node, i, perm))
        continue;
      node->inputs[i] = transpose->inputs[0];
      graph.remove_node(transpose);
      ++folded;
    }
  graph.remove_unused_values();
  context.notes.push_back("fold_transpose_flags: " + std::to_string(folded) + " Transpose nodes folded into their readers' flags");
}

}  // namespace mote
