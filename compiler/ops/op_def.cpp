#include "compiler/ops/op_def.h"

#include <algorithm>
#include <set>

namespace mote {

Diagnostic node_diagnostic(const Node& node, ErrorKind kind, std::string message) {
  Diagnostic d;
  d.kind = kind;
  d.node = node.label();
  d.op = node.op_name();
  d.opset = node.opset;
  d.message = std::move(message);
  return d;
}

// Graph inputs a value depends on (through any chain of producers).
std::vector<std::string> InferContext::upstream_graph_inputs(const Value& start) const {
  std::vector<std::string> found;
  std::vector<const Value*> stack{&start};
  std::set<const Value*> seen;
  while (!stack.empty()) {
    const Value* v = stack.back();
    stack.pop_back();
    if (!v || !seen.insert(v).second || v->is_constant()) continue;
    if (graph_.is_graph_input(v)) found.push_back(v->name);
    if (v->producer)
      for (const Value* in : v->producer->inputs) stack.push_back(in);
  }
  std::sort(found.begin(), found.end());
  return found;
}

InferContext::InferContext(Graph& graph, Node& node, ConstantResolver resolver)
    : graph_(graph), node_(node), resolver_(std::move(resolver)) {}

const Value& InferContext::input(size_t i) const {
  const Value* v = node_.input(i);
  if (!v) invalid("input " + std::to_string(i) + " is required but absent");
  return *v;
}

const Tensor* InferContext::known_input(size_t i) {
  Value* v = node_.input(i);
  if (!v) return nullptr;
  if (!v->is_constant() && resolver_) resolver_(v);
  return v->constant.get();
}

const Tensor& InferContext::constant_input(size_t i, const char* role) {
  if (const Tensor* t = known_input(i)) return *t;
  const Value& v = input(i);
  std::string message = "input " + std::to_string(i) + " (" + role + ", tensor '" + v.name +
                        "') decides the output shape, so it must be known at compile time; ";
  std::vector<std::string> sources = upstream_graph_inputs(v);
  if (graph_.is_graph_input(&v)) {
    message += "it is a graph input: bind it with --const-input " + v.name + "=FILE.pb";
  } else if (!sources.empty()) {
    message += "it is computed from graph input(s)";
    for (const auto& s : sources) message += " '" + s + "'";
    message += ": bind them with --const-input NAME=FILE.pb";
  } else {
    message += "it is computed from runtime data";
  }
  Diagnostic d = node_diagnostic(node_, ErrorKind::NotStatic, message);
  d.tensor = v.name;
  d.graph_inputs = sources;
  throw UserError({d});
}

void InferContext::set_output(size_t i, DType dtype, Shape shape) {
  if (i >= node_.outputs.size()) return;  // optional output not requested
  Value* out = node_.outputs[i];
  if (!out) return;
  try {
    shape.numel();
  } catch (const UserError& e) {
    invalid("output " + std::to_string(i) + " of shape " + shape.to_string() + ": " +
            e.diagnostics().front().message);
  }
  if (shape.rank() > kMaxRank)
    unsupported("output " + std::to_string(i) + " has rank " + std::to_string(shape.rank()) +
                "; the runtime supports up to " + std::to_string(kMaxRank));
  out->dtype = dtype;
  out->shape = std::move(shape);
}

void InferContext::set_output_constant(size_t i, Tensor value) {
  set_output(i, value.dtype(), value.shape());
  if (i < node_.outputs.size() && node_.outputs[i])
    node_.outputs[i]->constant = std::make_shared<const Tensor>(std::move(value));
}

void InferContext::unsupported(const std::string& message) const {
  throw UserError({node_diagnostic(node_, ErrorKind::Unsupported, message)});
}

void InferContext::invalid(const std::string& message) const {
  throw UserError({node_diagnostic(node_, ErrorKind::InvalidModel, message)});
}

void InferContext::require_inputs(size_t min, size_t max) const {
  size_t n = node_.inputs.size();
  if (n < min || n > max)
    invalid("takes " + (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) +
            " inputs, got " + std::to_string(n));
  for (size_t i = 0; i < min; ++i)
    if (!node_.inputs[i]) invalid("input " + std::to_string(i) + " is required but absent");
}

void InferContext::require_outputs(size_t min, size_t max) const {
  size_t n = node_.outputs.size();
  if (n < min || n > max)
    invalid("has " + std::to_string(n) + " outputs; expected " + std::to_string(min) +
            (min == max ? "" : " to " + std::to_string(max)));
}

void InferContext::require_dtype(size_t i, DTypeSet allowed) const {
  const Value& v = input(i);
  if (!allowed.contains(v.dtype))
    unsupported("input " + std::to_string(i) + " ('" + v.name + "') has dtype " +
                std::string(dtype_name(v.dtype)) + ", which this op does not support");
}

void InferContext::require_same_dtype(size_t a, size_t b) const {
  if (input(a).dtype != input(b).dtype)
    invalid("inputs " + std::to_string(a) + " and " + std::to_string(b) + " must have the same dtype (" +
            std::string(dtype_name(input(a).dtype)) + " vs " + std::string(dtype_name(input(b).dtype)) + ")");
}

void InferContext::require_rank(size_t i, int min, int max) const {
  int r = rank(i);
  if (r < min || r > max)
    invalid("input " + std::to_string(i) + " ('" + input(i).name + "') has rank " +
            std::to_string(r) + " (shape " + shape(i).to_string() + "); expected " +
            (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)));
}

