// Where: elementwise select with three-way broadcasting.
#include "compiler/ops/broadcast.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {
namespace {

void infer(InferContext& c) {
  c.require_inputs(3, 3);
  c.require_outputs(1, 1);
  c.require_dtype(0, DTypeSet{DType::Bool});
  c.require_same_dtype(1, 2);
  Shape out, tmp;
  if (!broadcast_shapes(c.shape(0), c.shape(1), tmp) || !broadcast_shapes(tmp, c.shape(2), out))
    c.invalid("shapes " + c.shape(0).to_string() + ", " + c.shape(1).to_string() + ", " + c.shape(2).to_string() + " do not broadcast");
  c.set_output(0, c.dtype(1), out);
}

std::vector<KernelCall> lower(LowerContext& c) {
  BroadcastParams p = make_broadcast_params(c.output(0).shape, {c.input(0).shape, c.input(1).shape, c.input(2).shape});
  return {dispatch_in<AllTypes>(c.input(1).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/elementwise.h", "mote::where<" + cpp_type<T>() + ">", "mote::BroadcastParams", p, &mote::where<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kWhere = {"", "Where", make_attrs<NoAttrs>, infer, lower, {true, false, false}};

}  // namespace mote::ops
