// Numpy broadcasting, worked out at compile time into the collapsed strides that
// runtime-min's BroadcastParams wants.
#pragma once

#include <vector>

#include "compiler/ir/shape.h"
#include "mote/elementwise.h"

namespace mote {

// `operands` (up to three) broadcast to `out`; each operand shape must be broadcastable to it.
BroadcastParams make_broadcast_params(const Shape& out, const std::vector<Shape>& operands);

}  // namespace mote