int64_t InferContext::axis(int64_t axis, int rank, const char* what) const {
  if (!normalize_axis(axis, rank))
    invalid(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " +
            std::to_string(rank));
  return axis;
}

const Value& LowerContext::input(size_t i) const {
  const Value* v = node_.input(i);
  MOTE_CHECK(v, "lowering '" + node_.label() + "': input " + std::to_string(i) + " absent");
  return *v;
}

const Value& LowerContext::output(size_t i) const {
  MOTE_CHECK(i < node_.outputs.size() && node_.outputs[i],
             "lowering '" + node_.label() + "': output " + std::to_string(i) + " absent");
  return *node_.outputs[i];
}

const Tensor& LowerContext::constant_input(size_t i, const char* role) const {
  const Value& v = input(i);
  MOTE_CHECK(v.constant, "lowering '" + node_.label() + "': input " + std::to_string(i) + " (" + role +
                             ") should be constant after shape inference");
  return *v.constant;
}

const Tensor* LowerContext::known_input(size_t i) const {
  const Value* v = node_.input(i);
  return v ? v->constant.get() : nullptr;
}

void LowerContext::invalid(const std::string& message) const {
  throw_internal("lowering '" + node_.label() + "' (" + node_.op_name() + "): " + message);
}

int64_t LowerContext::axis(int64_t axis, int rank, const char* what) const {
  if (!normalize_axis(axis, rank)) invalid(std::string(what) + " out of range");
  return axis;
}

void LowerContext::unsupported(const std::string& message) const {
  throw UserError({node_diagnostic(node_, ErrorKind::Unsupported, message)});
}

}  // namespace mote

namespace mote {

WeightInputs rows_meet_weights(int64_t rows, int64_t size) {
  WeightInputs inputs;
  inputs.positions = rows;
  inputs.size = size;
  inputs.gather = [size](const float* input, int64_t row, int64_t, double* patch) { std::copy(input + row * size, input + (row + 1) * size, patch); };
  return inputs;
}

mote::Activation activation_params(const Node& node) {
  if (!node.activation) return {kActivationNone, 0.0f, 0.0f};
  using Kind = FusedActivation::Kind;
  int32_t kind = kActivationNone;
  switch (node.activation->kind) {
    case Kind::Relu: kind = kActivationRelu; break;
    case Kind::Clip: kind = kActivationClip; break;
    case Kind::LeakyRelu: kind = kActivationLeakyRelu; break;
    case Kind::HardSigmoid: kind = kActivationHardSigmoid; break;
    case Kind::HardSwish: kind = kActivationHardSwish; break;
    case Kind::Sigmoid: kind = kActivationSigmoid; break;
    case Kind::Tanh: kind = kActivationTanh; break;
  }
  return {kind, node.activation->alpha, node.activation->beta};
}

int64_t multiply_accumulates(const Node& node) {
  return node.op && node.op->multiply_accumulates ? node.op->multiply_accumulates(node) : 0;
}

int64_t convolution_macs(const Node& node, size_t weights) {
  const Shape& w = node.inputs[weights]->shape;
  return node.outputs[0]->shape.numel() * (w.numel() / w[0]);
}

int64_t matmul_macs(const Node& node) {
  const Shape& a = node.inputs[0]->shape;
  return node.outputs[0]->shape.numel() * a[a.rank() - 1];
}

int64_t gemm_macs(const Node& node) {
  const Shape& y = node.outputs[0]->shape;
  return y.numel() * (node.inputs[0]->shape.numel() / y[0]);
}

}  // namespace mote
