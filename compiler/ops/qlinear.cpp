// Integer convolution and matrix products from ONNX's quantized operators: ConvInteger,
// MatMulInteger (int32 results), QLinearConv and QLinearMatMul (requantized results). With
// constant scales the requantization is integer-only (multiplier and shift per channel,
// computed here); scales known only at run time are applied in float, as ONNX Runtime does.
#include <cmath>

#include "compiler/ops/conv.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/matmul.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/quant_math.h"
#include "mote/quantized.h"

namespace mote::ops {
namespace {

using QuantTypes = TypeList<int8_t, uint8_t>;

template <class Q>
std::pair<int32_t, int32_t> type_range() {
  return {numeric_limits<Q>::lowest(), numeric_limits<Q>::max()};
}

// Zero points: absent, one value, or one per channel (count must be 1 or `channels`).
int32_t zero_count(InferContext& c, size_t i, int64_t channels, const char* what) {
  if (!c.has_input(i)) return 0;
  const int64_t n = c.shape(i).numel();
  if (n != 1 && n != channels) c.invalid(std::string(what) + " must hold 1 or " + std::to_string(channels) + " values");
  return static_cast<int32_t>(n);
}
int32_t zero_count(LowerContext& c, size_t i) { return c.has_input(i) ? static_cast<int32_t>(c.input(i).shape.numel()) : 0; }

// Integer requantization constants for scale_a * scale_b[c] / scale_y, per channel.
std::pair<TensorPtr, TensorPtr> multipliers(const Tensor& a_scale, const Tensor& b_scale, const Tensor& y_scale) {
  const int64_t n = b_scale.numel();
  std::vector<int32_t> multiplier(static_cast<size_t>(n)), shift(static_cast<size_t>(n));
  for (int64_t c = 0; c < n; ++c) {
    const double real = static_cast<double>(a_scale.data<float>()[0]) * static_cast<double>(b_scale.data<float>()[c]) /
                        static_cast<double>(y_scale.data<float>()[0]);
    quantize_multiplier(real, multiplier[static_cast<size_t>(c)], shift[static_cast<size_t>(c)]);
  }
  return {std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{n}, multiplier)),
          std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{n}, shift))};
}

// ---- ConvInteger / QLinearConv ----

// QLinearConv inputs: x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B.
constexpr size_t kQx = 0, kQxScale = 1, kQxZero = 2, kQw = 3, kQwScale = 4, kQwZero = 5, kQyScale = 6, kQyZero = 7, kQBias = 8;

void infer_conv_integer(InferContext& c) {
  c.require_inputs(2, 4);
  c.require_dtype(0, dtype_set<QuantTypes>());
  c.require_dtype(1, dtype_set<QuantTypes>());
  Shape out;
  ConvParams p;
  std::string error = plan_convolution(c.attrs<ConvAttrs>(), c.shape(0), c.shape(1), out, p);
  if (!error.empty()) c.invalid(error);
  if (c.has_input(2)) c.require_same_dtype(0, 2);
  if (c.has_input(3)) c.require_same_dtype(1, 3);
  zero_count(c, 2, 1, "x_zero_point");
  zero_count(c, 3, c.shape(1)[0], "w_zero_point");
  c.set_output(0, DType::Int32, out);
}

std::vector<KernelCall> lower_conv_integer(LowerContext& c) {
  QConvParams q{};
  Shape out;
  plan_convolution(c.attrs<ConvAttrs>(), c.input(0).shape, c.input(1).shape, out, q.conv);
  q.weight_zero_count = zero_count(c, 3);
  return {dispatch_in<QuantTypes>(c.input(0).dtype, [&](auto xtag) {
    using X = typename decltype(xtag)::type;
    return dispatch_in<QuantTypes>(c.input(1).dtype, [&](auto wtag) {
      using W = typename decltype(wtag)::type;
      return bind_kernel("mote/quantized.h", "mote::conv_integer<" + cpp_type<X>() + ", " + cpp_type<W>() + ">", "mote::QConvParams",
                         q, &mote::conv_integer<X, W>,
                         {KernelArg::input(0), KernelArg::input(2), KernelArg::input(1), KernelArg::input(3), KernelArg::output(0)});
    });
  })};
}

