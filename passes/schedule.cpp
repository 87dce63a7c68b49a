// Chooses the execution order with the smallest peak of live memory. For graphs whose
// prefixes (sets of executed nodes) are few enough, a dynamic program over those sets finds
// the optimum; beyond, a greedy order that runs whatever frees the most memory. The model's
// own order is kept unless the new one is strictly better. Scratch memory counts too.
#include <algorithm>
#include <unordered_map>

#include "compiler/ir/errors.h"
#include "passes/memory/planner.h"
#include "passes/memory_buffers.h"
#include "passes/passes.h"

namespace mote {
namespace {

// The dependency structure in integer form.
struct Problem {
  size_t n = 0;
  std::vector<std::vector<size_t>> preds, succs;  // per node
  std::vector<int64_t> out_bytes, scratch;        // per node: arena bytes it creates
  // Per node, the values it reads: (value id, bytes); the value dies after its last reader.
  std::vector<std::vector<size_t>> reads;
  std::vector<int64_t> value_bytes;
  std::vector<std::vector<size_t>> readers;  // per value
  std::vector<size_t> producer;              // per value
};

Problem build(const Graph& graph) {
  Problem p;
  const auto& nodes = graph.nodes();
  p.n = nodes.size();
  p.preds.resize(p.n);
  p.succs.resize(p.n);
  p.out_bytes.assign(p.n, 0);
  p.scratch.assign(p.n, 0);
  p.reads.resize(p.n);
  std::unordered_map<const Node*, size_t> node_index;
  std::unordered_map<const Value*, size_t> value_index;
  for (size_t i = 0; i < p.n; ++i) node_index[nodes[i].get()] = i;
  for (size_t i = 0; i < p.n; ++i) {
    for (const KernelCall& call : nodes[i]->kernels)
      for (int64_t b : call.scratch_bytes) p.scratch[i] += b;
    for (const Value* out : nodes[i]->outputs) {
      if (!out || graph.is_graph_output(out)) continue;
      value_index[out] = p.value_bytes.size();
      p.value_bytes.push_back(out->byte_size());
      p.readers.emplace_back();
      p.producer.push_back(i);
      p.out_bytes[i] += out->byte_size();
    }
  }
  for (size_t i = 0; i < p.n; ++i)
    for (const Value* in : nodes[i]->inputs) {
      if (!in || !in->producer) continue;
      const size_t from = node_index.at(in->producer);
      if (std::find(p.preds[i].begin(), p.preds[i].end(), from) == p.preds[i].end()) {
        p.preds[i].push_back(from);
        p.succs[from].push_back(i);
      }
      auto it = value_index.find(in);
      if (it != value_index.end() && std::find(p.reads[i].begin(), p.reads[i].end(), it->second) == p.reads[i].end()) {
        p.reads[i].push_back(it->second);
        p.readers[it->second].push_back(i);
      }
    }
  return p;
}

// Peak memory of an order (node indices).
int64_t peak_of(const Problem& p, const std::vector<size_t>& order) {
  std::vector<size_t> remaining(p.value_bytes.size());
  for (size_t v = 0; v < remaining.size(); ++v) remaining[v] = p.readers[v].size();
  int64_t live = 0, peak = 0;
  for (size_t node : order) {
    peak = std::max(peak, live + p.out_bytes[node] + p.scratch[node]);
    live += p.out_bytes[node];
    for (size_t v = 0; v < p.value_bytes.size(); ++v)
      if (p.producer[v] == node && p.readers[v].empty()) live -= p.value_bytes[v];  // nobody reads it
    for (size_t v : p.reads[node])
      if (--remaining[v] == 0) live -= p.value_bytes[v];
  }
  return peak;
}

// Exact: dynamic program over executed sets (bit masks), memoised, with a cap on states.
class Exact {
 public:
  Exact(const Problem& p, size_t max_states) : p_(p), max_states_(max_states) {}

  bool solve(std::vector<size_t>& order) {
    if (p_.n > 64) return false;
    std::vector<size_t> remaining(p_.value_bytes.size());
    for (size_t v = 0; v < remaining.size(); ++v) remaining[v] = p_.readers[v].size();
    if (best(0, 0) < 0) return false;
    uint64_t set = 0;
    int64_t live = 0;
    while (order.size() < p_.n) {
      const size_t next = choice_.at(set);
      order.push_back(next);
      live = advance(set, next, live);
      set |= uint64_t{1} << next;
    }
    return true;
  }

