// DFT, STFT and MelWeightMatrix (opset 17). Twiddle factors are computed here in double
// precision and stored as constant tables.
#include <cmath>

#include "compiler/ops/elementwise_calls.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/signal.h"

namespace mote::ops {
namespace {

std::pair<TensorPtr, TensorPtr> twiddles(int64_t n) {
  std::vector<float> cosines(static_cast<size_t>(n)), sines(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) {
    const double angle = 2.0 * M_PI * static_cast<double>(j) / static_cast<double>(n);
    cosines[static_cast<size_t>(j)] = static_cast<float>(std::cos(angle));
    sines[static_cast<size_t>(j)] = static_cast<float>(std::sin(angle));
  }
  return {std::make_shared<const Tensor>(Tensor::from_values<float>(Shape{n}, cosines)),
          std::make_shared<const Tensor>(Tensor::from_values<float>(Shape{n}, sines))};
}

struct DftAttrs : AttrsOf<DftAttrs> {
  int64_t axis = 1;
  int64_t inverse = 0;
  int64_t onesided = 0;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
    v("inverse", inverse);
    v("onesided", onesided);
  }
};

template <class Context>
DftParams dft_params(Context& c, Shape& out) {
  const auto& a = c.template attrs<DftAttrs>();
  const Shape& x = c.shape(0);
  const int rank = x.rank();
  if (rank < 3 || (x[rank - 1] != 1 && x[rank - 1] != 2)) c.invalid("input must be [batch, ..., 1 or 2]");
  int64_t axis = a.axis < 0 ? a.axis + rank : a.axis;
  if (axis < 1 || axis > rank - 2) c.invalid("axis " + std::to_string(a.axis) + " must name a signal dimension");
  const int ax = static_cast<int>(axis);
  int64_t n = x[ax];
  if (c.has_input(1)) {
    const Tensor& length = c.constant_input(1, "dft_length");
    if (length.numel() != 1 || length.as_int64(0) < 1) c.invalid("dft_length must be a positive scalar");
    n = length.as_int64(0);
  }
  if (a.inverse && a.onesided) c.unsupported("a one-sided inverse DFT is not supported");
  DftParams p{};
  p.outer = static_cast<int32_t>(x.numel(0, ax));
  p.in_length = static_cast<int32_t>(x[ax]);
  p.n = static_cast<int32_t>(n);
  p.bins = static_cast<int32_t>(a.onesided ? n / 2 + 1 : n);
  p.inner = static_cast<int32_t>(x.numel(ax + 1, rank - 1));
  p.in_complex = static_cast<int32_t>(x[rank - 1]);
  p.inverse = static_cast<int32_t>(a.inverse);
  std::vector<int64_t> dims = x.dims();
  dims[static_cast<size_t>(ax)] = p.bins;
  dims.back() = 2;
  out = Shape(dims);
  return p;
}

void infer_dft(InferContext& c) {
  c.require_inputs(1, 2);
  c.require_dtype(0, dtype_set<FloatTypes>());
  Shape out;
  dft_params(c, out);
  c.set_output(0, c.dtype(0), out);
}

std::vector<KernelCall> lower_dft(LowerContext& c) {
  Shape out;
  DftParams p = dft_params(c, out);
  // Named copies, not a structured binding: lambdas below capture them (C++17).
  const auto tables = twiddles(p.n);
  const TensorPtr cosines = tables.first, sines = tables.second;
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/signal.h", "mote::dft<" + cpp_type<T>() + ">", "mote::DftParams", p, &mote::dft<T>,
                       {KernelArg::input(0), KernelArg::constant_tensor(cosines), KernelArg::constant_tensor(sines), KernelArg::output(0)});
  })};
}

struct StftAttrs : AttrsOf<StftAttrs> {
  int64_t onesided = 1;
  template <class V>
  void fields(V& v) {
    v("onesided", onesided);
  }
};

template <class Context>
StftParams stft_params(Context& c) {
  const Shape& x = c.shape(0);
  if (x.rank() != 3 || (x[2] != 1 && x[2] != 2)) c.invalid("signal must be [batch, length, 1 or 2]");
  const Tensor& step = c.constant_input(1, "frame_step");
  int64_t n = 0;
  if (c.has_input(3)) n = c.constant_input(3, "frame_length").as_int64(0);
  else if (c.has_input(2)) n = c.shape(2).numel();
  else c.invalid("either window or frame_length is required");
  if (c.has_input(2) && c.shape(2).numel() != n) c.invalid("window length differs from frame_length");
  if (n < 1 || n > x[1] || step.as_int64(0) < 1) c.invalid("frame_length and frame_step do not fit the signal");
  StftParams p{};
  p.batch = static_cast<int32_t>(x[0]);
  p.length = static_cast<int32_t>(x[1]);
  p.in_complex = static_cast<int32_t>(x[2]);
  p.step = static_cast<int32_t>(step.as_int64(0));
  p.n = static_cast<int32_t>(n);
  p.frames = static_cast<int32_t>((x[1] - n) / p.step + 1);
  p.bins = static_cast<int32_t>(c.template attrs<StftAttrs>().onesided ? n / 2 + 1 : n);
  return p;
}

