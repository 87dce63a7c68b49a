// Fast convolutions and fully connected layers with int8 weights (zero points of 0): int8
// input and output, the kernels TFLite-style models spend their time in, and (convolutions)
// int16 input and output with zero points of 0 (--quantize int16x8), where the compiler picks
// them only when no int32 sum can overflow (mote::s8::fits_int32_sums).
//
// The work is a matrix product of weight rows with columns: for a convolution, each output
// pixel's receptive field minus the input zero point (int16; padding taps are 0, which is
// exactly what they contribute); for a fully connected layer, a row of int8 activations. A
// convolution step takes two output channels at two pixels, so every loaded weight and column
// value is used twice; a fully connected step takes four output channels, so every widened
// activation is used four times. The compiler packs the weights for this loop (see
// PackedRows): no reordering at run time. On cores with the DSP extension, when optimising
// (MOTE_DSP, base.h: Cortex-M4, M7, M33), __sxtb16 widens four weights at once and __smlad does
// two multiply-accumulates; elsewhere the same sums run in plain C. Integer sums do not depend
// on their order, so both paths give the results of mote::qconv bit for bit.
#ifndef MOTE_QCONV_S8_H
#define MOTE_QCONV_S8_H

#include "mote/quantized.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>  // the compiler's intrinsics, not a library
#endif

namespace mote {
namespace s8 {

// Row length rounded up to whole groups of four (padding weights and column values are 0).
inline int32_t padded_depth(int32_t depth) { return (depth + 3) & ~3; }

// Packed weights: rows in pairs (an odd last row is paired with a row of zeros), each row
// zero-padded to padded_depth, the two rows interleaved four weights at a time:
// [row 0, k 0..3] [row 1, k 0..3] [row 0, k 4..7] ... For int16 columns ("reordered") each
// four are stored k0 k2 k1 k3: __sxtb16 then gives (k0, k1) and __sxtb16 of the word rotated by
// 8 gives (k2, k3), the two halves of the column group. For int8 activations they stay in order,
// matching the same split of the activations. Weights may also be packed widened (mote compile
// --widen-weights): the same layout of int16 values, each four in the order of the value pairs
// they meet (in order for convolution columns, k0 k2 k1 k3 for int8 activations), so that a
// word of them is a pair with no unpacking (sizes and indices below count values, one or two
// bytes each).
struct PackedRows {
  static int32_t pair_values(int32_t depth) { return 2 * padded_depth(depth); }
  // Where weight k of row r (0 or 1) of a pair is, from the start of the pair.
  static int32_t index(int32_t k, int32_t r, bool reordered) {
    const int32_t in_group = k & 3;
    return (k >> 2) * 8 + r * 4 + (reordered ? ((in_group & 1) << 1) | (in_group >> 1) : in_group);
  }
};

// Two int16 columns interleaved the same way: [column 0, k 0..3] [column 1, k 0..3] ...
inline int32_t column_index(int32_t k, int32_t column) { return (k >> 2) * 8 + column * 4 + (k & 3); }

#if defined(MOTE_DSP)
// __sxtb16 of the word rotated by 8: bytes 1 and 3 as two int16 (one instruction; GCC does not
// fold the rotation into sxtb16 on its own).
inline int32_t sxtb16_odd(uint32_t word) {
  int32_t out;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(out) : "r"(word));
  return out;
}
// (low, high) as the two halves of a word (pkhbt; GCC writes uxth and orr).
inline int32_t pack_halves(int32_t low, int32_t high) {
  int32_t out;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(out) : "r"(low), "r"(high));
  return out;
}
// The high halves of two words, (high of `low`, high of `high`) (pkhtb).
inline int32_t pack_high_halves(int32_t low, int32_t high) {
  int32_t out;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(out) : "r"(high), "r"(low));
  return out;
}
// `value` in both halves of a word (an offset for __sxtab16 or __ssub16 to apply to two values).
inline int32_t in_both_halves(int32_t value) { return pack_halves(value, value); }
// The same with a per-halfword offset added (__sxtab16 of the rotated word).
inline int32_t sxtab16_odd(int32_t offset, uint32_t word) {
  int32_t out;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(out) : "r"(offset), "r"(word));
  return out;
}
#endif

// acc[r][j] += sum over k of weight k of row r * column j's value k, for a pair of rows
// (int8 reordered, or int16 widened in order) and two interleaved columns, over `groups` groups
// of four.
template <class W>
inline void dot_pair_2x2(const W* MOTE_RESTRICT pair, const int16_t* MOTE_RESTRICT columns, int32_t groups, int32_t (&acc)[2][2]) {
  static_assert(sizeof(W) == 1 || sizeof(W) == 2, "int8 or int16 weights");
  int32_t a00 = acc[0][0], a01 = acc[0][1], a10 = acc[1][0], a11 = acc[1][1];
#if defined(MOTE_DSP)
  // In assembly: written in C, GCC loads the next row's weights early and spills column words
  // to the stack on every group. Here one weight row at a time, 13 registers, two groups per
  // loop step (an odd count takes its first group alone). int8 weights: each half unpacked just
  // before its two uses, 17 instructions per 16 MACs. int16 weights: a row's four in one LDRD,
  // 12 per 16 MACs. LDRD needs `columns` and int16 weights 4-byte aligned: the columns are an
  // arena scratch buffer, and arena buffers and weight arrays are aligned to at least 8.
#define MOTE_DOT_COLUMNS                \
  "ldrd %[c1l], %[c1h], [%[col], #8]\n" \
  "ldrd %[c0l], %[c0h], [%[col]], #16\n"
#define MOTE_DOT_ROW_S8(a0, a1)                           \
  "ldr %[wa], [%[pair]], #4\n"                            \
  "sxtb16 %[wb], %[wa]\n"                                 \
  "smlad %[" a0 "], %[wb], %[c0l], %[" a0 "]\n"           \
  "smlad %[" a1 "], %[wb], %[c1l], %[" a1 "]\n"           \
  "sxtb16 %[wb], %[wa], ror #8\n"                         \
  "smlad %[" a0 "], %[wb], %[c0h], %[" a0 "]\n"           \
  "smlad %[" a1 "], %[wb], %[c1h], %[" a1 "]\n"
#define MOTE_DOT_ROW_S16(a0, a1)                          \
  "ldrd %[wa], %[wb], [%[pair]], #8\n"                    \
  "smlad %[" a0 "], %[wa], %[c0l], %[" a0 "]\n"           \
  "smlad %[" a1 "], %[wa], %[c1l], %[" a1 "]\n"           \
  "smlad %[" a0 "], %[wb], %[c0h], %[" a0 "]\n"           \
  "smlad %[" a1 "], %[wb], %[c1h], %[" a1 "]\n"
#define MOTE_DOT_OPERANDS                                                                                                      \
  : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [pair] "+r"(pair), [col] "+r"(columns),               \
    [c0l] "=&r"(c0_low), [c0h] "=&r"(c0_high), [c1l] "=&r"(c1_low), [c1h] "=&r"(c1_high), [wa] "=&r"(wa), [wb] "=&r"(wb)     \
  : [end] "r"(end)                                                                                                             \
  : "cc", "memory"
#define MOTE_DOT_LOOP(group)        \
  if (groups & 1) __asm__ volatile(group MOTE_DOT_OPERANDS); \
  if (groups > 1)                   \
    __asm__ volatile("1:\n" group group "cmp %[col], %[end]\nbne 1b\n" MOTE_DOT_OPERANDS);
  const int16_t* const end = columns + 8 * groups;
  int32_t c0_low, c0_high, c1_low, c1_high, wa, wb;
  if constexpr (sizeof(W) == 1) {
    MOTE_DOT_LOOP(MOTE_DOT_COLUMNS MOTE_DOT_ROW_S8("a00", "a01") MOTE_DOT_ROW_S8("a10", "a11"))
  } else {
    MOTE_DOT_LOOP(MOTE_DOT_COLUMNS MOTE_DOT_ROW_S16("a00", "a01") MOTE_DOT_ROW_S16("a10", "a11"))
  }
#undef MOTE_DOT_LOOP
#undef MOTE_DOT_OPERANDS
#undef MOTE_DOT_ROW_S16
#undef MOTE_DOT_ROW_S8
#undef MOTE_DOT_COLUMNS
#else
  for (int32_t k = 0; k < groups * 4; ++k) {
    const bool reordered = sizeof(W) == 1;
    const int32_t w0 = pair[PackedRows::index(k, 0, reordered)], w1 = pair[PackedRows::index(k, 1, reordered)];
    const int32_t v0 = columns[column_index(k, 0)], v1 = columns[column_index(k, 1)];
    a00 += w0 * v0;
    a01 += w0 * v1;
    a10 += w1 * v0;
    a11 += w1 * v1;
  }
#endif
  acc[0][0] = a00;
  acc[0][1] = a01;
  acc[1][0] = a10;
  acc[1][1] = a11;
}