 private:
  // Live bytes after running `node` from `set` (with `live` bytes live before).
  int64_t advance(uint64_t set, size_t node, int64_t live) const {
    live += p_.out_bytes[node];
    const uint64_t after = set | (uint64_t{1} << node);
    for (size_t v = 0; v < p_.value_bytes.size(); ++v) {
      if (p_.producer[v] == node && p_.readers[v].empty()) live -= p_.value_bytes[v];
    }
    for (size_t v : p_.reads[node]) {
      bool all_done = true;
      for (size_t r : p_.readers[v]) all_done = all_done && ((after >> r) & 1);
      if (all_done) live -= p_.value_bytes[v];
    }
    return live;
  }

  // Smallest peak reachable from `set`; -1 when the state cap is hit.
  int64_t best(uint64_t set, int64_t live) {
    const uint64_t full = p_.n == 64 ? ~uint64_t{0} : (uint64_t{1} << p_.n) - 1;
    if (set == full) return 0;
    auto it = memo_.find(set);
    if (it != memo_.end()) return it->second;
    if (memo_.size() >= max_states_) return -1;
    int64_t result = -1;
    size_t chosen = 0;
    for (size_t node = 0; node < p_.n; ++node) {
      if ((set >> node) & 1) continue;
      bool ready = true;
      for (size_t pred : p_.preds[node]) ready = ready && ((set >> pred) & 1);
      if (!ready) continue;
      const int64_t step = live + p_.out_bytes[node] + p_.scratch[node];
      if (result >= 0 && step >= result) continue;  // cannot beat the best found
      const int64_t rest = best(set | (uint64_t{1} << node), advance(set, node, live));
      if (rest < 0) return -1;
      const int64_t peak = std::max(step, rest);
      if (result < 0 || peak < result) {
        result = peak;
        chosen = node;
      }
    }
    memo_[set] = result;
    choice_[set] = chosen;
    return result;
  }

  const Problem& p_;
  size_t max_states_;
  std::unordered_map<uint64_t, int64_t> memo_;
  std::unordered_map<uint64_t, size_t> choice_;
};

// Greedy: among ready nodes, run the one leaving the least memory live (ties: model order).
std::vector<size_t> greedy(const Problem& p) {
  std::vector<size_t> order, remaining(p.value_bytes.size()), waiting(p.n);
  for (size_t v = 0; v < remaining.size(); ++v) remaining[v] = p.readers[v].size();
  for (size_t i = 0; i < p.n; ++i) waiting[i] = p.preds[i].size();
  std::vector<bool> done(p.n, false);
  while (order.size() < p.n) {
    size_t chosen = p.n;
    int64_t chosen_delta = 0;
    for (size_t node = 0; node < p.n; ++node) {
      if (done[node] || waiting[node] != 0) continue;
      int64_t delta = p.out_bytes[node];
      for (size_t v : p.reads[node])
        if (remaining[v] == 1) delta -= p.value_bytes[v];
      if (chosen == p.n || delta < chosen_delta) {
        chosen = node;
        chosen_delta = delta;
      }
    }
    done[chosen] = true;
    order.push_back(chosen);
    for (size_t v : p.reads[chosen]) --remaining[v];
    for (size_t next : p.succs[chosen]) --waiting[next];
  }
  return order;
}

}  // namespace

void schedule(Graph& graph, PassContext& context) {
  graph.memory.bound_file_order =
      memory::liveness_lower_bound(unaliased_buffers(graph, context.options.arena_alignment, context.options.io_in_arena));
  const Problem p = build(graph);
  std::vector<size_t> file_order(p.n);
  for (size_t i = 0; i < p.n; ++i) file_order[i] = i;
  const int64_t file_peak = peak_of(p, file_order);
  std::vector<size_t> order;
  std::string how = "exact";
  if (!Exact(p, static_cast<size_t>(context.options.schedule_max_states)).solve(order)) {
    order = greedy(p);
    how = "greedy";
  }
  const int64_t peak = peak_of(p, order);
  if (peak >= file_peak) {
    context.notes.push_back("schedule: kept the model's order (peak " + std::to_string(file_peak) + " bytes; " + how + " found " +
                            std::to_string(peak) + ")");
    return;
  }
  std::vector<Node*> nodes;
  for (size_t i : order) nodes.push_back(graph.nodes()[i].get());
  graph.reorder(nodes);
  context.notes.push_back("schedule: " + how + " order lowers the peak of live memory from " + std::to_string(file_peak) + " to " +
                          std::to_string(peak) + " bytes");
}

}  // namespace mote
