// Quantized kernels. Conversions at the float edges (QuantizeLinear, DequantizeLinear) use
// float arithmetic by nature; everything between is integer-only: int32 accumulators (int64
// for int16 activations) and requantization by a fixed-point multiplier and shift computed in
// the compiler, with the rounding conventions of TFLite / CMSIS-NN (so int8 results match
// TFLite Micro bit for bit).
#ifndef MOTE_QUANTIZED_H
#define MOTE_QUANTIZED_H

#include "mote/base.h"
#include "mote/conv.h"
#include "mote/elementwise.h"
#include "mote/layout.h"
#include "mote/math.h"
#include "mote/pool.h"
#include "mote/softmax.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>  // the compiler's intrinsics, not a library
#endif

namespace mote {

// (a * b * 2) >> 32, rounded. TFLite adds 2^30 (1 - 2^30 when negative) and divides by 2^31
// rounding toward zero; that equals adding 2^30 and shifting right (rounding down) for every
// product, which is cheaper. TFLite also saturates a = b = INT32_MIN, the one product that
// overflows; callers pass compiler-made multipliers, in [2^30, 2^31) or 0, which never are.
inline int32_t rounding_doubling_high_mul(int32_t a, int32_t b) {
  return static_cast<int32_t>((static_cast<int64_t>(a) * static_cast<int64_t>(b) + (int64_t{1} << 30)) >> 31);
}

// x / 2^exponent rounded half away from zero.
inline int32_t rounding_divide_by_pot(int32_t x, int32_t exponent) {
  if (exponent <= 0) return x;
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// acc * real_multiplier, where real_multiplier = multiplier * 2^(shift - 31) (multiplier and
// shift from the compiler's quantize_multiplier).
inline int32_t requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  if (shift > 0) {  // a multiplier above 1: saturating left shift first
    const int32_t top = numeric_limits<int32_t>::max() >> shift, bottom = numeric_limits<int32_t>::lowest() >> shift;
    acc = acc > top      ? numeric_limits<int32_t>::max()
          : acc < bottom ? numeric_limits<int32_t>::lowest()
                         : static_cast<int32_t>(static_cast<uint32_t>(acc) << shift);
  }
  return rounding_divide_by_pot(rounding_doubling_high_mul(acc, multiplier), shift > 0 ? 0 : -shift);
}

// The accumulator of products with int8 weights: int32 for 8-bit activations (as TFLite), int64
// for int16 activations, whose products (up to 2^22 each) overflow int32 after 512 terms.
template <class X>
struct Accumulator {
  using type = int32_t;
};
template <>
struct Accumulator<int16_t> {
  using type = int64_t;
};
template <class X>
using accumulator_t = typename Accumulator<X>::type;

// requantize for a 64-bit accumulator: acc * multiplier * 2^(shift - 31), rounded half up and
// saturated to int32. acc * multiplier needs up to 78 bits, so acc is split into
// high * 2^16 + low (0 <= low < 2^16) and both partial products fit in 64 bits; exact while
// |acc| < 2^47, which no int16 x int8 convolution of fewer than 2^24 terms exceeds.
inline int32_t requantize(int64_t acc, int32_t multiplier, int32_t shift) {
  constexpr int64_t kLimit = int64_t{1} << 47;
  if (shift > 0) {  // a multiplier above 1: saturating left shift first, as in the int32 form
    const int64_t top = kLimit >> shift;
    acc = acc > top ? kLimit : (acc < -top ? -kLimit : acc * (int64_t{1} << shift));
  }
  const int32_t right = 31 - (shift > 0 ? 0 : shift);  // in [31, 62]
  const int64_t high = acc >> 16, low = acc & 0xffff;
  const int64_t rounding = int64_t{1} << (right - 1);
  // floor((high * m * 2^16 + low * m + rounding) / 2^right), dividing by 2^16 first.
  const int64_t v = (high * multiplier + ((low * multiplier + rounding) >> 16)) >> (right - 16);
  return static_cast<int32_t>(v > numeric_limits<int32_t>::max() ? numeric_limits<int32_t>::max()
                              : v < numeric_limits<int32_t>::lowest() ? numeric_limits<int32_t>::lowest() : v);
}

template <class Q>
inline Q saturate_to(int32_t v, int32_t lo, int32_t hi) {
  return static_cast<Q>(v < lo ? lo : (v > hi ? hi : v));
}

// The requantization of an output type: 8-bit outputs use TFLite's int32 form (bit for bit
// with TFLite Micro); int16 outputs the exact 64-bit form, also for the int32 sums of the fast
// kernels (mote/qconv_s8.h), so that every int16 kernel gives the same results.
template <class Y>
struct OutputRequantization {
  static constexpr bool kTflite = true;
  static int32_t apply(int32_t acc, int32_t multiplier, int32_t shift) { return requantize(acc, multiplier, shift); }
};
template <>
struct OutputRequantization<int16_t> {
  static constexpr bool kTflite = false;
  static int32_t apply(int64_t acc, int32_t multiplier, int32_t shift) { return requantize(acc, multiplier, shift); }
};

// An accumulator in output units: requantized, shifted by the output zero point and clamped
// to [lo, hi].
template <class Y, class Acc>
inline Y requantize_output(Acc acc, int32_t multiplier, int32_t shift, int32_t y_zero, int32_t lo, int32_t hi) {
  return saturate_to<Y>(OutputRequantization<Y>::apply(acc, multiplier, shift) + y_zero, lo, hi);
}

// The fast form of ChannelRequantizer and Requantizer (see ChannelRequantizer): whether it
// applies, and its constants.
template <bool kTfliteForm>
struct FusedRequantization {
  FusedRequantization(int32_t multiplier, int32_t shift)
      : multiplier(multiplier), fast(shift < 0 && multiplier > (int32_t{1} << 30)), base(fast ? fused_base(shift) : 0),
        high_shift(fast ? -shift - 1 : 0) {}
  // (TFLite form: 2^30) + 2^(30 - shift), from its two 32-bit halves (30 - shift >= 31): a
  // 64-bit shift by a variable amount costs a 32-bit core several instructions and branches,
  // once per output channel and block in qconv_s8.
  static int64_t fused_base(int32_t shift) {
    const uint32_t low = (kTfliteForm ? uint32_t{1} << 30 : 0u) + (shift == -1 ? uint32_t{1} << 31 : 0u);
    const uint32_t high = shift <= -2 ? uint32_t{1} << (-shift - 2) : 0u;
    return static_cast<int64_t>((static_cast<uint64_t>(high) << 32) | low);
  }
  // The one 64-bit multiply-accumulate.
  int32_t operator()(int32_t acc) const {
    const int64_t sign_correction = kTfliteForm && acc < 0 ? (int64_t{1} << 31) : 0;
    return static_cast<int32_t>((base + static_cast<int64_t>(acc) * multiplier - sign_correction) >> 32) >> high_shift;
  }
  int32_t multiplier;
  bool fast;
  int64_t base;
  int32_t high_shift;
};

// requantize_output with its constants worked out once, for kernels that apply one
// multiplier many times (an output channel). For the usual multiplier (shift < 0, i.e.
// below 1/2, and a Q31 mantissa above 2^30) TFLite's two roundings are one 64-bit
// multiply-accumulate: with e = -shift and P = acc * m + 2^30,
// rounding_divide_by_pot(P >> 31, e) = floor(((P >> 31) + 2^(e-1) - [P < 0]) / 2^e)
// = floor((P + 2^(30+e) - [acc < 0] 2^31) / 2^(31+e)) (nested floors of integers; P < 0 exactly
// when acc < 0 since m > 2^30), which is the high word of that sum shifted by e - 1. The int16
// form (OutputRequantization<int16_t>) is floor((acc * m + 2^(30+e)) / 2^(31+e)) the same way.
// Other multipliers take requantize_output. Equal to it on every input
// (tests/unit/test_quantize.cpp).
template <class Y>
class ChannelRequantizer {
  static constexpr bool kTfliteForm = OutputRequantization<Y>::kTflite;

