// Spectral kernels: DFT along one axis and STFT, with twiddle factors precomputed by the
// compiler (cos/sin of 2*pi*j/N as constant tables, so no trigonometry runs on the device).
#ifndef MOTE_SIGNAL_H
#define MOTE_SIGNAL_H

#include "mote/base.h"

namespace mote {

struct DftParams {
  int32_t outer;       // elements before the signal axis
  int32_t in_length;   // signal length in the input
  int32_t n;           // DFT length (zero-padded or truncated signal)
  int32_t bins;        // output bins: n, or n/2+1 one-sided
  int32_t inner;       // elements after the signal axis (excluding the complex dim)
  int32_t in_complex;  // 1: real input, 2: complex input
  int32_t inverse;
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("in_length", in_length);
    f("n", n);
    f("bins", bins);
    f("inner", inner);
    f("in_complex", in_complex);
    f("inverse", inverse);
  }
};

// y[o, k, i] = sum_j x[o, j, i] * exp(-+2 pi i j k / n), complex pairs in the last dim.
template <class T>
void dft(const DftParams& p, const T* MOTE_RESTRICT x, const float* MOTE_RESTRICT cos_table,
         const float* MOTE_RESTRICT sin_table, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  const int32_t used = p.in_length < p.n ? p.in_length : p.n;
  const A sign = p.inverse ? A(1) : A(-1);
  const A scale = p.inverse ? A(1) / A(p.n) : A(1);
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t i = 0; i < p.inner; ++i)
      for (int32_t k = 0; k < p.bins; ++k) {
        A re = A(0), im = A(0);
        for (int32_t j = 0; j < used; ++j) {
          const int64_t at = ((static_cast<int64_t>(o) * p.in_length + j) * p.inner + i) * p.in_complex;
          const A xr = convert<A>(x[at]), xi = p.in_complex == 2 ? convert<A>(x[at + 1]) : A(0);
          const int32_t t = static_cast<int32_t>((static_cast<int64_t>(j) * k) % p.n);
          const A c = A(cos_table[t]), s = sign * A(sin_table[t]);
          re += xr * c - xi * s;
          im += xr * s + xi * c;
        }
        const int64_t out = ((static_cast<int64_t>(o) * p.bins + k) * p.inner + i) * 2;
        y[out] = convert<T>(re * scale);
        y[out + 1] = convert<T>(im * scale);
      }
}

struct StftParams {
  int32_t batch;
  int32_t length;      // signal samples
  int32_t in_complex;  // 1 or 2
  int32_t frames;
  int32_t step;
  int32_t n;           // frame (and DFT) length
  int32_t bins;
  template <class F>
  void each(F& f) const {
    f("batch", batch);
    f("length", length);
    f("in_complex", in_complex);
    f("frames", frames);
    f("step", step);
    f("n", n);
    f("bins", bins);
  }
};

template <class T>
void stft(const StftParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT window, const float* MOTE_RESTRICT cos_table,
          const float* MOTE_RESTRICT sin_table, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for (int32_t b = 0; b < p.batch; ++b)
    for (int32_t f = 0; f < p.frames; ++f)
      for (int32_t k = 0; k < p.bins; ++k) {
        A re = A(0), im = A(0);
        for (int32_t j = 0; j < p.n; ++j) {
          const int64_t at = (static_cast<int64_t>(b) * p.length + static_cast<int64_t>(f) * p.step + j) * p.in_complex;
          const A w = window ? convert<A>(window[j]) : A(1);
          const A xr = convert<A>(x[at]) * w, xi = p.in_complex == 2 ? convert<A>(x[at + 1]) * w : A(0);
          const int32_t t = static_cast<int32_t>((static_cast<int64_t>(j) * k) % p.n);
          const A c = A(cos_table[t]), s = -A(sin_table[t]);
          re += xr * c - xi * s;
          im += xr * s + xi * c;
        }
        const int64_t out = ((static_cast<int64_t>(b) * p.frames + f) * p.bins + k) * 2;
        y[out] = convert<T>(re);
        y[out + 1] = convert<T>(im);
      }
}

}  // namespace mote

#endif  // MOTE_SIGNAL_H