void infer_qlinear_conv(InferContext& c) {
  c.require_inputs(8, 9);
  c.require_dtype(kQx, dtype_set<QuantTypes>());
  c.require_dtype(kQw, dtype_set<QuantTypes>());
  c.require_dtype(kQyZero, dtype_set<QuantTypes>());
  c.require_same_dtype(kQx, kQxZero);
  c.require_same_dtype(kQw, kQwZero);
  for (size_t s : {kQxScale, kQwScale, kQyScale}) c.require_dtype(s, DTypeSet{DType::Float32});
  Shape out;
  ConvParams p;
  std::string error = plan_convolution(c.attrs<ConvAttrs>(), c.shape(kQx), c.shape(kQw), out, p);
  if (!error.empty()) c.invalid(error);
  const int64_t channels = c.shape(kQw)[0];
  if (c.shape(kQxScale).numel() != 1 || c.shape(kQyScale).numel() != 1) c.invalid("x_scale and y_scale must be scalars");
  const int64_t w_scales = c.shape(kQwScale).numel();
  if (w_scales != 1 && w_scales != channels) c.invalid("w_scale must hold 1 or " + std::to_string(channels) + " values");
  zero_count(c, kQwZero, channels, "w_zero_point");
  if (c.has_input(kQBias)) {
    c.require_dtype(kQBias, DTypeSet{DType::Int32});
    if (c.shape(kQBias) != Shape{channels}) c.invalid("B must have shape [" + std::to_string(channels) + "]");
  }
  c.set_output(0, c.dtype(kQyZero), out);
}

std::vector<KernelCall> lower_qlinear_conv(LowerContext& c) {
  QConvParams q{};
  Shape out;
  plan_convolution(c.attrs<ConvAttrs>(), c.input(kQx).shape, c.input(kQw).shape, out, q.conv);
  q.weight_zero_count = zero_count(c, kQwZero);
  q.requant_count = static_cast<int32_t>(c.input(kQwScale).shape.numel());
  const bool constant_scales = c.known_input(kQxScale) && c.known_input(kQwScale) && c.known_input(kQyScale);
  return {dispatch_in<QuantTypes>(c.input(kQx).dtype, [&](auto xtag) {
    using X = typename decltype(xtag)::type;
    return dispatch_in<QuantTypes>(c.input(kQw).dtype, [&](auto wtag) {
      using W = typename decltype(wtag)::type;
      return dispatch_in<QuantTypes>(c.output(0).dtype, [&](auto ytag) {
        using Y = typename decltype(ytag)::type;
        std::tie(q.act_min, q.act_max) = type_range<Y>();
        const std::string types = cpp_type<X>() + ", " + cpp_type<W>() + ", " + cpp_type<Y>() + ">";
        if (constant_scales) {
          auto [multiplier, shift] = multipliers(c.constant_input(kQxScale), c.constant_input(kQwScale), c.constant_input(kQyScale));
          return bind_kernel("mote/quantized.h", "mote::qconv<" + types, "mote::QConvParams", q, &mote::qconv<X, W, Y>,
                             {KernelArg::input(kQx), KernelArg::input(kQxZero), KernelArg::input(kQw), KernelArg::input(kQwZero),
                              KernelArg::input(kQBias), KernelArg::constant_tensor(multiplier), KernelArg::constant_tensor(shift),
                              KernelArg::input(kQyZero), KernelArg::output(0)});
        }
        return bind_kernel("mote/quantized.h", "mote::qconv_runtime_scales<" + types, "mote::QConvParams", q,
                           &mote::qconv_runtime_scales<X, W, Y>,
                           {KernelArg::input(kQx), KernelArg::input(kQxScale), KernelArg::input(kQxZero), KernelArg::input(kQw),
                            KernelArg::input(kQwScale), KernelArg::input(kQwZero), KernelArg::input(kQyScale),
                            KernelArg::input(kQyZero), KernelArg::input(kQBias), KernelArg::output(0)});
      });
    });
  })};
}

// ---- MatMulInteger / QLinearMatMul ----

template <class Context>
QMatMulParams qmatmul_params(Context& c, size_t a, size_t b, Shape& out, std::string& error) {
  MatMulParams m;
  error = plan_matmul(c.shape(a), c.shape(b), out, m);
  QMatMulParams q{};
  q.m = m.m;
  q.n = m.n;
  q.k = m.k;
  q.batch = m.batch;
  q.batch_rank = m.batch_rank;
  for (int d = 0; d < MOTE_MAX_RANK; ++d) {
    q.batch_dims[d] = m.batch_dims[d];
    q.a_batch_strides[d] = m.a_batch_strides[d];
    q.b_batch_strides[d] = m.b_batch_strides[d];
  }
  return q;
}

void infer_matmul_integer(InferContext& c) {
  c.require_inputs(2, 4);
  c.require_dtype(0, dtype_set<QuantTypes>());
  c.require_dtype(1, dtype_set<QuantTypes>());
  Shape out;
  std::string error;
  QMatMulParams q = qmatmul_params(c, 0, 1, out, error);
  if (!error.empty()) c.invalid(error);
  if (c.has_input(2)) c.require_same_dtype(0, 2);
  if (c.has_input(3)) c.require_same_dtype(1, 3);
  zero_count(c, 2, q.m, "a_zero_point");
  zero_count(c, 3, q.n, "b_zero_point");
  c.set_output(0, DType::Int32, out);
}

