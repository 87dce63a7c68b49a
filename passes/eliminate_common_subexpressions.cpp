// Stores identical constants once and computes identical nodes once. Two constants are the
// same when dtype, shape and bytes match; two nodes when op, opset, attributes (compared
// exactly) and inputs match, in which case the later one's results are the earlier one's.
// Correct because every op Mote runs is a pure function of its inputs and attributes.
#include <map>
#include <string>
#include <tuple>

#include "compiler/ir/printer.h"
#include "passes/passes.h"

namespace mote {
namespace {

uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t hash = 1469598103934665603ull;
  for (uint8_t b : bytes) hash = (hash ^ b) * 1099511628211ull;
  return hash;
}

int deduplicate_constants(Graph& graph) {
  std::map<std::tuple<DType, std::string, uint64_t>, std::vector<Value*>> seen;
  std::vector<std::pair<Value*, Value*>> replace;  // duplicate -> first
  for (const auto& v : graph.values()) {
    if (!v->is_constant() || graph.is_graph_output(v.get())) continue;  // outputs keep their names
    auto& same_key = seen[{v->dtype, v->shape.to_string(), fnv1a(v->constant->bytes())}];
    Value* first = nullptr;
    for (Value* candidate : same_key)
      if (candidate->constant->same_contents(*v->constant)) first = candidate;
    if (first) replace.emplace_back(v.get(), first);
    else same_key.push_back(v.get());
  }
  for (auto& [duplicate, first] : replace) graph.replace_uses(duplicate, first);
  return static_cast<int>(replace.size());
}

// In node order, so a merge makes later nodes' inputs identical too (chains merge whole).
int merge_identical_nodes(Graph& graph) {
  std::map<std::string, Node*> seen;
  std::vector<Node*> duplicates;
  for (const auto& node : graph.nodes()) {
    std::string key = node->op_name() + "/" + std::to_string(node->opset) + "/" + attrs_key(*node->attrs) + "/";
    for (const Value* in : node->inputs) key += (in ? std::to_string(in->id) : "_") + ",";
    auto [it, inserted] = seen.emplace(key, node.get());
    if (inserted) continue;
    Node* survivor = it->second;
    bool covered = survivor->outputs.size() == node->outputs.size();
    for (size_t i = 0; covered && i < node->outputs.size(); ++i)
      covered = !node->outputs[i] || (survivor->outputs[i] && !graph.is_graph_output(node->outputs[i]));
    if (!covered) continue;  // the survivor dropped an output this node computes, or a graph output would be renamed
    for (size_t i = 0; i < node->outputs.size(); ++i)
      if (node->outputs[i]) graph.replace_uses(node->outputs[i], survivor->outputs[i]);
    duplicates.push_back(node.get());
  }
  for (Node* node : duplicates) graph.remove_node(node);
  return static_cast<int>(duplicates.size());
}

}  // namespace

void eliminate_common_subexpressions(Graph& graph, PassContext& context) {
  const int constants = deduplicate_constants(graph);
  const int nodes = merge_identical_nodes(graph);
  graph.remove_unused_values();
  context.notes.push_back("eliminate_common_subexpressions: " + std::to_string(constants) + " duplicate constants, " +
                          std::to_string(nodes) + " duplicate nodes");
}

}  // namespace mote
