// Split: each output is a strided copy of its slice of the input.
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"

namespace mote::ops {
namespace {

struct SplitAttrs : AttrsOf<SplitAttrs> {
  int64_t axis = 0;
  std::optional<std::vector<int64_t>> split;  // an input from opset 13
  template <class V>
  void fields(V& v) {
    v("axis", axis);
    v("split", split);
  }
};

std::vector<int64_t> sizes(InferContext& c, int64_t axis) {
  if (c.opset() < 13 && c.opset() >= 2 && c.num_inputs() > 1) c.invalid("split is an attribute before opset 13");
  const auto& attr = c.attrs<SplitAttrs>().split;
  const bool from_input = c.opset() >= 13 && c.has_input(1);
  const int64_t total = c.shape(0)[static_cast<int>(axis)];
  const size_t n = c.node().outputs.size();
  if (!from_input && !attr) {
    if (total % static_cast<int64_t>(n) != 0)
      c.invalid("axis size " + std::to_string(total) + " does not split evenly into " + std::to_string(n) + " outputs");
    return std::vector<int64_t>(n, total / static_cast<int64_t>(n));
  }
  std::vector<int64_t> split = from_input ? c.constant_input(1, "split").to_int64_vector() : *attr;
  int64_t sum = 0;
  for (int64_t s : split) {
    if (s < 0) c.invalid("negative split size");
    sum += s;
  }
  if (split.size() != n || sum != total)
    c.invalid("split sizes do not add up to the axis size " + std::to_string(total) + " over " + std::to_string(n) + " outputs");
  return split;
}

void infer(InferContext& c) {
  c.require_inputs(1, 2);
  const Shape& in = c.shape(0);
  int64_t axis = c.axis(c.attrs<SplitAttrs>().axis, in.rank());
  std::vector<int64_t> parts = sizes(c, axis);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::vector<int64_t> dims = in.dims();
    dims[static_cast<size_t>(axis)] = parts[i];
    c.set_output(i, c.dtype(0), Shape(dims));
  }
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& in = c.input(0).shape;
  int64_t axis = c.attrs<SplitAttrs>().axis;
  if (axis < 0) axis += in.rank();
  std::vector<int64_t> in_strides = row_major_strides(in.dims());
  std::vector<KernelCall> calls;
  int64_t offset = 0;
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    if (!c.node().outputs[i]) continue;
    const Shape& s = c.output(i).shape;
    StridedCopy copy = contiguous_copy(s.dims());
    copy.in_strides = in_strides;
    copy.in_offset = offset * in_strides[static_cast<size_t>(axis)];
    offset += s[static_cast<int>(axis)];
    calls.push_back(strided_copy_kernel(c.input(0).dtype, copy, KernelArg::input(0), KernelArg::output(static_cast<int>(i))));
  }
  return calls;
}

}  // namespace

extern const OpDef kSplit = {"", "Split", make_attrs<SplitAttrs>, infer, lower, {}};

}  // namespace mote::ops