#if defined(MOTE_DSP)
// acc + the dot product of four int8 weights (one word) with four values given as (v0, v2)
// and (v1, v3) halfword pairs, or in the reordered weight layout as (v0, v1) and (v2, v3).
inline int32_t dot_group(const int8_t* at, int32_t low_values, int32_t high_values, int32_t acc) {
  uint32_t weights;
  __builtin_memcpy(&weights, at, 4);
  return __smlad(sxtb16_odd(weights), high_values, __smlad(__sxtb16(static_cast<int32_t>(weights)), low_values, acc));
}
// The same for four widened weights (two words), stored as the values come: (w0, w2) (w1, w3)
// against (v0, v2) (v1, v3), or in order against (v0, v1) (v2, v3).
inline int32_t dot_group(const int16_t* at, int32_t low_values, int32_t high_values, int32_t acc) {
  int32_t weights[2];
  __builtin_memcpy(weights, at, 8);
  return __smlad(weights[1], high_values, __smlad(weights[0], low_values, acc));
}
#endif

// Four-value groups of one or two pairs of weight rows (`pair_values` apart, as PackedRows
// stores them; int8, or int16 widened) against values `unpack(k, low, high)` gives as dot_group
// wants them: acc[2p + r] += weights k..k+3 of row r of pair p times values k..k+3, for k = 0,
// 4, ... below depth & ~3. Two pairs at a time share each unpacked group of values between four
// rows. The sums are scalars: GCC keeps an array indexed in the loop on the stack.
template <int Pairs, class W, class Unpack>
inline void dot_pairs_groups(const W* MOTE_RESTRICT pairs, int32_t pair_values, int32_t depth, const Unpack& unpack,
                             int32_t (&acc)[2 * Pairs]) {
  static_assert(Pairs == 1 || Pairs == 2, "one or two pairs of rows");
#if defined(MOTE_DSP)
  int32_t a0 = acc[0], a1 = acc[1], a2 = 0, a3 = 0;
  if constexpr (Pairs == 2) a2 = acc[2], a3 = acc[3];
  const int32_t whole_groups_end = depth & ~3;
  for (int32_t k = 0; k < whole_groups_end; k += 4, pairs += 8) {
    int32_t low, high;
    unpack(k, low, high);
    a0 = dot_group(pairs, low, high, a0);
    a1 = dot_group(pairs + 4, low, high, a1);
    if constexpr (Pairs == 2) {
      a2 = dot_group(pairs + pair_values, low, high, a2);
      a3 = dot_group(pairs + pair_values + 4, low, high, a3);
    }
  }
  acc[0] = a0;
  acc[1] = a1;
  if constexpr (Pairs == 2) acc[2] = a2, acc[3] = a3;
#else
  (void)pairs, (void)pair_values, (void)depth, (void)unpack, (void)acc;
#endif
}

// acc[2p + r] += sum over k < depth of weight k of row r of pair p * (values[k] - zero), for
// pairs of rows (int8 in natural order, or int16 widened and reordered) and int8 values widened
// as they are read (no scratch).
template <int Pairs, class W>
inline void dot_pairs_narrow(const W* MOTE_RESTRICT pairs, int32_t pair_values, const int8_t* MOTE_RESTRICT values, int32_t zero,
                             int32_t depth, int32_t (&acc)[2 * Pairs]) {
#if defined(MOTE_DSP)
  const int32_t offset = in_both_halves(-zero);
  if constexpr (Pairs == 2) {
    // In assembly: in C, GCC spills two of the 13 values the loop needs on every group. Here
    // two groups per loop step (an odd count's first group alone): int8 weights 24.5
    // instructions per 16 multiply-accumulates, widened ones (a row's four in one LDRD, into
    // `w` and `v`, which is free once the values are unpacked) 15. The end pointer is read from
    // memory at the bottom of the loop, so the loop takes 12 registers: with 13, GCC cannot
    // always find them (where the kernel is inlined into a run function, for the Cortex-M33).
    if (depth >= 4) {
      const int8_t* const end = values + (depth & ~3);
      const W* second = pairs + pair_values;
      const W* first = pairs;
      const int8_t* at = values;
      int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], v, even, odd, w;
#define MOTE_FC_ROW_S8(row, a)                         \
  "ldr %[w], [%[" row "]], #4\n"                       \
  "sxtb16 %[v], %[w]\n"                                \
  "smlad %[" a "], %[v], %[even], %[" a "]\n"          \
  "sxtb16 %[v], %[w], ror #8\n"                        \
  "smlad %[" a "], %[v], %[odd], %[" a "]\n"
#define MOTE_FC_ROW_S16(row, a)                        \
  "ldrd %[w], %[v], [%[" row "]], #8\n"                \
  "smlad %[" a "], %[w], %[even], %[" a "]\n"          \
  "smlad %[" a "], %[v], %[odd], %[" a "]\n"
#define MOTE_FC_GROUP(row)                            \
  "ldr %[v], [%[at]], #4\n"                            \
  "sxtab16 %[even], %[offset], %[v]\n"                 \
  "sxtab16 %[odd], %[offset], %[v], ror #8\n"          \
  row("first", "a0") row("first", "a1") row("second", "a2") row("second", "a3")
#define MOTE_FC_OPERANDS                                                                                                         \
  : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [first] "+r"(first), [second] "+r"(second), [at] "+r"(at),       \
    [v] "=&r"(v), [even] "=&r"(even), [odd] "=&r"(odd), [w] "=&r"(w)                                                            \
  : [end] "m"(end), [offset] "r"(offset)                                                                                       \
  : "cc", "memory"
#define MOTE_FC_LOOP(row)                                                          \
  if ((depth >> 2) & 1) __asm__ volatile(MOTE_FC_GROUP(row) MOTE_FC_OPERANDS);     \
  if (depth >= 8)                                                                  \
    __asm__ volatile("1:\n" MOTE_FC_GROUP(row) MOTE_FC_GROUP(row) "ldr %[w], %[end]\n" \
                     "cmp %[at], %[w]\n"                                           \
                     "bne 1b\n" MOTE_FC_OPERANDS);
      if constexpr (sizeof(W) == 1) {
        MOTE_FC_LOOP(MOTE_FC_ROW_S8)
      } else {
        MOTE_FC_LOOP(MOTE_FC_ROW_S16)
      }
#undef MOTE_FC_LOOP
#undef MOTE_FC_OPERANDS
#undef MOTE_FC_GROUP
#undef MOTE_FC_ROW_S16
#undef MOTE_FC_ROW_S8
      acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
  } else {
    dot_pairs_groups<Pairs>(pairs, pair_values, depth, [&](int32_t k, int32_t& even, int32_t& odd) {
      uint32_t v;
      __builtin_memcpy(&v, values + k, 4);
      even = __sxtab16(offset, static_cast<int32_t>(v));  // (v0, v2)
      odd = sxtab16_odd(offset, v);                       // (v1, v3)
    }, acc);
  }
  // An exact bound lets GCC see that the scalar loop below only covers depth % 4 (with
  // `k + 4 <= depth` it warned of out-of-bounds iterations at -O3).
  int32_t k = depth & ~3;
#else
  int32_t k = 0;
#endif
  for (; k < depth; ++k) {
    const int32_t v = static_cast<int32_t>(values[k]) - zero;
    for (int p = 0; p < Pairs; ++p)
      for (int r = 0; r < 2; ++r) acc[2 * p + r] += pairs[p * pair_values + PackedRows::index(k, r, sizeof(W) == 2)] * v;
  }
}

// The same for int16 values with zero point 0, read two at a time as they are, and pairs of
// int8 rows reordered as for int16 columns.
template <int Pairs>
inline void dot_pairs_wide(const int8_t* MOTE_RESTRICT pairs, int32_t pair_values, const int16_t* MOTE_RESTRICT values, int32_t depth,
                           int32_t (&acc)[2 * Pairs]) {
#if defined(MOTE_DSP)
  dot_pairs_groups<Pairs>(pairs, pair_values, depth, [&](int32_t k, int32_t& v01, int32_t& v23) {
    __builtin_memcpy(&v01, values + k, 4);
    __builtin_memcpy(&v23, values + k + 2, 4);
  }, acc);
  int32_t k = depth & ~3;
#else
  int32_t k = 0;
#endif
  for (; k < depth; ++k)
    for (int p = 0; p < Pairs; ++p)
      for (int r = 0; r < 2; ++r) acc[2 * p + r] += pairs[p * pair_values + PackedRows::index(k, r, true)] * values[k];
}

// Rows of a fully connected layer against `Pairs` pairs of weight rows, by activation type.
template <int Pairs, class W>
inline void dot_pairs_row(const W* pairs, int32_t pair_values, const int8_t* values, int32_t zero, int32_t depth,
                          int32_t (&acc)[2 * Pairs]) {
  dot_pairs_narrow<Pairs>(pairs, pair_values, values, zero, depth, acc);
}
template <int Pairs>
inline void dot_pairs_row(const int8_t* pairs, int32_t pair_values, const int16_t* values, int32_t, int32_t depth, int32_t (&acc)[2 * Pairs]) {
  dot_pairs_wide<Pairs>(pairs, pair_values, values, depth, acc);
}