void infer_stft(InferContext& c) {
  c.require_inputs(2, 4);
  c.require_dtype(0, dtype_set<FloatTypes>());
  StftParams p = stft_params(c);
  c.set_output(0, c.dtype(0), Shape{p.batch, p.frames, p.bins, 2});
}

std::vector<KernelCall> lower_stft(LowerContext& c) {
  StftParams p = stft_params(c);
  // Named copies, not a structured binding: lambdas below capture them (C++17).
  const auto tables = twiddles(p.n);
  const TensorPtr cosines = tables.first, sines = tables.second;
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/signal.h", "mote::stft<" + cpp_type<T>() + ">", "mote::StftParams", p, &mote::stft<T>,
                       {KernelArg::input(0), KernelArg::input(2), KernelArg::constant_tensor(cosines),
                        KernelArg::constant_tensor(sines), KernelArg::output(0)});
  })};
}

struct MelAttrs : AttrsOf<MelAttrs> {
  int64_t output_datatype = 1;
  template <class V>
  void fields(V& v) {
    v("output_datatype", output_datatype);
  }
};

// The triangular mel filter bank, computed the way the ONNX reference does (including its
// division of the mel range into num_mel_bins + 2 steps).
template <class Context>
Tensor mel_weight_matrix(Context& c) {
  const int64_t mels = c.constant_input(0, "num_mel_bins").as_int64(0);
  const int64_t dft_length = c.constant_input(1, "dft_length").as_int64(0);
  const double sample_rate = c.constant_input(2, "sample_rate").as_double(0);
  const double lower = c.constant_input(3, "lower_edge_hertz").as_double(0);
  const double upper = c.constant_input(4, "upper_edge_hertz").as_double(0);
  if (mels < 1 || dft_length < 1 || !(sample_rate > 0)) c.invalid("num_mel_bins, dft_length and sample_rate must be positive");
  const int64_t bins = dft_length / 2 + 1;
  std::optional<DType> dtype = dtype_from_onnx(static_cast<int>(c.template attrs<MelAttrs>().output_datatype));
  if (!dtype || !is_float(*dtype)) c.unsupported("output_datatype must be a float type");
  auto to_mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
  const double low_mel = to_mel(lower), high_mel = to_mel(upper);
  const double step = (high_mel - low_mel) / static_cast<double>(mels + 2);
  std::vector<int64_t> edges(static_cast<size_t>(mels + 2));
  for (int64_t i = 0; i < mels + 2; ++i) {
    const double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * step + low_mel) / 2595.0) - 1.0);
    edges[static_cast<size_t>(i)] = static_cast<int64_t>(std::floor(static_cast<double>(dft_length + 1) * hz / sample_rate));
  }
  std::vector<double> w(static_cast<size_t>(bins * mels), 0.0);
  auto set = [&](int64_t j, int64_t i, double v) {
    if (j >= 0 && j < bins) w[static_cast<size_t>(j * mels + i)] = v;
  };
  for (int64_t i = 0; i < mels; ++i) {
    const int64_t left = edges[static_cast<size_t>(i)], center = edges[static_cast<size_t>(i + 1)], right = edges[static_cast<size_t>(i + 2)];
    if (center == left) set(center, i, 1.0);
    else
      for (int64_t j = left; j <= center; ++j) set(j, i, static_cast<double>(j - left) / static_cast<double>(center - left));
    if (right > center)
      for (int64_t j = center; j < right; ++j) set(j, i, static_cast<double>(right - j) / static_cast<double>(right - center));
  }
  return Tensor::from_values<double>(Shape{bins, mels}, w).cast(*dtype);
}

void infer_mel(InferContext& c) {
  c.require_inputs(5, 5);
  c.set_output_constant(0, mel_weight_matrix(c));
}

std::vector<KernelCall> lower_mel(LowerContext& c) {
  return {constant_output_kernel(std::make_shared<const Tensor>(mel_weight_matrix(c)))};
}

}  // namespace

extern const OpDef kDFT = {"", "DFT", make_attrs<DftAttrs>, infer_dft, lower_dft, {}};
extern const OpDef kSTFT = {"", "STFT", make_attrs<StftAttrs>, infer_stft, lower_stft, {}};
extern const OpDef kMelWeightMatrix = {"", "MelWeightMatrix", make_attrs<MelAttrs>, infer_mel, lower_mel, {}};

}  // namespace mote::ops
