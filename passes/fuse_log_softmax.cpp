// Turns Log(Softmax(x)) into LogSoftmax(x): a Log whose input comes from an op with a log form
// (OpDef::log_form) and is read by nothing else. Correct because LogSoftmax is defined as the
// log of Softmax with the same axis (and, before opset 13, the same flattening); it is also more
// accurate, x - max - log(sum(exp(x - max))) never takes the log of an underflowed 0, and it
// saves a node, a pass over memory and a buffer.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {

void fuse_log_softmax(Graph& graph, PassContext& context) {
  const OpDef* log = find_op("", "Log");
  std::vector<std::pair<Node*, Node*>> matches;  // (producer, Log)
  for (const auto& node : graph.nodes()) {
    if (node->op != log || !node->inputs[0]) continue;
    Node* producer = node->inputs[0]->producer;
    if (producer && producer->op->log_form && sole_consumer(graph, producer->outputs[0]) == node.get())
      matches.emplace_back(producer, node.get());
  }
  for (auto [producer, log_node] : matches) {
    Node* fused = graph.add_node(producer->op->log_form, producer->name, producer->attrs->clone(), producer->inputs, {}, producer->opset,
                                 producer);
    Value* result = log_node->outputs[0];
    graph.remove_node(log_node);
    graph.remove_node(producer);
    fused->outputs = {result};
    result->producer = fused;
  }
  graph.remove_unused_values();
  context.notes.push_back("fuse_log_softmax: " + std::to_string(matches.size()) + " Log(Softmax) became LogSoftmax");
}

}  // namespace mote