// The taps k in [0, kernel) of one window axis whose coordinate origin + k * dilation lies in
// [0, size): [first, end).
inline void taps_inside(int32_t origin, int32_t kernel, int32_t dilation, int32_t size, int32_t& first, int32_t& end) {
  first = origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
  end = origin >= size ? 0 : (size - origin + dilation - 1) / dilation;
  end = end < kernel ? end : kernel;
  first = first < end ? first : end;
}

// Column `column` (0 or 1) of the interleaved pair for an output pixel whose window reaches
// into the padding: the receptive field over the group's input channels, in weight order
// (channel, kd, kh, kw), minus the input zero point, padding taps 0; zero-filled to
// padded_depth. Value k goes to out[k + (k & ~3)] (column_index without the column).
template <class X>
inline void build_column(const ConvParams& p, const X* MOTE_RESTRICT xg, int32_t x_zero, int32_t pixel, int16_t* MOTE_RESTRICT columns,
                         int32_t column) {
  const int32_t cin_g = p.in_channels / p.groups;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t depth = cin_g * p.kernel[0] * p.kernel[1] * p.kernel[2];
  const int32_t kernel_w = p.kernel[2], dilation_w = p.dilation[2];
  const int32_t ow = pixel % p.out_size[2], oh = (pixel / p.out_size[2]) % p.out_size[1], od = pixel / (p.out_size[2] * p.out_size[1]);
  const int32_t id0 = od * p.stride[0] - p.pad_begin[0], ih0 = oh * p.stride[1] - p.pad_begin[1], iw0 = ow * p.stride[2] - p.pad_begin[2];
  int32_t kd_first, kd_end, kh_first, kh_end, kw_first, kw_end;
  taps_inside(id0, p.kernel[0], p.dilation[0], p.in_size[0], kd_first, kd_end);
  taps_inside(ih0, p.kernel[1], p.dilation[1], p.in_size[1], kh_first, kh_end);
  taps_inside(iw0, kernel_w, dilation_w, p.in_size[2], kw_first, kw_end);
  int16_t* const out = columns + column * 4;
  // Every value 0 first, four at a time (padding taps contribute nothing), then the taps inside
  // the input: no test per tap.
  for (int32_t g = 0; g < padded_depth(depth) / 4; ++g) __builtin_memset(out + 8 * g, 0, 8);
  const int32_t window = p.kernel[0] * p.kernel[1] * kernel_w;
  for (int32_t c = 0; c < cin_g; ++c)
    for (int32_t kd = kd_first; kd < kd_end; ++kd)
      for (int32_t kh = kh_first; kh < kh_end; ++kh) {
        const X* row = xg + c * in_plane + ((id0 + kd * p.dilation[0]) * p.in_size[1] + ih0 + kh * p.dilation[1]) * p.in_size[2] + iw0;
        int32_t k = c * window + (kd * p.kernel[1] + kh) * kernel_w + kw_first;
        for (int32_t kw = kw_first; kw < kw_end; ++kw, ++k) out[k + (k & ~3)] = static_cast<int16_t>(row[kw * dilation_w] - x_zero);
      }
}

// The input zero point as put_four takes it: on DSP cores twice, as the halves of a word.
inline int32_t group_zero(int32_t zero) {
#if defined(MOTE_DSP)
  return in_both_halves(zero);
#else
  return zero;
#endif
}

// out[0..3] = v0..v3 minus the input zero point (`zero` from group_zero): one group of a
// column. On DSP cores two values per word, offset together (__ssub16: the differences fit
// int16).
inline void put_four(int32_t v0, int32_t v1, int32_t v2, int32_t v3, int32_t zero, int16_t* MOTE_RESTRICT out) {
#if defined(MOTE_DSP)
  const int32_t low = __ssub16(pack_halves(v0, v1), zero), high = __ssub16(pack_halves(v2, v3), zero);
  __builtin_memcpy(out, &low, 4);
  __builtin_memcpy(out + 2, &high, 4);
#else
  out[0] = static_cast<int16_t>(v0 - zero);
  out[1] = static_cast<int16_t>(v1 - zero);
  out[2] = static_cast<int16_t>(v2 - zero);
  out[3] = static_cast<int16_t>(v3 - zero);
#endif
}

// The column of an output pixel whose window lies inside the input (no padding tap): value k
// is at `window + offsets[k]` (the compiler's tap_offsets), stored four at a time in the
// interleaved layout; the padded tail of the last group is zeroed.
template <class X>
inline void build_inside_column(const X* MOTE_RESTRICT window, int32_t x_zero, const int32_t* MOTE_RESTRICT offsets, int32_t depth,
                                int16_t* MOTE_RESTRICT columns, int32_t column) {
  int16_t* out = columns + column * 4;
  const int32_t groups = padded_depth(depth) / 4, zero = group_zero(x_zero);
  for (int32_t g = 0; g < groups; ++g, out += 8, offsets += 4)
    put_four(window[offsets[0]], window[offsets[1]], window[offsets[2]], window[offsets[3]], zero, out);
  for (int32_t k = depth; k < padded_depth(depth); ++k) columns[column_index(k, column)] = 0;
}

// The same for a 1x1 window: value k (channel k) is `stride` elements after value k - 1.
template <class X>
inline void build_strided_column(const X* MOTE_RESTRICT window, int32_t x_zero, int32_t stride, int32_t depth,
                                 int16_t* MOTE_RESTRICT columns, int32_t column) {
  int16_t* out = columns + column * 4;
  const int32_t whole_groups = depth / 4, zero = group_zero(x_zero);
  for (int32_t g = 0; g < whole_groups; ++g, out += 8, window += 4 * stride)
    put_four(window[0], window[stride], window[2 * stride], window[3 * stride], zero, out);
  for (int32_t k = whole_groups * 4; k < padded_depth(depth); ++k, window += stride)
    columns[column_index(k, column)] = k < depth ? static_cast<int16_t>(window[0] - x_zero) : int16_t{0};
}

// The interleaved columns of output pixels `pixel` and `pixel` + 1 of a pointwise convolution
// (1x1 window, unit strides, no padding), where both read the same offset of every input plane
// and the two values are adjacent: channel k's are at x[k * in_plane] and the byte after. On DSP
// cores two channels' values at once: the two halfwords as one word give the first pixel's pair
// by __sxtab16 (which adds the negated zero point to both halves) and the second's by its odd
// form, 7 instructions per two channels of the pair.
template <class X>
inline void build_pointwise_pair(const X* MOTE_RESTRICT x, int32_t x_zero, int32_t in_plane, int32_t depth, int16_t* MOTE_RESTRICT columns) {
  int32_t k = 0;
#if defined(MOTE_DSP)
  if constexpr (sizeof(X) == 1) {
    const int32_t offset = in_both_halves(-x_zero);
    int16_t* out = columns;
    for (const int16_t* const end = columns + 2 * (depth & ~3); out != end; out += 8, x += 4 * in_plane) {
      uint16_t h0, h1, h2, h3;
      __builtin_memcpy(&h0, x, 2);
      __builtin_memcpy(&h1, x + in_plane, 2);
      __builtin_memcpy(&h2, x + 2 * in_plane, 2);
      __builtin_memcpy(&h3, x + 3 * in_plane, 2);
      const uint32_t low = h0 | static_cast<uint32_t>(h1) << 16, high = h2 | static_cast<uint32_t>(h3) << 16;
      const int32_t first[2] = {__sxtab16(offset, low), __sxtab16(offset, high)};
      const int32_t second[2] = {sxtab16_odd(offset, low), sxtab16_odd(offset, high)};
      __builtin_memcpy(out, first, 8);
      __builtin_memcpy(out + 4, second, 8);
    }
    // An exact start lets GCC see that the loop below covers only depth % 4 values (at -O3 it
    // warned of out-of-bounds iterations otherwise).
    k = depth & ~3;
  }
#endif
  for (; k < depth; ++k, x += in_plane) {
    columns[column_index(k, 0)] = static_cast<int16_t>(x[0] - x_zero);
    columns[column_index(k, 1)] = static_cast<int16_t>(x[1] - x_zero);
  }
  for (; k < padded_depth(depth); ++k) columns[column_index(k, 0)] = columns[column_index(k, 1)] = 0;
}

// The input offset of an output pixel's window (its first tap in channel 0), and whether the
// whole window lies inside the input.
inline int32_t window_origin(const ConvParams& p, int32_t pixel, bool& inside) {
  const int32_t ow = pixel % p.out_size[2], oh = (pixel / p.out_size[2]) % p.out_size[1], od = pixel / (p.out_size[2] * p.out_size[1]);
  const int32_t id0 = od * p.stride[0] - p.pad_begin[0], ih0 = oh * p.stride[1] - p.pad_begin[1], iw0 = ow * p.stride[2] - p.pad_begin[2];
  inside = id0 >= 0 && id0 + (p.kernel[0] - 1) * p.dilation[0] < p.in_size[0] && ih0 >= 0 &&
           ih0 + (p.kernel[1] - 1) * p.dilation[1] < p.in_size[1] && iw0 >= 0 && iw0 + (p.kernel[2] - 1) * p.dilation[2] < p.in_size[2];
  return (id0 * p.in_size[1] + ih0) * p.in_size[2] + iw0;
}