 public:
  ChannelRequantizer(int32_t multiplier, int32_t shift, int32_t zero, int32_t lo, int32_t hi)
      : fused_(multiplier, shift), shift_(shift), zero_(zero), lo_(lo), hi_(hi) {}
  Y operator()(int32_t acc) const {
    if (!fused_.fast) return requantize_output<Y>(acc, fused_.multiplier, shift_, zero_, lo_, hi_);
    return fast_form(acc);
  }
  // For loops that test fast() once instead of once per output.
  bool fast() const { return fused_.fast; }
  Y fast_form(int32_t acc) const { return saturate_to<Y>(fused_(acc) + zero_, lo_, hi_); }
  // out[k] = (*this)(sums[k]) for k < count.
  void run(const int32_t* MOTE_RESTRICT sums, int32_t count, Y* MOTE_RESTRICT out) const {
#if defined(MOTE_DSP)
    if constexpr (kTfliteForm && sizeof(Y) == 1)
      if (fast() && count > 0) {
        if (fused_.high_shift <= 22) return run_int8_asm(sums, count, reinterpret_cast<int8_t*>(out));
        if (fused_.high_shift <= 30) return run_int8_zero_after_shift(sums, count, reinterpret_cast<int8_t*>(out));
      }
#endif
    if (fast())
      for (int32_t k = 0; k < count; ++k) out[k] = fast_form(sums[k]);
    else
      for (int32_t k = 0; k < count; ++k) out[k] = (*this)(sums[k]);
  }

