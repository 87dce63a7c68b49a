// Concat: one strided copy per input into its slice of the output.
#include "compiler/ops/common_attrs.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"

namespace mote::ops {
namespace {

struct ConcatAttrs : AttrsOf<ConcatAttrs> {
  std::optional<int64_t> axis;  // required from opset 4; default 1 before
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

int64_t concat_axis(const Node& node) {
  const auto& a = node.attrs_as<ConcatAttrs>();
  return a.axis ? *a.axis : 1;
}

void infer(InferContext& c) {
  if (c.num_inputs() < 1) c.invalid("needs at least one input");
  c.require_outputs(1, 1);
  if (c.opset() >= 4 && !c.attrs<ConcatAttrs>().axis) c.invalid("required attribute 'axis' is missing");
  const Shape& first = c.shape(0);
  int64_t axis = c.axis(concat_axis(c.node()), first.rank());
  std::vector<int64_t> dims = first.dims();
  dims[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    c.require_same_dtype(0, i);
    const Shape& s = c.shape(i);
    if (s.rank() != first.rank()) c.invalid("input " + std::to_string(i) + " has rank " + std::to_string(s.rank()));
    for (int d = 0; d < s.rank(); ++d)
      if (d != axis && s[d] != first[d])
        c.invalid("input " + std::to_string(i) + " of shape " + s.to_string() + " does not match " + first.to_string() +
                  " outside axis " + std::to_string(axis));
    dims[static_cast<size_t>(axis)] += s[static_cast<int>(axis)];
  }
  c.set_output(0, c.dtype(0), Shape(dims));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& out = c.output(0).shape;
  int64_t axis = concat_axis(c.node());
  if (axis < 0) axis += out.rank();
  std::vector<int64_t> out_strides = row_major_strides(out.dims());
  std::vector<KernelCall> calls;
  int64_t offset = 0;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    const Shape& s = c.input(i).shape;
    StridedCopy copy = contiguous_copy(s.dims());
    copy.out_strides = out_strides;
    copy.out_offset = offset * out_strides[static_cast<size_t>(axis)];
    offset += s[static_cast<int>(axis)];
    if (s.numel() == 0) continue;
    calls.push_back(strided_copy_kernel(c.input(i).dtype, copy, KernelArg::input(static_cast<int>(i)), KernelArg::output(0)));
  }
  if (calls.empty())  // every input empty: nothing to copy, but the node still needs a call
    calls.push_back(strided_copy_kernel(c.input(0).dtype, contiguous_copy({0}), KernelArg::input(0), KernelArg::output(0)));
  return calls;
}

}  // namespace

extern const OpDef kConcat = {"", "Concat", make_attrs<ConcatAttrs>, infer, lower, {}};

}  // namespace mote::ops
