// Resize (opset 10+) and Upsample (opset 7-9): nearest, linear and cubic interpolation with
// every ONNX coordinate transformation. All coordinates are known at compile time, so the
// compiler builds per-dim tap tables (input index and weight per output coordinate) following
// the ONNX reference implementation, and runtime-min only gathers and sums.
#include <cmath>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/resize.h"

namespace mote::ops {
namespace {

enum class ResizeMode { Nearest, Linear, Cubic };
MOTE_ENUM_NAMES(ResizeMode, "nearest", "linear", "cubic")
enum class Coordinates { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn, TfCropAndResize };
MOTE_ENUM_NAMES(Coordinates, "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn",
                "tf_crop_and_resize")
enum class NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };
MOTE_ENUM_NAMES(NearestMode, "round_prefer_floor", "round_prefer_ceil", "floor", "ceil")

struct ResizeAttrs : AttrsOf<ResizeAttrs> {
  Coordinates coordinate_transformation_mode = Coordinates::HalfPixel;
  float cubic_coeff_a = -0.75f;
  int64_t exclude_outside = 0;
  float extrapolation_value = 0.0f;
  ResizeMode mode = ResizeMode::Nearest;
  NearestMode nearest_mode = NearestMode::RoundPreferFloor;
  template <class V>
  void fields(V& v) {
    v("coordinate_transformation_mode", coordinate_transformation_mode);
    v("cubic_coeff_a", cubic_coeff_a);
    v("exclude_outside", exclude_outside);
    v("extrapolation_value", extrapolation_value);
    v("mode", mode);
    v("nearest_mode", nearest_mode);
  }
};

struct UpsampleAttrs : AttrsOf<UpsampleAttrs> {
  ResizeMode mode = ResizeMode::Nearest;
  std::optional<std::vector<float>> scales;  // opset 7; an input from opset 9
  template <class V>
  void fields(V& v) {
    v("mode", mode);
    v("scales", scales);
  }
};

// What a Resize or Upsample node asks for, in one form.
struct Request {
  ResizeMode mode = ResizeMode::Nearest;
  Coordinates coordinates = Coordinates::Asymmetric;
  NearestMode nearest = NearestMode::Floor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  float extrapolation = 0.0f;
  std::vector<double> roi;
  std::vector<double> scale;  // per dim, as the reference uses it
  Shape out;
};

template <class Context>
const Tensor* present(Context& c, size_t i) {
  const Tensor* t = c.has_input(i) ? &c.constant_input(i, i == 1 ? "roi" : i == 2 ? "scales" : "sizes") : nullptr;
  return t && t->numel() > 0 ? t : nullptr;  // an empty tensor stands for "not given"
}

template <class Context>
Request request(Context& c, bool upsample) {
  Request r;
  const Shape& in = c.shape(0);
  const int rank = in.rank();
  std::vector<double> scales;
  std::optional<std::vector<int64_t>> sizes;
  if (upsample) {
    const auto& a = c.template attrs<UpsampleAttrs>();
    r.mode = a.mode;
    if (c.opset() < 9) {
      if (!a.scales) c.invalid("scales attribute is required");
      scales.assign(a.scales->begin(), a.scales->end());
    } else {
      scales = c.constant_input(1, "scales").to_double_vector();
    }
  } else if (c.opset() < 11) {
    r.mode = c.template attrs<ResizeAttrs>().mode;
    scales = c.constant_input(1, "scales").to_double_vector();
  } else {
    const auto& a = c.template attrs<ResizeAttrs>();
    r.mode = a.mode;
    r.coordinates = a.coordinate_transformation_mode;
    r.nearest = a.nearest_mode;
    r.cubic_a = a.cubic_coeff_a;
    r.exclude_outside = a.exclude_outside != 0;
    r.extrapolation = a.extrapolation_value;
    if (const Tensor* roi = present(c, 1)) r.roi = roi->to_double_vector();
    const Tensor* s = present(c, 2);
    const Tensor* z = present(c, 3);
    if ((s != nullptr) == (z != nullptr)) c.invalid("exactly one of scales and sizes must be given");
    if (s) scales = s->to_double_vector();
    if (z) sizes = z->to_int64_vector();
  }
  if (r.mode == ResizeMode::Cubic && (upsample || c.opset() < 11)) c.invalid("cubic mode needs opset 11");
  std::vector<int64_t> out(static_cast<size_t>(rank));
  r.scale.assign(static_cast<size_t>(rank), 1.0);
  if (sizes) {
    if (static_cast<int>(sizes->size()) != rank) c.invalid("sizes has " + std::to_string(sizes->size()) + " values for rank " + std::to_string(rank));
    for (int d = 0; d < rank; ++d) {
      out[static_cast<size_t>(d)] = (*sizes)[static_cast<size_t>(d)];
      r.scale[static_cast<size_t>(d)] = in[d] ? static_cast<double>(out[static_cast<size_t>(d)]) / static_cast<double>(in[d]) : 1.0;
    }
  } else {
    if (static_cast<int>(scales.size()) != rank) c.invalid("scales has " + std::to_string(scales.size()) + " values for rank " + std::to_string(rank));
    for (int d = 0; d < rank; ++d) {
      const double s = scales[static_cast<size_t>(d)];
      if (!(s > 0)) c.invalid("scales must be positive");
      r.scale[static_cast<size_t>(d)] = s;
      const double size = std::floor(s * static_cast<double>(in[d]));
      if (!(size < static_cast<double>(kMaxElements))) c.invalid("scales make the output too large");
      out[static_cast<size_t>(d)] = static_cast<int64_t>(size);
    }
  }
  for (int64_t d : out)
    if (d < 0) c.invalid("negative output size");
  if (r.coordinates == Coordinates::TfCropAndResize && static_cast<int>(r.roi.size()) != 2 * rank)
    c.invalid("tf_crop_and_resize needs an roi of " + std::to_string(2 * rank) + " values");
  r.out = Shape(out);
  return r;
}

// Input coordinate of output coordinate x in one dim (the ONNX reference's x_ori); nullopt
// when tf_crop_and_resize falls outside the input.
std::optional<double> source_coordinate(const Request& r, int dim, int rank, double x, int64_t in_len) {
  const double scale = r.scale[static_cast<size_t>(dim)];
  const double out_width = scale * static_cast<double>(in_len);  // the reference's (possibly fractional) width
  const double in_width = static_cast<double>(in_len);
  switch (r.coordinates) {
    case Coordinates::AlignCorners:
      return out_width == 1 ? 0.0 : x * (in_width - 1) / (out_width - 1);
    case Coordinates::Asymmetric:
      return x / scale;
    case Coordinates::TfCropAndResize: {
      const double start = r.roi[static_cast<size_t>(dim)], end = r.roi[static_cast<size_t>(dim + rank)];
      double v = out_width == 1 ? (end - start) * (in_width - 1) / 2 : x * (end - start) * (in_width - 1) / (out_width - 1);
      v += start * (in_width - 1);
      if (v < 0 || v > in_width - 1) return std::nullopt;
      return v;
    }
    case Coordinates::PytorchHalfPixel:
      return out_width == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    case Coordinates::TfHalfPixelForNn:
      return (x + 0.5) / scale;
    case Coordinates::HalfPixel:
      break;
  }
  return (x + 0.5) / scale - 0.5;
}

std::vector<double> coefficients(const Request& r, double ratio, bool integral) {
  switch (r.mode) {
    case ResizeMode::Nearest: {
      bool upper;  // take the second of the two neighbours
      if (integral) upper = true;
      else if (r.nearest == NearestMode::RoundPreferFloor) upper = ratio > 0.5;
      else if (r.nearest == NearestMode::RoundPreferCeil) upper = ratio >= 0.5;
      else upper = r.nearest == NearestMode::Ceil;
      return {upper ? 0.0 : 1.0, upper ? 1.0 : 0.0};
    }
    case ResizeMode::Linear:
      return {1 - ratio, ratio};
    case ResizeMode::Cubic: {
      const double a = r.cubic_a, s = ratio, t = 1 - ratio;
      return {((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a, ((a + 2) * s - (a + 3)) * s * s + 1,
              ((a + 2) * t - (a + 3)) * t * t + 1, ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a};
    }
  }
  return {};
}

struct Tables {
  std::vector<int32_t> taps, offsets, indices;
  std::vector<float> weights;
};

Tables build_tables(const Request& r, const Shape& in) {
  Tables t;
  const int rank = in.rank();
  for (int d = 0; d < rank; ++d) {
    const int64_t in_len = in[d], out_len = r.out[d];
    std::vector<std::vector<std::pair<int32_t, double>>> per_output;
    for (int64_t x = 0; x < out_len; ++x) {
      std::optional<double> ori = source_coordinate(r, d, rank, static_cast<double>(x), in_len);
      if (!ori) {
        per_output.push_back({{-1, 1.0}});
        continue;
      }
      const bool integral = std::floor(*ori) == *ori;
      const double ratio = integral ? 1.0 : *ori - std::floor(*ori);
      std::vector<double> coeffs = coefficients(r, ratio, integral);
      const int n = static_cast<int>(coeffs.size());
      // The n neighbours the reference picks: ceil(x) - 1 - n/2 + 1 + k, clamped (edge padding).
      const int64_t base = static_cast<int64_t>(std::ceil(*ori)) - 1 - n / 2 + 1;
      std::vector<std::pair<int32_t, double>> taps;
      double kept = 0;
      for (int k = 0; k < n; ++k) {
        const int64_t index = base + k;
        double w = coeffs[static_cast<size_t>(k)];
        if (r.exclude_outside && (index < 0 || index >= in_len)) w = 0;
        kept += w;
        taps.emplace_back(static_cast<int32_t>(std::clamp<int64_t>(index, 0, in_len - 1)), w);
      }
      if (r.exclude_outside && kept != 0)
        for (auto& tap : taps) tap.second /= kept;
      per_output.push_back(taps);
    }
    // A dim whose every output reads exactly one input with weight 1 needs a single tap.
    bool single = true;
    for (auto& taps : per_output) {
      int nonzero = 0;
      for (auto& [index, w] : taps) nonzero += w != 0 ? 1 : 0;
      single = single && nonzero == 1;
      for (auto& [index, w] : taps) single = single && (w == 0 || w == 1);
    }
    const int width = single ? 1 : (per_output.empty() ? 1 : static_cast<int>(per_output[0].size()));
    t.offsets.push_back(static_cast<int32_t>(t.indices.size()));
    t.taps.push_back(width);
    for (auto& taps : per_output) {
      if (single) {
        for (auto& [index, w] : taps)
          if (w != 0) {
            t.indices.push_back(index);
            t.weights.push_back(1.0f);
          }
        continue;
      }
      for (int k = 0; k < width; ++k) {
        const auto& tap = k < static_cast<int>(taps.size()) ? taps[static_cast<size_t>(k)] : taps.back();
        t.indices.push_back(tap.first);
        t.weights.push_back(k < static_cast<int>(taps.size()) ? static_cast<float>(tap.second) : 0.0f);
      }
    }
  }
  return t;
}

using ResizeTypes = Concat<FloatTypes, TypeList<int8_t, uint8_t, int32_t, int64_t>>;

template <bool kUpsample>
void infer(InferContext& c) {
  c.require_inputs(1, 4);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<ResizeTypes>());
  if (c.rank(0) < 1 || c.rank(0) > MOTE_MAX_RANK) c.invalid("input rank must be 1 to 8");
  c.set_output(0, c.dtype(0), request(c, kUpsample).out);
}

template <bool kUpsample>
std::vector<KernelCall> lower(LowerContext& c) {
  Request r = request(c, kUpsample);
  const Shape& in = c.input(0).shape;
  Tables t = build_tables(r, in);
  ResizeParams p{};
  p.count = static_cast<int32_t>(r.out.numel());
  p.rank = in.rank();
  p.extrapolation_value = r.extrapolation;
  for (int d = 0; d < in.rank(); ++d) {
    p.in_dims[d] = static_cast<int32_t>(in[d]);
    p.out_dims[d] = static_cast<int32_t>(r.out[d]);
    p.taps[d] = t.taps[static_cast<size_t>(d)];
    p.table_offset[d] = t.offsets[static_cast<size_t>(d)];
  }
  auto indices = std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{static_cast<int64_t>(t.indices.size())}, t.indices));
  auto weights = std::make_shared<const Tensor>(Tensor::from_values<float>(Shape{static_cast<int64_t>(t.weights.size())}, t.weights));
  return {dispatch_in<ResizeTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/resize.h", "mote::resize<" + cpp_type<T>() + ">", "mote::ResizeParams", p, &mote::resize<T>,
                       {KernelArg::input(0), KernelArg::constant_tensor(indices), KernelArg::constant_tensor(weights),
                        KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kResize = {"", "Resize", make_attrs<ResizeAttrs>, infer<false>, lower<false>, {}};
extern const OpDef kUpsample = {"", "Upsample", make_attrs<UpsampleAttrs>, infer<true>, lower<true>, {}};

}  // namespace mote::ops
