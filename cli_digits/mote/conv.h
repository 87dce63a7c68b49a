// Float convolutions over 1 to 3 spatial dims (NCHW / NCDHW), with groups, strides,
// dilations and asymmetric padding. Shorter ranks are handled as 3-D with leading size-1
// dims, so one loop nest serves Conv1d/2d/3d. Reference-grade; target-tuned kernels live in
// their own headers.
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

// y[n, m, o] = bias[m] + sum over c in m's group, k: x[n, c, o*stride - pad + k*dilation] * w[m, c', k]
template <class T>
void conv(const ConvParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT bias,
          T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  const int32_t cin_g = p.in_channels / p.groups, cout_g = p.out_channels / p.groups;
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t k_plane = p.kernel[0] * p.kernel[1] * p.kernel[2];
  for (int32_t n = 0; n < p.batch; ++n) {
    for (int32_t m = 0; m < p.out_channels; ++m) {
      const int32_t g = m / cout_g;
      const T* xg = x + (static_cast<int64_t>(n) * p.in_channels + g * cin_g) * in_plane;
      const T* wm = w + static_cast<int64_t>(m) * cin_g * k_plane;
      T* ym = y + (static_cast<int64_t>(n) * p.out_channels + m) * out_plane;
      const A b = bias ? convert<A>(bias[m]) : A(0);
      for (int32_t od = 0; od < p.out_size[0]; ++od) {
        int32_t kd0, kd1;
        conv_tap_range(od, p.stride[0], p.pad_begin[0], p.dilation[0], p.kernel[0], p.in_size[0], kd0, kd1);
        for (int32_t oh = 0; oh < p.out_size[1]; ++oh) {
          int32_t kh0, kh1;
          conv_tap_range(oh, p.stride[1], p.pad_begin[1], p.dilation[1], p.kernel[1], p.in_size[1], kh0, kh1);
          for (int32_t ow = 0; ow < p.out_size[2]; ++ow) {
            int32_t kw0, kw1;
            conv_tap_range(ow, p.stride[2], p.pad_begin[2], p.dilation[2], p.kernel[2], p.in_size[2], kw0, kw1);
            const int32_t id0 = od * p.stride[0] - p.pad_begin[0];
            const int32_t ih0 = oh * p.stride[1] - p.pad_begin[1];
            const int32_t iw0 = ow * p.stride[2] - p.pad_begin[2];
            A acc = b;
            for (int32_t c = 0; c < cin_g; ++c) {
              const T* xc = xg + static_cast<int64_t>(c) * in_plane;
              const T* wc = wm + static_cast<int64_t>(c) * k_plane;
              for (int32_t kd = kd0; kd < kd1; ++kd) {
                const int32_t id = id0 + kd * p.dilation[0];
                for (int32_t kh = kh0; kh < kh1; ++kh) {
                  const int32_t ih = ih0 + kh * p.dilation[1];
                  const int32_t row = (id * p.in_size[1] + ih) * p.in_size[2] + iw0;
                  const T* wrow = wc + (kd * p.kernel[1] + kh) * p.kernel[2];
                  for (int32_t kw = kw0; kw < kw1; ++kw)
                    acc += convert<A>(xc[row + kw * p.dilation[2]]) * convert<A>(wrow[kw]);
                }
              }
            }
            ym[(od * p.out_size[1] + oh) * p.out_size[2] + ow] = activate(p.activation, convert<T>(acc));
          }
        }
      }
    }
  }
}

// Depthwise convolution (one filter per channel, groups == channels) that may run in place
// (y == x) when an output plane is no larger than an input plane: each input plane is first
// copied to `plane` (in_size elements), so writing its output can only overwrite planes that
// were already read. Out of place it works too. The idea is TinyEngine's in-place depthwise.
template <class T>
void depthwise_conv_in_place(const ConvParams& p, const T* x, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT bias, T* y,
                             T* MOTE_RESTRICT plane) {
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  const int32_t k_plane = p.kernel[0] * p.kernel[1] * p.kernel[2];
  ConvParams single = p;
  single.batch = 1;
  single.in_channels = single.out_channels = single.groups = 1;
  for (int64_t c = 0; c < static_cast<int64_t>(p.batch) * p.in_channels; ++c) {
    const int32_t channel = static_cast<int32_t>(c % p.in_channels);
    for (int32_t i = 0; i < in_plane; ++i) plane[i] = x[c * in_plane + i];
    conv(single, plane, w + static_cast<int64_t>(channel) * k_plane, bias ? bias + channel : nullptr, y + c * out_plane);
  }
}

// 1x1 convolution (stride 1, no padding, one group) that may run in place (y == x) for one
// image or when it does not widen the channels: each pixel's input channels are gathered into
// `pixel` (in_channels elements) before that pixel's outputs are written, and a pixel's
// outputs land only where that pixel's (or an earlier image's) inputs were.
template <class T>
void pointwise_conv_in_place(const ConvParams& p, const T* x, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT bias, T* y,
                             acc_t<T>* MOTE_RESTRICT pixel) {
  using A = acc_t<T>;
  const int64_t size = static_cast<int64_t>(p.in_size[0]) * p.in_size[1] * p.in_size[2];
  for (int64_t n = 0; n < p.batch; ++n) {
    const T* xn = x + n * p.in_channels * size;
    T* yn = y + n * p.out_channels * size;
    for (int64_t i = 0; i < size; ++i) {
      for (int32_t c = 0; c < p.in_channels; ++c) pixel[c] = convert<A>(xn[c * size + i]);
      for (int32_t m = 0; m < p.out_channels; ++m) {
        const T* wm = w + static_cast<int64_t>(m) * p.in_channels;
        A acc = bias ? convert<A>(bias[m]) : A(0);
        for (int32_t c = 0; c < p.in_channels; ++c) acc += pixel[c] * convert<A>(wm[c]);
        yn[m * size + i] = activate(p.activation, convert<T>(acc));
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
