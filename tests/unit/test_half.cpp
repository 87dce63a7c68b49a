// float16 / bfloat16 conversions of runtime-min against independent references.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "mote/base.h"

namespace {

// float16 bits -> value, straight from the IEEE definition.
double half_value(uint16_t bits) {
  const int sign = bits >> 15, exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  double v;
  if (exponent == 0) v = std::ldexp(mantissa, -24);
  else if (exponent == 31) v = mantissa ? NAN : INFINITY;
  else v = std::ldexp(1024 + mantissa, exponent - 25);
  return sign ? -v : v;
}

}  // namespace

TEST_CASE("every float16 converts to the float it denotes and back to itself") {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const double want = half_value(static_cast<uint16_t>(bits));
    const float got = mote::to_float(mote::float16{static_cast<uint16_t>(bits)});
    if (std::isnan(want)) {
      CHECK(std::isnan(got));
      continue;
    }
    REQUIRE(static_cast<double>(got) == want);
    REQUIRE(mote::to_float16(got).bits == bits);
  }
}

TEST_CASE("float to float16 rounds to nearest even") {
  // Midpoints between neighbouring halves go to the one with an even mantissa.
  for (uint16_t bits = 0x0001; bits < 0x7bff; bits = static_cast<uint16_t>(bits + 97)) {
    const double lo = half_value(bits), hi = half_value(static_cast<uint16_t>(bits + 1));
    const float mid = static_cast<float>((lo + hi) / 2);
    if (static_cast<double>(mid) != (lo + hi) / 2) continue;  // midpoint not representable in float
    const uint16_t even = (bits & 1) ? static_cast<uint16_t>(bits + 1) : bits;
    CHECK(mote::to_float16(mid).bits == even);
  }
  CHECK(mote::to_float16(65520.0f).bits == 0x7c00);  // rounds up to infinity
  CHECK(mote::to_float16(65519.0f).bits == 0x7bff);
  CHECK(mote::to_float16(1e-8f).bits == 0x0000);
}

TEST_CASE("bfloat16 keeps the high half of the float bits") {
  const float values[] = {1.0f, -2.5f, 3.14159f, 1e30f, -1e-30f};
  for (float v : values) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    CHECK(mote::to_bfloat16(v).bits == static_cast<uint16_t>(bits >> 16));
  }
  CHECK(std::isnan(mote::to_float(mote::to_bfloat16(std::nanf("")))));
}
