// Checks the IR invariants every pass must keep: SSA, execution order, and that each node's
// output dtypes and shapes are what its op's shape rule says. A failure is a Mote bug.
#include <unordered_set>

#include "compiler/ir/errors.h"
#include "compiler/ir/printer.h"
#include "compiler/ops/op_def.h"
#include "passes/passes.h"

namespace mote {

void verify_graph(Graph& graph, PassContext&) {
  std::unordered_set<const Value*> ready(graph.inputs.begin(), graph.inputs.end());
  auto fail = [&](const Node* node, const std::string& what) {
    throw InternalError("IR verification failed" + (node ? " at " + print_node(*node) : std::string()) + ": " + what);
  };
  for (const auto& owned : graph.nodes()) {
    Node* node = owned.get();
    if (!node->op) fail(node, "node without an op");
    for (const Value* in : node->inputs)
      if (in && !in->is_constant() && !ready.count(in))
        fail(node, "input '" + in->name + "' is used before it is computed");
    for (const Value* out : node->outputs) {
      if (!out) continue;
      if (out->producer != node) fail(node, "output '" + out->name + "' has another producer");
      if (out->is_constant()) fail(node, "output '" + out->name + "' is also a constant");
      if (!ready.insert(out).second) fail(node, "output '" + out->name + "' is produced twice");
    }
    // Re-run the shape rule and compare with what the graph holds.
    std::vector<std::pair<DType, Shape>> recorded;
    for (const Value* out : node->outputs)
      recorded.emplace_back(out ? out->dtype : DType::Float32, out ? out->shape : Shape{});
    try {
      InferContext context(graph, *node);
      node->op->infer(context);
    } catch (const UserError& e) {
      fail(node, std::string("the shape rule now rejects the node: ") + e.what());
    }
    for (size_t i = 0; i < node->outputs.size(); ++i) {
      Value* out = node->outputs[i];
      if (!out) continue;
      out->constant = nullptr;  // a shape-only op would have set it; such nodes are folded
      if (out->dtype != recorded[i].first || out->shape != recorded[i].second)
        fail(node, "output '" + out->name + "' is " + std::string(dtype_name(recorded[i].first)) + "[" +
                       recorded[i].second.to_string() + "] but the shape rule says " +
                       std::string(dtype_name(out->dtype)) + "[" + out->shape.to_string() + "]");
    }
  }
  for (const Value* out : graph.outputs)
    if (!out->is_constant() && !ready.count(out)) fail(nullptr, "graph output '" + out->name + "' is never computed");
}

}  // namespace mote