 private:
#if defined(MOTE_DSP)
  // run's loop for int8 outputs in assembly. The zero point is folded into the rounding
  // constant, as floor(h / 2^s) + z = floor((h + z 2^s) / 2^s); with s <= 22 and |h| <= 2^30
  // the sum stays within int32. Four outputs per step where high_shift >= 1 (run_four_int8),
  // then one at a time.
  void run_int8_asm(const int32_t* sums, int32_t count, int8_t* out) const {
    const int32_t base_high = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(fused_.base) >> 32) +
                                                   (static_cast<uint32_t>(zero_) << fused_.high_shift));
    if (fused_.high_shift >= 1 && count >= 4) {
      const int32_t fours = count & ~3;
      run_four_int8<false>(sums, fours, out, base_high);
      sums += fours, out += fours, count -= fours;
      if (count == 0) return;
    }
    const int32_t base_low = static_cast<int32_t>(static_cast<uint64_t>(fused_.base));
    const int32_t* const end = sums + count;
    int32_t acc, low, high;
    // 17 instructions per output: written in C, GCC spills three of its constants.
    __asm__ volatile(
        "1:\n"
        "ldr %[acc], [%[src]], #4\n"
        "mov %[low], %[base_low]\n"
        "mov %[high], %[base_high]\n"
        "smlal %[low], %[high], %[acc], %[multiplier]\n"
        "and %[acc], %[acc], #0x80000000\n"
        "subs %[low], %[low], %[acc]\n"
        "sbc %[high], %[high], #0\n"
        "asr %[high], %[high], %[shift]\n"
        "cmp %[high], %[lo]\n"
        "it lt\n"
        "movlt %[high], %[lo]\n"
        "cmp %[high], %[hi]\n"
        "it gt\n"
        "movgt %[high], %[hi]\n"
        "strb %[high], [%[dst]], #1\n"
        "cmp %[src], %[end]\n"
        "bne 1b\n"
        : [src] "+r"(sums), [dst] "+r"(out), [acc] "=&r"(acc), [low] "=&r"(low), [high] "=&r"(high)
        : [base_low] "r"(base_low), [base_high] "r"(base_high), [multiplier] "r"(fused_.multiplier), [shift] "r"(fused_.high_shift),
          [lo] "r"(lo_), [hi] "r"(hi_), [end] "r"(end)
        : "cc", "memory");
  }

  // run for shifts of 23 to 30, where the zero point cannot join the rounding constant (channels
  // whose outputs hardly vary, which some models have by the hundred): added after the shift, 11
  // instructions per output, out of line so that run_int8_asm's callers stay as they were.
  MOTE_NOINLINE void run_int8_zero_after_shift(const int32_t* sums, int32_t count, int8_t* out) const {
    const int32_t fours = count & ~3;
    if (fours > 0) run_four_int8<true>(sums, fours, out, static_cast<int32_t>(static_cast<uint64_t>(fused_.base) >> 32));
    for (int32_t k = fours; k < count; ++k) out[k] = fast_form(sums[k]);
  }

  // Four outputs per step, 10 instructions per output, for high_shift >= 1 (shift <= -2), where
  // the low half of the rounding constant is 2^30. The sign correction comes with the constant:
  // for acc < 0 the 64-bit sum starts at base - 2^31, whose low half is 2^30 + 2^31 and whose
  // high half is one less (2^30 - 2^31 borrows), so the low half is (acc & 2^31) | 2^30 and the
  // high half base_high + (acc >> 31). Each value is saturated to int8 (ssat), the four are
  // packed into one word, clamped to [lo, hi] bytewise (ssub8 sets a byte's GE flag where the
  // difference is >= 0, sel picks by it) and stored together. fours: a positive multiple of 4.
  // kZeroAfterShift: the zero point is not in base_high but added after the shift (one more
  // instruction per output).
  template <bool kZeroAfterShift>
  void run_four_int8(const int32_t* sums, int32_t fours, int8_t* out, int32_t base_high) const {
    const uint32_t bounds[2] = {static_cast<uint8_t>(lo_) * 0x01010101u, static_cast<uint8_t>(hi_) * 0x01010101u};
    const int32_t* const end = sums + fours;
    int32_t a0, a1, a2, a3, low, high;
#define MOTE_REQUANTIZE_ONE(a, zero_after_shift)       \
  "and %[low], %[" a "], #0x80000000\n"                \
  "orr %[low], %[low], #0x40000000\n"                  \
  "add %[high], %[base_high], %[" a "], asr #31\n"     \
  "smlal %[low], %[high], %[" a "], %[multiplier]\n"   \
  "asr %[high], %[high], %[shift]\n" zero_after_shift  \
  "ssat %[" a "], #8, %[high]\n"
#define MOTE_REQUANTIZE_FOUR(zero_after_shift)                                                                                   \
  "1:\n"                                                                                                                         \
  "ldrd %[a0], %[a1], [%[src]], #8\n"                                                                                            \
  "ldrd %[a2], %[a3], [%[src]], #8\n" MOTE_REQUANTIZE_ONE("a0", zero_after_shift) MOTE_REQUANTIZE_ONE("a1", zero_after_shift)  \
      MOTE_REQUANTIZE_ONE("a2", zero_after_shift) MOTE_REQUANTIZE_ONE("a3", zero_after_shift)                                    \
  "pkhbt %[a0], %[a0], %[a2], lsl #16\n"                                                                                         \
  "pkhbt %[a1], %[a1], %[a3], lsl #16\n"                                                                                         \
  "and %[a0], %[a0], #0x00ff00ff\n"                                                                                              \
  "and %[a1], %[a1], #0x00ff00ff\n"                                                                                              \
  "orr %[a0], %[a0], %[a1], lsl #8\n"                                                                                            \
  "ldrd %[low], %[high], [%[bounds]]\n"                                                                                          \
  "ssub8 %[a1], %[a0], %[low]\n"                                                                                                 \
  "sel %[a0], %[a0], %[low]\n"                                                                                                   \
  "ssub8 %[a1], %[high], %[a0]\n"                                                                                                \
  "sel %[a0], %[a0], %[high]\n"                                                                                                  \
  "str %[a0], [%[dst]], #4\n"                                                                                                    \
  "ldr %[a1], %[end]\n"                                                                                                          \
  "cmp %[src], %[a1]\n"                                                                                                          \
  "bne 1b\n"
#define MOTE_REQUANTIZE_OPERANDS(...)                                                                                             \
  : [src] "+r"(sums), [dst] "+r"(out), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [low] "=&r"(low),         \
    [high] "=&r"(high)                                                                                                            \
  : [base_high] "r"(base_high), [multiplier] "r"(fused_.multiplier), [shift] "r"(fused_.high_shift), [bounds] "r"(bounds),       \
    [end] "m"(end) __VA_ARGS__                                                                                                      \
  : "cc", "memory"
    if constexpr (kZeroAfterShift)
      __asm__ volatile(MOTE_REQUANTIZE_FOUR("add %[high], %[high], %[zero]\n") MOTE_REQUANTIZE_OPERANDS(, [zero] "r"(zero_)));
    else
      __asm__ volatile(MOTE_REQUANTIZE_FOUR("") MOTE_REQUANTIZE_OPERANDS());
#undef MOTE_REQUANTIZE_OPERANDS
#undef MOTE_REQUANTIZE_FOUR
#undef MOTE_REQUANTIZE_ONE
  }
#endif

  FusedRequantization<kTfliteForm> fused_;
  int32_t shift_, zero_, lo_, hi_;
};

// ChannelRequantizer<int8_t>'s fast form for one or two outputs at a time, with constants that
// take four instructions to make from the compiler's multiplier and shift (for kernels that
// requantize only a few sums of each channel in a row, where setting up a ChannelRequantizer
// costs more than its outputs): applies where the multiplier is above 2^30 and the shift at
// most -2, with high_shift = -shift - 1 <= 22. As in ChannelRequantizer::run_four_int8, the zero
// point is in the high half of the rounding constant, (2 zero + 1) 2^(high_shift - 1), and the
// sign correction comes with it: the 64-bit sum starts at that constant's high half plus
// acc >> 31 and a low half of (acc & 2^31) | 2^30. Equal to requantize_output<int8_t>
// (tests/unit/test_quantize.cpp).
class Int8Requantization {
 public:
  static bool applies(int32_t multiplier, int32_t shift) { return multiplier > (int32_t{1} << 30) && shift <= -2 && shift >= -23; }
  Int8Requantization(int32_t multiplier, int32_t shift, int32_t zero, int32_t lo, int32_t hi)
      : multiplier_(multiplier), high_shift_(-shift - 1),
        base_high_(static_cast<int32_t>(static_cast<uint32_t>(2 * zero + 1) << (-shift - 2))), lo_(lo), hi_(hi) {}
  int8_t operator()(int32_t acc) const {
    const int32_t v = unclamped(acc);
    return static_cast<int8_t>(v < lo_ ? lo_ : (v > hi_ ? hi_ : v));
  }
  // The output before the clamp to [lo, hi] (for kernels that clamp several outputs at once).
  int32_t unclamped(int32_t acc) const {
    const uint32_t low = (static_cast<uint32_t>(acc) & 0x80000000u) | 0x40000000u;
    const int64_t start = static_cast<int64_t>(base_high_ + (acc >> 31)) * (int64_t{1} << 32) + low;
    return static_cast<int32_t>((start + static_cast<int64_t>(acc) * multiplier_) >> 32) >> high_shift_;
  }

 private:
  int32_t multiplier_, high_shift_, base_high_, lo_, hi_;
};

// requantize (TFLite's form, no zero point or clamp) the same way, for the inputs of
// QLinearAdd.
class Requantizer {
 public:
  Requantizer(int32_t multiplier, int32_t shift) : fused_(multiplier, shift), shift_(shift) {}
  int32_t operator()(int32_t acc) const { return fused_.fast ? fused_(acc) : requantize(acc, fused_.multiplier, shift_); }

