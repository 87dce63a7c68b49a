// Removes nodes none of whose outputs reach a graph output.
#include <unordered_set>

#include "passes/passes.h"

namespace mote {

void eliminate_dead_nodes(Graph& graph, PassContext&) {
  std::unordered_set<const Value*> live(graph.outputs.begin(), graph.outputs.end());
  std::vector<Node*> dead;
  for (auto it = graph.nodes().rbegin(); it != graph.nodes().rend(); ++it) {
    Node* node = it->get();
    bool used = false;
    for (const Value* out : node->outputs) used = used || (out && live.count(out));
    if (!used) {
      dead.push_back(node);
      continue;
    }
    for (const Value* in : node->inputs)
      if (in) live.insert(in);
  }
  for (Node* node : dead) graph.remove_node(node);
  graph.remove_unused_values();
}

}  // namespace mote
