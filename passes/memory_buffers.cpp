#include "passes/memory_buffers.h"

#include <unordered_map>

namespace mote {

std::vector<memory::Buffer> unaliased_buffers(const Graph& graph, int64_t alignment) {
  std::vector<memory::Buffer> buffers;
  std::unordered_map<const Value*, size_t> index;
  const auto& nodes = graph.nodes();
  for (size_t s = 0; s < nodes.size(); ++s) {
    const int step = static_cast<int>(s) + 1;
    for (const Value* in : nodes[s]->inputs) {
      auto it = in ? index.find(in) : index.end();
      if (it != index.end()) buffers[it->second].last = step;
    }
    for (const KernelCall& call : nodes[s]->kernels)
      for (int64_t bytes : call.scratch_bytes) buffers.push_back({bytes, alignment, step, step});
    for (const Value* out : nodes[s]->outputs) {
      if (!out || graph.is_graph_output(out)) continue;
      index[out] = buffers.size();
      buffers.push_back({out->byte_size(), alignment, step, step});
    }
  }
  return buffers;
}

}  // namespace mote
