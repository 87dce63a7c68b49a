// Gather along one axis with runtime indices.
#include "compiler/ops/common_attrs.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/layout.h"

namespace mote::ops {
namespace {

void infer(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_outputs(1, 1);
  c.require_dtype(1, dtype_set<IndexTypes>());
  const Shape& data = c.shape(0);
  if (data.rank() < 1) c.invalid("data must have rank >= 1");
  const int64_t axis = c.axis(c.attrs<AxisAttrs<0>>().axis, data.rank());
  std::vector<int64_t> dims(data.dims().begin(), data.dims().begin() + axis);
  dims.insert(dims.end(), c.shape(1).dims().begin(), c.shape(1).dims().end());
  dims.insert(dims.end(), data.dims().begin() + axis + 1, data.dims().end());
  // Constant indices out of range are an error now rather than zeros at run time.
  if (const Tensor* indices = c.known_input(1)) {
    const int64_t size = data[static_cast<int>(axis)];
    for (int64_t i = 0; i < indices->numel(); ++i) {
      int64_t index = indices->as_int64(i);
      if (index < -size || index >= size)
        c.invalid("index " + std::to_string(index) + " is out of range for axis size " + std::to_string(size));
    }
  }
  c.set_output(0, c.dtype(0), Shape(dims));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& data = c.input(0).shape;
  int64_t axis = c.attrs<AxisAttrs<0>>().axis;
  if (axis < 0) axis += data.rank();
  const int a = static_cast<int>(axis);
  GatherParams p{static_cast<int32_t>(data.numel(0, a)), static_cast<int32_t>(data[a]),
                 static_cast<int32_t>(data.numel(a + 1, data.rank())), static_cast<int32_t>(c.input(1).shape.numel())};
  return {dispatch_in<AllTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return dispatch_in<IndexTypes>(c.input(1).dtype, [&](auto index_tag) {
      using I = typename decltype(index_tag)::type;
      return bind_kernel("mote/layout.h", "mote::gather<" + cpp_type<T>() + ", " + cpp_type<I>() + ">", "mote::GatherParams", p,
                         &mote::gather<T, I>, {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
    });
  })};
}

}  // namespace

extern const OpDef kGather = {"", "Gather", make_attrs<AxisAttrs<0>>, infer, lower, {}};

}  // namespace mote::ops
