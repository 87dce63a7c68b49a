// Attributes of the elementwise binary and variadic ops (Add, Mul, Equal, Max, Sum, ...).
#pragma once

#include "compiler/ir/attrs.h"

namespace mote::ops {

// Before opset 7, binary ops broadcast only when broadcast=1, aligning B with A at `axis`
// (default: trailing). From opset 7 they follow numpy and have no attributes.
struct BinaryAttrs : AttrsOf<BinaryAttrs> {
  int64_t broadcast = 0;
  std::optional<int64_t> axis;
  std::optional<std::vector<int64_t>> consumed_inputs;  // opset 1 hint, no effect
  template <class V>
  void fields(V& v) {
    v("broadcast", broadcast);
    v("axis", axis);
    v("consumed_inputs", consumed_inputs);
  }
};

struct ModAttrs : AttrsOf<ModAttrs> {
  int64_t fmod = 0;
  template <class V>
  void fields(V& v) {
    v("fmod", fmod);
  }
};

enum class ShiftDirection { Left, Right };
MOTE_ENUM_NAMES(ShiftDirection, "LEFT", "RIGHT")

struct BitShiftAttrs : AttrsOf<BitShiftAttrs> {
  ShiftDirection direction = ShiftDirection::Left;
  template <class V>
  void fields(V& v) {
    v.required("direction", direction);
  }
};

}  // namespace mote::ops
