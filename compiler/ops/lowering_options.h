// Choices about kernels that the compiler's options make: lower_kernels hands them to every
// op's lowering (LowerContext::options) from PassOptions::lowering.
#pragma once

namespace mote {

struct LoweringOptions {
  // Convolutions on the fast int8 kernel (mote::qconv_s8) store their weights widened to int16
  // (--widen-weights): twice their flash, and on DSP cores 12 instead of 17 instructions per 16
  // MACs in the inner loop, which then has nothing to unpack.
  bool widen_conv_weights = false;
};

}  // namespace mote