std::vector<KernelCall> lower_matmul_integer(LowerContext& c) {
  Shape out;
  std::string error;
  QMatMulParams q = qmatmul_params(c, 0, 1, out, error);
  q.a_zero_count = zero_count(c, 2);
  q.b_zero_count = zero_count(c, 3);
  return {dispatch_in<QuantTypes>(c.input(0).dtype, [&](auto atag) {
    using A = typename decltype(atag)::type;
    return dispatch_in<QuantTypes>(c.input(1).dtype, [&](auto btag) {
      using B = typename decltype(btag)::type;
      return bind_kernel("mote/quantized.h", "mote::matmul_integer<" + cpp_type<A>() + ", " + cpp_type<B>() + ">",
                         "mote::QMatMulParams", q, &mote::matmul_integer<A, B>,
                         {KernelArg::input(0), KernelArg::input(2), KernelArg::input(1), KernelArg::input(3), KernelArg::output(0)});
    });
  })};
}

// QLinearMatMul inputs: a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp.
void infer_qlinear_matmul(InferContext& c) {
  c.require_inputs(8, 8);
  c.require_dtype(0, dtype_set<QuantTypes>());
  c.require_dtype(3, dtype_set<QuantTypes>());
  c.require_dtype(7, dtype_set<QuantTypes>());
  c.require_same_dtype(0, 2);
  c.require_same_dtype(3, 5);
  Shape out;
  std::string error;
  QMatMulParams q = qmatmul_params(c, 0, 3, out, error);
  if (!error.empty()) c.invalid(error);
  if (c.shape(1).numel() != 1 || c.shape(6).numel() != 1) c.invalid("a_scale and y_scale must be scalars");
  const int64_t b_scales = c.shape(4).numel();
  if (b_scales != 1 && b_scales != q.n) c.invalid("b_scale must hold 1 or " + std::to_string(q.n) + " values");
  zero_count(c, 2, q.m, "a_zero_point");
  zero_count(c, 5, q.n, "b_zero_point");
  c.set_output(0, c.dtype(7), out);
}

std::vector<KernelCall> lower_qlinear_matmul(LowerContext& c) {
  Shape out;
  std::string error;
  QMatMulParams q = qmatmul_params(c, 0, 3, out, error);
  q.a_zero_count = zero_count(c, 2);
  q.b_zero_count = zero_count(c, 5);
  q.requant_count = static_cast<int32_t>(c.input(4).shape.numel());
  const bool constant_scales = c.known_input(1) && c.known_input(4) && c.known_input(6);
  return {dispatch_in<QuantTypes>(c.input(0).dtype, [&](auto atag) {
    using A = typename decltype(atag)::type;
    return dispatch_in<QuantTypes>(c.input(3).dtype, [&](auto btag) {
      using B = typename decltype(btag)::type;
      return dispatch_in<QuantTypes>(c.output(0).dtype, [&](auto ytag) {
        using Y = typename decltype(ytag)::type;
        std::tie(q.act_min, q.act_max) = type_range<Y>();
        const std::string types = cpp_type<A>() + ", " + cpp_type<B>() + ", " + cpp_type<Y>() + ">";
        if (constant_scales) {
          auto [multiplier, shift] = multipliers(c.constant_input(1), c.constant_input(4), c.constant_input(6));
          return bind_kernel("mote/quantized.h", "mote::qmatmul<" + types, "mote::QMatMulParams", q, &mote::qmatmul<A, B, Y>,
                             {KernelArg::input(0), KernelArg::input(2), KernelArg::input(3), KernelArg::input(5), KernelArg::none(),
                              KernelArg::constant_tensor(multiplier), KernelArg::constant_tensor(shift), KernelArg::input(7),
                              KernelArg::output(0)});
        }
        return bind_kernel("mote/quantized.h", "mote::qmatmul_runtime_scales<" + types, "mote::QMatMulParams", q,
                           &mote::qmatmul_runtime_scales<A, B, Y>,
                           {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::input(3), KernelArg::input(4),
                            KernelArg::input(5), KernelArg::input(6), KernelArg::input(7), KernelArg::output(0)});
      });
    });
  })};
}

}  // namespace

extern const OpDef kConvInteger = {"", "ConvInteger", make_attrs<ConvAttrs>, infer_conv_integer, lower_conv_integer, {}};
extern const OpDef kQLinearConv = {"", "QLinearConv", make_attrs<ConvAttrs>, infer_qlinear_conv, lower_qlinear_conv, {}};
extern const OpDef kMatMulInteger = {"", "MatMulInteger", make_attrs<NoAttrs>, infer_matmul_integer, lower_matmul_integer, {}};
extern const OpDef kQLinearMatMul = {"", "QLinearMatMul", make_attrs<NoAttrs>, infer_qlinear_matmul, lower_qlinear_matmul, {}};

}  // namespace mote::ops
