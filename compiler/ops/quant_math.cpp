#include "compiler/ops/quant_math.h"

#include <cmath>

namespace mote {

void quantize_multiplier(double real, int32_t& multiplier, int32_t& shift) {
  if (real == 0.0) {
    multiplier = 0;
    shift = 0;
    return;
  }
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
  int64_t q = static_cast<int64_t>(std::llround(fraction * static_cast<double>(int64_t{1} << 31)));
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) {  // too small to represent: the product rounds to 0
    q = 0;
    exponent = 0;
  }
  multiplier = static_cast<int32_t>(q);
  shift = exponent;
}

}  // namespace mote
