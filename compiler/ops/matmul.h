// Shape and batching plan of a numpy-style matrix product (MatMul, MatMulInteger,
// QLinearMatMul and the fused integer products share it).
#pragma once

#include <string>

#include "compiler/ir/shape.h"
#include "mote/matmul.h"

namespace mote::ops {

// Returns "" or what is wrong; fills the output shape and m, n, k and the batch broadcast.
std::string plan_matmul(const Shape& a, const Shape& b, Shape& out, MatMulParams& params);

}  // namespace mote::ops
