// What Concat and com.microsoft.QLinearConcat share: the shape rule and the output slice each
// input is copied into.
#pragma once

#include <optional>
#include <vector>

#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"

namespace mote::ops {

// Concat's and QLinearConcat's attribute (required from Concat opset 4; default 1 before).
struct ConcatAttrs : AttrsOf<ConcatAttrs> {
  std::optional<int64_t> axis;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

// Sets output 0 to the concatenation along `axis` of the node inputs `data` (their dtype must
// agree); reports invalid shapes through the context.
void infer_concat(InferContext& c, const std::vector<size_t>& data, int64_t axis);

// For each input shape, the copy that puts it into its slice of `out` along `axis` (>= 0).
std::vector<StridedCopy> concat_slices(const std::vector<Shape>& inputs, const Shape& out, int64_t axis);

}  // namespace mote::ops
