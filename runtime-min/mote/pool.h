// Pooling over 1 to 3 spatial dims (as 3-D with leading size-1 dims): max (with optional
// indices), average and Lp. Global pooling is a window the size of the input.
#ifndef MOTE_POOL_H
#define MOTE_POOL_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

struct PoolParams {
  int32_t planes;  // batch * channels
  int32_t in_size[3];
  int32_t out_size[3];
  int32_t kernel[3];
  int32_t stride[3];
  int32_t dilation[3];
  int32_t pad_begin[3];
  int32_t pad_end[3];
  int32_t count_include_pad;  // average: divide by the window size inside the padded input
  int32_t storage_order;      // max indices: 0 row-major, 1 column-major
  float p;                    // Lp pooling exponent
  template <class F>
  void each(F& f) const {
    f("planes", planes);
    f("in_size", in_size);
    f("out_size", out_size);
    f("kernel", kernel);
    f("stride", stride);
    f("dilation", dilation);
    f("pad_begin", pad_begin);
    f("pad_end", pad_end);
    f("count_include_pad", count_include_pad);
    f("storage_order", storage_order);
    f("p", p);
  }
};

// Visits every output position of every plane with the input coordinate of its window origin.
template <class Visit>
inline void for_each_window(const PoolParams& p, Visit visit) {
  const int32_t in_plane = p.in_size[0] * p.in_size[1] * p.in_size[2];
  const int32_t out_plane = p.out_size[0] * p.out_size[1] * p.out_size[2];
  for (int32_t c = 0; c < p.planes; ++c)
    for (int32_t od = 0; od < p.out_size[0]; ++od)
      for (int32_t oh = 0; oh < p.out_size[1]; ++oh)
        for (int32_t ow = 0; ow < p.out_size[2]; ++ow)
          visit(static_cast<int64_t>(c) * in_plane, static_cast<int64_t>(c) * out_plane + (od * p.out_size[1] + oh) * p.out_size[2] + ow,
                od * p.stride[0] - p.pad_begin[0], oh * p.stride[1] - p.pad_begin[1], ow * p.stride[2] - p.pad_begin[2], c);
}

// Calls tap(offset, d, h, w) for every tap of the window at (d0, h0, w0) that lies inside the
// input (padding taps are skipped); offset is the tap's index within its input plane.
template <class Tap>
inline void for_each_tap(const PoolParams& p, int32_t d0, int32_t h0, int32_t w0, Tap tap) {
  for (int32_t kd = 0; kd < p.kernel[0]; ++kd) {
    const int32_t d = d0 + kd * p.dilation[0];
    if (d < 0 || d >= p.in_size[0]) continue;
    for (int32_t kh = 0; kh < p.kernel[1]; ++kh) {
      const int32_t h = h0 + kh * p.dilation[1];
      if (h < 0 || h >= p.in_size[1]) continue;
      for (int32_t kw = 0; kw < p.kernel[2]; ++kw) {
        const int32_t w = w0 + kw * p.dilation[2];
        if (w < 0 || w >= p.in_size[2]) continue;
        tap((d * p.in_size[1] + h) * p.in_size[2] + w, d, h, w);
      }
    }
  }
}

// Calls row(offset, length) for the rows of the window at (d0, h0, w0), if it has no
// dilation and lies wholly inside the input (the common case, read without bounds checks), and
// returns whether it did.
template <class Row>
inline bool for_each_dense_row(const PoolParams& p, int32_t d0, int32_t h0, int32_t w0, Row row) {
  if (p.dilation[0] != 1 || p.dilation[1] != 1 || p.dilation[2] != 1 || d0 < 0 || h0 < 0 || w0 < 0 || d0 + p.kernel[0] > p.in_size[0] ||
      h0 + p.kernel[1] > p.in_size[1] || w0 + p.kernel[2] > p.in_size[2])
    return false;
  for (int32_t kd = 0; kd < p.kernel[0]; ++kd)
    for (int32_t kh = 0; kh < p.kernel[1]; ++kh) row(((d0 + kd) * p.in_size[1] + h0 + kh) * p.in_size[2] + w0, p.kernel[2]);
  return true;
}