 private:
  FusedRequantization<true> fused_;
  int32_t shift_;
};


// Per-tensor or per-axis quantization parameters of a float <-> integer conversion.
struct QuantizeParams {
  int32_t count;
  int32_t outer;       // per-axis: elements before the axis
  int32_t channels;    // 1 for per-tensor
  int32_t inner;       // per-axis: elements after the axis
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("outer", outer);
    f("channels", channels);
    f("inner", inner);
  }
};

// QuantizeLinear: q = saturate(round_half_even(x / scale) + zero_point); NaN gives the zero
// point. x / scale is clamped to the integer range first (the same result: rounding is
// monotonic and the bounds are integers), so that adding and subtracting 1.5 x 2^23 rounds it
// half to even exactly, in the FPU's default mode, without a library call.
template <class T, class Q>
void quantize_linear(const QuantizeParams& p, const T* MOTE_RESTRICT x, const float* MOTE_RESTRICT scale,
                     const Q* MOTE_RESTRICT zero_point, Q* MOTE_RESTRICT y) {
  const int32_t lo = numeric_limits<Q>::lowest(), hi = numeric_limits<Q>::max();
  int64_t i = 0;
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t c = 0; c < p.channels; ++c) {
      const float s = scale[c];
      const int32_t zp = zero_point ? static_cast<int32_t>(zero_point[c]) : 0;
      const float low = static_cast<float>(lo - zp), high = static_cast<float>(hi - zp);
#if defined(MOTE_DSP) && defined(__ARM_FP) && !defined(__FAST_MATH__)
      // Cortex-M with an FPU: vcvtr rounds half to even (the FPU's default mode), saturates to
      // int32 and gives 0 for NaN; a saturating add of the zero point and __ssat clamp the rest:
      // the same results in 9 instructions per value instead of 22.
      if constexpr (is_floating<T>::value && sizeof(T) == 4 && sizeof(Q) <= 2 && Q(-1) < Q(0)) {
        for (int32_t k = 0; k < p.inner; ++k, ++i) {
          float rounded;
          const float v = x[i] / s;
          __asm__("vcvtr.s32.f32 %0, %1" : "=t"(rounded) : "t"(v));
          int32_t q;
          __builtin_memcpy(&q, &rounded, 4);
          y[i] = static_cast<Q>(__ssat(__qadd(q, zp), 8 * sizeof(Q)));
        }
        continue;
      }
#endif
      for (int32_t k = 0; k < p.inner; ++k, ++i) {
        float v = convert<float>(x[i]) / s;
        v = v < low ? low : (v > high ? high : v);
#if defined(__FAST_MATH__)  // the sum below may be folded away: round with the library
        v = v == v ? math::rint(v) : 0.0f;
#else
        if (v != v) v = 0.0f;  // NaN
        constexpr float kRound = 12582912.0f;  // 1.5 x 2^23
        v = (v + kRound) - kRound;
#endif
        y[i] = static_cast<Q>(static_cast<int32_t>(v) + zp);
      }
    }
}

// DequantizeLinear: x = (q - zero_point) * scale.
template <class Q, class T>
void dequantize_linear(const QuantizeParams& p, const Q* MOTE_RESTRICT q, const float* MOTE_RESTRICT scale,
                       const Q* MOTE_RESTRICT zero_point, T* MOTE_RESTRICT y) {
  int64_t i = 0;
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t c = 0; c < p.channels; ++c) {
      const float s = scale[c];
      const int32_t zp = zero_point ? static_cast<int32_t>(zero_point[c]) : 0;
      for (int32_t k = 0; k < p.inner; ++k, ++i)
        y[i] = convert<T>(static_cast<float>(static_cast<int32_t>(q[i]) - zp) * s);
    }
}

// Integer convolution: acc = bias[m] + sum (x - x_zero) * (w - w_zero[m]), then stored as
// int32 (ConvInteger) or requantized per output channel. Zero points are read from tensors
// (constants in flash for compiled-in models).
struct QConvParams {
  ConvParams conv;
  int32_t weight_zero_count;  // 0 (none), 1, or out_channels
  int32_t requant_count;      // scales / multipliers: 1 or out_channels
  int32_t act_min, act_max;   // output clamp in output units (type range, or a fused activation)
  int32_t block_pairs;        // qconv_s8: pixel pairs per block, as its scratch was sized (qconv_s8_scratch_bytes)
  template <class F>
  void each(F& f) const {
    f("conv", conv);
    f("weight_zero_count", weight_zero_count);
    f("requant_count", requant_count);
    f("act_min", act_min);
    f("act_max", act_max);
    f("block_pairs", block_pairs);
  }
};

// Channels innermost: every tap inside the input sums its cin_g products in one tight loop
// (1x1 convolutions are then one loop over the input channels).
template <class X, class W, class Store>
inline void qconv_accumulate(const QConvParams& q, const X* MOTE_RESTRICT x, int32_t x_zero, const W* MOTE_RESTRICT w,
                             const W* MOTE_RESTRICT w_zero, const int32_t* MOTE_RESTRICT bias, Store store) {
  const ConvParams& p = q.conv;
  const int32_t cin_g = p.in_channels / p.groups, cout_g = p.out_channels / p.groups;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t k_plane = p.kernel[0] * p.kernel[1] * p.kernel[2];
  for (int32_t n = 0; n < p.batch; ++n)
    for (int32_t m = 0; m < p.out_channels; ++m) {
      const int32_t g = m / cout_g;
      const X* xg = x + (static_cast<int64_t>(n) * p.in_channels + g * cin_g) * in_plane;
      const W* wm = w + static_cast<int64_t>(m) * cin_g * k_plane;
      const int32_t wz = q.weight_zero_count ? static_cast<int32_t>(w_zero[q.weight_zero_count == 1 ? 0 : m]) : 0;
      const int64_t out_base = (static_cast<int64_t>(n) * p.out_channels + m) * out_plane;
      for (int32_t od = 0; od < p.out_size[0]; ++od) {
        int32_t kd0, kd1;
        conv_tap_range(od, p.stride[0], p.pad_begin[0], p.dilation[0], p.kernel[0], p.in_size[0], kd0, kd1);
        for (int32_t oh = 0; oh < p.out_size[1]; ++oh) {
          int32_t kh0, kh1;
          conv_tap_range(oh, p.stride[1], p.pad_begin[1], p.dilation[1], p.kernel[1], p.in_size[1], kh0, kh1);
          for (int32_t ow = 0; ow < p.out_size[2]; ++ow) {
            int32_t kw0, kw1;
            conv_tap_range(ow, p.stride[2], p.pad_begin[2], p.dilation[2], p.kernel[2], p.in_size[2], kw0, kw1);
            const int32_t id0 = od * p.stride[0] - p.pad_begin[0], ih0 = oh * p.stride[1] - p.pad_begin[1],
                          iw0 = ow * p.stride[2] - p.pad_begin[2];
            // Padding taps are skipped: they read the input zero point, i.e. contribute 0.
            accumulator_t<X> acc = bias ? bias[m] : 0;
            for (int32_t kd = kd0; kd < kd1; ++kd)
              for (int32_t kh = kh0; kh < kh1; ++kh) {
                const int32_t row = ((id0 + kd * p.dilation[0]) * p.in_size[1] + ih0 + kh * p.dilation[1]) * p.in_size[2] + iw0;
                const W* wrow = wm + (kd * p.kernel[1] + kh) * p.kernel[2];
                for (int32_t kw = kw0; kw < kw1; ++kw) {
                  const X* xc = xg + row + kw * p.dilation[2];
                  const W* wc = wrow + kw;
                  for (int32_t c = 0; c < cin_g; ++c, xc += in_plane, wc += k_plane)
                    acc += (static_cast<int32_t>(*xc) - x_zero) * (static_cast<int32_t>(*wc) - wz);
                }
              }
            store(out_base + (od * p.out_size[1] + oh) * p.out_size[2] + ow, m, acc);
          }
        }
      }
    }
}