// Column `column` of output pixel `pixel`: when the window is inside the input, from the
// offsets table, or (1x1 windows, no table) one value per input plane; else tap by tap with
// the padding.
template <class X>
inline void fill_column(const ConvParams& p, const X* MOTE_RESTRICT xg, int32_t x_zero, const int32_t* MOTE_RESTRICT offsets, int32_t depth,
                        int32_t pixel, int16_t* MOTE_RESTRICT columns, int32_t column) {
  bool inside;
  const int32_t origin = window_origin(p, pixel, inside);
  if (!inside)
    build_column(p, xg, x_zero, pixel, columns, column);
  else if (offsets)
    build_inside_column(xg + origin, x_zero, offsets, depth, columns, column);
  else
    build_strided_column(xg + origin, x_zero, p.in_size[0] * p.in_size[1] * p.in_size[2], depth, columns, column);
}

// out[j] = the requantized sums[j], for j < count (1 or 2): one channel's outputs at a pixel
// pair. Int8 outputs take Int8Requantization where it applies: a ChannelRequantizer's set-up
// would cost more than the two outputs.
template <class Y>
inline void requantize_two(const int32_t (&sums)[2], int32_t count, int32_t multiplier, int32_t shift, int32_t zero, int32_t lo,
                           int32_t hi, Y* MOTE_RESTRICT out) {
  if constexpr (sizeof(Y) == 1 && OutputRequantization<Y>::kTflite) {
    if (Int8Requantization::applies(multiplier, shift)) {
      const Int8Requantization requant(multiplier, shift, zero, lo, hi);
      out[0] = requant(sums[0]);
      if (count == 2) out[1] = requant(sums[1]);
      return;
    }
  }
  const ChannelRequantizer<Y> requant(multiplier, shift, zero, lo, hi);
  out[0] = requant(sums[0]);
  if (count == 2) out[1] = requant(sums[1]);
}

// out[j] = the requantized sums[j], for j < count: one channel's outputs at a block of pixels.
// ChannelRequantizer::run's loop is the fastest per output (10 instructions on DSP cores) but
// costs about 45 to set up, so int8 rows of fewer than 16 outputs take Int8Requantization
// where it applies (four instructions of set-up, about 13 per output).
template <class Y>
inline void requantize_row(const int32_t* MOTE_RESTRICT sums, int32_t count, int32_t multiplier, int32_t shift, int32_t zero, int32_t lo,
                           int32_t hi, Y* MOTE_RESTRICT out) {
  if constexpr (sizeof(Y) == 1 && OutputRequantization<Y>::kTflite) {
    if (count < 16 && Int8Requantization::applies(multiplier, shift)) {
      const Int8Requantization requant(multiplier, shift, zero, lo, hi);
      for (int32_t j = 0; j < count; ++j) out[j] = requant(sums[j]);
      return;
    }
  }
  ChannelRequantizer<Y>(multiplier, shift, zero, lo, hi).run(sums, count, out);
}

// What qconv_s8 needs to make a group's outputs from a block of columns.
template <class W>
struct GroupOutputs {
  const W* weights;  // the group's packed weight pairs (int8, or int16 widened)
  int32_t pair_values, groups_of_four, channels, first_channel;
  const int32_t *bias, *multiplier, *shift;
  bool per_channel;
  bool int8_form;  // int8 outputs, every channel's requantization Int8Requantization's
  int32_t zero, lo, hi, out_plane;
  int32_t* sums;  // two rows of sums_row int32 (blocks of more than one pair)
  int32_t sums_row, column_pair_values;
};

// Whether Int8Requantization applies to all `count` requantizations (multiplier, shift) of a
// kernel with int8 outputs.
template <class Y>
inline bool int8_requantization_applies(const int32_t* multiplier, const int32_t* shift, int32_t count) {
  if constexpr (sizeof(Y) != 1 || !OutputRequantization<Y>::kTflite) return false;
  for (int32_t c = 0; c < count; ++c)
    if (!Int8Requantization::applies(multiplier[c], shift[c])) return false;
  return true;
}

// The sums of channels first_channel + i and + i + 1 (if the group has it) at a pixel pair whose
// columns are built: acc[r][j] for channel r, pixel j, each started from its bias.
template <class W>
inline void channel_pair_sums(const GroupOutputs<W>& o, int32_t i, const int16_t* MOTE_RESTRICT columns, int32_t (&acc)[2][2]) {
  const int32_t m = o.first_channel + i;
  const int32_t b0 = o.bias ? o.bias[m] : 0, b1 = o.bias && i + 1 < o.channels ? o.bias[m + 1] : 0;
  acc[0][0] = acc[0][1] = b0;
  acc[1][0] = acc[1][1] = b1;
  dot_pair_2x2(o.weights + (i / 2) * o.pair_values, columns, o.groups_of_four, acc);
}

#if defined(MOTE_DSP)
// out[0], out[1] = one channel's two int8 outputs at a pixel pair, clamped and stored together:
// each is saturated to int8 (ssat; the bounds lie within it) and put in a byte of one word
// (bfi), then both are clamped bytewise (`low`, `high`: the bounds in every byte; ssub8 sets a
// byte's GE flag where the difference is >= 0, sel picks by it) and stored as a halfword.
inline void store_pair_int8(const Int8Requantization& requant, int32_t acc0, int32_t acc1, uint32_t low, uint32_t high,
                            int8_t* MOTE_RESTRICT out) {
  int32_t both = __ssat(requant.unclamped(acc0), 8), scratch;
  __asm__(
      "bfi %[both], %[second], #8, #8\n"
      "ssub8 %[scratch], %[both], %[low]\n"
      "sel %[both], %[both], %[low]\n"
      "ssub8 %[scratch], %[high], %[both]\n"
      "sel %[both], %[both], %[high]\n"
      : [both] "+r"(both), [scratch] "=&r"(scratch)
      : [second] "r"(__ssat(requant.unclamped(acc1), 8)), [low] "r"(low), [high] "r"(high)
      : "cc");
  const uint16_t pair = static_cast<uint16_t>(both);
  __builtin_memcpy(out, &pair, 2);
}

// pixel_pair_outputs for a full pair where every channel's two outputs take store_pair_int8:
// about 12 instructions per output after the sums, where requantize_two takes about 40. The
// loop walks its weights, biases, constants and outputs by pointer: the dot product's assembly
// leaves few registers, and indexing the group's arrays would cost more than the stores.
template <class W>
inline void pixel_pair_int8_outputs(const GroupOutputs<W>& o, const int16_t* MOTE_RESTRICT columns, int8_t* MOTE_RESTRICT y) {
  const uint32_t low = static_cast<uint8_t>(o.lo) * 0x01010101u, high = static_cast<uint8_t>(o.hi) * 0x01010101u;
  const int32_t constants_step = o.per_channel ? 1 : 0, plane = o.out_plane, groups = o.groups_of_four, zero = o.zero;
  const int32_t pair_values = o.pair_values, lo = o.lo, hi = o.hi;
  const int32_t* bias = o.bias ? o.bias + o.first_channel : nullptr;
  const int32_t* multiplier = o.multiplier + constants_step * o.first_channel;
  const int32_t* shift = o.shift + constants_step * o.first_channel;
  const W* weights = o.weights;
  int8_t* out = y + o.first_channel * plane;
  for (int32_t left = o.channels; left > 0; left -= 2) {
    int32_t acc[2][2] = {};
    if (bias) {
      acc[0][0] = acc[0][1] = bias[0];
      if (left > 1) acc[1][0] = acc[1][1] = bias[1];
      bias += 2;
    }
    dot_pair_2x2(weights, columns, groups, acc);
    weights += pair_values;
    store_pair_int8(Int8Requantization(*multiplier, *shift, zero, lo, hi), acc[0][0], acc[0][1], low, high, out);
    multiplier += constants_step, shift += constants_step, out += plane;
    if (left > 1) {
      store_pair_int8(Int8Requantization(*multiplier, *shift, zero, lo, hi), acc[1][0], acc[1][1], low, high, out);
      multiplier += constants_step, shift += constants_step, out += plane;
    }
  }
}
#endif

