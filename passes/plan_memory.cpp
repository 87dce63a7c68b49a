// Places every intermediate tensor and kernel scratch buffer at an offset in one static arena,
// reusing memory once a tensor is dead. Graph inputs and outputs live in the caller's buffers
// and constants in flash, so neither takes arena space.
#include <unordered_map>

#include "compiler/ir/errors.h"
#include "passes/memory/planner.h"
#include "passes/passes.h"

namespace mote {

void plan_memory(Graph& graph, PassContext& context) {
  const int64_t alignment = context.options.arena_alignment;
  std::vector<memory::Buffer> buffers;
  std::vector<Value*> buffer_values;                         // value per buffer (null: scratch)
  std::vector<std::pair<KernelCall*, size_t>> buffer_scratch;  // scratch per buffer
  std::unordered_map<const Value*, size_t> buffer_of;

  const auto& nodes = graph.nodes();
  for (size_t step = 0; step < nodes.size(); ++step) {
    Node* node = nodes[step].get();
    for (Value* in : node->inputs) {
      auto it = in ? buffer_of.find(in) : buffer_of.end();
      if (it != buffer_of.end()) buffers[it->second].last = static_cast<int>(step);
    }
    for (KernelCall& call : node->kernels) {
      call.scratch_offsets.assign(call.scratch_bytes.size(), 0);
      for (size_t s = 0; s < call.scratch_bytes.size(); ++s) {
        buffers.push_back({call.scratch_bytes[s], alignment, static_cast<int>(step), static_cast<int>(step)});
        buffer_values.push_back(nullptr);
        buffer_scratch.emplace_back(&call, s);
      }
    }
    for (Value* out : node->outputs) {
      if (!out || graph.is_graph_output(out)) continue;
      buffer_of[out] = buffers.size();
      buffers.push_back({out->byte_size(), alignment, static_cast<int>(step), static_cast<int>(step)});
      buffer_values.push_back(out);
      buffer_scratch.emplace_back(nullptr, 0);
    }
  }

  memory::Placement placement = memory::plan_greedy_by_size(buffers);
  std::string problem = memory::validate_placement(buffers, placement);
  if (!problem.empty()) throw InternalError("memory plan of '" + graph.name + "' is invalid: " + problem);

  for (auto& v : graph.values()) v->arena_offset = -1;
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (buffer_values[i])
      buffer_values[i]->arena_offset = placement.offsets[i];
    else
      buffer_scratch[i].first->scratch_offsets[buffer_scratch[i].second] = placement.offsets[i];
  }
  int64_t bytes = placement.arena_bytes;
  if (!buffers.empty() && bytes < alignment) bytes = alignment;  // keep every pointer non-null
  graph.arena_bytes = (bytes + alignment - 1) / alignment * alignment;
  context.notes.push_back("plan_memory: arena " + std::to_string(graph.arena_bytes) + " bytes for " +
                          std::to_string(buffers.size()) + " buffers (liveness bound " +
                          std::to_string(memory::liveness_lower_bound(buffers)) + ")");
}

}  // namespace mote
