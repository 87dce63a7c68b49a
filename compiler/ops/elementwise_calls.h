// Builders for the elementwise kernel calls that many ops share (an op's own lowering,
// Mean's final division, Sum's accumulation, Cast, ...).
#pragma once

#include <string>

#include "compiler/ir/kernel_call.h"
#include "compiler/ops/kernel_types.h"
#include "mote/elementwise.h"

namespace mote {

// Records that the node output behind `out` may overwrite the node input behind `in` (same
// element count and size).
inline void mark_in_place(KernelCall& call, const KernelArg& in, const KernelArg& out) {
  if (in.kind == KernelArg::Kind::Input && out.kind == KernelArg::Kind::Output) call.in_place.push_back({out.index, in.index});
}

template <class Op, class T, class U>
KernelCall unary_kernel(const UnaryParams& params, KernelArg in, KernelArg out) {
  KernelCall call = bind_kernel("mote/elementwise.h",
                                "mote::unary<mote::op::" + std::string(Op::name) + ", " +
                                    cpp_type<T>() + ", " + cpp_type<U>() + ">",
                                "mote::UnaryParams", params, &mote::unary<Op, T, U>,
                                {std::move(in), std::move(out)});
  if (sizeof(T) == sizeof(U)) mark_in_place(call, call.args[0], call.args[1]);
  return call;
}

template <class Op, class TA, class TB, class TY>
KernelCall binary_kernel(const BroadcastParams& params, KernelArg a, KernelArg b, KernelArg y) {
  KernelCall call = bind_kernel("mote/elementwise.h",
                                "mote::binary<mote::op::" + std::string(Op::name) + ", " + cpp_type<TA>() + ", " +
                                    cpp_type<TB>() + ", " + cpp_type<TY>() + ">",
                                "mote::BroadcastParams", params, &mote::binary<Op, TA, TB, TY>,
                                {std::move(a), std::move(b), std::move(y)});
  // An operand that is not broadcast has element o read just before y[o] is written: y may
  // overwrite it.
  auto full = [&](const int32_t* strides) {
    for (int32_t d = 0; d < params.rank; ++d)
      if (strides[d] == 0 && params.dims[d] != 1) return false;
    return true;
  };
  if (sizeof(TA) == sizeof(TY) && full(params.a_strides)) mark_in_place(call, call.args[0], call.args[2]);
  if (sizeof(TB) == sizeof(TY) && full(params.b_strides)) mark_in_place(call, call.args[1], call.args[2]);
  return call;
}

template <class T>
KernelCall copy_kernel(int64_t count, KernelArg in, KernelArg out) {
  CopyParams params{static_cast<int32_t>(count)};
  std::optional<BlockCopy> block;
  if (in.kind == KernelArg::Kind::Input && out.kind == KernelArg::Kind::Output) block = BlockCopy{in.index, out.index, 0, 0, count};
  KernelCall call = bind_kernel("mote/elementwise.h", "mote::copy<" + cpp_type<T>() + ">", "mote::CopyParams", params,
                                &mote::copy<T>, {std::move(in), std::move(out)});
  call.block_copy = block;
  call.copies_only = true;
  return call;
}

// Copy of input 0 to output 0, whatever the dtype (views, Identity, ...).
KernelCall copy_input_kernel(DType dtype, int64_t count);
// Output `output` set from a constant computed at compile time (Shape, Size, EyeLike, ...).
KernelCall constant_output_kernel(const TensorPtr& value, int output = 0);

}  // namespace mote
