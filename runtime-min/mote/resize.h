// Resize (nearest, linear, cubic) over any number of dims. The compiler works out, for every
// output coordinate of every dim, which input coordinates it reads ("taps") and with what
// weights; the kernel then sums weight products over the tap combinations.
#ifndef MOTE_RESIZE_H
#define MOTE_RESIZE_H

#include "mote/base.h"

namespace mote {

struct ResizeParams {
  int32_t count;  // output elements
  int32_t rank;
  int32_t in_dims[MOTE_MAX_RANK];
  int32_t out_dims[MOTE_MAX_RANK];
  int32_t taps[MOTE_MAX_RANK];          // taps per output coordinate in each dim (1, 2 or 4)
  int32_t table_offset[MOTE_MAX_RANK];  // where each dim's entries start in the tables
  float extrapolation_value;            // for a tap index of -1 (tf_crop_and_resize)
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("rank", rank);
    f("in_dims", in_dims);
    f("out_dims", out_dims);
    f("taps", taps);
    f("table_offset", table_offset);
    f("extrapolation_value", extrapolation_value);
  }
};

// Interpolation arithmetic: double for double data, float for everything else.
template <class T>
struct resize_real {
  using type = float;
};
template <>
struct resize_real<double> {
  using type = double;
};

// indices/weights: per dim d, out_dims[d] * taps[d] entries from table_offset[d].
template <class T>
void resize(const ResizeParams& p, const T* MOTE_RESTRICT x, const int32_t* MOTE_RESTRICT indices,
            const float* MOTE_RESTRICT weights, T* MOTE_RESTRICT y) {
  using R = typename resize_real<T>::type;
  int32_t out_index[MOTE_MAX_RANK] = {0};
  int32_t in_strides[MOTE_MAX_RANK];
  int32_t stride = 1;
  for (int32_t d = p.rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= p.in_dims[d];
  }
  for (int32_t o = 0; o < p.count; ++o) {
    bool outside = false;
    for (int32_t d = 0; d < p.rank && !outside; ++d)
      outside = indices[p.table_offset[d] + out_index[d] * p.taps[d]] < 0;
    if (outside) {
      y[o] = convert<T>(p.extrapolation_value);
    } else {
      // Odometer over the tap combinations.
      int32_t tap[MOTE_MAX_RANK] = {0};
      R sum = R(0);
      for (;;) {
        int32_t at = 0;
        R weight = R(1);
        for (int32_t d = 0; d < p.rank; ++d) {
          const int32_t entry = p.table_offset[d] + out_index[d] * p.taps[d] + tap[d];
          at += indices[entry] * in_strides[d];
          weight *= static_cast<R>(weights[entry]);
        }
        sum += weight * convert<R>(x[at]);
        int32_t d = p.rank - 1;
        while (d >= 0 && ++tap[d] == p.taps[d]) tap[d--] = 0;
        if (d < 0) break;
      }
      y[o] = convert<T>(sum);
    }
    for (int32_t d = p.rank - 1; d >= 0; --d) {
      if (++out_index[d] < p.out_dims[d]) break;
      out_index[d] = 0;
    }
  }
}

}  // namespace mote

#endif  // MOTE_RESIZE_H