template <class T>
inline int32_t zero_of(const T* zero) {
  return zero ? static_cast<int32_t>(*zero) : 0;
}

// ConvInteger: int32 output, no requantization.
template <class X, class W>
void conv_integer(const QConvParams& q, const X* MOTE_RESTRICT x, const X* MOTE_RESTRICT x_zero, const W* MOTE_RESTRICT w,
                  const W* MOTE_RESTRICT w_zero, int32_t* MOTE_RESTRICT y) {
  qconv_accumulate(q, x, zero_of(x_zero), w, w_zero, static_cast<const int32_t*>(nullptr),
                   [&](int64_t at, int32_t, int32_t acc) { y[at] = acc; });
}

// Quantized convolution, integer requantization (multiplier and shift per output channel,
// computed by the compiler from constant scales).
template <class X, class W, class Y>
void qconv(const QConvParams& q, const X* MOTE_RESTRICT x, const X* MOTE_RESTRICT x_zero, const W* MOTE_RESTRICT w,
           const W* MOTE_RESTRICT w_zero, const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
           const int32_t* MOTE_RESTRICT shift, const Y* MOTE_RESTRICT y_zero, Y* MOTE_RESTRICT y) {
  const int32_t yz = zero_of(y_zero);
  qconv_accumulate(q, x, zero_of(x_zero), w, w_zero, bias, [&](int64_t at, int32_t m, accumulator_t<X> acc) {
    const int32_t c = q.requant_count == 1 ? 0 : m;
    y[at] = requantize_output<Y>(acc, multiplier[c], shift[c], yz, q.act_min, q.act_max);
  });
}

// Depthwise quantized convolution (groups == channels) that may run in place (y == x) when an
// output plane is no larger than an input plane: each input plane is copied to `plane` first,
// as mote::depthwise_conv_in_place does for float.
template <class X, class W, class Y>
void qdepthwise_conv_in_place(const QConvParams& q, const X* x, const X* MOTE_RESTRICT x_zero, const W* MOTE_RESTRICT w,
                              const W* MOTE_RESTRICT w_zero, const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
                              const int32_t* MOTE_RESTRICT shift, const Y* MOTE_RESTRICT y_zero, Y* y, X* MOTE_RESTRICT plane) {
  const ConvParams& p = q.conv;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t k_plane = p.kernel[0] * p.kernel[1] * p.kernel[2];
  QConvParams single = q;
  single.conv.batch = 1;
  single.conv.in_channels = single.conv.out_channels = single.conv.groups = 1;
  single.weight_zero_count = q.weight_zero_count ? 1 : 0;
  single.requant_count = 1;
  for (int64_t i = 0; i < static_cast<int64_t>(p.batch) * p.in_channels; ++i) {
    const int32_t c = static_cast<int32_t>(i % p.in_channels);
    const int32_t r = q.requant_count == 1 ? 0 : c;
    for (int32_t k = 0; k < in_plane; ++k) plane[k] = x[i * in_plane + k];
    qconv(single, plane, x_zero, w + static_cast<int64_t>(c) * k_plane, w_zero ? w_zero + (q.weight_zero_count == 1 ? 0 : c) : w_zero,
          bias ? bias + c : bias, multiplier + r, shift + r, y_zero, y + i * out_plane);
  }
}

// 1x1 quantized convolution (stride 1, no padding, one group) that may run in place (y == x),
// like mote::pointwise_conv_in_place: each pixel's zero-point-corrected inputs are gathered
// into `pixel` before its outputs are written; weights are read contiguously.
template <class X, class W, class Y>
void qpointwise_conv_in_place(const QConvParams& q, const X* x, const X* MOTE_RESTRICT x_zero, const W* MOTE_RESTRICT w,
                              const W* MOTE_RESTRICT w_zero, const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
                              const int32_t* MOTE_RESTRICT shift, const Y* MOTE_RESTRICT y_zero, Y* y, int32_t* MOTE_RESTRICT pixel) {
  const ConvParams& p = q.conv;
  const int64_t size = static_cast<int64_t>(p.in_size[0]) * p.in_size[1] * p.in_size[2];
  const int32_t xz = zero_of(x_zero), yz = zero_of(y_zero);
  for (int64_t n = 0; n < p.batch; ++n) {
    const X* xn = x + n * p.in_channels * size;
    Y* yn = y + n * p.out_channels * size;
    for (int64_t i = 0; i < size; ++i) {
      for (int32_t c = 0; c < p.in_channels; ++c) pixel[c] = static_cast<int32_t>(xn[c * size + i]) - xz;
      for (int32_t m = 0; m < p.out_channels; ++m) {
        const W* wm = w + static_cast<int64_t>(m) * p.in_channels;
        const int32_t wz = q.weight_zero_count ? static_cast<int32_t>(w_zero[q.weight_zero_count == 1 ? 0 : m]) : 0;
        accumulator_t<X> acc = bias ? bias[m] : 0;
        for (int32_t c = 0; c < p.in_channels; ++c) acc += pixel[c] * (static_cast<int32_t>(wm[c]) - wz);
        const int32_t r = q.requant_count == 1 ? 0 : m;
        yn[m * size + i] = requantize_output<Y>(acc, multiplier[r], shift[r], yz, q.act_min, q.act_max);
      }
    }
  }
}