// The `count` (1 or 2) outputs of every channel of a group at a pixel pair whose columns are
// built (blocks of one pair).
template <class Y, class W>
MOTE_NOINLINE void pixel_pair_outputs(const GroupOutputs<W>& group, const int16_t* MOTE_RESTRICT columns, int32_t count, Y* MOTE_RESTRICT y) {
  const GroupOutputs<W> o = group;  // a copy the int8 stores cannot alias: its fields stay in registers
#if defined(MOTE_DSP)
  if constexpr (sizeof(Y) == 1)
    if (o.int8_form && count == 2) return pixel_pair_int8_outputs(o, columns, reinterpret_cast<int8_t*>(y));
#endif
  for (int32_t i = 0; i < o.channels; i += 2) {
    int32_t acc[2][2];
    channel_pair_sums(o, i, columns, acc);
    const int32_t m = o.first_channel + i, r0 = o.per_channel ? m : 0, r1 = o.per_channel ? m + 1 : 0;
    Y* const out = y + m * o.out_plane;
    requantize_two(acc[0], count, o.multiplier[r0], o.shift[r0], o.zero, o.lo, o.hi, out);
    if (i + 1 < o.channels) requantize_two(acc[1], count, o.multiplier[r1], o.shift[r1], o.zero, o.lo, o.hi, out + o.out_plane);
  }
}

// The `count` outputs of every channel of a group at a block of pixel pairs whose columns are
// built: per pair of channels, the block's sums first, then each channel's requantization in a
// loop of its own (requantize_row), so that neither loop spills.
template <class Y, class W>
MOTE_NOINLINE void block_outputs(const GroupOutputs<W>& o, const int16_t* MOTE_RESTRICT columns, int32_t count, Y* MOTE_RESTRICT y) {
  int32_t* const sums = o.sums;
  const int32_t sums_row = o.sums_row, half_pair = o.column_pair_values / 2, groups = o.groups_of_four;
  for (int32_t i = 0; i < o.channels; i += 2) {
    const int32_t m = o.first_channel + i;
    const bool two = i + 1 < o.channels;
    const int32_t b0 = o.bias ? o.bias[m] : 0, b1 = o.bias && two ? o.bias[m + 1] : 0;
    const W* const weights = o.weights + (i / 2) * o.pair_values;
    for (int32_t pixel = 0; pixel < count; pixel += 2) {
      int32_t acc[2][2] = {{b0, b0}, {b1, b1}};
      dot_pair_2x2(weights, columns + pixel * half_pair, groups, acc);
      sums[pixel] = acc[0][0];
      sums[pixel + 1] = acc[0][1];
      sums[sums_row + pixel] = acc[1][0];
      sums[sums_row + pixel + 1] = acc[1][1];
    }
    const int32_t r0 = o.per_channel ? m : 0, r1 = o.per_channel ? m + 1 : 0;
    Y* const out = y + m * o.out_plane;
    requantize_row(sums, count, o.multiplier[r0], o.shift[r0], o.zero, o.lo, o.hi, out);
    if (two) requantize_row(sums + sums_row, count, o.multiplier[r1], o.shift[r1], o.zero, o.lo, o.hi, out + o.out_plane);
  }
}

}  // namespace s8

// Whether qconv_s8 needs a table of tap offsets: windows of more than one tap. (A 1x1
// window's taps are one input plane apart.)
inline bool qconv_s8_needs_tap_offsets(const ConvParams& p) { return p.kernel[0] * p.kernel[1] * p.kernel[2] > 1; }

// The offsets qconv_s8 reads its windows with (compile time): for each weight k (channel,
// kd, kh, kw) of a group, the input offset of its tap from the window's first one, padded to
// whole groups of four.
inline void qconv_s8_tap_offsets(const ConvParams& p, int32_t* offsets) {
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  int32_t k = 0;
  for (int32_t c = 0; c < p.in_channels / p.groups; ++c)
    for (int32_t kd = 0; kd < p.kernel[0]; ++kd)
      for (int32_t kh = 0; kh < p.kernel[1]; ++kh)
        for (int32_t kw = 0; kw < p.kernel[2]; ++kw)
          offsets[k++] = c * in_plane + (kd * p.dilation[0] * p.in_size[1] + kh * p.dilation[1]) * p.in_size[2] + kw * p.dilation[2];
  while (k < s8::padded_depth(k)) offsets[k++] = 0;
}

inline int32_t qconv_s8_tap_offset_count(const ConvParams& p) {
  return s8::padded_depth(p.in_channels / p.groups * p.kernel[0] * p.kernel[1] * p.kernel[2]);
}

// The most pixel pairs qconv_s8 may build columns for before it runs the weights over them
// (QConvParams::block_pairs). Blocks let each output channel's requantization constants be
// worked out once per block instead of once per pair (they cost as much as an 8-deep dot
// product); beyond 2 KiB of columns or 32 pairs they gain nothing measurable, nor beyond the
// output plane's pairs. At least one.
inline int32_t qconv_s8_max_block_pairs(const ConvParams& p) {
  const int32_t pair_bytes = 2 * s8::padded_depth(p.in_channels / p.groups * p.kernel[0] * p.kernel[1] * p.kernel[2]) * 2;
  const int32_t plane_pairs = (p.out_size[0] * p.out_size[1] * p.out_size[2] + 1) / 2;
  int32_t pairs = 2048 / pair_bytes;
  if (pairs > 32) pairs = 32;
  if (pairs > plane_pairs) pairs = plane_pairs;
  return pairs < 1 ? 1 : pairs;
}

// Scratch bytes qconv_s8 needs for blocks of `pairs` pixel pairs: their interleaved columns, and
// the int32 sums of two output channels over a block. The compiler picks the largest block the
// arena has room for (plan_memory).
inline int64_t qconv_s8_scratch_bytes(const ConvParams& p, int32_t pairs) {
  return pairs * 2 * static_cast<int64_t>(s8::padded_depth(p.in_channels / p.groups * p.kernel[0] * p.kernel[1] * p.kernel[2])) *
             static_cast<int64_t>(sizeof(int16_t)) +
         pairs * 4 * static_cast<int64_t>(sizeof(int32_t));
}

// QLinearConv with int8 weights whose zero points are all 0 (X, Y: int8, or int16 with zero
// points of 0); `w` holds the weight rows packed as s8::PackedRows says (W = int8: reordered;
// int16: widened, in order) and `tap_offsets` the window's taps (qconv_s8_tap_offsets; null for
// 1x1 windows). Pixels are processed in blocks of q.block_pairs pairs (at least one), each block
// read before any of its outputs is written, so a 1x1 convolution with stride 1 and no padding
// may run in place (y == x).
template <class X, class Y, class W = int8_t>
void qconv_s8(const QConvParams& q, const X* x, const X* MOTE_RESTRICT x_zero, const W* MOTE_RESTRICT w,
              const int8_t* MOTE_RESTRICT w_zero, const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
              const int32_t* MOTE_RESTRICT shift, const Y* MOTE_RESTRICT y_zero, Y* y, const int32_t* MOTE_RESTRICT tap_offsets,
              int16_t* MOTE_RESTRICT columns) {
  (void)w_zero;  // all zero: the compiler picks this kernel only then
  const ConvParams& p = q.conv;
  const int32_t cin_g = p.in_channels / p.groups, cout_g = p.out_channels / p.groups;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t depth = cin_g * p.kernel[0] * p.kernel[1] * p.kernel[2];
  const int32_t groups_of_four = s8::padded_depth(depth) / 4, pair_values = s8::PackedRows::pair_values(depth);
  const int32_t block_pairs = q.block_pairs > 1 ? q.block_pairs : 1, column_pair_values = 2 * s8::padded_depth(depth);
  // After the columns: two rows (output channels) of 2 * block_pairs int32 sums.
  int32_t* const sums = reinterpret_cast<int32_t*>(columns + block_pairs * column_pair_values);
  const int32_t xz = zero_of(x_zero), yz = zero_of(y_zero);
  // A 1x1 window with unit strides and no padding: output pixel i reads offset i of each plane
  // (int8 inputs: build_pointwise_pair reads two at once; int16 ones gain nothing from it).
  const bool pointwise = sizeof(X) == 1 && p.kernel[0] * p.kernel[1] * p.kernel[2] == 1 && p.stride[0] == 1 && p.stride[1] == 1 &&
                         p.stride[2] == 1 && p.pad_begin[0] == 0 && p.pad_begin[1] == 0 && p.pad_begin[2] == 0 && out_plane == in_plane;
  const bool per_channel = q.requant_count != 1;
  const bool int8_form = s8::int8_requantization_applies<Y>(multiplier, shift, q.requant_count);
  const int32_t lo = q.act_min, hi = q.act_max;  // locals: the int8 stores would force reloads of q's fields
  // Offsets are int32: a tensor on a microcontroller is far below 2 GiB, and 64-bit index
  // arithmetic costs several instructions per output on 32-bit cores.
  for (int32_t n = 0; n < p.batch; ++n)
    for (int32_t g = 0; g < p.groups; ++g) {
      const X* xg = x + (n * p.in_channels + g * cin_g) * in_plane;
      // Weight pairs restart in every group (the compiler packs each group's rows apart).
      const s8::GroupOutputs<W> outputs{w + g * ((cout_g + 1) / 2) * pair_values, pair_values, groups_of_four, cout_g, g * cout_g, bias,
                                     multiplier, shift, per_channel, int8_form, yz, lo, hi, out_plane, sums, 2 * block_pairs,
                                     column_pair_values};
      for (int32_t block = 0; block < out_plane; block += 2 * block_pairs) {
        const int32_t block_end = block + 2 * block_pairs < out_plane ? block + 2 * block_pairs : out_plane;
        for (int32_t pixel = block; pixel < block_end; pixel += 2) {
          int16_t* pair_columns = columns + (pixel - block) * column_pair_values / 2;
          if (pointwise && pixel + 1 < out_plane) {
            s8::build_pointwise_pair(xg + pixel, xz, in_plane, depth, pair_columns);
            continue;
          }
          s8::fill_column(p, xg, xz, tap_offsets, depth, pixel, pair_columns, 0);
          s8::fill_column(p, xg, xz, tap_offsets, depth, pixel + 1 < out_plane ? pixel + 1 : pixel, pair_columns, 1);
        }
        Y* const out = y + n * p.out_channels * out_plane + block;
        // Blocks of one pair (deep windows, or no room for more columns), and short blocks whose
        // outputs take Int8Requantization either way: pair by pair, each channel's two outputs
        // stored together, is then faster than sums kept for the block.
        if (block_pairs == 1 || (int8_form && block_end - block < 8))
          for (int32_t pixel = block; pixel < block_end; pixel += 2)
            s8::pixel_pair_outputs(outputs, columns + (pixel - block) * column_pair_values / 2,
                                   block_end - pixel < 2 ? block_end - pixel : 2, out + (pixel - block));
        else
          s8::block_outputs(outputs, columns, block_end - block, out);
      }
    }
}

