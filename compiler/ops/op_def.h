// What Mote knows about one operator: its attributes, its shape rule and how it lowers to a
// runtime-min kernel. Each op lives in compiler/ops/<op>.cpp and is listed once in
// op_table.cpp; see docs/adding-an-operator.md.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ops/lowering_options.h"
#include "mote/activation.h"

namespace mote {

struct OpTraits {
  bool elementwise = false;  // output element i depends only on input elements at i (broadcast)
  bool view = false;         // output holds input 0's bytes unchanged (Reshape, Squeeze, ...)
  bool shape_only = false;   // output depends only on input shapes (Shape, Size)
  bool activation_epilogue = false;  // its kernels apply Node::activation when storing (float32)
  // Every output element is a copy of an input-0 element (views, Transpose, MaxPool, Slice):
  // the op gives the same result on quantized data when input and output share quantization.
  bool selects_elements = false;
};

class InferContext;
class LowerContext;

// A float tensor of a QDQ pattern, seen as its integer form: `integer` dequantized (or
// quantized) with constant `scale` and `zero_point` (null: zero) along `axis` (-1: per tensor).
struct QdqOperand {
  Value* integer = nullptr;
  Value* scale = nullptr;
  Value* zero_point = nullptr;
  int axis = -1;
};

// DequantizeLinear -> node -> [Relu | Clip] -> QuantizeLinear, as the fuse_qdq pass found it:
// per node input, its dequantized form (absent for inputs that are not DequantizeLinear
// results), the output's quantization, and the activation between node and QuantizeLinear.
struct QdqPattern {
  std::vector<std::optional<QdqOperand>> inputs;
  QdqOperand output;
  std::optional<FusedActivation> activation;
};

// y = x * scale[c] + shift[c] along axis 1 of node input `data_input` (one entry each when the
// same for every channel).
struct ChannelAffine {
  size_t data_input = 0;
  std::vector<double> scale, shift;
};

// Where an op keeps the weights that map its input channels (axis `data_axis` of input 0) to
// its output channels (the same axis of its output), and how they are laid out.
struct ChannelWeights {
  size_t input = 1;     // the node input holding them
  int output_axis = 0;  // their axis along the output channels
  int input_axis = 1;   // their axis along the input channels of one group
  int64_t groups = 1;   // channels split into this many independent groups (depthwise: all)
  int data_axis = 1;    // the channel axis of input 0 and of the output
};

// The inputs that meet an op's channel weights, one patch per output position and group: what
// weight rounding (passes/weight_rounding.h) measures on the calibration data.
struct WeightInputs {
  int64_t positions = 0;  // output positions, batch included
  int64_t groups = 1;
  int64_t size = 0;  // values per patch: as many as one output channel's weights
  // Writes the `size` values of `input` (input 0, float32) that output position `position` of
  // `group` multiplies with one output channel's weights, in the weights' order along their
  // non-output axes (zero where the window covers padding).
  std::function<void(const float* input, int64_t position, int64_t group, double* patch)> gather;
};

struct OpDef {
  const char* domain;  // "" for the default ONNX domain
  const char* name;
  std::unique_ptr<Attrs> (*make_attrs)();
  // Checks inputs and attributes and sets every output's dtype and shape.
  void (*infer)(InferContext&);
  // Lowers to runtime-min kernels (usually one call).
  std::vector<KernelCall> (*lower)(LowerContext&);
  OpTraits traits;
  // For activation ops that a producer can apply in its store: describes this node as one
  // (false when it cannot be, e.g. Clip with bounds known only at run time).
  bool (*as_activation)(const Node&, FusedActivation&) = nullptr;
  // For ops that are a per-channel affine map (BatchNormalization in inference, Mul or Add by
  // a per-channel constant): describes this node as one, or returns false.
  bool (*as_channel_affine)(const Node&, ChannelAffine&) = nullptr;
  // For ops whose every output channel (axis 1) is a linear map of constant weights plus a
  // bias (Conv, Gemm): folds `affine`, applied to the output, into those constants. Returns
  // false, changing nothing, when the weights are not constant float32.
  bool (*absorb_channel_affine)(Graph&, Node&, const ChannelAffine&) = nullptr;
  // For ops that pad with a constant (Pad): the begin pads then the end pads of every axis, and
  // the value; false when not known at compile time or not constant mode.
  bool (*as_constant_padding)(const Node&, std::vector<int64_t>& pads, double& value) = nullptr;
  // For ops that zero-pad their input 0 themselves (Conv): adds `pads` (begin then end, every
  // axis of input 0) padded with `value` to their own; false, changing nothing, when they cannot.
  bool (*absorb_input_padding)(Node&, const std::vector<int64_t>& pads, double value) = nullptr;
  // For ops that only permute axes (Transpose): output axis i is input axis perm[i].
  bool (*as_permutation)(const Node&, std::vector<int64_t>& perm) = nullptr;
  // For matrix products that Gemm computes too (2-D MatMul of float32): true when this node is
  // one, so that it can become a Gemm and take a bias.
  bool (*as_plain_gemm)(const Node&) = nullptr;
  // For float ops with an integer kernel: adds, before `before`, the integer node computing
  // `pattern` (its output is pattern.output.integer) and returns it; null, adding nothing,
  // when this instance has no integer form (unsupported quantization, attributes, ...).
  Node* (*quantized_form)(Graph&, const Node&, const QdqPattern&, const Node* before) = nullptr;
  // For convolutions and matrix products: the multiply-accumulates one run of the node does
  // (reports and MACs-per-instruction benchmarks). Ops without it count 0.
  int64_t (*multiply_accumulates)(const Node&) = nullptr;
  // An op computing the log of this op's output directly, with the same attributes
  // (Softmax -> LogSoftmax): fuse_log_softmax turns Log(this) into it.
  const OpDef* log_form = nullptr;
  // For ops that can read input `input` permuted by `perm` themselves (Gemm's transA/transB):
  // adjusts the node to read the unpermuted tensor instead and returns true, or changes
  // nothing and returns false. fold_transpose_flags uses it.
  bool (*absorb_input_permutation)(Node&, size_t input, const std::vector<int64_t>& perm) = nullptr;
  // For ops whose output channels are linear maps of their input channels (Conv, Gemm, 2-D
  // MatMul): where the weights are; false when this node has no such weights input (Gemm
  // with transA, MatMul of more than two dimensions). The weights may still be computed.
  bool (*channel_weights)(const Node&, ChannelWeights&) = nullptr;
  // For ops with channel_weights: how their input patches meet the weights; false when this
  // node cannot say (the weights keep round-to-nearest).
  bool (*weight_inputs)(const Node&, WeightInputs&) = nullptr;
};

// WeightInputs of a matrix product whose input 0 is `rows` rows of `size` values, each row one
// patch (Gemm, MatMul).
WeightInputs rows_meet_weights(int64_t rows, int64_t size);

// The runtime-min form of a node's fused activation (kind none when it has none).
mote::Activation activation_params(const Node& node);

template <class A>
std::unique_ptr<Attrs> make_attrs() {
  return std::make_unique<A>();
}

// Finds a folded constant for a value that is not constant yet (on-demand folding of its
// producer); returns false when the value depends on runtime data.
using ConstantResolver = std::function<bool(Value*)>;

class InferContext {
 public:
  InferContext(Graph& graph, Node& node, ConstantResolver resolver = {});

