// Mote's IR: a graph of typed values and nodes in execution order. Values are SSA: one
// producer (a node, or none for graph inputs and constants), any number of users.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/attrs.h"
#include "compiler/ir/errors.h"
#include "compiler/ir/kernel_call.h"
#include "compiler/ir/shape.h"
#include "compiler/ir/tensor.h"

namespace mote {

struct OpDef;
class Node;

// Quantization of a tensor: real = scale * (q - zero_point), per tensor or per `axis`.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int axis = -1;  // -1: per tensor
};

// An activation a fusion pass moved into its producer's store (conv, gemm): the node's output
// is the activation's output.
struct FusedActivation {
  enum class Kind { Relu, Clip, LeakyRelu, HardSigmoid, HardSwish, Sigmoid, Tanh };
  Kind kind = Kind::Relu;
  float alpha = 0.0f;  // Clip: min; LeakyRelu, HardSigmoid: alpha
  float beta = 0.0f;   // Clip: max; HardSigmoid: beta
};

// Where a value's bytes live at run time, decided by the memory planner.
struct Storage {
  enum class Kind {
    None,    // not planned (constants, or before plan_memory)
    Arena,   // the arena, at `offset`
    Input,   // inside graph input `index` (a read-only view), at `offset`
    Output,  // inside graph output `index`'s buffer, at `offset`
  };
  Kind kind = Kind::None;
  int index = -1;
  int64_t offset = 0;
};

// What the memory planner concluded, for reports and budgets.
struct MemorySummary {
  int64_t arena_bytes = 0;
  // The arena with every kernel at its smallest scratch (--smallest-arena): below arena_bytes
  // when faster kernel forms took more.
  int64_t smallest_arena_bytes = 0;
  int64_t io_bytes = 0;            // graph input and output buffers the caller provides
  int64_t bound_schedule = 0;      // liveness lower bound of the chosen order, without aliasing
  int64_t bound_file_order = 0;    // the same for the model's own node order
  std::string planner;             // the placement algorithm that won
  int aliased_values = 0;          // values sharing memory with another (views, in place, slices)
  int elided_copies = 0;           // copy kernels that became no-ops
};

class Value {
 public:
  int id = 0;
  std::string name;
  DType dtype = DType::Float32;
  Shape shape;
  TensorPtr constant;          // set: the value is known at compile time (weights, folded)
  Node* producer = nullptr;    // null for graph inputs and constants
  std::optional<QuantParams> quant;
  Storage storage;             // set by the memory planner

  bool is_constant() const { return constant != nullptr; }
  int64_t byte_size() const { return shape.numel() * static_cast<int64_t>(dtype_size(dtype)); }
  std::string describe() const;  // "'name' float32[1x3x32x32]"
};

class Node {
 public:
  int id = 0;
  std::string name;
  const OpDef* op = nullptr;
  int opset = 0;                  // version of the op's domain the model was written for
  std::unique_ptr<Attrs> attrs;
  std::vector<Value*> inputs;     // nullptr marks an omitted optional input
  std::vector<Value*> outputs;
  std::vector<KernelCall> kernels;  // set by the lower_kernels pass
  std::optional<FusedActivation> activation;  // set by fuse_activations

  Value* input(size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
  bool has_input(size_t i) const { return input(i) != nullptr; }
  template <class A>
  const A& attrs_as() const;
  template <class A>
  A& attrs_as();
  std::string op_name() const;   // "Conv", or "com.microsoft.QLinearAdd"
  std::string label() const;     // name, or "#id" for unnamed nodes
};

class Graph {
 public:
  std::string name;                  // model name, used in messages
  std::vector<Value*> inputs;        // runtime inputs, in ONNX order
  std::vector<Value*> outputs;       // in ONNX order
  std::map<std::string, std::string> metadata;  // ONNX metadata_props
  int64_t arena_bytes = 0;           // set by the memory planner
  MemorySummary memory;              // set by the memory planner

  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  std::unique_ptr<Graph> clone() const;

  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<std::unique_ptr<Value>>& values() const { return values_; }

  // Creates a value; `name` is made unique if taken.
  Value* add_value(const std::string& name, DType dtype, Shape shape);
  Value* add_constant(const std::string& name, TensorPtr tensor);
  Value* find_value(const std::string& name) const;
  // Appends a node (or inserts before `before`); outputs get `producer` set.
  Node* add_node(const OpDef* op, std::string name, std::unique_ptr<Attrs> attrs,
                 std::vector<Value*> inputs, std::vector<Value*> outputs, int opset,
                 const Node* before = nullptr);
  // Makes every output of `node` the given constant and removes the node.
  void fold_node(Node* node, const std::vector<TensorPtr>& results);
  // Replaces every use of `from` (node inputs and graph outputs) with `to`.
  void replace_uses(Value* from, Value* to);
  void remove_node(Node* node);
  // Removes values nobody produces, uses or exports.
  void remove_unused_values();
  // Puts nodes in the given order (a permutation of nodes()).
  void reorder(const std::vector<Node*>& order);

  // Nodes using each value, in node order.
  std::unordered_map<const Value*, std::vector<Node*>> users() const;
  bool is_graph_output(const Value* v) const;
  bool is_graph_input(const Value* v) const;
  std::string unique_name(const std::string& base);

 private:
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unordered_map<std::string, Value*> by_name_;
  int next_value_id_ = 0;
  int next_node_id_ = 0;
};

template <class A>
const A& Node::attrs_as() const {
  auto* typed = dynamic_cast<const A*>(attrs.get());
  if (!typed) throw_internal("node '" + label() + "' does not carry the attributes asked for");
  return *typed;
}
template <class A>
A& Node::attrs_as() {
  auto* typed = dynamic_cast<A*>(attrs.get());
  if (!typed) throw_internal("node '" + label() + "' does not carry the attributes asked for");
  return *typed;
}

}  // namespace mote
