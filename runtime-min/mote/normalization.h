// Normalisations: batch norm (inference), instance norm, layer norm and LRN.
#ifndef MOTE_NORMALIZATION_H
#define MOTE_NORMALIZATION_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

struct BatchNormParams {
  int32_t batch;
  int32_t channels;
  int32_t plane;  // elements per channel per batch item
  float epsilon;
  float momentum;  // training mode only
  template <class F>
  void each(F& f) const {
    f("batch", batch);
    f("channels", channels);
    f("plane", plane);
    f("epsilon", epsilon);
    f("momentum", momentum);
  }
};

// y = (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]
template <class T>
void batch_norm(const BatchNormParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT scale,
                const T* MOTE_RESTRICT bias, const T* MOTE_RESTRICT mean, const T* MOTE_RESTRICT var,
                T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for (int32_t c = 0; c < p.channels; ++c) {
    const A k = convert<A>(scale[c]) / math::sqrt(convert<A>(var[c]) + A(p.epsilon));
    const A shift = convert<A>(bias[c]) - convert<A>(mean[c]) * k;
    for (int32_t n = 0; n < p.batch; ++n) {
      const int64_t base = (static_cast<int64_t>(n) * p.channels + c) * p.plane;
      for (int32_t i = 0; i < p.plane; ++i) y[base + i] = convert<T>(convert<A>(x[base + i]) * k + shift);
    }
  }
}

// Training-mode batch norm: normalise with the batch's own per-channel statistics and update
// the running ones: running = input * momentum + batch * (1 - momentum).
template <class T>
void batch_norm_training(const BatchNormParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT scale,
                         const T* MOTE_RESTRICT bias, const T* MOTE_RESTRICT mean, const T* MOTE_RESTRICT var,
                         T* MOTE_RESTRICT y, T* MOTE_RESTRICT running_mean, T* MOTE_RESTRICT running_var) {
  using A = acc_t<T>;
  const A count = A(p.batch) * A(p.plane);
  for (int32_t c = 0; c < p.channels; ++c) {
    A sum = A(0);
    for (int32_t n = 0; n < p.batch; ++n)
      for (int32_t i = 0; i < p.plane; ++i) sum += convert<A>(x[(static_cast<int64_t>(n) * p.channels + c) * p.plane + i]);
    const A batch_mean = sum / count;
    A squares = A(0);
    for (int32_t n = 0; n < p.batch; ++n)
      for (int32_t i = 0; i < p.plane; ++i) {
        const A d = convert<A>(x[(static_cast<int64_t>(n) * p.channels + c) * p.plane + i]) - batch_mean;
        squares += d * d;
      }
    const A batch_var = squares / count;
    const A k = convert<A>(scale[c]) / math::sqrt(batch_var + A(p.epsilon));
    const A shift = convert<A>(bias[c]) - batch_mean * k;
    for (int32_t n = 0; n < p.batch; ++n) {
      const int64_t base = (static_cast<int64_t>(n) * p.channels + c) * p.plane;
      for (int32_t i = 0; i < p.plane; ++i) y[base + i] = convert<T>(convert<A>(x[base + i]) * k + shift);
    }
    const A m = A(p.momentum);
    if (running_mean) running_mean[c] = convert<T>(convert<A>(mean[c]) * m + batch_mean * (A(1) - m));
    if (running_var) running_var[c] = convert<T>(convert<A>(var[c]) * m + batch_var * (A(1) - m));
  }
}

