#include "compiler/eval/evaluator.h"

#include <unordered_map>
#include <unordered_set>

#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"

namespace mote {
namespace {

// Kernels take a null pointer to mean "absent"; an empty buffer must still be non-null.
void* non_null(const uint8_t* p) {
  static uint8_t empty_buffer[16];
  return p ? const_cast<uint8_t*>(p) : empty_buffer;
}

void run_kernels(const Node& node, const std::vector<const Tensor*>& inputs,
                 std::vector<Tensor>& outputs) {
  LowerContext context(node);
  std::vector<KernelCall> calls = node.kernels.empty() ? node.op->lower(context) : node.kernels;
  for (const KernelCall& call : calls) {
    std::vector<std::vector<uint8_t>> scratch;
    for (int64_t bytes : call.scratch_bytes) scratch.emplace_back(static_cast<size_t>(bytes));
    std::vector<std::vector<void*>> lists;
    lists.reserve(call.args.size());
    std::vector<void*> pointers;
    for (const KernelArg& arg : call.args) {
      switch (arg.kind) {
        case KernelArg::Kind::Input: {
          const Tensor* t = static_cast<size_t>(arg.index) < inputs.size() ? inputs[static_cast<size_t>(arg.index)] : nullptr;
          pointers.push_back(t ? non_null(t->raw()) : nullptr);
          break;
        }
        case KernelArg::Kind::Output: {
          // An optional output the model does not ask for gets a null pointer.
          const size_t i = static_cast<size_t>(arg.index);
          const bool present = i < node.outputs.size() && node.outputs[i];
          pointers.push_back(present ? non_null(outputs[i].raw()) : nullptr);
          break;
        }
        case KernelArg::Kind::InputList: {
          std::vector<void*> list;
          for (int i : arg.list) {
            const Tensor* t = inputs.at(static_cast<size_t>(i));
            list.push_back(t ? non_null(t->raw()) : nullptr);
          }
          lists.push_back(std::move(list));
          pointers.push_back(lists.back().data());
          break;
        }
        case KernelArg::Kind::Scratch:
          pointers.push_back(non_null(scratch.at(static_cast<size_t>(arg.index)).data()));
          break;
        case KernelArg::Kind::Constant:
          pointers.push_back(non_null(arg.constant->raw()));
          break;
        case KernelArg::Kind::None:
          pointers.push_back(nullptr);
          break;
      }
    }
    call.invoke(pointers.data());
  }
}

}  // namespace

std::vector<TensorPtr> evaluate_node(const Node& node, const std::vector<const Tensor*>& inputs) {
  std::vector<Tensor> outputs;
  for (const Value* out : node.outputs) {
    if (out)
      outputs.emplace_back(out->dtype, out->shape);
    else
      outputs.emplace_back(DType::Float32, Shape{0});
  }
  run_kernels(node, inputs, outputs);
  std::vector<TensorPtr> results;
  for (Tensor& t : outputs) results.push_back(std::make_shared<const Tensor>(std::move(t)));
  return results;
}

std::vector<TensorPtr> evaluate_node(const Node& node) {
  std::vector<const Tensor*> inputs;
  for (const Value* in : node.inputs) {
    MOTE_CHECK(!in || in->is_constant(), "evaluate_node: input '" + (in ? in->name : "") + "' of '" +
                                            node.label() + "' is not constant");
    inputs.push_back(in ? in->constant.get() : nullptr);
  }
  return evaluate_node(node, inputs);
}

bool fold_to_constant(Graph& graph, Value* value) {
  if (value->is_constant()) return true;
  // Collect the producers `value` depends on (explicit stack: chains can be long).
  std::vector<Node*> needed;
  std::unordered_set<const Node*> seen;
  std::vector<Value*> stack{value};
  while (!stack.empty()) {
    Value* v = stack.back();
    stack.pop_back();
    if (!v || v->is_constant()) continue;
    if (!v->producer) return false;  // runtime data
    if (!seen.insert(v->producer).second) continue;
    needed.push_back(v->producer);
    for (Value* in : v->producer->inputs) stack.push_back(in);
  }
  // Evaluate in graph order so every input is ready before its user.
  std::vector<Node*> order;
  for (const auto& n : graph.nodes())
    if (seen.count(n.get())) order.push_back(n.get());
  for (Node* n : order) graph.fold_node(n, evaluate_node(*n));
  return true;
}

std::vector<Tensor> evaluate_graph(const Graph& graph, const std::vector<Tensor>& inputs, const ValueObserver& observe) {
  MOTE_CHECK(inputs.size() == graph.inputs.size(), "evaluate_graph: wrong input count");
  std::unordered_map<const Value*, TensorPtr> env;
  for (size_t i = 0; i < inputs.size(); ++i) {
    env[graph.inputs[i]] = std::make_shared<const Tensor>(inputs[i]);
    if (observe) observe(*graph.inputs[i], inputs[i]);
  }
  auto lookup = [&](const Value* v) -> const Tensor* {
    if (!v) return nullptr;
    if (v->is_constant()) return v->constant.get();
    auto it = env.find(v);
    MOTE_CHECK(it != env.end(), "evaluate_graph: '" + v->name + "' used before it is computed");
    return it->second.get();
  };
  for (const auto& node : graph.nodes()) {
    std::vector<const Tensor*> in;
    for (const Value* v : node->inputs) in.push_back(lookup(v));
    std::vector<TensorPtr> out = evaluate_node(*node, in);
    for (size_t i = 0; i < out.size(); ++i)
      if (node->outputs[i]) {
        env[node->outputs[i]] = out[i];
        if (observe) observe(*node->outputs[i], *out[i]);
      }
  }
  std::vector<Tensor> results;
  for (const Value* v : graph.outputs) results.push_back(*lookup(v));
  return results;
}

}  // namespace mote
