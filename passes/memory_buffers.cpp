#include "passes/memory_buffers.h"

#include <algorithm>
#include <unordered_map>

namespace mote {

std::unordered_map<const Value*, Lifetime> value_lifetimes(const Graph& graph) {
  std::unordered_map<const Value*, Lifetime> lifetimes;
  for (const Value* in : graph.inputs) lifetimes[in] = {0, 0};
  const auto& nodes = graph.nodes();
  for (size_t s = 0; s < nodes.size(); ++s) {
    const int step = static_cast<int>(s) + 1;
    for (const Value* in : nodes[s]->inputs)
      if (in) lifetimes[in].last = std::max(lifetimes[in].last, step);
    for (const Value* out : nodes[s]->outputs)
      if (out) lifetimes[out] = {step, step};
  }
  for (const Value* out : graph.outputs) lifetimes[out].last = static_cast<int>(nodes.size()) + 1;
  return lifetimes;
}

std::vector<memory::Buffer> unaliased_buffers(const Graph& graph, int64_t alignment, bool with_io) {
  std::vector<memory::Buffer> buffers;
  std::unordered_map<const Value*, size_t> index;
  const auto& nodes = graph.nodes();
  const int end_step = static_cast<int>(nodes.size()) + 1;
  if (with_io)
    for (const Value* in : graph.inputs) {
      index[in] = buffers.size();
      buffers.push_back({in->byte_size(), alignment, 0, graph.is_graph_output(in) ? end_step : 0});
    }
  for (size_t s = 0; s < nodes.size(); ++s) {
    const int step = static_cast<int>(s) + 1;
    for (const Value* in : nodes[s]->inputs) {
      auto it = in ? index.find(in) : index.end();
      if (it != index.end()) buffers[it->second].last = std::max(buffers[it->second].last, step);
    }
    for (const KernelCall& call : nodes[s]->kernels)
      for (int64_t bytes : call.scratch_bytes) buffers.push_back({bytes, alignment, step, step});
    for (const Value* out : nodes[s]->outputs) {
      if (!out || (graph.is_graph_output(out) && !with_io)) continue;
      index[out] = buffers.size();
      buffers.push_back({out->byte_size(), alignment, step, graph.is_graph_output(out) ? end_step : step});
    }
  }
  return buffers;
}

}  // namespace mote