// y = (x - mean) / sqrt(var + epsilon) * scale[c] + bias[c], statistics per (n, c) plane.
template <class T>
void instance_norm(const BatchNormParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT scale,
                   const T* MOTE_RESTRICT bias, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for (int32_t n = 0; n < p.batch; ++n)
    for (int32_t c = 0; c < p.channels; ++c) {
      const int64_t base = (static_cast<int64_t>(n) * p.channels + c) * p.plane;
      A mean = A(0), var = A(0);
      for (int32_t i = 0; i < p.plane; ++i) mean += convert<A>(x[base + i]);
      mean /= A(p.plane);
      for (int32_t i = 0; i < p.plane; ++i) {
        const A d = convert<A>(x[base + i]) - mean;
        var += d * d;
      }
      var /= A(p.plane);
      const A k = convert<A>(scale[c]) / math::sqrt(var + A(p.epsilon));
      const A shift = convert<A>(bias[c]) - mean * k;
      for (int32_t i = 0; i < p.plane; ++i) y[base + i] = convert<T>(convert<A>(x[base + i]) * k + shift);
    }
}

struct LayerNormParams {
  int32_t outer;       // rows normalised independently
  int32_t inner;       // elements per row
  int32_t scale_size;  // scale/bias repeat every scale_size elements of a row
  int32_t bias_size;
  float epsilon;
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("inner", inner);
    f("scale_size", scale_size);
    f("bias_size", bias_size);
    f("epsilon", epsilon);
  }
};

// Statistics in float (ONNX stash_type 1); mean and inverse std-dev optionally stored.
template <class T, class S>
void layer_norm(const LayerNormParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT scale,
                const T* MOTE_RESTRICT bias, T* MOTE_RESTRICT y, S* MOTE_RESTRICT mean_out, S* MOTE_RESTRICT inv_std_out) {
  using A = acc_t<S>;
  for (int32_t r = 0; r < p.outer; ++r) {
    const int64_t base = static_cast<int64_t>(r) * p.inner;
    A mean = A(0), var = A(0);
    for (int32_t i = 0; i < p.inner; ++i) mean += convert<A>(x[base + i]);
    mean /= A(p.inner);
    for (int32_t i = 0; i < p.inner; ++i) {
      const A d = convert<A>(x[base + i]) - mean;
      var += d * d;
    }
    var /= A(p.inner);
    const A inv_std = A(1) / math::sqrt(var + A(p.epsilon));
    for (int32_t i = 0; i < p.inner; ++i) {
      A v = (convert<A>(x[base + i]) - mean) * inv_std * convert<A>(scale[i % p.scale_size]);
      if (bias) v += convert<A>(bias[i % p.bias_size]);
      y[base + i] = convert<T>(v);
    }
    if (mean_out) mean_out[r] = convert<S>(mean);
    if (inv_std_out) inv_std_out[r] = convert<S>(inv_std);
  }
}

struct LrnParams {
  int32_t batch, channels, plane;
  int32_t size;
  float alpha, beta, bias;
  template <class F>
  void each(F& f) const {
    f("batch", batch);
    f("channels", channels);
    f("plane", plane);
    f("size", size);
    f("alpha", alpha);
    f("beta", beta);
    f("bias", bias);
  }
};

// y = x / (bias + alpha / size * sum of x^2 over nearby channels)^beta
template <class T>
void lrn(const LrnParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  const int32_t before = (p.size - 1) / 2, after = p.size - 1 - before;
  for (int32_t n = 0; n < p.batch; ++n)
    for (int32_t c = 0; c < p.channels; ++c)
      for (int32_t i = 0; i < p.plane; ++i) {
        A sum = A(0);
        const int32_t c0 = c - before < 0 ? 0 : c - before;
        const int32_t c1 = c + after >= p.channels ? p.channels - 1 : c + after;
        for (int32_t k = c0; k <= c1; ++k) {
          const A v = convert<A>(x[(static_cast<int64_t>(n) * p.channels + k) * p.plane + i]);
          sum += v * v;
        }
        const int64_t at = (static_cast<int64_t>(n) * p.channels + c) * p.plane + i;
        y[at] = convert<T>(convert<A>(x[at]) / math::pow(A(p.bias) + A(p.alpha) / A(p.size) * sum, A(p.beta)));
      }
}

}  // namespace mote

#endif  // MOTE_NORMALIZATION_H