namespace s8 {

// Outputs j .. j + 2 Pairs - 1 (those below `columns`) of one row of a fully connected layer.
template <int Pairs, class X, class Y, class W>
inline void fully_connected_outputs(const X* MOTE_RESTRICT row, int32_t zero, int32_t depth, const W* MOTE_RESTRICT pairs,
                                    const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
                                    const int32_t* MOTE_RESTRICT shift, bool per_channel, int32_t y_zero, int32_t lo, int32_t hi,
                                    Y* MOTE_RESTRICT out, int32_t j, int32_t columns) {
  int32_t acc[2 * Pairs];
  for (int r = 0; r < 2 * Pairs; ++r) acc[r] = bias && j + r < columns ? bias[j + r] : 0;
  dot_pairs_row<Pairs>(pairs, PackedRows::pair_values(depth), row, zero, depth, acc);
  // One output per channel: requantize_output directly (ChannelRequantizer's constants would
  // be worked out for a single use).
  for (int r = 0; r < 2 * Pairs && j + r < columns; ++r) {
    const int32_t at = per_channel ? j + r : 0;
    out[j + r] = requantize_output<Y>(acc[r], multiplier[at], shift[at], y_zero, lo, hi);
  }
}

}  // namespace s8

// QGemm (a fully connected layer) with int8 weights whose zero points are 0: y[i, j] =
// requantized bias[j] + sum over k of (a[i, k] - a_zero) * w[j, k], where `w` holds the n weight
// rows packed as s8::PackedRows says (the compiler transposes them when transB = 0): natural
// order for int8 activations, widened as they are read; reordered for int16 ones (zero point
// 0, sums that fit int32), read as they are. W = int16 (int8 activations only): the weights
// widened, reordered to meet the activations' (v0, v2) (v1, v3) halves. Weight rows are taken
// four at a time.
template <class X, class Y, class W = int8_t>
void qfully_connected_s8(const QMatMulParams& p, const X* MOTE_RESTRICT a, const X* MOTE_RESTRICT a_zero, const W* MOTE_RESTRICT w,
                         const int8_t* MOTE_RESTRICT w_zero, const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
                         const int32_t* MOTE_RESTRICT shift, const Y* MOTE_RESTRICT y_zero, Y* MOTE_RESTRICT y) {
  static_assert(sizeof(W) == 1 || sizeof(X) == 1, "widened weights with int8 activations");
  (void)w_zero;  // all zero: the compiler picks this kernel only then
  const int32_t az = zero_of(a_zero), yz = zero_of(y_zero), pair_values = s8::PackedRows::pair_values(p.k);
  const bool per_channel = p.requant_count != 1;
  const int32_t lo = p.act_min, hi = p.act_max, rows = p.m, columns = p.n, depth = p.k;  // locals, as in qconv_s8
  for (int32_t i = 0; i < rows; ++i) {
    // Four weight rows at a time while there are four, then the last pair.
    int32_t j = 0;
    for (; j + 4 <= columns; j += 4)
      s8::fully_connected_outputs<2>(a + i * depth, az, depth, w + (j / 2) * pair_values, bias, multiplier, shift, per_channel, yz, lo, hi,
                                     y + i * columns, j, columns);
    if (j < columns)
      s8::fully_connected_outputs<1>(a + i * depth, az, depth, w + (j / 2) * pair_values, bias, multiplier, shift, per_channel, yz, lo, hi,
                                     y + i * columns, j, columns);
  }
}

