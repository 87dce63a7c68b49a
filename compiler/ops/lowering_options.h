// Choices about kernels that the compiler's options make: lower_kernels hands them to every
// op's lowering (LowerContext::options) from PassOptions::lowering.
#pragma once

namespace mote {

struct LoweringOptions {
  // Convolutions and fully connected layers on the fast int8 kernels (mote::qconv_s8,
  // mote::qfully_connected_s8) store their weights widened to int16 (--widen-weights): twice
  // their flash, and on DSP cores inner loops with nothing to unpack (convolutions 12 instead of
  // 17 instructions per 16 MACs, fully connected layers 15 instead of 24.5).
  bool widen_weights = false;
};

}  // namespace mote
