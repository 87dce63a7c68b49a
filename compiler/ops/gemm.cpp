// Gemm: Y = alpha * A' * B' + beta * C, C unidirectionally broadcast to [M, N].
#include "compiler/ops/gemm.h"

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/qdq.h"
#include "mote/matmul.h"

namespace mote::ops {

extern const OpDef kQGemm;
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
  p.activation = activation_params(c.node());
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

// Column n of Y = alpha * A * B + beta * C is alpha * A * B[:, n] + beta * C[n]: scaling column
// n of B by s[n] and using C'[n] = beta * C[n] * s[n] + t[n] with beta 1 applies the affine map.
// C must vary along columns only (or be absent).
bool absorb_channel_affine(Graph& graph, Node& node, const ChannelAffine& affine) {
  auto& a = node.attrs_as<GemmAttrs>();
  Value* b = node.inputs[1];
  Value* c = node.input(2);
  const int64_t n = node.outputs[0]->shape[1];
  if (!b->is_constant() || b->dtype != DType::Float32) return false;
  if (c && (!c->is_constant() || c->dtype != DType::Float32 ||
            !(c->shape.numel() == 1 || (c->shape.numel() == n && c->shape.dims().back() == n))))
    return false;
  auto at = [](const std::vector<double>& v, int64_t i) { return v.size() == 1 ? v[0] : v[static_cast<size_t>(i)]; };
  const int64_t k = b->shape.numel() / std::max<int64_t>(n, 1);
  Tensor new_b(DType::Float32, b->shape), new_c(DType::Float32, Shape{n});
  const float* bv = b->constant->data<float>();
  for (int64_t col = 0; col < n; ++col) {
    const double s = at(affine.scale, col);
    for (int64_t row = 0; row < k; ++row) {
      const int64_t index = a.trans_b ? col * k + row : row * n + col;
      new_b.data<float>()[index] = static_cast<float>(static_cast<double>(bv[index]) * s);
    }
    const double old_c = c ? static_cast<double>(c->constant->data<float>()[c->shape.numel() == 1 ? 0 : col]) : 0.0;
    new_c.data<float>()[col] = static_cast<float>(static_cast<double>(a.beta) * old_c * s + at(affine.shift, col));
  }
  node.inputs[1] = graph.add_constant(b->name + "_folded", std::make_shared<const Tensor>(std::move(new_b)));
  node.inputs.resize(3, nullptr);
  node.inputs[2] = graph.add_constant(c ? c->name + "_folded" : node.label() + "_bias", std::make_shared<const Tensor>(std::move(new_c)));
  a.beta = 1.0f;
  if (a.broadcast) a.broadcast = 1;
  return true;
}

// Gemm (A not transposed, alpha 1, beta 1) on a dequantized 8-bit (or int16) A and constant
// 8-bit weights (per tensor or per output column) becomes com.microsoft.QGemm with an int32
// bias.
Node* quantized_form(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  const auto& a = node.attrs_as<GemmAttrs>();
  const auto& x = pattern.inputs[0];
  const auto& w = pattern.inputs[1];
  if (a.trans_a || a.alpha != 1.0f || (node.has_input(2) && a.beta != 1.0f)) return nullptr;
  if (!per_tensor_activation(x) || !constant_8bit_weights(w, a.trans_b ? 0 : 1) || !per_tensor_activation(pattern.output) ||
      !integer_kernel_types(*x, *w, pattern.output))
    return nullptr;
  const int64_t n = node.outputs[0]->shape[1];
  Value* bias = nullptr;
  if (node.has_input(2) && !(bias = quantized_bias(graph, node, 2, pattern, *x, *w, n))) return nullptr;
  auto attrs = std::make_unique<QGemmAttrs>();
  attrs->trans_b = a.trans_b;
  Node* q = graph.add_node(&kQGemm, node.name, std::move(attrs),
                           {x->integer, x->scale, zero_point_or_zero(graph, *x), w->integer, w->scale, zero_point_or_zero(graph, *w), bias,
                            pattern.output.scale, zero_point_or_zero(graph, pattern.output)},
                           {pattern.output.integer}, 1, before);
  q->activation = pattern.activation;
  return q;
}

// A 2-D transpose of A or B is what transA / transB mean: flip the flag, read the input as is.
bool absorb_input_permutation(Node& node, size_t input, const std::vector<int64_t>& perm) {
  if (input > 1 || perm != std::vector<int64_t>{1, 0}) return false;
  auto& a = node.attrs_as<GemmAttrs>();
  int64_t& flag = input == 0 ? a.trans_a : a.trans_b;
  flag = flag ? 0 : 1;
  return true;
}

// B is [K, N], or [N, K] with transB; A's input channels are its columns unless transA.
bool channel_weights(const Node& node, ChannelWeights& weights) {
  const auto& a = node.attrs_as<GemmAttrs>();
  if (a.trans_a) return false;
  weights = a.trans_b ? ChannelWeights{1, 0, 1, 1, 1} : ChannelWeights{1, 1, 0, 1, 1};
  return true;
}

// One patch per row of A: its K values.
bool weight_inputs(const Node& node, WeightInputs& inputs) {
  if (node.attrs_as<GemmAttrs>().trans_a) return false;
  const Shape& a = node.inputs[0]->shape;
  inputs = rows_meet_weights(a[0], a[1]);
  return true;
}

}  // namespace

extern const OpDef kGemm = {"", "Gemm", make_attrs<GemmAttrs>, infer, lower, {false, false, false, true}, nullptr, nullptr,
                            absorb_channel_affine, nullptr, nullptr, nullptr, nullptr, quantized_form, gemm_macs, nullptr,
                            absorb_input_permutation, channel_weights, weight_inputs};

}  // namespace mote::ops