template <class T>
void max_pool(const PoolParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y, int64_t* MOTE_RESTRICT indices) {
  using A = acc_t<T>;
  for_each_window(p, [&](int64_t in_base, int64_t out, int32_t d0, int32_t h0, int32_t w0, int32_t c) {
    bool found = false;
    A best = A(0);
    int64_t best_index = 0;
    for_each_tap(p, d0, h0, w0, [&](int32_t offset, int32_t d, int32_t h, int32_t w) {
      const A v = convert<A>(x[in_base + offset]);
      if (!found || v > best) {
        found = true;
        best = v;
        // Indices count in the flattened input including batch and channel.
        int64_t position = p.storage_order ? (static_cast<int64_t>(w) * p.in_size[1] + h) * p.in_size[0] + d : offset;
        best_index = in_base + position;
      }
    });
    (void)c;
    y[out] = convert<T>(best);
    if (indices) indices[out] = best_index;
  });
}

template <class T>
void average_pool(const PoolParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for_each_window(p, [&](int64_t in_base, int64_t out, int32_t d0, int32_t h0, int32_t w0, int32_t) {
    A sum = A(0);
    int32_t inside = 0, padded = 1;
    const int32_t origin[3] = {d0, h0, w0};
    for (int32_t a = 0; a < 3; ++a) {
      // Window taps inside the padded input [-pad_begin, size + pad_end).
      int32_t taps = 0;
      for (int32_t k = 0; k < p.kernel[a]; ++k) {
        const int32_t i = origin[a] + k * p.dilation[a];
        if (i >= -p.pad_begin[a] && i < p.in_size[a] + p.pad_end[a]) ++taps;
      }
      padded *= taps;
    }
    for_each_tap(p, d0, h0, w0, [&](int32_t offset, int32_t, int32_t, int32_t) {
      sum += convert<A>(x[in_base + offset]);
      ++inside;
    });
    const int32_t divisor = p.count_include_pad ? padded : inside;
    y[out] = convert<T>(divisor > 0 ? A(sum / A(divisor)) : A(0));
  });
}

template <class T>
void lp_pool(const PoolParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for_each_window(p, [&](int64_t in_base, int64_t out, int32_t d0, int32_t h0, int32_t w0, int32_t) {
    A sum = A(0);
    for_each_tap(p, d0, h0, w0, [&](int32_t offset, int32_t, int32_t, int32_t) {
      sum += math::pow(math::fabs(convert<A>(x[in_base + offset])), A(p.p));
    });
    y[out] = convert<T>(math::pow(sum, A(1) / A(p.p)));
  });
}

// MaxUnpool: y is zero except at the positions MaxPool's indices name. Indices count in the
// flattened unpooled shape (`index_dims`, what MaxPool's input was); an explicit, larger
// output shape keeps each element at the same coordinates.
struct UnpoolParams {
  int32_t in_count;
  int32_t out_count;
  int32_t rank;
  int32_t index_dims[MOTE_MAX_RANK];
  int32_t out_dims[MOTE_MAX_RANK];
  template <class F>
  void each(F& f) const {
    f("in_count", in_count);
    f("out_count", out_count);
    f("rank", rank);
    f("index_dims", index_dims);
    f("out_dims", out_dims);
  }
};

template <class T>
void max_unpool(const UnpoolParams& p, const T* MOTE_RESTRICT x, const int64_t* MOTE_RESTRICT indices, T* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.out_count; ++i) y[i] = T{};
  for (int32_t i = 0; i < p.in_count; ++i) {
    int64_t rest = indices[i], at = 0, stride = 1;
    bool inside = rest >= 0;
    for (int32_t d = p.rank - 1; d >= 0 && inside; --d) {
      const int64_t coordinate = rest % p.index_dims[d];
      rest /= p.index_dims[d];
      inside = coordinate < p.out_dims[d];
      at += coordinate * stride;
      stride *= p.out_dims[d];
    }
    if (inside && rest == 0) y[at] = x[i];
  }
}

}  // namespace mote

#endif  // MOTE_POOL_H