namespace s8 {

// Input rows (or columns) the outputs of a depthwise convolution reach, padding included.
inline int32_t reach(int32_t outputs, int32_t stride, int32_t kernel, int32_t dilation) {
  return (outputs - 1) * stride + (kernel - 1) * dilation + 1;
}

// Weight pairs (w[k], w[k+1]) of each kernel row packed as two int16, for __smlad.
constexpr int32_t kMaxDepthwisePairs = 64;

// One depthwise output: the taps of a kernel_h x kernel_w window whose top-left corner is
// `origin` in the padded plane (`cols` wide).
inline int32_t depthwise_window(const int16_t* MOTE_RESTRICT origin, int32_t cols, int32_t kernel_h, int32_t kernel_w,
                                int32_t dilation_h, int32_t dilation_w, const int8_t* MOTE_RESTRICT weights,
                                const int32_t* MOTE_RESTRICT pairs, int32_t acc) {
  for (int32_t kh = 0; kh < kernel_h; ++kh) {
    const int16_t* tap = origin + kh * dilation_h * cols;
    const int8_t* row = weights + kh * kernel_w;
    int32_t kw = 0;
#if defined(MOTE_DSP)
    if (dilation_w == 1)
      for (; kw + 2 <= kernel_w; kw += 2) {
        int32_t two;
        __builtin_memcpy(&two, tap + kw, 4);
        acc = __smlad(pairs[kh * (kernel_w / 2) + kw / 2], two, acc);
      }
#else
    (void)pairs;
#endif
    for (; kw < kernel_w; ++kw) acc += static_cast<int32_t>(row[kw]) * tap[kw * dilation_w];
  }
  return acc;
}

// A 3x3 window's weights in registers: per row, the first two as a packed pair (for __smlad)
// and the third alone.
struct Taps3x3 {
  int32_t pair[3];
  int32_t third[3];
};

inline Taps3x3 taps_3x3(const int8_t* MOTE_RESTRICT weights, const int32_t* MOTE_RESTRICT pairs) {
  Taps3x3 taps;
  for (int32_t row = 0; row < 3; ++row) {
    taps.pair[row] = pairs[row];
    taps.third[row] = weights[row * 3 + 2];
  }
  return taps;
}

// One row of a 3-tap window: the pair (one __smlad) and the single tap. Without DSP
// instructions the pair is unpacked from its two int16 halves.
inline int32_t depthwise_row_3(const int16_t* MOTE_RESTRICT tap, int32_t pair, int32_t third, int32_t acc) {
#if defined(MOTE_DSP)
  int32_t two;
  __builtin_memcpy(&two, tap, 4);
  acc = __smlad(pair, two, acc);
#else
  acc += static_cast<int16_t>(pair & 0xFFFF) * tap[0] + static_cast<int16_t>(static_cast<uint32_t>(pair) >> 16) * tap[1];
#endif
  return acc + third * tap[2];
}

// depthwise_window for the common 3x3 kernel without dilation, written out row by row (the
// compiler does not unroll the general loop).
inline int32_t depthwise_window_3x3(const int16_t* MOTE_RESTRICT origin, int32_t cols, const Taps3x3& taps, int32_t acc) {
  acc = depthwise_row_3(origin, taps.pair[0], taps.third[0], acc);
  acc = depthwise_row_3(origin + cols, taps.pair[1], taps.third[1], acc);
  return depthwise_row_3(origin + 2 * cols, taps.pair[2], taps.third[2], acc);
}

// dst[k] = src[k] - zero for k < count, for `rows` rows (`src_step` and `dst_step` elements
// apart): the input rows of a depthwise plane. One function for all rows, so that its constants
// are worked out once per plane rather than once per row (rows are short: 5 values in kws), and
// out of line, so that its loops keep their pointers in registers.
template <class X>
MOTE_NOINLINE void widen_rows(const X* MOTE_RESTRICT src, int32_t src_step, int32_t zero, int32_t count, int32_t rows,
                              int16_t* MOTE_RESTRICT dst, int32_t dst_step) {
#if defined(MOTE_DSP)
  const int32_t offset = in_both_halves(-zero), whole = count & ~3;  // int8: four values per step, 7 instructions instead of 12
#endif
  for (const X* const last = src + rows * src_step; src != last; src += src_step, dst += dst_step) {
    const X* in = src;
    int16_t* out = dst;
#if defined(MOTE_DSP)
    if constexpr (sizeof(X) == 1 && X(-1) < X(0))
      for (const X* const words_end = src + whole; in != words_end; in += 4, out += 4) {
        uint32_t word;
        __builtin_memcpy(&word, in, 4);
        const int32_t even = __sxtab16(offset, static_cast<int32_t>(word)), odd = sxtab16_odd(offset, word);  // (v0, v2), (v1, v3)
        const int32_t low = pack_halves(even, odd), high = pack_high_halves(even, odd);                       // (v0, v1), (v2, v3)
        __builtin_memcpy(out, &low, 4);
        __builtin_memcpy(out + 2, &high, 4);
      }
#endif
    for (const X* const end = src + count; in != end; ++in, ++out) *out = static_cast<int16_t>(*in - zero);
  }
}

// Columns of qdepthwise_conv_s8's padded plane: the reach of a row of an even number of
// outputs (row sums are computed in pairs: an odd row's extra output reads padding), rounded
// up to even so that every row starts 4-byte aligned (ldrd reads two pairs of taps at once).
inline int32_t depthwise_plane_cols(const ConvParams& p) {
  return (reach((p.out_size[2] + 1) & ~1, p.stride[2], p.kernel[2], p.dilation[2]) + 1) & ~1;
}

// Whether qdepthwise_conv_s8 sums output rows before it requantizes them (on DSP cores; the
// plain C form requantizes each sum as it is made, which is faster there): 3x3 windows without
// dilation, a column stride of 1 or 2.
inline bool depthwise_row_sums(const ConvParams& p) {
  return p.kernel[1] == 3 && p.kernel[2] == 3 && p.dilation[1] == 1 && p.dilation[2] == 1 && (p.stride[2] == 1 || p.stride[2] == 2);
}

// The output rows it sums before each requantization loop: at least 32 outputs, so that the
// loop's set-up is about one instruction per output, a multiple of 4 where a few more rows
// make one (the loop takes four outputs per step), and at most the plane's rows.
inline int32_t depthwise_block_rows(const ConvParams& p) {
  int32_t rows = (32 + p.out_size[2] - 1) / p.out_size[2];
  for (int32_t more = 0; more < 3 && rows * p.out_size[2] % 4 != 0; ++more) ++rows;
  return rows < p.out_size[1] ? rows : p.out_size[1];
}

// The sums of `rows` output rows of `width` outputs, rows `row_step` taps apart in the padded
// plane (`cols` wide) starting at `top`: sums[r * width + j] = bias + the 3x3 window of output
// j of row r, whose top-left tap is `Stride * j` taps after its row's start. On DSP cores, in
// assembly, two outputs per step, 25 instructions per pair: each window row is read as two
// words (ldrd: taps t0..t3; `top`, `cols` and `row_step` even), t0 t1 and t1 t2 (or t2 t3)
// meet the packed weight pair in __smlad (__smladx for the swapped t2 t1), the third taps in
// the halfword multiplies. An odd row's extra sum (its last pair reads padding) is overwritten
// by the next row's first; the last row's lands in sums[rows * width]. The weights fill 4
// registers (the three pairs, and the first two rows' third taps as one word), so the loop
// takes 12 registers (as many as -O0 leaves, with r7 the frame pointer) and reads the rest from
// memory: the last third tap, the bias, and between rows the steps to the next one.
#if defined(MOTE_DSP)
template <int Stride>
inline void depthwise_3x3_block_sums(const int16_t* MOTE_RESTRICT top, int32_t cols, int32_t row_step, const Taps3x3& taps, int32_t bias,
                                     int32_t* MOTE_RESTRICT sums, int32_t width, int32_t rows) {
  static_assert(Stride == 1 || Stride == 2, "column strides 1 and 2");
  const int32_t pairs = (width + 1) / 2;
  if (pairs == 0 || rows == 0) return;
  const int16_t *row0 = top, *row1 = top + cols, *row2 = top + 2 * cols;
  const int32_t thirds = static_cast<int32_t>((static_cast<uint32_t>(taps.third[0]) & 0xFFFFu) | (static_cast<uint32_t>(taps.third[1]) << 16));
  const int32_t last_third = taps.third[2];
  // In bytes: back over an odd row's extra sum, from where a row's taps end to the next row's
  // start, and the sums a row writes.
  const int32_t odd_back = (width & 1) * 4, row_skip = (row_step - Stride * 2 * pairs) * 2, row_span = pairs * 8;
  const int32_t* row_end = sums + 2 * pairs;
  const int32_t* const block_end = sums + rows * width;
  int32_t out0, out1, a, b;
#define MOTE_DEPTHWISE_NEXT_ROW            \
  "strd %[out0], %[out1], [%[sums]], #8\n" \
  "ldr %[a], %[row_end]\n"                 \
  "cmp %[sums], %[a]\n"                    \
  "bne 1b\n"                               \
  "ldr %[b], %[odd_back]\n"                \
  "sub %[sums], %[sums], %[b]\n"           \
  "ldr %[b], %[row_skip]\n"                \
  "add %[row0], %[row0], %[b]\n"           \
  "add %[row1], %[row1], %[b]\n"           \
  "add %[row2], %[row2], %[b]\n"           \
  "ldr %[b], %[row_span]\n"                \
  "add %[a], %[sums], %[b]\n"              \
  "str %[a], %[row_end]\n"                 \
  "ldr %[b], %[block_end]\n"               \
  "cmp %[sums], %[b]\n"                    \
  "bne 1b\n"
#define MOTE_DEPTHWISE_OPERANDS                                                                                                     \
  : [row0] "+r"(row0), [row1] "+r"(row1), [row2] "+r"(row2), [sums] "+r"(sums), [out0] "=&r"(out0), [out1] "=&r"(out1), [a] "=&r"(a), \
    [b] "=&r"(b), [row_end] "+m"(row_end)                                                                                          \
  : [pair0] "r"(taps.pair[0]), [pair1] "r"(taps.pair[1]), [pair2] "r"(taps.pair[2]), [thirds] "r"(thirds),                         \
    [last_third] "m"(last_third), [bias] "m"(bias), [odd_back] "m"(odd_back), [row_skip] "m"(row_skip), [row_span] "m"(row_span),   \
    [block_end] "m"(block_end)                                                                                                     \
  : "cc", "memory"
  if constexpr (Stride == 1) {
#define MOTE_DEPTHWISE_ROW_S1(row, pair, load_third, third, half) \
  "ldrd %[a], %[b], [%[" row "]], #4\n"                         \
  "smlad %[out0], %[a], %[" pair "], %[out0]\n"                 \
  "pkhbt %[a], %[b], %[a]\n"                                    \
  "smladx %[out1], %[a], %[" pair "], %[out1]\n" load_third     \
  "smlab" half " %[out0], %[b], %[" third "], %[out0]\n"        \
  "smlat" half " %[out1], %[b], %[" third "], %[out1]\n"
    __asm__ volatile(
        "1:\n"
        "ldr %[out0], %[bias]\n"
        "mov %[out1], %[out0]\n"
        MOTE_DEPTHWISE_ROW_S1("row0", "pair0", "", "thirds", "b")
        MOTE_DEPTHWISE_ROW_S1("row1", "pair1", "", "thirds", "t")
        MOTE_DEPTHWISE_ROW_S1("row2", "pair2", "ldr %[a], %[last_third]\n", "a", "b")
        MOTE_DEPTHWISE_NEXT_ROW
        MOTE_DEPTHWISE_OPERANDS);
#undef MOTE_DEPTHWISE_ROW_S1
  } else {
    // Outputs 2k and 2k + 1 read taps t0..t4 of each row: t0 t1 and t2 t3 meet the pair, t2
    // and t4 the third tap.
#define MOTE_DEPTHWISE_ROW_S2(row, pair, half)            \
  "ldrd %[a], %[b], [%[" row "]], #8\n"                  \
  "smlad %[out0], %[a], %[" pair "], %[out0]\n"          \
  "smlad %[out1], %[b], %[" pair "], %[out1]\n"          \
  "ldrsh %[a], [%[" row "]]\n"                           \
  "smlab" half " %[out0], %[b], %[thirds], %[out0]\n"    \
  "smlab" half " %[out1], %[a], %[thirds], %[out1]\n"
    __asm__ volatile(
        "1:\n"
        "ldr %[out0], %[bias]\n"
        "mov %[out1], %[out0]\n"
        MOTE_DEPTHWISE_ROW_S2("row0", "pair0", "b")
        MOTE_DEPTHWISE_ROW_S2("row1", "pair1", "t")
        "ldrd %[a], %[b], [%[row2]], #8\n"
        "smlad %[out0], %[a], %[pair2], %[out0]\n"
        "smlad %[out1], %[b], %[pair2], %[out1]\n"
        "ldr %[a], %[last_third]\n"
        "smlabb %[out0], %[b], %[a], %[out0]\n"
        "ldrsh %[b], [%[row2]]\n"
        "smlabb %[out1], %[b], %[a], %[out1]\n"
        MOTE_DEPTHWISE_NEXT_ROW
        MOTE_DEPTHWISE_OPERANDS);
#undef MOTE_DEPTHWISE_ROW_S2
  }
#undef MOTE_DEPTHWISE_OPERANDS
#undef MOTE_DEPTHWISE_NEXT_ROW
}
#endif

// Whether int32 sums of int16 values times int8 `weights` (`rows` rows of `depth`) plus
// `bias` stay exact: |bias| + 32768 * sum |w| below 2^31 for every row, so the fast kernels'
// int32 accumulators (and __smlad) cannot overflow on int16 activations.
inline bool fits_int32_sums(const int8_t* weights, int32_t rows, int32_t depth, const int32_t* bias) {
  for (int32_t r = 0; r < rows; ++r) {
    int64_t reach = bias ? (bias[r] < 0 ? -static_cast<int64_t>(bias[r]) : bias[r]) : 0;
    for (int32_t k = 0; k < depth; ++k) reach += 32768 * static_cast<int64_t>(weights[r * depth + k] < 0 ? -weights[r * depth + k] : weights[r * depth + k]);
    if (reach > numeric_limits<int32_t>::max()) return false;
  }
  return true;
}

}  // namespace s8