// acc * scale, rounded half to even, plus the zero point, saturated: requantization in float
// for scales that are only known at run time (as ONNX Runtime computes QLinearConv).
template <class Y, class Acc>
inline Y requantize_float(Acc acc, float scale, int32_t zero, int32_t lo, int32_t hi) {
  const float v = math::rint(static_cast<float>(acc) * scale) + static_cast<float>(zero);
  return static_cast<Y>(static_cast<int32_t>(v < static_cast<float>(lo) ? static_cast<float>(lo)
                                                                          : (v > static_cast<float>(hi) ? static_cast<float>(hi) : v)));
}

template <class X, class W, class Y>
void qconv_runtime_scales(const QConvParams& q, const X* MOTE_RESTRICT x, const float* MOTE_RESTRICT x_scale,
                          const X* MOTE_RESTRICT x_zero, const W* MOTE_RESTRICT w, const float* MOTE_RESTRICT w_scale,
                          const W* MOTE_RESTRICT w_zero, const float* MOTE_RESTRICT y_scale, const Y* MOTE_RESTRICT y_zero,
                          const int32_t* MOTE_RESTRICT bias, Y* MOTE_RESTRICT y) {
  const int32_t yz = zero_of(y_zero);
  qconv_accumulate(q, x, zero_of(x_zero), w, w_zero, bias, [&](int64_t at, int32_t m, accumulator_t<X> acc) {
    const float scale = *x_scale * w_scale[q.requant_count == 1 ? 0 : m] / *y_scale;
    y[at] = requantize_float<Y>(acc, scale, yz, q.act_min, q.act_max);
  });
}

// Quantized matrix product, batched and broadcasting like MatMul. Zero points: a per row of A
// (a_zero_count 0, 1 or m), b per column of B (b_zero_count 0, 1 or n); requantization per
// column (requant_count 1 or n).
struct QMatMulParams {
  int32_t m, n, k;
  int32_t batch;
  int32_t batch_rank;
  int32_t batch_dims[MOTE_MAX_RANK];
  int32_t a_batch_strides[MOTE_MAX_RANK];
  int32_t b_batch_strides[MOTE_MAX_RANK];
  int32_t a_zero_count, b_zero_count;
  int32_t requant_count;
  int32_t act_min, act_max;
  int32_t b_transposed;  // B stored [n, k] (Gemm with transB)
  template <class F>
  void each(F& f) const {
    f("m", m);
    f("n", n);
    f("k", k);
    f("batch", batch);
    f("batch_rank", batch_rank);
    f("batch_dims", batch_dims);
    f("a_batch_strides", a_batch_strides);
    f("b_batch_strides", b_batch_strides);
    f("a_zero_count", a_zero_count);
    f("b_zero_count", b_zero_count);
    f("requant_count", requant_count);
    f("act_min", act_min);
    f("act_max", act_max);
    f("b_transposed", b_transposed);
  }
};

template <class A, class B, class Store>
inline void qmatmul_accumulate(const QMatMulParams& p, const A* MOTE_RESTRICT a, const A* MOTE_RESTRICT a_zero,
                               const B* MOTE_RESTRICT b, const B* MOTE_RESTRICT b_zero, const int32_t* MOTE_RESTRICT bias,
                               Store store) {
  int32_t index[MOTE_MAX_RANK] = {0};
  int64_t a_offset = 0, b_offset = 0;
  const int32_t b_row = p.b_transposed ? 1 : p.n, b_col = p.b_transposed ? p.k : 1;
  for (int32_t batch = 0; batch < p.batch; ++batch) {
    for (int32_t i = 0; i < p.m; ++i) {
      const int32_t az = p.a_zero_count ? static_cast<int32_t>(a_zero[p.a_zero_count == 1 ? 0 : i]) : 0;
      const A* ai = a + a_offset + static_cast<int64_t>(i) * p.k;
      for (int32_t j = 0; j < p.n; ++j) {
        const int32_t bz = p.b_zero_count ? static_cast<int32_t>(b_zero[p.b_zero_count == 1 ? 0 : j]) : 0;
        const B* bj = b + b_offset + static_cast<int64_t>(j) * b_col;
        accumulator_t<A> acc = bias ? bias[j] : 0;
        for (int32_t q = 0; q < p.k; ++q)
          acc += (static_cast<int32_t>(ai[q]) - az) * (static_cast<int32_t>(bj[static_cast<int64_t>(q) * b_row]) - bz);
        store((static_cast<int64_t>(batch) * p.m + i) * p.n + j, j, acc);
      }
    }
    for (int32_t d = p.batch_rank - 1; d >= 0; --d) {
      a_offset += p.a_batch_strides[d];
      b_offset += p.b_batch_strides[d];
      if (++index[d] < p.batch_dims[d]) break;
      a_offset -= static_cast<int64_t>(p.a_batch_strides[d]) * p.batch_dims[d];
      b_offset -= static_cast<int64_t>(p.b_batch_strides[d]) * p.batch_dims[d];
      index[d] = 0;
    }
  }
}

// MatMulInteger: int32 output.
template <class A, class B>
void matmul_integer(const QMatMulParams& p, const A* MOTE_RESTRICT a, const A* MOTE_RESTRICT a_zero, const B* MOTE_RESTRICT b,
                    const B* MOTE_RESTRICT b_zero, int32_t* MOTE_RESTRICT y) {
  qmatmul_accumulate(p, a, a_zero, b, b_zero, static_cast<const int32_t*>(nullptr),
                     [&](int64_t at, int32_t, int32_t acc) { y[at] = acc; });
}

// Quantized matrix product with integer requantization (Gemm / MatMul / fully connected).
template <class A, class B, class Y>
void qmatmul(const QMatMulParams& p, const A* MOTE_RESTRICT a, const A* MOTE_RESTRICT a_zero, const B* MOTE_RESTRICT b,
             const B* MOTE_RESTRICT b_zero, const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
             const int32_t* MOTE_RESTRICT shift, const Y* MOTE_RESTRICT y_zero, Y* MOTE_RESTRICT y) {
  const int32_t yz = zero_of(y_zero);
  qmatmul_accumulate(p, a, a_zero, b, b_zero, bias, [&](int64_t at, int32_t j, accumulator_t<A> acc) {
    const int32_t c = p.requant_count == 1 ? 0 : j;
    y[at] = requantize_output<Y>(acc, multiplier[c], shift[c], yz, p.act_min, p.act_max);
  });
}

