// DepthToSpace and SpaceToDepth: a reshape, a transpose and a reshape, done as one copy.
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"

namespace mote::ops {
namespace {

enum class DepthMode { DCR, CRD };
MOTE_ENUM_NAMES(DepthMode, "DCR", "CRD")

struct BlockAttrs : AttrsOf<BlockAttrs> {
  int64_t blocksize = 0;
  DepthMode mode = DepthMode::DCR;  // DepthToSpace only
  template <class V>
  void fields(V& v) {
    v.required("blocksize", blocksize);
    v("mode", mode);
  }
};

void infer_depth_to_space(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_rank(0, 4, 4);
  const int64_t b = c.attrs<BlockAttrs>().blocksize;
  const Shape& x = c.shape(0);
  if (b < 1 || x[1] % (b * b) != 0) c.invalid("channels " + std::to_string(x[1]) + " not divisible by blocksize^2");
  c.set_output(0, c.dtype(0), Shape{x[0], x[1] / (b * b), x[2] * b, x[3] * b});
}

std::vector<KernelCall> lower_depth_to_space(LowerContext& c) {
  const auto& a = c.attrs<BlockAttrs>();
  const Shape& x = c.input(0).shape;
  const int64_t b = a.blocksize, n = x[0], ch = x[1] / (b * b), h = x[2], w = x[3];
  StridedCopy copy = a.mode == DepthMode::DCR ? transpose_copy({n, b, b, ch, h, w}, {0, 3, 4, 1, 5, 2})
                                              : transpose_copy({n, ch, b, b, h, w}, {0, 1, 4, 2, 5, 3});
  return {strided_copy_kernel(c.input(0).dtype, copy, KernelArg::input(0), KernelArg::output(0))};
}

struct SpaceToDepthAttrs : AttrsOf<SpaceToDepthAttrs> {
  int64_t blocksize = 0;
  template <class V>
  void fields(V& v) {
    v.required("blocksize", blocksize);
  }
};

void infer_space_to_depth(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_rank(0, 4, 4);
  const int64_t b = c.attrs<SpaceToDepthAttrs>().blocksize;
  const Shape& x = c.shape(0);
  if (b < 1 || x[2] % b != 0 || x[3] % b != 0) c.invalid("spatial dims not divisible by blocksize");
  c.set_output(0, c.dtype(0), Shape{x[0], x[1] * b * b, x[2] / b, x[3] / b});
}

std::vector<KernelCall> lower_space_to_depth(LowerContext& c) {
  const int64_t b = c.attrs<SpaceToDepthAttrs>().blocksize;
  const Shape& x = c.input(0).shape;
  StridedCopy copy = transpose_copy({x[0], x[1], x[2] / b, b, x[3] / b, b}, {0, 3, 5, 1, 2, 4});
  return {strided_copy_kernel(c.input(0).dtype, copy, KernelArg::input(0), KernelArg::output(0))};
}

}  // namespace

extern const OpDef kDepthToSpace = {"", "DepthToSpace", make_attrs<BlockAttrs>, infer_depth_to_space, lower_depth_to_space, {}};
extern const OpDef kSpaceToDepth = {"", "SpaceToDepth", make_attrs<SpaceToDepthAttrs>, infer_space_to_depth,
                                    lower_space_to_depth, {}};

}  // namespace mote::ops
