// Fixed-point arithmetic the compiler does for integer kernels.
#pragma once

#include <cstdint>

namespace mote {

// Splits a positive real multiplier into a Q31 multiplier and a power-of-two shift so that
// real ~= multiplier * 2^(shift - 31), as TFLite's QuantizeMultiplier does. runtime-min's
// requantize() applies it with the same rounding as TFLite Micro and CMSIS-NN.
void quantize_multiplier(double real, int32_t& multiplier, int32_t& shift);

}  // namespace mote