template <class A, class B, class Y>
void qmatmul_runtime_scales(const QMatMulParams& p, const A* MOTE_RESTRICT a, const float* MOTE_RESTRICT a_scale,
                            const A* MOTE_RESTRICT a_zero, const B* MOTE_RESTRICT b, const float* MOTE_RESTRICT b_scale,
                            const B* MOTE_RESTRICT b_zero, const float* MOTE_RESTRICT y_scale, const Y* MOTE_RESTRICT y_zero,
                            Y* MOTE_RESTRICT y) {
  const int32_t yz = zero_of(y_zero);
  qmatmul_accumulate(p, a, a_zero, b, b_zero, static_cast<const int32_t*>(nullptr), [&](int64_t at, int32_t j, accumulator_t<A> acc) {
    const float scale = *a_scale * b_scale[p.requant_count == 1 ? 0 : j] / *y_scale;
    y[at] = requantize_float<Y>(acc, scale, yz, p.act_min, p.act_max);
  });
}

// What the quantized binary ops (TFLite's int8 ADD and MUL) share: the broadcasting, the
// three zero points and the output clamp.
struct QBinaryParams {
  BroadcastParams broadcast;
  int32_t a_zero, b_zero, y_zero;
  int32_t act_min, act_max;
  template <class F>
  void each(F& f) const {
    f("broadcast", broadcast);
    f("a_zero", a_zero);
    f("b_zero", b_zero);
    f("y_zero", y_zero);
    f("act_min", act_min);
    f("act_max", act_max);
  }
};

// TFLite's int8 ADD: both inputs shifted left by `left_shift` for headroom, rescaled to twice
// the larger input scale, added, and requantized to the output.
struct QAddParams {
  QBinaryParams binary;
  int32_t left_shift;
  int32_t a_multiplier, a_shift;
  int32_t b_multiplier, b_shift;
  int32_t y_multiplier, y_shift;
  template <class F>
  void each(F& f) const {
    f("binary", binary);
    f("left_shift", left_shift);
    f("a_multiplier", a_multiplier);
    f("a_shift", a_shift);
    f("b_multiplier", b_multiplier);
    f("b_shift", b_shift);
    f("y_multiplier", y_multiplier);
    f("y_shift", y_shift);
  }
};

template <class Q>
void qadd(const QAddParams& p, const Q* MOTE_RESTRICT a, const Q* MOTE_RESTRICT b, Q* MOTE_RESTRICT y) {
  const QBinaryParams& q = p.binary;
  const int32_t headroom = int32_t{1} << p.left_shift, a_zero = q.a_zero, b_zero = q.b_zero;
  const Requantizer scale_a(p.a_multiplier, p.a_shift), scale_b(p.b_multiplier, p.b_shift);
  const ChannelRequantizer<Q> output(p.y_multiplier, p.y_shift, q.y_zero, q.act_min, q.act_max);
  auto add = [&](Q va, Q vb) {
    return output(scale_a((static_cast<int32_t>(va) - a_zero) * headroom) + scale_b((static_cast<int32_t>(vb) - b_zero) * headroom));
  };
  const BroadcastParams& shape = q.broadcast;
  if (shape.rank == 1 && shape.a_strides[0] == 1 && shape.b_strides[0] == 1) {  // same shapes: one flat loop
    for (int32_t i = 0; i < shape.count; ++i) y[i] = add(a[i], b[i]);
    return;
  }
  for_each_broadcast(shape, [&](int32_t o, int32_t ia, int32_t ib, int32_t) { y[o] = add(a[ia], b[ib]); });
}

// What qadd adds for each of the 256 values v of an int8 input: table[v + 128] =
// requantize((v - zero) * 2^left_shift) with the input's multiplier and shift. The compiler
// fills the tables of qadd_lookup with it.
inline void qadd_input_table(int32_t multiplier, int32_t shift, int32_t zero, int32_t left_shift, int32_t* table) {
  const Requantizer scale(multiplier, shift);
  for (int32_t v = -128; v < 128; ++v) table[v + 128] = scale((v - zero) * (int32_t{1} << left_shift));
}

// qadd for int8 inputs with both inputs' rescaling looked up in 256-entry tables
// (qadd_input_table): only the output's requantization is left per element, bit for bit
// qadd's results.
inline void qadd_lookup(const QAddParams& p, const int8_t* MOTE_RESTRICT a, const int8_t* MOTE_RESTRICT b,
                        const int32_t* MOTE_RESTRICT a_table, const int32_t* MOTE_RESTRICT b_table, int8_t* MOTE_RESTRICT y) {
  const QBinaryParams& q = p.binary;
  const int32_t* const a_at = a_table + 128;
  const int32_t* const b_at = b_table + 128;
  const BroadcastParams& shape = q.broadcast;
  const bool flat = shape.rank == 1 && shape.a_strides[0] == 1 && shape.b_strides[0] == 1;  // same shapes: one flat loop
  if (flat && Int8Requantization::applies(p.y_multiplier, p.y_shift)) {
    const Int8Requantization fast(p.y_multiplier, p.y_shift, q.y_zero, q.act_min, q.act_max);
    for (int32_t i = 0; i < shape.count; ++i) y[i] = fast(a_at[a[i]] + b_at[b[i]]);
    return;
  }
  const ChannelRequantizer<int8_t> output(p.y_multiplier, p.y_shift, q.y_zero, q.act_min, q.act_max);
  if (flat && output.fast()) {
    for (int32_t i = 0; i < shape.count; ++i) y[i] = output.fast_form(a_at[a[i]] + b_at[b[i]]);
    return;
  }
  for_each_broadcast(shape, [&](int32_t o, int32_t ia, int32_t ib, int32_t) { y[o] = output(a_at[a[ia]] + b_at[b[ib]]); });
}

// TFLite's int8 MUL: y = requantize((a - a_zero) * (b - b_zero)) + y_zero, clamped.
struct QMulParams {
  QBinaryParams binary;
  int32_t multiplier, shift;
  template <class F>
  void each(F& f) const {
    f("binary", binary);
    f("multiplier", multiplier);
    f("shift", shift);
  }
};

