// QuantizeLinear / DequantizeLinear attributes (read by the fuse_qdq pass too).
#pragma once

#include "compiler/ir/attrs.h"

namespace mote::ops {

struct QuantizeAttrs : AttrsOf<QuantizeAttrs> {
  int64_t axis = 1;  // opset 13: the per-axis dimension
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

}  // namespace mote::ops
