// --io int8 / int16: the run function takes and returns the quantized tensors themselves. A
// graph input that only QuantizeLinear nodes read (per tensor, constant scale and zero point)
// is replaced by their 8-bit (int16) output; a graph output that a DequantizeLinear of an
// 8-bit (int16) value produces (per tensor, constants) is replaced by that value. The
// quantization goes on the value (Value::quant), and codegen writes it into the header
// (NAME_<TENSOR>_SCALE / _ZERO_POINT), so the caller converts at the edges, or feeds sensor
// data that is already integer (camera bytes, PCM samples). Names stay the same. Inputs or outputs that cannot be converted are errors naming them: silently keeping
// them float would break the caller's expectations.
#include <algorithm>

#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"
#include "passes/passes.h"

namespace mote {
namespace {

// Per-tensor constant scale and zero point of a Quantize/DequantizeLinear node, or nullopt.
std::optional<QuantParams> constant_quantization(const Node& node) {
  const Value* scale = node.input(1);
  const Value* zero = node.input(2);
  if (!scale || !scale->is_constant() || scale->shape.numel() != 1 || (zero && (!zero->is_constant() || zero->shape.numel() != 1)))
    return std::nullopt;
  QuantParams q;
  q.scale = {static_cast<float>(scale->constant->as_double(0))};
  q.zero_point = {zero ? static_cast<int32_t>(zero->constant->as_int64(0)) : 0};
  return q;
}

}  // namespace

void quantized_io(Graph& graph, PassContext& context) {
  const int bits = context.options.quantized_io_bits;
  if (bits == 0) return;
  const std::string option = "--io int" + std::to_string(bits);
  auto of_width = [bits](DType t) { return bits == 8 ? t == DType::Int8 || t == DType::UInt8 : t == DType::Int16; };
  const OpDef* quantize = find_op("", "QuantizeLinear");
  const OpDef* dequantize = find_op("", "DequantizeLinear");
  std::vector<Diagnostic> problems;
  auto problem = [&](const Value& v, const std::string& message) {
    Diagnostic d;
    d.kind = ErrorKind::Unsupported;
    d.tensor = v.name;
    d.message = option + ": " + message;
    problems.push_back(d);
  };
  for (Value*& input : graph.inputs) {
    std::vector<Node*> readers;
    for (const auto& node : graph.nodes())
      if (std::find(node->inputs.begin(), node->inputs.end(), input) != node->inputs.end()) readers.push_back(node.get());
    std::optional<QuantParams> q;
    bool ok = !readers.empty();
    for (Node* r : readers) {
      const auto rq = r->op == quantize && r->inputs[0] == input ? constant_quantization(*r) : std::nullopt;
      if (!rq || !of_width(r->outputs[0]->dtype) || (q && (rq->scale != q->scale || rq->zero_point != q->zero_point))) ok = false;
      if (rq && !q) q = rq;
    }
    if (!ok) {
      problem(*input, "graph input '" + input->name + "' is not read only by QuantizeLinear nodes of one per-tensor quantization");
      continue;
    }
    Value* quantized = readers[0]->outputs[0];
    for (size_t i = 1; i < readers.size(); ++i) graph.replace_uses(readers[i]->outputs[0], quantized);
    for (Node* r : readers) graph.remove_node(r);
    quantized->producer = nullptr;
    quantized->quant = q;
    quantized->name = input->name;
    input->name += "_float";  // unused from here on; removed below
    input = quantized;
  }
  for (Value*& output : graph.outputs) {
    Node* dq = output->producer;
    const auto q = dq && dq->op == dequantize ? constant_quantization(*dq) : std::nullopt;
    Value* quantized = dq ? dq->inputs[0] : nullptr;
    if (!q || !of_width(quantized->dtype) || quantized->is_constant() || graph.is_graph_output(quantized)) {
      problem(*output, "graph output '" + output->name + "' is not made by a DequantizeLinear of an int" + std::to_string(bits) +
                           " tensor with one per-tensor quantization");
      continue;
    }
    bool read_elsewhere = false;
    for (const auto& node : graph.nodes())
      if (node.get() != dq && std::find(node->inputs.begin(), node->inputs.end(), output) != node->inputs.end()) read_elsewhere = true;
    if (read_elsewhere) {
      problem(*output, "graph output '" + output->name + "' is also read inside the graph as float");
      continue;
    }
    graph.remove_node(dq);
    quantized->quant = q;
    const std::string name = output->name;
    output->name += "_float";
    quantized->name = name;
    output = quantized;
  }
  if (!problems.empty()) throw UserError(problems);
  graph.remove_unused_values();
  context.notes.push_back("quantized_io: inputs and outputs are int" + std::to_string(bits));
}

}  // namespace mote
