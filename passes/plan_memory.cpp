// Places every intermediate tensor and kernel scratch buffer in one static arena. Values that
// can share bytes (memory_aliasing.cpp) form one buffer; the buffers go to the placement
// algorithms of passes/memory/, the smallest arena wins, and a validator checks that no two
// buffers live at the same time overlap. Graph inputs and outputs stay in the caller's buffers
// (views into them included), constants in flash.
#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include "compiler/ir/errors.h"
#include "passes/memory/planner.h"
#include "passes/memory_aliasing.h"
#include "passes/memory_buffers.h"
#include "passes/memory_table.h"
#include "passes/passes.h"

namespace mote {
namespace {

struct Group {
  const Value* root;
  std::vector<const Value*> members;
  int64_t size = 0;
  int first = 0, last = 0;
};

// One complete plan for one way of aliasing: the groups, their buffers and where they go.
struct Plan {
  AliasGroups aliases;
  std::vector<Group> groups;
  std::vector<memory::Buffer> buffers;
  std::vector<size_t> buffer_group;                            // group per buffer, or kNoGroup
  std::vector<std::pair<KernelCall*, size_t>> buffer_scratch;  // scratch per buffer
  memory::Placement placement;
};
constexpr size_t kNoGroup = static_cast<size_t>(-1);

Plan make_plan(Graph& graph, AliasGroups aliases_found, const std::unordered_map<const Value*, Lifetime>& lifetimes,
               const PassOptions& options) {
  const int64_t alignment = options.arena_alignment;
  const auto& nodes = graph.nodes();
  Plan plan;
  plan.aliases = std::move(aliases_found);
  const AliasGroups& aliases = plan.aliases;
  std::vector<Group>& groups = plan.groups;

  // Groups by root, in a deterministic (first-appearance) order.
  std::unordered_map<const Value*, size_t> group_of;
  auto visit = [&](const Value* v) {
    const Lifetime& life = lifetimes.at(v);
    AliasGroups::Location at = aliases.locate(v);
    auto it = group_of.find(at.root);
    if (it == group_of.end()) {
      it = group_of.emplace(at.root, groups.size()).first;
      groups.push_back({at.root, {}, 0, life.first, life.last});
    }
    Group& g = groups[it->second];
    g.members.push_back(v);
    g.size = std::max(g.size, at.offset + v->byte_size());
    g.first = std::min(g.first, life.first);
    g.last = std::max(g.last, life.last);
  };
  for (const Value* in : graph.inputs) visit(in);
  for (const auto& node : nodes)
    for (const Value* out : node->outputs)
      if (out) visit(out);

  std::vector<memory::Buffer>& buffers = plan.buffers;
  std::vector<size_t>& buffer_group = plan.buffer_group;
  std::vector<std::pair<KernelCall*, size_t>>& buffer_scratch = plan.buffer_scratch;
  for (size_t g = 0; g < groups.size(); ++g) {
    const Value* root = groups[g].root;
    if (!options.io_in_arena && (graph.is_graph_input(root) || graph.is_graph_output(root))) continue;
    // Empty tensors get a byte too, so that no two live buffers share an address (restrict).
    buffers.push_back({std::max<int64_t>(groups[g].size, 1), alignment, groups[g].first, groups[g].last});
    buffer_group.push_back(g);
    buffer_scratch.emplace_back(nullptr, 0);
  }
  for (size_t s = 0; s < nodes.size(); ++s)
    for (KernelCall& call : nodes[s]->kernels) {
      call.scratch_offsets.assign(call.scratch_bytes.size(), 0);
      for (size_t k = 0; k < call.scratch_bytes.size(); ++k) {
        const int step = static_cast<int>(s) + 1;
        buffers.push_back({call.scratch_bytes[k], alignment, step, step});
        buffer_group.push_back(kNoGroup);
        buffer_scratch.emplace_back(&call, k);
      }
    }

  plan.placement = memory::plan_best(buffers, options.planner_search_budget);
  return plan;
}

// Gives every call with scratch variants its first (smallest) or last (fastest) one.
void use_scratch_variants(Graph& graph, bool fastest) {
  for (const auto& node : graph.nodes())
    for (KernelCall& call : node->kernels)
      if (!call.scratch_variants.empty()) call.use(fastest ? call.scratch_variants.back() : call.scratch_variants.front());
}

// Calls with faster forms that need more scratch (KernelCall::scratch_variants) take the largest
// whose scratch fits in the widest gap the plan leaves at their step, below the arena's
// aligned top: they get faster and the arena stays as planned.
int grow_scratch(Plan& plan, int64_t alignment) {
  const int64_t limit = memory::align_up(plan.placement.arena_bytes, alignment);
  int grown = 0;
  for (size_t b = 0; b < plan.buffers.size(); ++b) {
    KernelCall* call = plan.buffer_scratch[b].first;
    if (!call || call->scratch_variants.size() < 2) continue;
    MOTE_CHECK(call->scratch_bytes.size() == 1, "scratch variants of '" + call->function + "' need one scratch buffer");
    const memory::Gap gap = memory::widest_gap(plan.buffers, plan.placement, b, limit);
    for (size_t v = call->scratch_variants.size(); v-- > 1;) {
      const int64_t bytes = call->scratch_variants[v].scratch_bytes[0];
      if (bytes > gap.size) continue;
      call->use(call->scratch_variants[v]);
      plan.buffers[b].size = bytes;
      plan.placement.offsets[b] = gap.offset;
      plan.placement.arena_bytes = std::max(plan.placement.arena_bytes, gap.offset + bytes);
      ++grown;
      break;
    }
  }
  return grown;
}

}  // namespace

void plan_memory(Graph& graph, PassContext& context) {
  const PassOptions& options = context.options;
  if (options.io_in_arena)
    for (size_t i = 0; i < graph.outputs.size(); ++i) {
      const Value* v = graph.outputs[i];
      const bool repeated = std::find(graph.outputs.begin(), graph.outputs.begin() + static_cast<long>(i), v) !=
                            graph.outputs.begin() + static_cast<long>(i);
      if (!v->producer || repeated)
        throw UserError(ErrorKind::Unsupported, "--io-in-arena needs every graph output computed by a node, once; output '" +
                                                    v->name + "' is " + (repeated ? "repeated" : "a constant or a graph input"));
    }
  const int64_t alignment = options.arena_alignment;
  const auto& nodes = graph.nodes();
  // Sharing bytes can cost: a Concat output produced piecewise is reserved from its first
  // piece on, a slice keeps its whole source alive, an op widening in place reserves the wide
  // size from the input's birth. Each allowed way of aliasing is planned (skipping ones that
  // alias exactly like an earlier one) and the smallest arena kept; ties go to the first,
  // which shares the most and so copies the least.
  const auto lifetimes = value_lifetimes(graph);
  use_scratch_variants(graph, false);
  std::optional<Plan> plan;
  for (bool views : {true, false})
    for (bool concat : {true, false})
      for (int in_place : {2, 1, 0}) {
        const AliasOptions alias{views, concat, in_place > 0, in_place > 1, options.io_in_arena};
        if ((views || concat) && !options.alias_views) continue;
        if (in_place > 0 && !options.in_place) continue;
        AliasGroups aliases = find_aliases(graph, alias);
        if (plan && aliases.same_as(plan->aliases, graph)) continue;
        Plan candidate = make_plan(graph, std::move(aliases), lifetimes, options);
        if (!plan || candidate.placement.arena_bytes < plan->placement.arena_bytes) plan = std::move(candidate);
      }
  // Faster kernel forms: all of them when there is a RAM budget and that arena fits it (RAM the
  // user has is spent on speed), else those the smallest arena has room for.
  int64_t io_bytes = 0;
  if (!options.io_in_arena) {
    for (const Value* v : graph.inputs) io_bytes += v->byte_size();
    for (const Value* v : graph.outputs)
      if (!v->is_constant()) io_bytes += v->byte_size();
  }
  const int64_t smallest_arena = plan->placement.arena_bytes;
  bool fastest = false;
  if (!options.smallest_arena && options.max_ram_bytes > 0) {
    use_scratch_variants(graph, true);
    Plan fast = make_plan(graph, plan->aliases, lifetimes, options);
    fastest = fast.placement.arena_bytes > smallest_arena && fast.placement.arena_bytes + io_bytes <= options.max_ram_bytes;
    if (fastest) plan = std::move(fast);
    else use_scratch_variants(graph, false);
  }
  const int grown = fastest ? 0 : grow_scratch(*plan, alignment);
  const AliasGroups& aliases = plan->aliases;
  const std::vector<Group>& groups = plan->groups;
  const std::vector<memory::Buffer>& buffers = plan->buffers;
  const memory::Placement& placement = plan->placement;
  const std::vector<size_t>& buffer_group = plan->buffer_group;
  const std::vector<std::pair<KernelCall*, size_t>>& buffer_scratch = plan->buffer_scratch;
  auto output_index = [&](const Value* v) {
    return static_cast<int>(std::find(graph.outputs.begin(), graph.outputs.end(), v) - graph.outputs.begin());
  };
  auto input_index = [&](const Value* v) {
    return static_cast<int>(std::find(graph.inputs.begin(), graph.inputs.end(), v) - graph.inputs.begin());
  };

  std::string problem = memory::validate_placement(buffers, placement);
  if (!problem.empty()) throw InternalError("memory plan of '" + graph.name + "' is invalid: " + problem);

  // Storage of every value: its group's place plus its offset in the group.
  std::vector<int64_t> group_offset(groups.size(), 0);
  for (size_t b = 0; b < buffers.size(); ++b) {
    if (buffer_group[b] != kNoGroup) group_offset[buffer_group[b]] = placement.offsets[b];
    else buffer_scratch[b].first->scratch_offsets[buffer_scratch[b].second] = placement.offsets[b];
  }
  for (auto& v : graph.values()) v->storage = Storage{};
  int aliased = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const Value* root = groups[g].root;
    for (const Value* member : groups[g].members) {
      AliasGroups::Location at = aliases.locate(member);
      Storage& storage = const_cast<Value*>(member)->storage;
      if (options.io_in_arena) storage = {Storage::Kind::Arena, -1, group_offset[g] + at.offset};
      else if (graph.is_graph_input(root)) storage = {Storage::Kind::Input, input_index(root), at.offset};
      else if (graph.is_graph_output(root)) storage = {Storage::Kind::Output, output_index(root), at.offset};
      else storage = {Storage::Kind::Arena, -1, group_offset[g] + at.offset};
      if (member != root) ++aliased;
    }
  }

