#include "passes/rewrite.h"

#include <algorithm>

namespace mote {

Node* sole_consumer(const Graph& graph, const Value* value) {
  if (!value || graph.is_graph_output(value)) return nullptr;
  Node* found = nullptr;
  for (const auto& node : graph.nodes()) {
    const auto uses = std::count(node->inputs.begin(), node->inputs.end(), value);
    if (uses == 0) continue;
    if (found || uses > 1) return nullptr;
    found = node.get();
  }
  return found;
}

void absorb_consumer(Graph& graph, Node& producer, Node& consumer) {
  Value* result = consumer.outputs[0];
  graph.remove_node(&consumer);
  producer.outputs[0] = result;
  result->producer = &producer;
  graph.remove_unused_values();
}

}  // namespace mote
