// Float convolutions over 1 to 3 spatial dims (NCHW / NCDHW), with groups, strides,
// dilations and asymmetric padding. Shorter ranks are handled as 3-D with leading size-1
// dims, so one loop nest serves Conv1d/2d/3d. Blocked so that each loaded value serves
// several multiply-accumulates (output channels, pixels); int8 kernels for cores with DSP
// instructions live in qconv_s8.h.
#ifndef MOTE_CONV_H
#define MOTE_CONV_H

#include "mote/activation.h"
#include "mote/base.h"

namespace mote {

struct ConvParams {
  int32_t batch;
  int32_t in_channels;
  int32_t out_channels;
  int32_t groups;
  int32_t in_size[3];  // D, H, W (leading dims 1 for 1-D / 2-D)
  int32_t out_size[3];
  int32_t kernel[3];
  int32_t stride[3];
  int32_t dilation[3];
  int32_t pad_begin[3];
  Activation activation;  // fused into the store
  template <class F>
  void each(F& f) const {
    f("batch", batch);
    f("in_channels", in_channels);
    f("out_channels", out_channels);
    f("groups", groups);
    f("in_size", in_size);
    f("out_size", out_size);
    f("kernel", kernel);
    f("stride", stride);
    f("dilation", dilation);
    f("pad_begin", pad_begin);
    f("activation", activation);
  }
};

// First and one-past-last kernel tap whose input coordinate o*stride - pad + k*dilation lies
// in [0, size).
inline void conv_tap_range(int32_t o, int32_t stride, int32_t pad, int32_t dilation, int32_t kernel,
                           int32_t size, int32_t& begin, int32_t& end) {
  const int32_t origin = o * stride - pad;
  begin = 0;
  if (origin < 0) begin = (-origin + dilation - 1) / dilation;
  end = kernel;
  const int32_t limit = size - origin;  // need k*dilation < limit
  if (limit <= 0) {
    end = 0;
  } else {
    const int32_t max_taps = (limit + dilation - 1) / dilation;
    if (max_taps < end) end = max_taps;
  }
  if (begin > end) begin = end;
}

// Output channels m0 .. m0 + B - 1 (one group) of conv() below, at output pixels ow and, when
// `pair`, ow + 1, whose windows both span taps kw0 .. kw1 - 1 along W: each input value loaded
// serves the B channels and each weight loaded the two pixels. The sum for each output runs
// in the same order as a one-channel, one-pixel loop.
template <int B, class T>
void conv_block_at(const ConvParams& p, const T* MOTE_RESTRICT xg, const T* MOTE_RESTRICT wm, const T* MOTE_RESTRICT bias, int32_t m0,
                   int32_t od, int32_t oh, int32_t ow, bool pair, int32_t kd0, int32_t kd1, int32_t kh0, int32_t kh1, int32_t kw0,
                   int32_t kw1, T* MOTE_RESTRICT yn) {
  using A = acc_t<T>;
  const int32_t cin_g = p.in_channels / p.groups;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t k_plane = p.kernel[0] * p.kernel[1] * p.kernel[2];
  const int32_t filter = cin_g * k_plane, next_pixel = p.stride[2], dilation_w = p.dilation[2];
  const int32_t id0 = od * p.stride[0] - p.pad_begin[0];
  const int32_t ih0 = oh * p.stride[1] - p.pad_begin[1];
  const int32_t iw0 = ow * p.stride[2] - p.pad_begin[2];
  A acc0[B], acc1[B];
  MOTE_UNROLL for (int b = 0; b < B; ++b) acc0[b] = acc1[b] = bias ? convert<A>(bias[m0 + b]) : A(0);
  for (int32_t c = 0; c < cin_g; ++c) {
    const T* xc = xg + c * in_plane;
    const T* wc = wm + c * k_plane;
    for (int32_t kd = kd0; kd < kd1; ++kd) {
      const int32_t id = id0 + kd * p.dilation[0];
      for (int32_t kh = kh0; kh < kh1; ++kh) {
        const int32_t ih = ih0 + kh * p.dilation[1];
        const T* xrow = xc + (id * p.in_size[1] + ih) * p.in_size[2] + iw0;
        const T* wrow = wc + (kd * p.kernel[1] + kh) * p.kernel[2];
        if (pair) {
          for (int32_t kw = kw0; kw < kw1; ++kw) {
            const A v0 = convert<A>(xrow[kw * dilation_w]), v1 = convert<A>(xrow[kw * dilation_w + next_pixel]);
            MOTE_UNROLL for (int b = 0; b < B; ++b) {
              const A weight = convert<A>(wrow[b * filter + kw]);
              acc0[b] += v0 * weight;
              acc1[b] += v1 * weight;
            }
          }
        } else {
          for (int32_t kw = kw0; kw < kw1; ++kw) {
            const A v0 = convert<A>(xrow[kw * dilation_w]);
            MOTE_UNROLL for (int b = 0; b < B; ++b) acc0[b] += v0 * convert<A>(wrow[b * filter + kw]);
          }
        }
      }
    }
  }
  const int32_t at = (od * p.out_size[1] + oh) * p.out_size[2] + ow;
  MOTE_UNROLL for (int b = 0; b < B; ++b) {
    yn[(m0 + b) * out_plane + at] = activate(p.activation, convert<T>(acc0[b]));
    if (pair) yn[(m0 + b) * out_plane + at + 1] = activate(p.activation, convert<T>(acc1[b]));
  }
}

// conv() for output channels m0 .. m0 + B - 1 of one group: pixels two at a time where both
// windows cover the same taps (everywhere but near the padding).
template <int B, class T>
void conv_channel_block(const ConvParams& p, const T* MOTE_RESTRICT xg, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT bias, int32_t m0,
                        T* MOTE_RESTRICT yn) {
  const T* wm = w + static_cast<int64_t>(m0) * (p.in_channels / p.groups) * p.kernel[0] * p.kernel[1] * p.kernel[2];
  for (int32_t od = 0; od < p.out_size[0]; ++od) {
    int32_t kd0, kd1;
    conv_tap_range(od, p.stride[0], p.pad_begin[0], p.dilation[0], p.kernel[0], p.in_size[0], kd0, kd1);
    for (int32_t oh = 0; oh < p.out_size[1]; ++oh) {
      int32_t kh0, kh1;
      conv_tap_range(oh, p.stride[1], p.pad_begin[1], p.dilation[1], p.kernel[1], p.in_size[1], kh0, kh1);
      for (int32_t ow = 0; ow < p.out_size[2];) {
        int32_t kw0, kw1, next0 = 0, next1 = 0;
        conv_tap_range(ow, p.stride[2], p.pad_begin[2], p.dilation[2], p.kernel[2], p.in_size[2], kw0, kw1);
        if (ow + 1 < p.out_size[2])
          conv_tap_range(ow + 1, p.stride[2], p.pad_begin[2], p.dilation[2], p.kernel[2], p.in_size[2], next0, next1);
        const bool pair = ow + 1 < p.out_size[2] && next0 == kw0 && next1 == kw1;
        conv_block_at<B>(p, xg, wm, bias, m0, od, oh, ow, pair, kd0, kd1, kh0, kh1, kw0, kw1, yn);
        ow += pair ? 2 : 1;
      }
    }
  }
}

// y[n, m, o] = bias[m] + sum over c in m's group, k: x[n, c, o*stride - pad + k*dilation] * w[m, c', k],
// four output channels at a time.
template <class T>
void conv(const ConvParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT bias,
          T* MOTE_RESTRICT y) {
  const int32_t cin_g = p.in_channels / p.groups, cout_g = p.out_channels / p.groups;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  for (int32_t n = 0; n < p.batch; ++n) {
    T* yn = y + static_cast<int64_t>(n) * p.out_channels * out_plane;
    for (int32_t g = 0; g < p.groups; ++g) {
      const T* xg = x + (static_cast<int64_t>(n) * p.in_channels + g * cin_g) * in_plane;
      const int32_t end = (g + 1) * cout_g;
      int32_t m = g * cout_g;
      for (; m + 4 <= end; m += 4) conv_channel_block<4>(p, xg, w, bias, m, yn);
      for (; m < end; ++m) conv_channel_block<1>(p, xg, w, bias, m, yn);
    }
  }
}

// Extent of the zero-padded input that the outputs along one dim read, padding included.
inline int32_t conv_reach(int32_t outputs, int32_t stride, int32_t kernel, int32_t dilation) {
  return (outputs - 1) * stride + (kernel - 1) * dilation + 1;
}

// Elements of depthwise_conv_in_place's scratch: one channel's input, zero-padded to the reach.
inline int64_t depthwise_padded_plane(const ConvParams& p) {
  int64_t size = 1;
  for (int d = 0; d < 3; ++d) size *= conv_reach(p.out_size[d], p.stride[d], p.kernel[d], p.dilation[d]);
  return size;
}

// Depthwise convolution (one filter per channel, groups == channels) that may run in place
// (y == x) when an output plane is no larger than an input plane: each input plane is first
// copied, zero-padded, to `padded` (depthwise_padded_plane elements), so writing its output can
// only overwrite planes that were already read, and the taps need no bounds checks. The idea
// is TinyEngine's in-place depthwise.
template <class T>
void depthwise_conv_in_place(const ConvParams& p, const T* x, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT bias, T* y,
                             T* MOTE_RESTRICT padded) {
  using A = acc_t<T>;
  int32_t reach[3];
  for (int d = 0; d < 3; ++d) reach[d] = conv_reach(p.out_size[d], p.stride[d], p.kernel[d], p.dilation[d]);
  const int64_t padded_size = depthwise_padded_plane(p);
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t k_plane = p.kernel[0] * p.kernel[1] * p.kernel[2];
  // The input columns inside the reach: padded w = input w + pad_begin.
  const int32_t w_first = p.pad_begin[2] > 0 ? p.pad_begin[2] : 0;
  const int32_t w_end = p.pad_begin[2] + p.in_size[2] < reach[2] ? p.pad_begin[2] + p.in_size[2] : reach[2];
  for (int64_t c = 0; c < static_cast<int64_t>(p.batch) * p.in_channels; ++c) {
    const int32_t channel = static_cast<int32_t>(c % p.in_channels);
    const T* xc = x + c * in_plane;
    for (int64_t i = 0; i < padded_size; ++i) padded[i] = convert<T>(0.0f);
    for (int32_t d = 0; d < reach[0]; ++d) {
      const int32_t id = d - p.pad_begin[0];
      if (id < 0 || id >= p.in_size[0]) continue;
      for (int32_t h = 0; h < reach[1]; ++h) {
        const int32_t ih = h - p.pad_begin[1];
        if (ih < 0 || ih >= p.in_size[1]) continue;
        T* row = padded + (static_cast<int64_t>(d) * reach[1] + h) * reach[2];
        const T* xrow = xc + (id * p.in_size[1] + ih) * p.in_size[2] - p.pad_begin[2];
        for (int32_t pw = w_first; pw < w_end; ++pw) row[pw] = xrow[pw];
      }
    }
    const T* wc = w + static_cast<int64_t>(channel) * k_plane;
    const A b = bias ? convert<A>(bias[channel]) : A(0);
    T* yc = y + c * out_plane;
    const int32_t row_step = p.stride[1] * reach[2];
    if (p.kernel[0] == 1 && p.kernel[1] == 3 && p.kernel[2] == 3 && p.dilation[1] == 1 && p.dilation[2] == 1) {
      // 3x3, the common case: the nine weights in registers, no tap loops.
      const A w0 = convert<A>(wc[0]), w1 = convert<A>(wc[1]), w2 = convert<A>(wc[2]), w3 = convert<A>(wc[3]), w4 = convert<A>(wc[4]),
              w5 = convert<A>(wc[5]), w6 = convert<A>(wc[6]), w7 = convert<A>(wc[7]), w8 = convert<A>(wc[8]);
      for (int32_t od = 0; od < p.out_size[0]; ++od)
        for (int32_t oh = 0; oh < p.out_size[1]; ++oh) {
          const T* r0 = padded + (od * p.stride[0] * reach[1]) * reach[2] + oh * row_step;
          const T* r1 = r0 + reach[2];
          const T* r2 = r1 + reach[2];
          T* yrow = yc + (od * p.out_size[1] + oh) * p.out_size[2];
          for (int32_t ow = 0; ow < p.out_size[2]; ++ow, r0 += p.stride[2], r1 += p.stride[2], r2 += p.stride[2]) {
            A acc = b;
            acc += convert<A>(r0[0]) * w0;
            acc += convert<A>(r0[1]) * w1;
            acc += convert<A>(r0[2]) * w2;
            acc += convert<A>(r1[0]) * w3;
            acc += convert<A>(r1[1]) * w4;
            acc += convert<A>(r1[2]) * w5;
            acc += convert<A>(r2[0]) * w6;
            acc += convert<A>(r2[1]) * w7;
            acc += convert<A>(r2[2]) * w8;
            yrow[ow] = activate(p.activation, convert<T>(acc));
          }
        }
      continue;
    }
    for (int32_t od = 0; od < p.out_size[0]; ++od)
      for (int32_t oh = 0; oh < p.out_size[1]; ++oh) {
        const T* origin = padded + (od * p.stride[0] * reach[1]) * reach[2] + oh * row_step;
        T* yrow = yc + (od * p.out_size[1] + oh) * p.out_size[2];
        for (int32_t ow = 0; ow < p.out_size[2]; ++ow, origin += p.stride[2]) {
          A acc = b;
          const T* wrow = wc;
          for (int32_t kd = 0; kd < p.kernel[0]; ++kd)
            for (int32_t kh = 0; kh < p.kernel[1]; ++kh, wrow += p.kernel[2]) {
              const T* row = origin + (kd * p.dilation[0] * reach[1] + kh * p.dilation[1]) * reach[2];
              for (int32_t kw = 0; kw < p.kernel[2]; ++kw) acc += convert<A>(row[kw * p.dilation[2]]) * convert<A>(wrow[kw]);
            }
          yrow[ow] = activate(p.activation, convert<T>(acc));
        }
      }
  }
}

// 1x1 convolution (stride 1, no padding, one group) that may run in place (y == x) for one
// image or when it does not widen the channels: two pixels' input channels are gathered into
// `pixels` (2 x in_channels elements) before those pixels' outputs are written, and a pixel's
// outputs land only where that pixel's (or an earlier image's) inputs were. Four output
// channels at a time, so each weight loaded serves two pixels and each input four channels.
template <class T>
void pointwise_conv_in_place(const ConvParams& p, const T* x, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT bias, T* y,
                             acc_t<T>* MOTE_RESTRICT pixels) {
  using A = acc_t<T>;
  const int64_t size = static_cast<int64_t>(p.in_size[0]) * p.in_size[1] * p.in_size[2];
  const int32_t cin = p.in_channels;
  for (int64_t n = 0; n < p.batch; ++n) {
    const T* xn = x + n * cin * size;
    T* yn = y + n * p.out_channels * size;
    for (int64_t i = 0; i < size; i += 2) {
      const bool two = i + 1 < size;
      A* first = pixels;
      A* second = two ? pixels + cin : pixels;  // a lone last pixel is computed twice, stored once
      for (int32_t c = 0; c < cin; ++c) first[c] = convert<A>(xn[c * size + i]);
      if (two)
        for (int32_t c = 0; c < cin; ++c) second[c] = convert<A>(xn[c * size + i + 1]);
      int32_t m = 0;
      for (; m + 4 <= p.out_channels; m += 4) {
        const T* wm = w + static_cast<int64_t>(m) * cin;
        A acc0[4], acc1[4];
        MOTE_UNROLL for (int b = 0; b < 4; ++b) acc0[b] = acc1[b] = bias ? convert<A>(bias[m + b]) : A(0);
        for (int32_t c = 0; c < cin; ++c) {
          const A v0 = first[c], v1 = second[c];
          MOTE_UNROLL for (int b = 0; b < 4; ++b) {
            const A weight = convert<A>(wm[b * cin + c]);
            acc0[b] += v0 * weight;
            acc1[b] += v1 * weight;
          }
        }
        MOTE_UNROLL for (int b = 0; b < 4; ++b) {
          yn[(m + b) * size + i] = activate(p.activation, convert<T>(acc0[b]));
          if (two) yn[(m + b) * size + i + 1] = activate(p.activation, convert<T>(acc1[b]));
        }
      }
      for (; m < p.out_channels; ++m) {
        const T* wm = w + static_cast<int64_t>(m) * cin;
        A acc0 = bias ? convert<A>(bias[m]) : A(0), acc1 = acc0;
        for (int32_t c = 0; c < cin; ++c) {
          const A weight = convert<A>(wm[c]);
          acc0 += first[c] * weight;
          acc1 += second[c] * weight;
        }
        yn[m * size + i] = activate(p.activation, convert<T>(acc0));
        if (two) yn[m * size + i + 1] = activate(p.activation, convert<T>(acc1));
      }
    }
  }
}

// Transposed convolution: every input element scatters x * w into the output at
// i*stride - pad + k*dilation. Weights are [C, M/groups, k...]. `acc` is scratch for one
// output plane in the accumulator type (float for the half types).
template <class T>
void conv_transpose(const ConvParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT w,
                    const T* MOTE_RESTRICT bias, T* MOTE_RESTRICT y, acc_t<T>* MOTE_RESTRICT acc) {
  using A = acc_t<T>;
  const int32_t cin_g = p.in_channels / p.groups, cout_g = p.out_channels / p.groups;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t k_plane = p.kernel[0] * p.kernel[1] * p.kernel[2];
  for (int32_t n = 0; n < p.batch; ++n) {
    for (int32_t m = 0; m < p.out_channels; ++m) {
      const int32_t g = m / cout_g, mg = m % cout_g;
      const A b = bias ? convert<A>(bias[m]) : A(0);
      for (int32_t i = 0; i < out_plane; ++i) acc[i] = b;
      for (int32_t c = 0; c < cin_g; ++c) {
        const int32_t ci = g * cin_g + c;
        const T* xc = x + (static_cast<int64_t>(n) * p.in_channels + ci) * in_plane;
        const T* wc = w + (static_cast<int64_t>(ci) * cout_g + mg) * k_plane;
        for (int32_t id = 0; id < p.in_size[0]; ++id)
          for (int32_t ih = 0; ih < p.in_size[1]; ++ih)
            for (int32_t iw = 0; iw < p.in_size[2]; ++iw) {
              const A v = convert<A>(xc[(id * p.in_size[1] + ih) * p.in_size[2] + iw]);
              for (int32_t kd = 0; kd < p.kernel[0]; ++kd) {
                const int32_t od = id * p.stride[0] - p.pad_begin[0] + kd * p.dilation[0];
                if (od < 0 || od >= p.out_size[0]) continue;
                for (int32_t kh = 0; kh < p.kernel[1]; ++kh) {
                  const int32_t oh = ih * p.stride[1] - p.pad_begin[1] + kh * p.dilation[1];
                  if (oh < 0 || oh >= p.out_size[1]) continue;
                  for (int32_t kw = 0; kw < p.kernel[2]; ++kw) {
                    const int32_t ow = iw * p.stride[2] - p.pad_begin[2] + kw * p.dilation[2];
                    if (ow < 0 || ow >= p.out_size[2]) continue;
                    acc[(od * p.out_size[1] + oh) * p.out_size[2] + ow] +=
                        v * convert<A>(wc[(kd * p.kernel[1] + kh) * p.kernel[2] + kw]);
                  }
                }
              }
            }
      }
      T* ym = y + (static_cast<int64_t>(n) * p.out_channels + m) * out_plane;
      for (int32_t i = 0; i < out_plane; ++i) ym[i] = activate(p.activation, convert<T>(acc[i]));
    }
  }
}

}  // namespace mote

#endif  // MOTE_CONV_H
