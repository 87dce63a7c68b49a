// Turns a 2-D float32 MatMul (OpDef::as_plain_gemm) whose only reader adds a constant bias
// into a Gemm (alpha 1, beta 1, no C), so that fold_channel_affine, which runs next, folds the
// Add into the Gemm's C. Correct because Gemm(A, B) with no C is A x B. A MatMul without such
// an Add stays: the rewrite alone buys nothing.
#include "compiler/ops/gemm.h"
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {

void matmul_to_gemm(Graph& graph, PassContext& context) {
  const OpDef* gemm = find_op("", "Gemm");
  std::vector<Node*> candidates;
  for (const auto& node : graph.nodes()) {
    if (!node->op->as_plain_gemm || !node->op->as_plain_gemm(*node)) continue;
    Node* reader = sole_consumer(graph, node->outputs[0]);
    ChannelAffine affine;
    if (reader && reader->op->as_channel_affine && reader->op->as_channel_affine(*reader, affine)) candidates.push_back(node.get());
  }
  for (Node* matmul : candidates) {
    Node* replacement = graph.add_node(gemm, matmul->name, std::make_unique<ops::GemmAttrs>(), matmul->inputs, {}, 13, matmul);
    Value* product = matmul->outputs[0];
    graph.remove_node(matmul);
    replacement->outputs = {product};
    product->producer = replacement;
  }
  context.notes.push_back("matmul_to_gemm: " + std::to_string(candidates.size()) + " MatMul nodes became Gemm");
}

}  // namespace mote
