// MatMul with numpy semantics: 1-D operands are promoted (and the added dim removed again),
// batch dims broadcast.
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/matmul.h"

namespace mote::ops {
namespace {

using MatMulTypes = Concat<FloatTypes, TypeList<int32_t, int64_t, uint32_t, uint64_t>>;

struct Plan {
  Shape a, b;  // promoted to rank >= 2
  Shape batch;  // broadcast batch dims
  int64_t m = 0, n = 0, k = 0;
  Shape out;
};

bool plan(const Shape& sa, const Shape& sb, Plan& p) {
  if (sa.rank() == 0 || sb.rank() == 0) return false;
  p.a = sa.rank() == 1 ? Shape{1, sa[0]} : sa;
  p.b = sb.rank() == 1 ? Shape{sb[0], 1} : sb;
  p.m = p.a[p.a.rank() - 2];
  p.k = p.a[p.a.rank() - 1];
  p.n = p.b[p.b.rank() - 1];
  if (p.b[p.b.rank() - 2] != p.k) return false;
  Shape batch_a(std::vector<int64_t>(p.a.dims().begin(), p.a.dims().end() - 2));
  Shape batch_b(std::vector<int64_t>(p.b.dims().begin(), p.b.dims().end() - 2));
  if (!broadcast_shapes(batch_a, batch_b, p.batch)) return false;
  std::vector<int64_t> out = p.batch.dims();
  if (sa.rank() > 1) out.push_back(p.m);
  if (sb.rank() > 1) out.push_back(p.n);
  p.out = Shape(out);
  return true;
}

void infer(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<MatMulTypes>());
  c.require_same_dtype(0, 1);
  Plan p;
  if (!plan(c.shape(0), c.shape(1), p)) c.invalid("cannot multiply shapes " + c.shape(0).to_string() + " and " + c.shape(1).to_string());
  c.set_output(0, c.dtype(0), p.out);
}

std::vector<KernelCall> lower(LowerContext& c) {
  Plan plan_;
  plan(c.input(0).shape, c.input(1).shape, plan_);
  MatMulParams p{};
  p.m = static_cast<int32_t>(plan_.m);
  p.n = static_cast<int32_t>(plan_.n);
  p.k = static_cast<int32_t>(plan_.k);
  p.batch = static_cast<int32_t>(plan_.batch.numel());
  // Batch strides of each operand (0 where it broadcasts), right-aligned to the batch shape.
  const int rank = plan_.batch.rank();
  std::vector<int64_t> dims, sa, sb;
  auto stride_of = [&](const Shape& s, int d) -> int64_t {
    int sd = d - (rank - (s.rank() - 2));
    if (sd < 0 || s[sd] == 1) return 0;
    int64_t stride = s[s.rank() - 1] * s[s.rank() - 2];
    for (int i = sd + 1; i < s.rank() - 2; ++i) stride *= s[i];
    return stride;
  };
  for (int d = 0; d < rank; ++d) {
    if (plan_.batch[d] == 1) continue;
    dims.push_back(plan_.batch[d]);
    sa.push_back(stride_of(plan_.a, d));
    sb.push_back(stride_of(plan_.b, d));
  }
  if (dims.empty()) {
    dims = {1};
    sa = {0};
    sb = {0};
  }
  if (dims.size() > MOTE_MAX_RANK) c.unsupported("more than " + std::to_string(MOTE_MAX_RANK) + " batch dimensions");
  p.batch_rank = static_cast<int32_t>(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    p.batch_dims[d] = static_cast<int32_t>(dims[d]);
    p.a_batch_strides[d] = static_cast<int32_t>(sa[d]);
    p.b_batch_strides[d] = static_cast<int32_t>(sb[d]);
  }
  return {dispatch_in<MatMulTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/matmul.h", "mote::matmul<" + cpp_type<T>() + ">", "mote::MatMulParams", p, &mote::matmul<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kMatMul = {"", "MatMul", make_attrs<NoAttrs>, infer, lower, {}};

}  // namespace mote::ops
