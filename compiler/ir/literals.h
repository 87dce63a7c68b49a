// Exact C++ literals for element values: hex floats (never a lossy decimal), integer literals
// that are valid for the type's whole range, half types as bit patterns.
#pragma once

#include <string>

#include "compiler/ir/tensor.h"

namespace mote {

std::string float_literal(float v);    // 0x1.8p+1f, INFINITY, -INFINITY, NAN
std::string double_literal(double v);  // 0x1.8p+1, ...
// Element i of a constant tensor as a literal of its emitted C++ type.
std::string element_literal(const Tensor& tensor, int64_t i);

}  // namespace mote
