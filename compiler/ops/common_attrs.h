// Attribute structs shared by several ops.
#pragma once

#include "compiler/ir/attrs.h"

namespace mote::ops {

// Opset 1 ops carried a "consumed_inputs" hint for in-place execution; it does not change the
// result, so it is accepted and ignored.
struct ConsumedInputsAttrs : AttrsOf<ConsumedInputsAttrs> {
  std::optional<std::vector<int64_t>> consumed_inputs;
  template <class V>
  void fields(V& v) {
    v("consumed_inputs", consumed_inputs);
  }
};

// Ops with a single "axis" attribute.
template <int64_t kDefault>
struct AxisAttrs : AttrsOf<AxisAttrs<kDefault>> {
  int64_t axis = kDefault;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

}  // namespace mote::ops
