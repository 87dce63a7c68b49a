// runtime-min: the header-only kernel library that Mote's generated code includes.
// Freestanding on purpose: only <stdint.h>, <stddef.h> and <math.h>; no heap, no exceptions,
// no RTTI, no STL, no stdio. This header holds what every kernel shares: software half types,
// conversions with defined behaviour, and small math helpers.
#ifndef MOTE_BASE_H
#define MOTE_BASE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define MOTE_MAX_RANK 8

#if defined(__GNUC__)
#define MOTE_RESTRICT __restrict__
// Before a loop over a small compile-time count (a register block): unrolled fully, its
// accumulator array lives in registers. GCC leaves such loops rolled at -O2.
#define MOTE_UNROLL _Pragma("GCC unroll 8")
// A kernel's loop kept out of its caller, so that each gets the registers to itself.
#define MOTE_NOINLINE __attribute__((noinline))
#else
#define MOTE_RESTRICT
#define MOTE_UNROLL
#define MOTE_NOINLINE
#endif

// Cortex-M cores with the DSP extension (M4, M7, M33, M55) when optimising: the int8 kernels'
// SIMD forms. Their assembly loops take up to 12 registers, which an unoptimised build cannot
// give them (at -O0 GCC keeps r7 as the frame pointer), so -O0 builds take the plain C forms:
// the same results, more instructions.
#if defined(__ARM_FEATURE_DSP) && defined(__OPTIMIZE__)
#define MOTE_DSP 1
#endif