template <class Q>
void qmul(const QMulParams& p, const Q* MOTE_RESTRICT a, const Q* MOTE_RESTRICT b, Q* MOTE_RESTRICT y) {
  const QBinaryParams& q = p.binary;
  for_each_broadcast(q.broadcast, [&](int32_t o, int32_t ia, int32_t ib, int32_t) {
    const int32_t product = (static_cast<int32_t>(a[ia]) - q.a_zero) * (static_cast<int32_t>(b[ib]) - q.b_zero);
    y[o] = requantize_output<Q>(product, p.multiplier, p.shift, q.y_zero, q.act_min, q.act_max);
  });
}

// Quantized average pooling over the taps inside the input. With equal input and output
// quantization (`same_quantization`) the sum of raw values is divided with rounding half away
// from zero, as TFLite Micro does; otherwise the zero-point-corrected sum is rescaled by
// x_scale / y_scale (multiplier, shift) before the division.
struct QPoolParams {
  PoolParams pool;
  int32_t same_quantization;
  int32_t x_zero, y_zero;
  int32_t multiplier, shift;
  int32_t act_min, act_max;
  template <class F>
  void each(F& f) const {
    f("pool", pool);
    f("same_quantization", same_quantization);
    f("x_zero", x_zero);
    f("y_zero", y_zero);
    f("multiplier", multiplier);
    f("shift", shift);
    f("act_min", act_min);
    f("act_max", act_max);
  }
};

template <class Acc>
inline Acc rounded_divide(Acc sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

template <class Q>
void qaverage_pool(const QPoolParams& q, const Q* MOTE_RESTRICT x, Q* MOTE_RESTRICT y) {
  const PoolParams& p = q.pool;
  for_each_window(p, [&](int64_t in_base, int64_t out, int32_t d0, int32_t h0, int32_t w0, int32_t) {
    accumulator_t<Q> sum = 0;
    int32_t count = 0;
    const bool dense = for_each_dense_row(p, d0, h0, w0, [&](int32_t offset, int32_t length) {
      const Q* row = x + in_base + offset;
      for (int32_t k = 0; k < length; ++k) sum += static_cast<int32_t>(row[k]);
      count += length;
    });
    if (!dense)
      for_each_tap(p, d0, h0, w0, [&](int32_t offset, int32_t, int32_t, int32_t) {
        sum += static_cast<int32_t>(x[in_base + offset]);
        ++count;
      });
    int32_t v = q.y_zero;
    if (count > 0)
      v = q.same_quantization
              ? static_cast<int32_t>(rounded_divide(sum, count))
              : rounded_divide(requantize(sum - static_cast<accumulator_t<Q>>(count) * q.x_zero, q.multiplier, q.shift), count) + q.y_zero;
    y[out] = saturate_to<Q>(v, q.act_min, q.act_max);
  });
}

// Quantized softmax along one axis, integer-only: exp_table[d] = exp(-d * x_scale) in Q20 for
// the distance d from the row maximum (an 8-bit input has 256 distances), so
// y = round(exp / sum / y_scale) + y_zero with 1 / y_scale in Q16 (`inverse_scale_q16`).
struct QSoftmaxParams {
  SoftmaxParams softmax;
  int32_t inverse_scale_q16;
  int32_t y_zero;
  template <class F>
  void each(F& f) const {
    f("softmax", softmax);
    f("inverse_scale_q16", inverse_scale_q16);
    f("y_zero", y_zero);
  }
};

template <class Q>
void qsoftmax(const QSoftmaxParams& q, const Q* MOTE_RESTRICT x, const int32_t* MOTE_RESTRICT exp_table, Q* MOTE_RESTRICT y) {
  const SoftmaxParams& p = q.softmax;
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t i = 0; i < p.inner; ++i) {
      const int64_t base = static_cast<int64_t>(o) * p.length * p.inner + i;
      int32_t top = x[base];
      for (int32_t k = 1; k < p.length; ++k) {
        const int32_t v = x[base + static_cast<int64_t>(k) * p.inner];
        top = v > top ? v : top;
      }
      int64_t sum = 0;
      for (int32_t k = 0; k < p.length; ++k) sum += exp_table[top - x[base + static_cast<int64_t>(k) * p.inner]];
      const int64_t denominator = sum * 65536;
      for (int32_t k = 0; k < p.length; ++k) {
        const int64_t at = base + static_cast<int64_t>(k) * p.inner;
        const int64_t numerator = static_cast<int64_t>(exp_table[top - x[at]]) * q.inverse_scale_q16;
        const int32_t v = static_cast<int32_t>((numerator + denominator / 2) / denominator) + q.y_zero;
        y[at] = saturate_to<Q>(v, numeric_limits<Q>::lowest(), numeric_limits<Q>::max());
      }
    }
}

// Any function of one 8-bit input as a 256-entry table computed by the compiler (quantized
// Sigmoid, Tanh, LeakyRelu, ...): y = table[x - lowest(X)].
struct LookupParams {
  int32_t count;
  template <class F>
  void each(F& f) const {
    f("count", count);
  }
};

template <class X, class Y>
void lookup_table(const LookupParams& p, const X* MOTE_RESTRICT x, const Y* MOTE_RESTRICT table, Y* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.count; ++i) y[i] = table[static_cast<int32_t>(x[i]) - numeric_limits<X>::lowest()];
}

// Any function of one int16 input (zero point 0) as a 513-entry table of its int16 results at
// x = -32768, -32640, ..., 32768 (steps of 128), interpolated linearly between entries, as
// TFLite's int16 activations are: y = t[i] + round((t[i + 1] - t[i]) * f / 128) for
// x + 32768 = 128 i + f.
template <class X, class Y>
void lookup_interpolated(const LookupParams& p, const X* MOTE_RESTRICT x, const Y* MOTE_RESTRICT table, Y* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t offset = static_cast<int32_t>(x[i]) + 32768, at = offset >> 7, fraction = offset & 127;
    const int32_t base = table[at], step = static_cast<int32_t>(table[at + 1]) - base;
    y[i] = static_cast<Y>(base + ((step * fraction + 64) >> 7));
  }
}

// strided_copy through a 256-entry table: one input of QLinearConcat whose quantization differs
// from the output's.
template <class X, class Y>
void strided_lookup(const StridedCopyParams& p, const X* MOTE_RESTRICT x, const Y* MOTE_RESTRICT table, Y* MOTE_RESTRICT y) {
  strided_map(p, x, y, [table](X v) { return table[static_cast<int32_t>(v) - numeric_limits<X>::lowest()]; });
}

}  // namespace mote

#endif  // MOTE_QUANTIZED_H