  Node& node() { return node_; }
  Graph& graph() { return graph_; }
  template <class A>
  const A& attrs() const {
    return node_.attrs_as<A>();
  }
  int opset() const { return node_.opset; }

  size_t num_inputs() const { return node_.inputs.size(); }
  bool has_input(size_t i) const { return node_.has_input(i); }
  const Value& input(size_t i) const;  // fails when an optional input is absent
  DType dtype(size_t i) const { return input(i).dtype; }
  const Shape& shape(size_t i) const { return input(i).shape; }
  int rank(size_t i) const { return input(i).shape.rank(); }

  // The compile-time value of an input that decides the output shape (Reshape's shape,
  // Slice's starts, ...). Fails with a NotStatic error naming `role` when it depends on
  // runtime data, suggesting --const-input for graph inputs.
  const Tensor& constant_input(size_t i, const char* role);
  // The value if it is known at compile time, else null.
  const Tensor* known_input(size_t i);

  void set_output(size_t i, DType dtype, Shape shape);
  // For ops whose result is known now (Shape, Size): the output becomes this constant.
  void set_output_constant(size_t i, Tensor value);

  // Failure helpers: all name the node and op.
  [[noreturn]] void unsupported(const std::string& message) const;
  [[noreturn]] void invalid(const std::string& message) const;
  void require_inputs(size_t min, size_t max) const;
  void require_outputs(size_t min, size_t max) const;
  void require_dtype(size_t input, DTypeSet allowed) const;
  void require_same_dtype(size_t a, size_t b) const;
  void require_rank(size_t input, int min, int max) const;
  // Normalises an axis attribute against a rank, failing when out of range.
  int64_t axis(int64_t axis, int rank, const char* what = "axis") const;

