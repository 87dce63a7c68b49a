// Turns quantized float ops into integer kernels. A QDQ model (and what --quantize makes)
// computes in float between DequantizeLinear and QuantizeLinear:
//   DequantizeLinear(x) -> op -> [Relu | Clip] -> QuantizeLinear -> y
// which this pass replaces by one integer node reading x and writing y:
// - ops with OpDef::quantized_form build their integer node (Conv -> QLinearConv, Gemm ->
//   QGemm, Add -> QLinearAdd, AveragePool -> QLinearAveragePool, Softmax -> QLinearSoftmax, ...);
// - ops that only select elements (OpTraits::selects_elements: views, Transpose, MaxPool,
//   Slice) run on the integers when input and output share quantization;
// - other elementwise ops of one 8-bit input become a 256-entry table (mote.Lookup) computed
//   here with the op's own float kernel; of one int16 input, a 513-entry interpolated one.
// - a requantization, QuantizeLinear(DequantizeLinear(x)) between two 8-bit quantizations,
//   becomes one table lookup (or nothing, when both are the same, for int16 too).
// Anything else stays float between its DequantizeLinear and QuantizeLinear (mixed precision).
#include <cmath>
#include <map>

#include "compiler/eval/evaluator.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/qdq.h"
#include "compiler/ops/quant_math.h"
#include "compiler/ops/quantize.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {
namespace {

// The (de)quantization `node` applies to its input 0, when scale and zero point are constants.
std::optional<QdqOperand> quantization_of(const Node& node, Value* integer) {
  Value* scale = node.input(1);
  Value* zero = node.input(2);
  if (!scale || !scale->is_constant() || (zero && !zero->is_constant())) return std::nullopt;
  QdqOperand operand{integer, scale, zero, -1};
  if (scale->shape.numel() != 1 || scale->shape.rank() > 1) {
    const int rank = node.inputs[0]->shape.rank();
    int64_t axis = node.attrs_as<ops::QuantizeAttrs>().axis;
    operand.axis = static_cast<int>(axis < 0 ? axis + rank : axis);
  }
  return operand;
}

std::optional<QdqOperand> dequantized(Value* value) {
  if (!value || !value->producer || value->producer->op != &ops::kDequantizeLinear) return std::nullopt;
  return quantization_of(*value->producer, value->producer->inputs[0]);
}

bool same_quantization(const QdqOperand& a, const QdqOperand& b) {
  return a.axis < 0 && b.axis < 0 && a.integer->dtype == b.integer->dtype &&
         scalar_scale(*a.scale->constant) == scalar_scale(*b.scale->constant) &&
         scalar_zero(a.zero_point ? a.zero_point->constant.get() : nullptr) ==
             scalar_zero(b.zero_point ? b.zero_point->constant.get() : nullptr);
}

// The op applied to the integers themselves: it only moves elements around.
Node* selected_elements(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  const auto& x = pattern.inputs[0];
  if (!x || !same_quantization(*x, pattern.output) || pattern.activation) return nullptr;
  std::vector<Value*> inputs = node.inputs;
  inputs[0] = x->integer;
  for (size_t i = 1; i < inputs.size(); ++i)
    if (pattern.inputs[i]) return nullptr;  // a second quantized operand (Concat-like) is not handled here
  Node* const quantize = pattern.output.integer->producer;
  Node* integer = graph.add_node(node.op, node.name, node.attrs->clone(), inputs, {pattern.output.integer}, node.opset, before);
  try {  // the op may have no kernel for the integer type (int16, say): then it stays float
    InferContext check(graph, *integer);
    integer->op->infer(check);
  } catch (const UserError&) {
    graph.remove_node(integer);
    pattern.output.integer->producer = quantize;
    return nullptr;
  }
  return integer;
}

// An elementwise op of one 8-bit input (its other inputs constant scalars) as a table of its
// results for the 256 input values; of one int16 input (zero point 0, int16 output), its
// results at 513 inputs 128 steps apart, which mote.Lookup interpolates.
Node* lookup_table(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  if (pattern.activation || node.inputs.empty() || !per_tensor_activation(pattern.inputs[0]) || !per_tensor_activation(pattern.output))
    return nullptr;
  const QdqOperand& x = *pattern.inputs[0];
  const bool wide = x.integer->dtype == DType::Int16;
  if (node.outputs[0]->shape != x.integer->shape || wide != (pattern.output.integer->dtype == DType::Int16)) return nullptr;
  Graph scratch;
  const int64_t entries = wide ? 513 : 256, step = wide ? 128 : 1;
  const int32_t low = x.integer->dtype == DType::Int8 ? -128 : wide ? -32768 : 0;
  const float x_scale = scalar_scale(*x.scale->constant);
  const int32_t x_zero = scalar_zero(x.zero_point ? x.zero_point->constant.get() : nullptr);
  std::vector<float> real(static_cast<size_t>(entries));
  for (int64_t i = 0; i < entries; ++i) real[static_cast<size_t>(i)] = static_cast<float>(i * step + low - x_zero) * x_scale;
  std::vector<Value*> inputs{scratch.add_constant("x", std::make_shared<const Tensor>(Tensor::from_values<float>(Shape{entries}, real)))};
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const Value* in = node.inputs[i];
    if (in && (!in->is_constant() || in->shape.numel() != 1)) return nullptr;
    inputs.push_back(in ? scratch.add_constant("c", in->constant) : nullptr);
  }
  Value* y = scratch.add_value("y", DType::Float32, Shape{entries});
  const Node* table_node = scratch.add_node(node.op, node.name, node.attrs->clone(), inputs, {y}, node.opset);
  const TensorPtr results = evaluate_node(*table_node).at(0);
  const float y_scale = scalar_scale(*pattern.output.scale->constant);
  const int32_t y_zero = scalar_zero(pattern.output.zero_point ? pattern.output.zero_point->constant.get() : nullptr);
  const DType y_type = pattern.output.integer->dtype;
  const int32_t y_low = y_type == DType::Int8 ? -128 : wide ? -32768 : 0, y_high = wide ? 32767 : y_low + 255;
  Tensor table(y_type, Shape{entries});
  for (int64_t i = 0; i < entries; ++i) {
    const double q = std::nearbyint(static_cast<double>(results->data<float>()[i] / y_scale)) + y_zero;  // as QuantizeLinear
    const int32_t clamped = static_cast<int32_t>(std::isnan(q) ? y_zero : std::fmin(std::fmax(q, y_low), y_high));
    if (wide)
      table.data<int16_t>()[i] = static_cast<int16_t>(clamped);
    else
      table.raw()[i] = static_cast<uint8_t>(clamped);  // two's complement for int8
  }
  Value* table_value = graph.add_constant(node.label() + "_table", std::make_shared<const Tensor>(std::move(table)));
  return graph.add_node(&ops::kLookup, node.name, nullptr, {x.integer, table_value}, {pattern.output.integer}, 1, before);
}

