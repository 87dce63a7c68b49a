// Host evaluation of the IR with the very kernels codegen emits (each node's KernelCalls,
// invoked in-process). Used for constant folding, shape-deciding inputs, calibration and the
// before/after checks in pass tests.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote {

// Runs one node whose inputs are all constant. Outputs come back in node output order.
std::vector<TensorPtr> evaluate_node(const Node& node);
std::vector<TensorPtr> evaluate_node(const Node& node, const std::vector<const Tensor*>& inputs);

// Makes `value` constant by folding the chain of nodes it depends on. Returns false, leaving
// the graph unchanged, when that chain reaches runtime data (a graph input).
bool fold_to_constant(Graph& graph, Value* value);

// Runs the whole graph on the given inputs (graph input order); returns the outputs.
// `observe`, when given, sees every graph input and node output as it is computed
// (calibration, per-tensor error reports).
using ValueObserver = std::function<void(const Value&, const Tensor&)>;
std::vector<Tensor> evaluate_graph(const Graph& graph, const std::vector<Tensor>& inputs, const ValueObserver& observe = {});

}  // namespace mote
