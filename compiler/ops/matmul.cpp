// MatMul with numpy semantics: 1-D operands are promoted (and the added dim removed again),
// batch dims broadcast.
#include "compiler/ops/matmul.h"

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {

std::string plan_matmul(const Shape& sa, const Shape& sb, Shape& out, MatMulParams& p) {
  if (sa.rank() == 0 || sb.rank() == 0) return "operands must have rank >= 1";
  const Shape a = sa.rank() == 1 ? Shape{1, sa[0]} : sa;  // promoted to matrices
  const Shape b = sb.rank() == 1 ? Shape{sb[0], 1} : sb;
  const int64_t m = a[a.rank() - 2], k = a[a.rank() - 1], n = b[b.rank() - 1];
  if (b[b.rank() - 2] != k) return "cannot multiply shapes " + sa.to_string() + " and " + sb.to_string();
  Shape batch_a(std::vector<int64_t>(a.dims().begin(), a.dims().end() - 2));
  Shape batch_b(std::vector<int64_t>(b.dims().begin(), b.dims().end() - 2));
  Shape batch;
  if (!broadcast_shapes(batch_a, batch_b, batch)) return "batch dims of " + sa.to_string() + " and " + sb.to_string() + " do not broadcast";
  std::vector<int64_t> dims = batch.dims();
  if (sa.rank() > 1) dims.push_back(m);
  if (sb.rank() > 1) dims.push_back(n);
  out = Shape(dims);
  p = MatMulParams{};
  p.m = static_cast<int32_t>(m);
  p.n = static_cast<int32_t>(n);
  p.k = static_cast<int32_t>(k);
  p.batch = static_cast<int32_t>(batch.numel());
  // Batch strides of each operand (0 where it broadcasts), right-aligned to the batch shape.
  const int rank = batch.rank();
  auto stride_of = [&](const Shape& s, int d) -> int64_t {
    const int sd = d - (rank - (s.rank() - 2));
    if (sd < 0 || s[sd] == 1) return 0;
    int64_t stride = s[s.rank() - 1] * s[s.rank() - 2];
    for (int i = sd + 1; i < s.rank() - 2; ++i) stride *= s[i];
    return stride;
  };
  std::vector<int64_t> kept, stride_a, stride_b;
  for (int d = 0; d < rank; ++d) {
    if (batch[d] == 1) continue;
    kept.push_back(batch[d]);
    stride_a.push_back(stride_of(a, d));
    stride_b.push_back(stride_of(b, d));
  }
  if (kept.empty()) kept = {1}, stride_a = {0}, stride_b = {0};
  if (kept.size() > MOTE_MAX_RANK) return "more than " + std::to_string(MOTE_MAX_RANK) + " batch dimensions";
  p.batch_rank = static_cast<int32_t>(kept.size());
  for (size_t d = 0; d < kept.size(); ++d) {
    p.batch_dims[d] = static_cast<int32_t>(kept[d]);
    p.a_batch_strides[d] = static_cast<int32_t>(stride_a[d]);
    p.b_batch_strides[d] = static_cast<int32_t>(stride_b[d]);
  }
  return {};
}

namespace {

using MatMulTypes = Concat<FloatTypes, TypeList<int32_t, int64_t, uint32_t, uint64_t>>;

void infer(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<MatMulTypes>());
  c.require_same_dtype(0, 1);
  Shape out;
  MatMulParams p;
  std::string error = plan_matmul(c.shape(0), c.shape(1), out, p);
  if (!error.empty()) c.invalid(error);
  c.set_output(0, c.dtype(0), out);
}

std::vector<KernelCall> lower(LowerContext& c) {
  Shape out;
  MatMulParams p;
  plan_matmul(c.input(0).shape, c.input(1).shape, out, p);
  return {dispatch_in<MatMulTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/matmul.h", "mote::matmul<" + cpp_type<T>() + ">", "mote::MatMulParams", p, &mote::matmul<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
  })};
}

bool as_plain_gemm(const Node& node) {
  const Value *a = node.inputs[0], *b = node.inputs[1];
  return a->shape.rank() == 2 && b->shape.rank() == 2 && a->dtype == DType::Float32 && b->dtype == DType::Float32;
}

// A 2-D B [K, N] maps the last axis of A (K) to the last axis of the output (N).
bool channel_weights(const Node& node, ChannelWeights& weights) {
  if (node.inputs[1]->shape.rank() != 2 || node.inputs[0]->shape.rank() < 2) return false;
  weights = ChannelWeights{1, 1, 0, 1, node.inputs[0]->shape.rank() - 1};
  return true;
}

// One patch per row of A (its last axis).
bool weight_inputs(const Node& node, WeightInputs& inputs) {
  ChannelWeights layout;
  if (!channel_weights(node, layout)) return false;
  const Shape& a = node.inputs[0]->shape;
  inputs = rows_meet_weights(a.numel() / a[a.rank() - 1], a[a.rank() - 1]);
  return true;
}

}  // namespace

extern const OpDef kMatMul = {"",      "MatMul", make_attrs<NoAttrs>, infer, lower, {}, nullptr, nullptr,
                              nullptr, nullptr,  nullptr,             nullptr, as_plain_gemm, nullptr, matmul_macs, nullptr,
                              nullptr, channel_weights, weight_inputs};

}  // namespace mote::ops