// QuantizeLinear(DequantizeLinear(x)): the table of the two from x's 8-bit quantization to the
// output's, or x itself through an Identity (removed later) when they are the same.
Node* requantization(Graph& graph, const Node& dequantize, const QdqPattern& pattern, const Node* before) {
  const std::optional<QdqOperand> x = quantization_of(dequantize, dequantize.inputs[0]);
  if (pattern.activation || !x) return nullptr;
  if (same_quantization(*x, pattern.output))
    return graph.add_node(find_op("", "Identity"), dequantize.name, nullptr, {x->integer}, {pattern.output.integer}, 1, before);
  if (!per_tensor_8bit(x) || !is_8bit(pattern.output.integer->dtype)) return nullptr;
  Tensor table = requantization_table(x->integer->dtype, scalar_scale(*x->scale->constant),
                                      scalar_zero(x->zero_point ? x->zero_point->constant.get() : nullptr), pattern.output.integer->dtype,
                                      scalar_scale(*pattern.output.scale->constant),
                                      scalar_zero(pattern.output.zero_point ? pattern.output.zero_point->constant.get() : nullptr));
  Value* table_value = graph.add_constant(dequantize.label() + "_requantize", std::make_shared<const Tensor>(std::move(table)));
  return graph.add_node(&ops::kLookup, dequantize.name, nullptr, {x->integer, table_value}, {pattern.output.integer}, 1, before);
}

}  // namespace

void fuse_qdq(Graph& graph, PassContext& context) {
  std::vector<Node*> quantizers;
  for (const auto& node : graph.nodes())
    if (node->op == &ops::kQuantizeLinear) quantizers.push_back(node.get());
  std::map<std::string, int> fused;  // by float op
  for (Node* quantize : quantizers) {
    Value* result = quantize->inputs[0];
    if (result->dtype != DType::Float32 || !result->producer || sole_consumer(graph, result) != quantize) continue;
    const std::optional<QdqOperand> output = quantization_of(*quantize, quantize->outputs[0]);
    if (!output || output->axis >= 0) continue;
    QdqPattern pattern;
    pattern.output = *output;
    // An optional Relu / Clip between the op and QuantizeLinear.
    Node* core = result->producer;
    Node* activation = nullptr;
    FusedActivation fused_activation;
    if (core->op->as_activation && core->op->as_activation(*core, fused_activation) &&
        (fused_activation.kind == FusedActivation::Kind::Relu || fused_activation.kind == FusedActivation::Kind::Clip)) {
      Value* before_activation = core->inputs[0];
      Node* inner = before_activation->producer;
      if (inner && inner->op->quantized_form && inner->outputs.size() == 1 && sole_consumer(graph, before_activation) == core) {
        activation = core;
        core = inner;
        pattern.activation = fused_activation;
      }
    }
    bool other_outputs_used = false;
    for (size_t i = 1; i < core->outputs.size(); ++i)
      other_outputs_used = other_outputs_used || (core->outputs[i] && (graph.is_graph_output(core->outputs[i]) ||
                                                                       !graph.users()[core->outputs[i]].empty()));
    if (other_outputs_used) continue;
    for (Value* in : core->inputs) pattern.inputs.push_back(dequantized(in));
    Node* integer = core->op->quantized_form ? core->op->quantized_form(graph, *core, pattern, quantize) : nullptr;
    if (!integer && core->op == &ops::kDequantizeLinear) integer = requantization(graph, *core, pattern, quantize);
    if (!integer && core->op->traits.selects_elements) integer = selected_elements(graph, *core, pattern, quantize);
    if (!integer && core->op->traits.elementwise) integer = lookup_table(graph, *core, pattern, quantize);
    if (!integer) continue;
    ++fused[core->op_name()];
    graph.remove_node(quantize);
    if (activation) graph.remove_node(activation);
    graph.remove_node(core);
  }
  graph.remove_unused_values();
  std::string summary;
  for (const auto& [op, count] : fused) summary += (summary.empty() ? " " : ", ") + std::to_string(count) + " " + op;
  context.notes.push_back("fuse_qdq: integer kernels for" + (summary.empty() ? std::string(" no op") : summary));
}

}  // namespace mote
