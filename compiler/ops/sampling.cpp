// GridSample and RoiAlign: bilinear (and nearest / bicubic) sampling at runtime coordinates.
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/sampling.h"

namespace mote::ops {
namespace {

enum class GridModeAttr { Bilinear, Nearest, Bicubic };
MOTE_ENUM_NAMES(GridModeAttr, "bilinear", "nearest", "bicubic")
enum class GridPaddingAttr { Zeros, Border, Reflection };
MOTE_ENUM_NAMES(GridPaddingAttr, "zeros", "border", "reflection")

struct GridSampleAttrs : AttrsOf<GridSampleAttrs> {
  int64_t align_corners = 0;
  GridModeAttr mode = GridModeAttr::Bilinear;
  GridPaddingAttr padding_mode = GridPaddingAttr::Zeros;
  template <class V>
  void fields(V& v) {
    v("align_corners", align_corners);
    v("mode", mode);
    v("padding_mode", padding_mode);
  }
};

void infer_grid_sample(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_same_dtype(0, 1);
  c.require_rank(0, 4, 4);
  c.require_rank(1, 4, 4);
  const Shape& x = c.shape(0);
  const Shape& grid = c.shape(1);
  if (grid[0] != x[0] || grid[3] != 2) c.invalid("grid must be [N, H_out, W_out, 2] for input " + x.to_string());
  c.set_output(0, c.dtype(0), Shape{x[0], x[1], grid[1], grid[2]});
}

std::vector<KernelCall> lower_grid_sample(LowerContext& c) {
  const auto& a = c.attrs<GridSampleAttrs>();
  const Shape& x = c.input(0).shape;
  const Shape& grid = c.input(1).shape;
  GridSampleParams p{static_cast<int32_t>(x[0]), static_cast<int32_t>(x[1]), static_cast<int32_t>(x[2]), static_cast<int32_t>(x[3]),
                     static_cast<int32_t>(grid[1]), static_cast<int32_t>(grid[2]), static_cast<int32_t>(a.mode),
                     static_cast<int32_t>(a.padding_mode), static_cast<int32_t>(a.align_corners)};
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/sampling.h", "mote::grid_sample<" + cpp_type<T>() + ">", "mote::GridSampleParams", p,
                       &mote::grid_sample<T>, {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
  })};
}

enum class RoiCoordinates { HalfPixel, OutputHalfPixel };
MOTE_ENUM_NAMES(RoiCoordinates, "half_pixel", "output_half_pixel")
enum class RoiMode { Avg, Max };
MOTE_ENUM_NAMES(RoiMode, "avg", "max")

struct RoiAlignAttrs : AttrsOf<RoiAlignAttrs> {
  RoiCoordinates coordinate_transformation_mode = RoiCoordinates::HalfPixel;
  RoiMode mode = RoiMode::Avg;
  int64_t output_height = 1, output_width = 1, sampling_ratio = 0;
  float spatial_scale = 1.0f;
  template <class V>
  void fields(V& v) {
    v("coordinate_transformation_mode", coordinate_transformation_mode);
    v("mode", mode);
    v("output_height", output_height);
    v("output_width", output_width);
    v("sampling_ratio", sampling_ratio);
    v("spatial_scale", spatial_scale);
  }
};

void infer_roi_align(InferContext& c) {
  c.require_inputs(3, 3);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_same_dtype(0, 1);
  c.require_dtype(2, DTypeSet{DType::Int64});
  c.require_rank(0, 4, 4);
  const auto& a = c.attrs<RoiAlignAttrs>();
  const Shape& rois = c.shape(1);
  if (rois.rank() != 2 || rois[1] != 4 || c.shape(2) != Shape{rois[0]}) c.invalid("rois must be [R, 4] with R batch indices");
  if (a.output_height < 1 || a.output_width < 1) c.invalid("output_height and output_width must be positive");
  c.set_output(0, c.dtype(0), Shape{rois[0], c.shape(0)[1], a.output_height, a.output_width});
}

std::vector<KernelCall> lower_roi_align(LowerContext& c) {
  const auto& a = c.attrs<RoiAlignAttrs>();
  const Shape& x = c.input(0).shape;
  RoiAlignParams p{static_cast<int32_t>(c.input(1).shape[0]), static_cast<int32_t>(x[1]), static_cast<int32_t>(x[2]),
                   static_cast<int32_t>(x[3]), static_cast<int32_t>(a.output_height), static_cast<int32_t>(a.output_width),
                   static_cast<int32_t>(a.sampling_ratio), a.coordinate_transformation_mode == RoiCoordinates::HalfPixel ? 1 : 0,
                   a.mode == RoiMode::Max ? 1 : 0, a.spatial_scale};
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/sampling.h", "mote::roi_align<" + cpp_type<T>() + ">", "mote::RoiAlignParams", p, &mote::roi_align<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kGridSample = {"", "GridSample", make_attrs<GridSampleAttrs>, infer_grid_sample, lower_grid_sample, {}};
extern const OpDef kRoiAlign = {"", "RoiAlign", make_attrs<RoiAlignAttrs>, infer_roi_align, lower_roi_align, {}};

}  // namespace mote::ops