namespace mote {

// IEEE binary16 and bfloat16 as plain bit containers (aggregates, so weight tables can be
// brace-initialised). Arithmetic happens in float through acc_t.
struct float16 {
  uint16_t bits;
};
struct bfloat16 {
  uint16_t bits;
};

template <class T>
struct accumulator {
  using type = T;
};
template <>
struct accumulator<float16> {
  using type = float;
};
template <>
struct accumulator<bfloat16> {
  using type = float;
};
// The type a kernel computes in for element type T.
template <class T>
using acc_t = typename accumulator<T>::type;

inline uint32_t float_bits(float f) {
  union {
    float f;
    uint32_t u;
  } v;
  v.f = f;
  return v.u;
}
inline float bits_float(uint32_t u) {
  union {
    float f;
    uint32_t u;
  } v;
  v.u = u;
  return v.f;
}

inline float to_float(float16 h) {
  uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16;
  uint32_t exponent = (h.bits >> 10) & 0x1fu;
  uint32_t mantissa = h.bits & 0x3ffu;
  if (exponent == 0x1f) return bits_float(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    // Zero or subnormal: value = mantissa * 2^-24, exact in float.
    float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
    return sign ? -magnitude : magnitude;
  }
  return bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

// Round to nearest even, overflow to infinity, NaN kept quiet.
inline float16 to_float16(float f) {
  uint32_t u = float_bits(f);
  uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
  uint32_t magnitude = u & 0x7fffffffu;
  if (magnitude >= 0x7f800000u) {
    uint16_t nan_bit = magnitude > 0x7f800000u ? 0x200u : 0u;
    return float16{static_cast<uint16_t>(sign | 0x7c00u | nan_bit)};
  }
  if (magnitude >= 0x477ff000u) return float16{static_cast<uint16_t>(sign | 0x7c00u)};
  if (magnitude < 0x38800000u) {
    // Result is subnormal or zero: scale to units of 2^-24 and round to nearest even.
    float scaled = bits_float(magnitude) * 16777216.0f;
    uint32_t whole = static_cast<uint32_t>(scaled);
    float rest = scaled - static_cast<float>(whole);
    if (rest > 0.5f || (rest == 0.5f && (whole & 1u))) ++whole;
    return float16{static_cast<uint16_t>(sign | whole)};
  }
  uint32_t rounded = magnitude - 0x38000000u;  // rebias exponent 127 -> 15 (in place)
  rounded += 0xfffu + ((rounded >> 13) & 1u);
  return float16{static_cast<uint16_t>(sign | (rounded >> 13))};
}

inline float to_float(bfloat16 h) { return bits_float(static_cast<uint32_t>(h.bits) << 16); }

// Truncates the low 16 bits, as the ONNX reference implementation (and the 1.12 test suite)
// does for Cast to bfloat16; NaN stays NaN.
inline bfloat16 to_bfloat16(float f) {
  uint32_t u = float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return bfloat16{static_cast<uint16_t>((u >> 16) | 0x40u)};
  return bfloat16{static_cast<uint16_t>(u >> 16)};
}

template <class T>
struct numeric_limits;
#define MOTE_LIMITS(T, lo, hi) \
  template <>                  \
  struct numeric_limits<T> {   \
    static constexpr T lowest() { return lo; } \
    static constexpr T max() { return hi; }    \
  };
MOTE_LIMITS(int8_t, -128, 127)
MOTE_LIMITS(int16_t, -32768, 32767)
MOTE_LIMITS(int32_t, -2147483647 - 1, 2147483647)
MOTE_LIMITS(int64_t, -9223372036854775807LL - 1, 9223372036854775807LL)
MOTE_LIMITS(uint8_t, 0, 255)
MOTE_LIMITS(uint16_t, 0, 65535)
MOTE_LIMITS(uint32_t, 0, 4294967295u)
MOTE_LIMITS(uint64_t, 0, 18446744073709551615ULL)
MOTE_LIMITS(bool, false, true)
MOTE_LIMITS(float, -3.40282347e+38f, 3.40282347e+38f)
MOTE_LIMITS(double, -1.7976931348623157e+308, 1.7976931348623157e+308)
#undef MOTE_LIMITS

template <class T>
struct is_floating {
  static constexpr bool value = false;
};
template <>
struct is_floating<float> {
  static constexpr bool value = true;
};
template <>
struct is_floating<double> {
  static constexpr bool value = true;
};

// Element conversion with defined behaviour everywhere: float to integer truncates toward
// zero and saturates (NaN gives 0), integer to integer wraps, anything to bool is "!= 0".
template <class To, class From, bool kFloatToInt = is_floating<From>::value && !is_floating<To>::value>
struct Converter {
  static To run(From x) { return static_cast<To>(x); }
};
template <class To, class From>
struct Converter<To, From, true> {
  static To run(From x) {
    if (x != x) return To(0);
    if (x <= static_cast<From>(numeric_limits<To>::lowest())) return numeric_limits<To>::lowest();
    if (x >= static_cast<From>(numeric_limits<To>::max())) return numeric_limits<To>::max();
    return static_cast<To>(x);
  }
};
template <class From>
struct Converter<bool, From, true> {
  static bool run(From x) { return x != From(0); }
};
template <class To, class From>
inline To convert(From x) {
  return Converter<To, From>::run(x);
}
template <>
inline float16 convert<float16, float16>(float16 x) { return x; }
template <>
inline bfloat16 convert<bfloat16, bfloat16>(bfloat16 x) { return x; }
template <>
inline float convert<float, float16>(float16 x) { return to_float(x); }
template <>
inline float convert<float, bfloat16>(bfloat16 x) { return to_float(x); }
template <>
inline float16 convert<float16, float>(float x) { return to_float16(x); }
template <>
inline bfloat16 convert<bfloat16, float>(float x) { return to_bfloat16(x); }
template <>
inline float16 convert<float16, bfloat16>(bfloat16 x) { return to_float16(to_float(x)); }
template <>
inline bfloat16 convert<bfloat16, float16>(float16 x) { return to_bfloat16(to_float(x)); }
#define MOTE_HALF_CONVERSIONS(T)                                                              \
  template <>                                                                                 \
  inline T convert<T, float16>(float16 x) { return convert<T>(to_float(x)); }                 \
  template <>                                                                                 \
  inline T convert<T, bfloat16>(bfloat16 x) { return convert<T>(to_float(x)); }               \
  template <>                                                                                 \
  inline float16 convert<float16, T>(T x) { return to_float16(static_cast<float>(x)); }       \
  template <>                                                                                 \
  inline bfloat16 convert<bfloat16, T>(T x) { return to_bfloat16(static_cast<float>(x)); }
MOTE_HALF_CONVERSIONS(double)
MOTE_HALF_CONVERSIONS(int8_t)
MOTE_HALF_CONVERSIONS(int16_t)
MOTE_HALF_CONVERSIONS(int32_t)
MOTE_HALF_CONVERSIONS(int64_t)
MOTE_HALF_CONVERSIONS(uint8_t)
MOTE_HALF_CONVERSIONS(uint16_t)
MOTE_HALF_CONVERSIONS(uint32_t)
MOTE_HALF_CONVERSIONS(uint64_t)
MOTE_HALF_CONVERSIONS(bool)
#undef MOTE_HALF_CONVERSIONS

// Integer arithmetic that wraps like numpy instead of overflowing into undefined behaviour.
template <class T>
struct unsigned_of {
  using type = T;
};
template <>
struct unsigned_of<int32_t> {
  using type = uint32_t;
};
template <>
struct unsigned_of<int64_t> {
  using type = uint64_t;
};
template <class T>
inline T wrap_add(T a, T b) {
  using U = typename unsigned_of<T>::type;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}
template <class T>
inline T wrap_sub(T a, T b) {
  using U = typename unsigned_of<T>::type;
  return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
}
template <class T>
inline T wrap_mul(T a, T b) {
  using U = typename unsigned_of<T>::type;
  return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
}
inline float wrap_add(float a, float b) { return a + b; }
inline double wrap_add(double a, double b) { return a + b; }
inline float wrap_sub(float a, float b) { return a - b; }
inline double wrap_sub(double a, double b) { return a - b; }
inline float wrap_mul(float a, float b) { return a * b; }
inline double wrap_mul(double a, double b) { return a * b; }
// int8/int16/uint8/uint16 promote to int, where these products and sums cannot overflow.
#define MOTE_SMALL_INT_WRAP(T)                                                            \
  template <>                                                                             \
  inline T wrap_mul<T>(T a, T b) {                                                        \
    return static_cast<T>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));          \
  }
MOTE_SMALL_INT_WRAP(uint16_t)
#undef MOTE_SMALL_INT_WRAP

// x < 0, without "comparison is always false" warnings for unsigned types.
template <class T>
inline bool is_negative(T x) {
  if constexpr (T(-1) < T(0))
    return x < T(0);
  else
    return false;
}

template <class T>
inline T min_of(T a, T b) {
  return b < a ? b : a;
}
template <class T>
inline T max_of(T a, T b) {
  return a < b ? b : a;
}

}  // namespace mote

#endif  // MOTE_BASE_H