 private:
  std::vector<std::string> upstream_graph_inputs(const Value& v) const;

  Graph& graph_;
  Node& node_;
  ConstantResolver resolver_;
};

class LowerContext {
 public:
  explicit LowerContext(const Node& node, const LoweringOptions& options = {}) : node_(node), options_(options) {}

  const Node& node() const { return node_; }
  const LoweringOptions& options() const { return options_; }
  template <class A>
  const A& attrs() const {
    return node_.attrs_as<A>();
  }
  int opset() const { return node_.opset; }
  const Value& input(size_t i) const;
  const Value& output(size_t i) const;
  bool has_input(size_t i) const { return node_.has_input(i); }
  size_t num_inputs() const { return node_.inputs.size(); }
  size_t num_outputs() const { return node_.outputs.size(); }
  // The constant value of an input (fails if not constant).
  const Tensor& constant_input(size_t i, const char* role = "") const;
  const Tensor* known_input(size_t i) const;
  [[noreturn]] void unsupported(const std::string& message) const;

  // The same accessors as InferContext, so an op can compute its plan (output size, window,
  // ...) in one template used by both its shape rule and its lowering. The shape rule has
  // already validated the node, so a failure here is a Mote bug.
  DType dtype(size_t i) const { return input(i).dtype; }
  const Shape& shape(size_t i) const { return input(i).shape; }
  int rank(size_t i) const { return input(i).shape.rank(); }
  [[noreturn]] void invalid(const std::string& message) const;
  void require_inputs(size_t, size_t) const {}
  int64_t axis(int64_t axis, int rank, const char* what = "axis") const;

 private:
  const Node& node_;
  LoweringOptions options_;
};

// Diagnostic for a node, filled with its name, op and opset.
Diagnostic node_diagnostic(const Node& node, ErrorKind kind, std::string message);

// All registered ops (op_table.cpp).
const std::vector<const OpDef*>& all_ops();

// The node's multiply-accumulates per run (OpDef::multiply_accumulates), 0 for other ops.
int64_t multiply_accumulates(const Node& node);
// Shared formulas: a convolution whose weights (input `weights`, [M, C/group, k...]) each
// output element reduces over, and a product whose output elements each reduce over the last
// axis of input 0 (MatMul) or over A's K (Gemm, any transA: A holds M x K elements).
int64_t convolution_macs(const Node& node, size_t weights);
int64_t matmul_macs(const Node& node);
int64_t gemm_macs(const Node& node);
const OpDef* find_op(const std::string& domain, const std::string& name);

}  // namespace mote
