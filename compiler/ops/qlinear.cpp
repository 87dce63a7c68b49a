// Integer convolution and matrix products from ONNX's quantized operators: ConvInteger,
// MatMulInteger (int32 results), QLinearConv and QLinearMatMul (requantized results). With
// constant scales the requantization is integer-only (multiplier and shift per channel,
// computed here); scales known only at run time are applied in float, as ONNX Runtime does.
#include <algorithm>
#include <cmath>

#include "compiler/ops/conv.h"
#include "compiler/ops/gemm.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/matmul.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/quant_math.h"
#include "mote/qconv_s8.h"
#include "mote/quantized.h"

namespace mote::ops {
namespace {

using QuantTypes = TypeList<int8_t, uint8_t>;

template <class Q>
std::pair<int32_t, int32_t> type_range() {
  return {numeric_limits<Q>::lowest(), numeric_limits<Q>::max()};
}

// The requantizing ops take 8-bit input, weights and output, or int16 input and output with
// int8 weights (--quantize int16x8, TFLite's 16x8 scheme): an extension of ONNX's QLinearConv,
// QLinearMatMul and com.microsoft.QGemm, which are 8-bit only.
void require_kernel_types(InferContext& c, size_t x, size_t w, size_t y) {
  c.require_dtype(x, dtype_set<QuantizedActivationTypes>());
  c.require_dtype(w, dtype_set<QuantTypes>());
  c.require_dtype(y, dtype_set<QuantizedActivationTypes>());
  const bool wide_x = c.dtype(x) == DType::Int16, wide_y = c.dtype(y) == DType::Int16;
  if ((wide_x || wide_y) && !(wide_x && wide_y && c.dtype(w) == DType::Int8))
    c.unsupported("int16 activations need an int16 input and output and int8 weights, not " + std::string(dtype_name(c.dtype(x))) +
                  " x " + std::string(dtype_name(c.dtype(w))) + " -> " + std::string(dtype_name(c.dtype(y))));
}

// Calls f(x_tag, w_tag, y_tag) with the C++ types of the input, weights and output.
template <class F>
KernelCall dispatch_quantized(DType x, DType w, DType y, F f) {
  if (x == DType::Int16) return f(TypeTag<int16_t>{}, TypeTag<int8_t>{}, TypeTag<int16_t>{});
  return dispatch_in<QuantTypes>(x, [&](auto xtag) {
    return dispatch_in<QuantTypes>(w, [&](auto wtag) { return dispatch_in<QuantTypes>(y, [&](auto ytag) { return f(xtag, wtag, ytag); }); });
  });
}

// Zero points: absent, one value, or one per channel (count must be 1 or `channels`).
int32_t zero_count(InferContext& c, size_t i, int64_t channels, const char* what) {
  if (!c.has_input(i)) return 0;
  const int64_t n = c.shape(i).numel();
  if (n != 1 && n != channels) c.invalid(std::string(what) + " must hold 1 or " + std::to_string(channels) + " values");
  return static_cast<int32_t>(n);
}
int32_t zero_count(LowerContext& c, size_t i) { return c.has_input(i) ? static_cast<int32_t>(c.input(i).shape.numel()) : 0; }

// Weight rows in the layout mote/qconv_s8.h reads (s8::PackedRows): `rows` rows of equal length
// in `groups` groups, paired within each group, packed here, once, so the kernels never reorder
// at run time. `reordered` for the kernels reading int16 values (convolution columns, int16
// activations), natural order for int8 activations widened as they are read. `widened`: int16
// values, for kernels whose weights are stored widened (LoweringOptions::widen_weights), in
// the order `reordered` says.
TensorPtr packed_s8_rows(const Tensor& weights, int64_t rows, int64_t groups, bool reordered, bool widened = false) {
  const int64_t depth = weights.numel() / rows, rows_per_group = rows / groups, pairs_per_group = (rows_per_group + 1) / 2;
  const int64_t pair_values = mote::s8::PackedRows::pair_values(static_cast<int32_t>(depth));
  // Zero-filled: padding weights are 0.
  Tensor packed(widened ? DType::Int16 : DType::Int8, Shape{groups * pairs_per_group * pair_values});
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t i = 0; i < rows_per_group; ++i) {
      const int64_t pair = (g * pairs_per_group + i / 2) * pair_values;
      const int8_t* row = weights.data<int8_t>() + (g * rows_per_group + i) * depth;
      for (int64_t k = 0; k < depth; ++k) {
        const int64_t at = pair + mote::s8::PackedRows::index(static_cast<int32_t>(k), static_cast<int32_t>(i % 2), reordered);
        if (widened)
          packed.data<int16_t>()[at] = row[k];
        else
          packed.data<int8_t>()[at] = row[k];
      }
    }
  return std::make_shared<const Tensor>(std::move(packed));
}

// Absent, or constant and all 0 (symmetric weights, as TFLite and Mote's quantizer make them):
// what the fast int8 kernels (mote/qconv_s8.h) assume.
bool zero_points_all_zero(LowerContext& c, size_t i) {
  if (!c.has_input(i)) return true;
  const Tensor* zero = c.known_input(i);
  if (!zero) return false;
  for (int64_t k = 0; k < zero->numel(); ++k)
    if (zero->as_double(k) != 0.0) return false;
  return true;
}

// The output clamp: the output type's range, narrowed by a Relu or Clip the fuse_qdq pass
// fused into the node.
template <class Y, class Context>
std::pair<int32_t, int32_t> output_range(Context& c, size_t y_scale, size_t y_zero) {
  const auto [lo, hi] = type_range<Y>();
  if (!c.node().activation) return {lo, hi};
  return quantized_activation_range(c.node().activation, scalar_scale(c.constant_input(y_scale)), scalar_zero(c.known_input(y_zero)),
                                    lo, hi);
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
  require_kernel_types(c, kQx, kQw, kQyZero);
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
  return {dispatch_quantized(c.input(kQx).dtype, c.input(kQw).dtype, c.output(0).dtype, [&](auto xtag, auto wtag, auto ytag) {
    using X = typename decltype(xtag)::type;
    using W = typename decltype(wtag)::type;
    using Y = typename decltype(ytag)::type;
    std::tie(q.act_min, q.act_max) = output_range<Y>(c, kQyScale, kQyZero);
    const std::string types = cpp_type<X>() + ", " + cpp_type<W>() + ", " + cpp_type<Y>() + ">";
    if (constant_scales) {
      auto [multiplier, shift] = channel_multipliers(c.constant_input(kQxScale), c.constant_input(kQwScale), c.constant_input(kQyScale));
      std::vector<KernelArg> args{KernelArg::input(kQx),   KernelArg::input(kQxZero),
                                  KernelArg::input(kQw),   KernelArg::input(kQwZero),
                                  KernelArg::input(kQBias), KernelArg::constant_tensor(multiplier),
                                  KernelArg::constant_tensor(shift), KernelArg::input(kQyZero),
                                  KernelArg::output(0)};
      const InPlaceConv form = in_place_form(q.conv);
      // The fast kernels: int8 weights with zero points of 0, and int8 activations, or int16
      // ones (zero point 0) whose int32 sums cannot overflow.
      if constexpr (std::is_same_v<W, int8_t> && std::is_same_v<X, Y> && (std::is_same_v<X, int8_t> || std::is_same_v<X, int16_t>)) {
        const bool depthwise = form == InPlaceConv::Depthwise;
        const Tensor* weights = c.known_input(kQw);
        const Tensor* bias = c.has_input(kQBias) ? c.known_input(kQBias) : nullptr;
        const bool sums_fit = std::is_same_v<X, int8_t> ||
                              (weights && (!c.has_input(kQBias) || bias) && scalar_zero(c.known_input(kQxZero)) == 0 &&
                               mote::s8::fits_int32_sums(weights->data<int8_t>(), q.conv.out_channels,
                                                         static_cast<int32_t>(weights->numel() / q.conv.out_channels),
                                                         bias ? bias->data<int32_t>() : nullptr));
        if (weights && sums_fit && zero_points_all_zero(c, kQwZero) && (!depthwise || mote::qdepthwise_conv_s8_supports(q.conv))) {
          const bool widened = !depthwise && c.options().widen_weights;
          if (!depthwise) {
            // Widened convolution weights meet the columns' pairs in order.
            args[2] = KernelArg::constant_tensor(packed_s8_rows(*weights, q.conv.out_channels, q.conv.groups, !widened, widened));
            if (mote::qconv_s8_needs_tap_offsets(q.conv)) {
              Tensor offsets(DType::Int32, Shape{mote::qconv_s8_tap_offset_count(q.conv)});
              mote::qconv_s8_tap_offsets(q.conv, offsets.data<int32_t>());
              args.push_back(KernelArg::constant_tensor(std::make_shared<const Tensor>(std::move(offsets))));
            } else {
              args.push_back(KernelArg::none());
            }
          }
          args.push_back(KernelArg::scratch(0));
          const std::string io = "<" + cpp_type<X>() + ", " + cpp_type<Y>() + (widened ? ", int16_t>" : ">");
          KernelCall call;
          if (depthwise) {
            call = bind_kernel("mote/qconv_s8.h", "mote::qdepthwise_conv_s8" + io, "mote::QConvParams", q, &mote::qdepthwise_conv_s8<X, Y>, args);
            call.scratch_bytes = {mote::qdepthwise_conv_s8_scratch_bytes(q.conv)};
          } else {
            // Blocks of 1, 2, 4, ... pixel pairs: plan_memory keeps the largest the arena has room for.
            const int32_t most = mote::qconv_s8_max_block_pairs(q.conv);
            for (int32_t pairs = 1;; pairs = std::min(2 * pairs, most)) {
              QConvParams sized = q;
              sized.block_pairs = pairs;
              KernelCall bound =
                  widened ? bind_kernel("mote/qconv_s8.h", "mote::qconv_s8" + io, "mote::QConvParams", sized, &mote::qconv_s8<X, Y, int16_t>, args)
                          : bind_kernel("mote/qconv_s8.h", "mote::qconv_s8" + io, "mote::QConvParams", sized, &mote::qconv_s8<X, Y>, args);
              if (pairs == 1) call = bound;
              call.scratch_variants.push_back({bound.params, {mote::qconv_s8_scratch_bytes(q.conv, pairs)}, bound.invoke});
              if (pairs == most) break;
            }
            call.use(call.scratch_variants.front());
          }
          if (form != InPlaceConv::None) call.in_place = {{kQx, 0}};
          return call;
        }
      }
      if (form == InPlaceConv::None)
        return bind_kernel("mote/quantized.h", "mote::qconv<" + types, "mote::QConvParams", q, &mote::qconv<X, W, Y>, args);
      // Depthwise and 1x1 convolutions may overwrite their input, as their float forms.
      args.push_back(KernelArg::scratch(0));
      const bool depthwise = form == InPlaceConv::Depthwise;
      KernelCall call = depthwise ? bind_kernel("mote/quantized.h", "mote::qdepthwise_conv_in_place<" + types, "mote::QConvParams", q,
                                                &mote::qdepthwise_conv_in_place<X, W, Y>, args)
                                  : bind_kernel("mote/quantized.h", "mote::qpointwise_conv_in_place<" + types, "mote::QConvParams", q,
                                                &mote::qpointwise_conv_in_place<X, W, Y>, args);
      const int64_t in_plane = int64_t{q.conv.in_size[0]} * q.conv.in_size[1] * q.conv.in_size[2];
      call.scratch_bytes = {depthwise ? in_plane * static_cast<int64_t>(sizeof(X))
                                      : int64_t{q.conv.in_channels} * static_cast<int64_t>(sizeof(int32_t))};
      call.in_place = {{kQx, 0}};
      return call;
    }
    return bind_kernel("mote/quantized.h", "mote::qconv_runtime_scales<" + types, "mote::QConvParams", q,
                       &mote::qconv_runtime_scales<X, W, Y>,
                       {KernelArg::input(kQx), KernelArg::input(kQxScale), KernelArg::input(kQxZero), KernelArg::input(kQw),
                        KernelArg::input(kQwScale), KernelArg::input(kQwZero), KernelArg::input(kQyScale),
                        KernelArg::input(kQyZero), KernelArg::input(kQBias), KernelArg::output(0)});
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
  require_kernel_types(c, 0, 3, 7);
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
  return {dispatch_quantized(c.input(0).dtype, c.input(3).dtype, c.output(0).dtype, [&](auto atag, auto btag, auto ytag) {
    using A = typename decltype(atag)::type;
    using B = typename decltype(btag)::type;
    using Y = typename decltype(ytag)::type;
    std::tie(q.act_min, q.act_max) = output_range<Y>(c, 6, 7);
    const std::string types = cpp_type<A>() + ", " + cpp_type<B>() + ", " + cpp_type<Y>() + ">";
    if (constant_scales) {
      auto [multiplier, shift] = channel_multipliers(c.constant_input(1), c.constant_input(4), c.constant_input(6));
      return bind_kernel("mote/quantized.h", "mote::qmatmul<" + types, "mote::QMatMulParams", q, &mote::qmatmul<A, B, Y>,
                         {KernelArg::input(0), KernelArg::input(2), KernelArg::input(3), KernelArg::input(5), KernelArg::none(),
                          KernelArg::constant_tensor(multiplier), KernelArg::constant_tensor(shift), KernelArg::input(7),
                          KernelArg::output(0)});
    }
    return bind_kernel("mote/quantized.h", "mote::qmatmul_runtime_scales<" + types, "mote::QMatMulParams", q,
                       &mote::qmatmul_runtime_scales<A, B, Y>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::input(3), KernelArg::input(4),
                        KernelArg::input(5), KernelArg::input(6), KernelArg::input(7), KernelArg::output(0)});
  })};
}

// com.microsoft.QGemm (ONNX Runtime's quantized Gemm, and what fuse_qdq makes of a quantized
// Gemm): A, a_scale, a_zero_point, B, b_scale, b_zero_point, C (int32 bias at scale
// a_scale * b_scale), y_scale, y_zero_point. Only the requantized form (y_scale given) with
// alpha 1 and A not transposed.
constexpr size_t kGa = 0, kGaScale = 1, kGaZero = 2, kGb = 3, kGbScale = 4, kGbZero = 5, kGc = 6, kGyScale = 7, kGyZero = 8;

template <class Context>
QMatMulParams qgemm_params(Context& c) {
  const auto& a = c.template attrs<QGemmAttrs>();
  const Shape& sb = c.shape(kGb);
  QMatMulParams q{};
  q.m = static_cast<int32_t>(c.shape(kGa)[0]);
  q.k = static_cast<int32_t>(c.shape(kGa)[1]);
  q.n = static_cast<int32_t>(a.trans_b ? sb[0] : sb[1]);
  q.batch = 1;
  q.b_transposed = static_cast<int32_t>(a.trans_b != 0);
  return q;
}

void infer_qgemm(InferContext& c) {
  c.require_inputs(9, 9);
  require_kernel_types(c, kGa, kGb, kGyZero);
  c.require_rank(kGa, 2, 2);
  c.require_rank(kGb, 2, 2);
  const auto& a = c.attrs<QGemmAttrs>();
  if (a.trans_a) c.unsupported("transA=1 is not supported");
  if (a.alpha != 1.0f) c.unsupported("alpha other than 1 is not supported");
  if (!c.has_input(kGyScale)) c.unsupported("the float-output form (no y_scale) is not supported");
  for (size_t s : {kGaScale, kGbScale, kGyScale}) c.require_dtype(s, DTypeSet{DType::Float32});
  if (c.has_input(kGaZero)) c.require_same_dtype(kGa, kGaZero);
  if (c.has_input(kGbZero)) c.require_same_dtype(kGb, kGbZero);
  QMatMulParams q = qgemm_params(c);
  const int64_t kb = a.trans_b ? c.shape(kGb)[1] : c.shape(kGb)[0];
  if (kb != q.k) c.invalid("A " + c.shape(kGa).to_string() + " and B " + c.shape(kGb).to_string() + " do not agree on K");
  if (c.shape(kGaScale).numel() != 1 || c.shape(kGyScale).numel() != 1) c.invalid("a_scale and y_scale must be scalars");
  const int64_t b_scales = c.shape(kGbScale).numel();
  if (b_scales != 1 && b_scales != q.n) c.invalid("b_scale must hold 1 or " + std::to_string(q.n) + " values");
  zero_count(c, kGaZero, 1, "a_zero_point");
  zero_count(c, kGbZero, q.n, "b_zero_point");
  if (c.has_input(kGc)) {
    c.require_dtype(kGc, DTypeSet{DType::Int32});
    if (c.shape(kGc).numel() != q.n) c.unsupported("C must hold one bias per column (" + std::to_string(q.n) + " values)");
  }
  c.set_output(0, c.dtype(kGyZero), Shape{q.m, q.n});
}

std::vector<KernelCall> lower_qgemm(LowerContext& c) {
  QMatMulParams q = qgemm_params(c);
  q.a_zero_count = zero_count(c, kGaZero);
  q.b_zero_count = zero_count(c, kGbZero);
  q.requant_count = static_cast<int32_t>(c.input(kGbScale).shape.numel());
  // Not a structured binding: the lambda below captures them (C++17 forbids capturing bindings).
  const std::pair<TensorPtr, TensorPtr> multipliers = channel_multipliers(c.constant_input(kGaScale, "a_scale"), c.constant_input(kGbScale, "b_scale"),
                                                 c.constant_input(kGyScale, "y_scale"));
  return {dispatch_quantized(c.input(kGa).dtype, c.input(kGb).dtype, c.output(0).dtype, [&](auto atag, auto btag, auto ytag) {
    using A = typename decltype(atag)::type;
    using B = typename decltype(btag)::type;
    using Y = typename decltype(ytag)::type;
    std::tie(q.act_min, q.act_max) = output_range<Y>(c, kGyScale, kGyZero);
    if constexpr (std::is_same_v<B, int8_t> && std::is_same_v<A, Y> && (std::is_same_v<A, int8_t> || std::is_same_v<A, int16_t>)) {
      const Tensor* weights = c.known_input(kGb);
      const Tensor* bias = c.has_input(kGc) ? c.known_input(kGc) : nullptr;
      if (weights && zero_points_all_zero(c, kGbZero) && (!c.has_input(kGc) || bias)) {
        // Rows of length k, one per output: transB = 1 stores them so; otherwise transpose.
        Tensor rows = *weights;
        if (!q.b_transposed)
          for (int64_t j = 0; j < q.n; ++j)
            for (int64_t k = 0; k < q.k; ++k) rows.data<int8_t>()[j * q.k + k] = weights->data<int8_t>()[k * q.n + j];
        constexpr bool wide = std::is_same_v<A, int16_t>;
        if (!wide || (scalar_zero(c.known_input(kGaZero)) == 0 &&
                      mote::s8::fits_int32_sums(rows.data<int8_t>(), q.n, q.k, bias ? bias->data<int32_t>() : nullptr))) {
          // Widened weights meet int8 activations' (v0, v2) (v1, v3) halves reordered. Layers with
          // int16 activations keep int8 weights: their loop is C, where GCC spills widened rows
          // (anomaly's int16x8 layers ran 1.4x slower).
          const bool widened = c.options().widen_weights && !wide;
          const std::vector<KernelArg> args{
              KernelArg::input(kGa),       KernelArg::input(kGaZero),
              KernelArg::constant_tensor(packed_s8_rows(rows, q.n, 1, widened || wide, widened)),
              KernelArg::input(kGbZero),   KernelArg::input(kGc),
              KernelArg::constant_tensor(multipliers.first), KernelArg::constant_tensor(multipliers.second),
              KernelArg::input(kGyZero),   KernelArg::output(0)};
          const std::string kernel = "mote::qfully_connected_s8<" + cpp_type<A>() + ", " + cpp_type<Y>() + (widened ? ", int16_t>" : ">");
          if constexpr (!wide)
            if (widened) return bind_kernel("mote/qconv_s8.h", kernel, "mote::QMatMulParams", q, &mote::qfully_connected_s8<A, Y, int16_t>, args);
          return bind_kernel("mote/qconv_s8.h", kernel, "mote::QMatMulParams", q, &mote::qfully_connected_s8<A, Y>, args);
        }
      }
    }
    return bind_kernel("mote/quantized.h", "mote::qmatmul<" + cpp_type<A>() + ", " + cpp_type<B>() + ", " + cpp_type<Y>() + ">",
                       "mote::QMatMulParams", q, &mote::qmatmul<A, B, Y>,
                       {KernelArg::input(kGa), KernelArg::input(kGaZero), KernelArg::input(kGb), KernelArg::input(kGbZero),
                        KernelArg::input(kGc), KernelArg::constant_tensor(multipliers.first), KernelArg::constant_tensor(multipliers.second),
                        KernelArg::input(kGyZero), KernelArg::output(0)});
  })};
}

}  // namespace

// The hooks before multiply_accumulates, none of which these ops have.
#define MOTE_NO_HOOKS nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr
extern const OpDef kConvInteger = {"", "ConvInteger", make_attrs<ConvAttrs>, infer_conv_integer, lower_conv_integer, {}, MOTE_NO_HOOKS,
                                   [](const Node& node) { return convolution_macs(node, 1); }};
extern const OpDef kQLinearConv = {"", "QLinearConv", make_attrs<ConvAttrs>, infer_qlinear_conv, lower_qlinear_conv, {}, MOTE_NO_HOOKS,
                                   [](const Node& node) { return convolution_macs(node, 3); }};
extern const OpDef kMatMulInteger = {"", "MatMulInteger", make_attrs<NoAttrs>, infer_matmul_integer, lower_matmul_integer, {}, MOTE_NO_HOOKS,
                                     matmul_macs};
extern const OpDef kQGemm = {"com.microsoft", "QGemm", make_attrs<QGemmAttrs>, infer_qgemm, lower_qgemm, {}, MOTE_NO_HOOKS, gemm_macs};
extern const OpDef kQLinearMatMul = {"", "QLinearMatMul", make_attrs<NoAttrs>, infer_qlinear_matmul, lower_qlinear_matmul, {}, MOTE_NO_HOOKS,
                                     matmul_macs};
#undef MOTE_NO_HOOKS

}  // namespace mote::ops
