// QuantizeLinear / DequantizeLinear attributes, and the ops the quantization passes build or
// match (quantize.cpp, qlinear_lookup.cpp).
#pragma once

#include "compiler/ir/attrs.h"

namespace mote {
struct OpDef;
}

namespace mote::ops {

extern const OpDef kQuantizeLinear;
extern const OpDef kDequantizeLinear;
extern const OpDef kLookup;  // mote.Lookup: a 256-entry table

struct QuantizeAttrs : AttrsOf<QuantizeAttrs> {
  int64_t axis = 1;  // opset 13: the per-axis dimension
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

}  // namespace mote::ops
