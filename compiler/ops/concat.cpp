// Concat: one strided copy per input into its slice of the output. In a QDQ graph it becomes
// com.microsoft.QLinearConcat (compiler/ops/qlinear_concat.cpp).
#include "compiler/ops/concat.h"

#include "compiler/ops/qdq.h"

namespace mote::ops {

extern const OpDef kQLinearConcat;

void infer_concat(InferContext& c, const std::vector<size_t>& data, int64_t axis_attr) {
  const Shape& first = c.shape(data[0]);
  const int64_t axis = c.axis(axis_attr, first.rank());
  std::vector<int64_t> dims = first.dims();
  dims[static_cast<size_t>(axis)] = 0;
  for (size_t i : data) {
    c.require_same_dtype(data[0], i);
    const Shape& s = c.shape(i);
    if (s.rank() != first.rank()) c.invalid("input " + std::to_string(i) + " has rank " + std::to_string(s.rank()));
    for (int d = 0; d < s.rank(); ++d)
      if (d != axis && s[d] != first[d])
        c.invalid("input " + std::to_string(i) + " of shape " + s.to_string() + " does not match " + first.to_string() +
                  " outside axis " + std::to_string(axis));
    dims[static_cast<size_t>(axis)] += s[static_cast<int>(axis)];
  }
  c.set_output(0, c.dtype(data[0]), Shape(dims));
}

std::vector<StridedCopy> concat_slices(const std::vector<Shape>& inputs, const Shape& out, int64_t axis) {
  const std::vector<int64_t> out_strides = row_major_strides(out.dims());
  std::vector<StridedCopy> copies;
  int64_t offset = 0;
  for (const Shape& s : inputs) {
    StridedCopy copy = contiguous_copy(s.dims());
    copy.out_strides = out_strides;
    copy.out_offset = offset * out_strides[static_cast<size_t>(axis)];
    offset += s[static_cast<int>(axis)];
    copies.push_back(std::move(copy));
  }
  return copies;
}

namespace {

int64_t concat_axis(const Node& node) {
  const auto& a = node.attrs_as<ConcatAttrs>();
  return a.axis ? *a.axis : 1;
}

void infer(InferContext& c) {
  if (c.num_inputs() < 1) c.invalid("needs at least one input");
  c.require_outputs(1, 1);
  if (c.opset() >= 4 && !c.attrs<ConcatAttrs>().axis) c.invalid("required attribute 'axis' is missing");
  std::vector<size_t> data;
  for (size_t i = 0; i < c.num_inputs(); ++i) data.push_back(i);
  infer_concat(c, data, concat_axis(c.node()));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& out = c.output(0).shape;
  int64_t axis = concat_axis(c.node());
  if (axis < 0) axis += out.rank();
  std::vector<Shape> inputs;
  for (size_t i = 0; i < c.num_inputs(); ++i) inputs.push_back(c.input(i).shape);
  const std::vector<StridedCopy> copies = concat_slices(inputs, out, axis);
  std::vector<KernelCall> calls;
  for (size_t i = 0; i < copies.size(); ++i)
    if (inputs[i].numel() > 0)
      calls.push_back(strided_copy_kernel(c.input(i).dtype, copies[i], KernelArg::input(static_cast<int>(i)), KernelArg::output(0)));
  if (calls.empty())  // every input empty: nothing to copy, but the node still needs a call
    calls.push_back(strided_copy_kernel(c.input(0).dtype, contiguous_copy({0}), KernelArg::input(0), KernelArg::output(0)));
  return calls;
}

// Every input dequantized per tensor from 8 bits and the output quantized to 8 bits:
// com.microsoft.QLinearConcat (Y_scale, Y_zero_point, then X, X_scale, X_zero_point per input).
Node* quantized_form(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  if (pattern.activation || !per_tensor_8bit(std::optional<QdqOperand>(pattern.output))) return nullptr;
  std::vector<Value*> inputs{pattern.output.scale, zero_point_or_zero(graph, pattern.output)};
  for (const auto& operand : pattern.inputs) {
    if (!per_tensor_8bit(operand) || operand->integer->dtype != pattern.output.integer->dtype) return nullptr;
    inputs.insert(inputs.end(), {operand->integer, operand->scale, zero_point_or_zero(graph, *operand)});
  }
  auto attrs = std::make_unique<ConcatAttrs>();
  attrs->axis = concat_axis(node);
  return graph.add_node(&kQLinearConcat, node.name, std::move(attrs), inputs, {pattern.output.integer}, 1, before);
}

}  // namespace

extern const OpDef kConcat = {"", "Concat", make_attrs<ConcatAttrs>, infer, lower, {}, nullptr, nullptr, nullptr, nullptr, nullptr,
                              nullptr, nullptr, quantized_form};

}  // namespace mote::ops