// Whether qdepthwise_conv_s8 handles these parameters: a 2-D depthwise convolution with one
// output channel per input channel and a kernel of at most 2 x kMaxDepthwisePairs taps per row pair.
inline bool qdepthwise_conv_s8_supports(const ConvParams& p) {
  return p.groups == p.in_channels && p.out_channels == p.in_channels && p.in_size[0] == 1 && p.kernel[0] == 1 &&
         p.kernel[1] * (p.kernel[2] / 2) <= s8::kMaxDepthwisePairs;
}

// Scratch bytes qdepthwise_conv_s8 needs: one padded int16 plane and, where it sums output rows
// first, a block of rows' int32 sums and the odd row's extra one (reserved for every core: the
// generated code is the same for all, and only DSP builds use them).
inline int64_t qdepthwise_conv_s8_scratch_bytes(const ConvParams& p) {
  const int64_t plane = static_cast<int64_t>(s8::reach(p.out_size[1], p.stride[1], p.kernel[1], p.dilation[1])) * s8::depthwise_plane_cols(p);
  const int64_t sums = s8::depthwise_row_sums(p) ? static_cast<int64_t>(s8::depthwise_block_rows(p)) * p.out_size[2] + 1 : 0;
  return plane * static_cast<int64_t>(sizeof(int16_t)) + sums * static_cast<int64_t>(sizeof(int32_t));
}

// Depthwise QLinearConv with int8 weights whose zero points are 0 (X, Y as for qconv_s8).
// Each channel's input plane is first copied into `plane` minus the input zero point and
// surrounded by its zero padding, so no tap needs a bounds check and the output may overwrite
// the input (y == x). On DSP cores 3x3 windows are summed a block of rows at a time and then
// requantized together (s8::depthwise_3x3_block_sums, ChannelRequantizer::run).
template <class X, class Y>
void qdepthwise_conv_s8(const QConvParams& q, const X* x, const X* MOTE_RESTRICT x_zero, const int8_t* MOTE_RESTRICT w,
                        const int8_t* MOTE_RESTRICT w_zero, const int32_t* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT multiplier,
                        const int32_t* MOTE_RESTRICT shift, const Y* MOTE_RESTRICT y_zero, Y* y, int16_t* MOTE_RESTRICT plane) {
  (void)w_zero;  // all zero: the compiler picks this kernel only then
  const ConvParams& p = q.conv;
  const int32_t in_h = p.in_size[1], in_w = p.in_size[2], out_h = p.out_size[1], out_w = p.out_size[2];
  const int32_t kernel_h = p.kernel[1], kernel_w = p.kernel[2];
  const int32_t rows = s8::reach(out_h, p.stride[1], kernel_h, p.dilation[1]);
  const int32_t reach_cols = s8::reach(out_w, p.stride[2], kernel_w, p.dilation[2]), cols = s8::depthwise_plane_cols(p);
  const int32_t xz = zero_of(x_zero), yz = zero_of(y_zero);
  const bool unit_3x3 = kernel_h == 3 && kernel_w == 3 && p.dilation[1] == 1 && p.dilation[2] == 1;
#if defined(MOTE_DSP)
  const bool row_sums = s8::depthwise_row_sums(p);
  const int32_t block_rows = s8::depthwise_block_rows(p);
  // After the plane (a whole number of int32: cols is even), the block of sums.
  int32_t* const sums = reinterpret_cast<int32_t*>(plane + rows * cols);
#endif
  int32_t pairs[s8::kMaxDepthwisePairs];
  // Every channel's values land on the same positions of the plane, so its padding is zeroed
  // once.
  for (int32_t k = 0; k < rows * cols; ++k) plane[k] = 0;
  const int32_t first_row = p.pad_begin[1] > 0 ? p.pad_begin[1] : 0, first_col = p.pad_begin[2] > 0 ? p.pad_begin[2] : 0;
  const int32_t count = (reach_cols < in_w + p.pad_begin[2] ? reach_cols : in_w + p.pad_begin[2]) - first_col;
  const int32_t input_rows = (rows < in_h + p.pad_begin[1] ? rows : in_h + p.pad_begin[1]) - first_row;
  for (int32_t i = 0; i < p.batch * p.in_channels; ++i) {
    const int32_t c = i % p.in_channels;
    const X* xc = x + i * in_h * in_w;
    s8::widen_rows(xc + (first_row - p.pad_begin[1]) * in_w + (first_col - p.pad_begin[2]), in_w, xz, count, input_rows,
                   plane + first_row * cols + first_col, cols);
    const int8_t* wc = w + c * kernel_h * kernel_w;
    for (int32_t kh = 0; kh < kernel_h; ++kh)
      for (int32_t kw = 0; kw + 2 <= kernel_w; kw += 2)
        pairs[kh * (kernel_w / 2) + kw / 2] = static_cast<int32_t>((static_cast<uint32_t>(static_cast<uint16_t>(wc[kh * kernel_w + kw]))) |
                                                                   (static_cast<uint32_t>(static_cast<uint16_t>(wc[kh * kernel_w + kw + 1])) << 16));
    const int32_t acc0 = bias ? bias[c] : 0;
    const int32_t r = q.requant_count == 1 ? 0 : c;
    Y* out = y + i * out_h * out_w;
    // Everything the loops read is in locals: stores through int8_t* may alias any object, so
    // GCC would reload fields and captured variables after every output.
    const ChannelRequantizer<Y> requant(multiplier[r], shift[r], yz, q.act_min, q.act_max);
    const int32_t row_step = p.stride[1] * cols, col_step = p.stride[2];
#if defined(MOTE_DSP)
    if (row_sums) {
      // Blocks of rows' sums, then their requantization in one loop (ChannelRequantizer::run):
      // the window loop then holds the weights in registers, and the requantization its
      // constants.
      const s8::Taps3x3 taps = s8::taps_3x3(wc, pairs);
      for (int32_t oh = 0; oh < out_h; oh += block_rows) {
        const int32_t block = out_h - oh < block_rows ? out_h - oh : block_rows;
        if (col_step == 1)
          s8::depthwise_3x3_block_sums<1>(plane + oh * row_step, cols, row_step, taps, acc0, sums, out_w, block);
        else
          s8::depthwise_3x3_block_sums<2>(plane + oh * row_step, cols, row_step, taps, acc0, sums, out_w, block);
        requant.run(sums, block * out_w, out);
        out += block * out_w;
      }
      continue;
    }
#endif
    if (unit_3x3) {
      const s8::Taps3x3 taps = s8::taps_3x3(wc, pairs);
      auto all_outputs = [&](const auto& store) {
        for (int32_t oh = 0; oh < out_h; ++oh) {
          const int16_t* origin = plane + oh * row_step;
          for (int32_t ow = 0; ow < out_w; ++ow, origin += col_step) *out++ = store(s8::depthwise_window_3x3(origin, cols, taps, acc0));
        }
      };
      if (requant.fast())  // the test out of the loop: fewer registers in it
        all_outputs([&](int32_t acc) { return requant.fast_form(acc); });
      else
        all_outputs(requant);
    } else {
      const int32_t dilation_h = p.dilation[1], dilation_w = p.dilation[2];
      for (int32_t oh = 0; oh < out_h; ++oh) {
        const int16_t* origin = plane + oh * row_step;
        for (int32_t ow = 0; ow < out_w; ++ow, origin += col_step)
          *out++ = requant(s8::depthwise_window(origin, cols, kernel_h, kernel_w, dilation_h, dilation_w, wc, pairs, acc0));
      }
    }
  }
}

}  // namespace mote

#endif  // MOTE_QCONV_S8_H