  // Copies whose source and destination now coincide do not need to run.
  int elided = 0;
  for (const auto& node : nodes)
    for (KernelCall& call : node->kernels) {
      call.elided = false;
      if (!call.block_copy) continue;
      const BlockCopy& b = *call.block_copy;
      const Value* in = node->input(static_cast<size_t>(b.input));
      const Value* out = static_cast<size_t>(b.output) < node->outputs.size() ? node->outputs[static_cast<size_t>(b.output)] : nullptr;
      if (!in || !out || in->is_constant()) continue;
      const int64_t element = static_cast<int64_t>(dtype_size(in->dtype));
      AliasGroups::Location src = aliases.locate(in), dst = aliases.locate(out);
      if (src.root == dst.root && src.offset + b.in_offset * element == dst.offset + b.out_offset * element) {
        call.elided = true;
        ++elided;
      }
    }

  int64_t arena = placement.arena_bytes;
  if (!buffers.empty() && arena < alignment) arena = alignment;  // keep every pointer non-null
  graph.arena_bytes = memory::align_up(arena, alignment);
  MemorySummary& summary = graph.memory;
  summary.arena_bytes = graph.arena_bytes;
  summary.planner = placement.algorithm;
  summary.aliased_values = aliased;
  summary.elided_copies = elided;
  summary.bound_schedule = memory::liveness_lower_bound(unaliased_buffers(graph, alignment, options.io_in_arena));
  if (summary.bound_file_order == 0) summary.bound_file_order = summary.bound_schedule;
  summary.io_bytes = io_bytes;  // the caller's input and output buffers, when they are not in the arena
  summary.smallest_arena_bytes = memory::align_up(smallest_arena, alignment);
  context.notes.push_back("plan_memory: arena " + std::to_string(graph.arena_bytes) + " bytes (" + placement.algorithm + "), " +
                          std::to_string(buffers.size()) + " buffers, " + std::to_string(aliased) + " values aliased, " +
                          std::to_string(elided) + " copies elided, " +
                          (fastest ? "the fastest kernel scratch (smallest arena " + std::to_string(summary.smallest_arena_bytes) + ")"
                                   : std::to_string(grown) + " scratch buffers grown into free room") +
                          "; liveness bound " + std::to_string(summary.bound_schedule));

  if (options.max_ram_bytes > 0 && graph.arena_bytes + summary.io_bytes > options.max_ram_bytes)
    throw UserError(ErrorKind::Budget, "the model needs " + std::to_string(graph.arena_bytes) + " bytes of arena + " +
                                           std::to_string(summary.io_bytes) + " bytes of input/output buffers = " +
                                           std::to_string(graph.arena_bytes + summary.io_bytes) + " bytes of RAM, above --max-ram " +
                                           std::to_string(options.max_ram_bytes) + ":\n" + format_tensor_table(arena_tensors(graph)));
}

}  // namespace mote
