// Gemm: Y = alpha * A' * B' + beta * C, C unidirectionally broadcast to [M, N].
#include "compiler/ops/gemm.h"

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/matmul.h"

namespace mote::ops {
namespace {

using GemmTypes = Concat<FloatTypes, TypeList<int32_t, int64_t, uint32_t, uint64_t>>;

void infer(InferContext& c) {
  c.require_inputs(2, 3);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<GemmTypes>());
  c.require_same_dtype(0, 1);
  c.require_rank(0, 2, 2);
  c.require_rank(1, 2, 2);
  const auto& a = c.attrs<GemmAttrs>();
  const Shape& sa = c.shape(0);
  const Shape& sb = c.shape(1);
  int64_t m = a.trans_a ? sa[1] : sa[0], k = a.trans_a ? sa[0] : sa[1];
  int64_t kb = a.trans_b ? sb[1] : sb[0], n = a.trans_b ? sb[0] : sb[1];
  if (k != kb) c.invalid("A " + sa.to_string() + " and B " + sb.to_string() + " do not agree on K");
  if (c.has_input(2)) {
    c.require_same_dtype(0, 2);
    const Shape& sc = c.shape(2);
    Shape out;
    if (sc.rank() > 2 || !broadcast_shapes(Shape{m, n}, sc, out) || out != Shape{m, n})
      c.invalid("C of shape " + sc.to_string() + " does not broadcast to [" + std::to_string(m) + ", " + std::to_string(n) + "]");
  }
  c.set_output(0, c.dtype(0), Shape{m, n});
}

std::vector<KernelCall> lower(LowerContext& c) {
  const auto& a = c.attrs<GemmAttrs>();
  const Shape& sa = c.input(0).shape;
  const Shape& y = c.output(0).shape;
  GemmParams p{};
  p.m = static_cast<int32_t>(y[0]);
  p.n = static_cast<int32_t>(y[1]);
  p.k = static_cast<int32_t>(a.trans_a ? sa[0] : sa[1]);
  p.trans_a = static_cast<int32_t>(a.trans_a != 0);
  p.trans_b = static_cast<int32_t>(a.trans_b != 0);
  p.alpha = a.alpha;
  p.beta = a.beta;
  if (c.has_input(2)) {
    const Shape& sc = c.input(2).shape;
    // Right-aligned [rows, cols] of C; a dim of 1 repeats.
    int64_t rows = sc.rank() == 2 ? sc[0] : 1, cols = sc.rank() >= 1 ? sc[sc.rank() - 1] : 1;
    p.c_row_stride = rows == 1 ? 0 : static_cast<int32_t>(cols);
    p.c_col_stride = cols == 1 ? 0 : 1;
  }
  return {dispatch_in<GemmTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/matmul.h", "mote::gemm<" + cpp_type<T>() + ">", "mote::GemmParams", p, &mote::gemm<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kGemm = {"", "Gemm", make_attrs<GemmAttrs>, infer, lower, {}};

}  // namespace mote::ops
