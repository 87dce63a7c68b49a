// Softmax, LogSoftmax and Hardmax along one axis of a tensor viewed as [outer, length, inner].
#ifndef MOTE_SOFTMAX_H
#define MOTE_SOFTMAX_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

struct SoftmaxParams {
  int32_t outer;
  int32_t length;  // size of the reduced axis (or of the flattened tail before opset 13)
  int32_t inner;   // stride between consecutive elements along the axis
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("length", length);
    f("inner", inner);
  }
};

enum SoftmaxKind { kSoftmax, kLogSoftmax, kHardmax };

template <class T, int kKind>
void softmax_family(const SoftmaxParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t i = 0; i < p.inner; ++i) {
      const int64_t base = static_cast<int64_t>(o) * p.length * p.inner + i;
      A top = convert<A>(x[base]);
      int32_t top_at = 0;
      for (int32_t k = 1; k < p.length; ++k) {
        const A v = convert<A>(x[base + static_cast<int64_t>(k) * p.inner]);
        if (v > top) {
          top = v;
          top_at = k;
        }
      }
      if (kKind == kHardmax) {
        for (int32_t k = 0; k < p.length; ++k) y[base + static_cast<int64_t>(k) * p.inner] = convert<T>(A(k == top_at ? 1 : 0));
        continue;
      }
      A sum = A(0);
      for (int32_t k = 0; k < p.length; ++k) sum += math::exp(convert<A>(x[base + static_cast<int64_t>(k) * p.inner]) - top);
      const A log_sum = math::log(sum);
      for (int32_t k = 0; k < p.length; ++k) {
        const int64_t at = base + static_cast<int64_t>(k) * p.inner;
        const A shifted = convert<A>(x[at]) - top;
        y[at] = convert<T>(kKind == kLogSoftmax ? A(shifted - log_sum) : A(math::exp(shifted) / sum));
      }
    }
}

template <class T>
void softmax(const SoftmaxParams& p, const T* x, T* y) {
  softmax_family<T, kSoftmax>(p, x, y);
}
template <class T>
void log_softmax(const SoftmaxParams& p, const T* x, T* y) {
  softmax_family<T, kLogSoftmax>(p, x, y);
}
template <class T>
void hardmax(const SoftmaxParams& p, const T* x, T* y) {
  softmax_family<T, kHardmax>(p, x, y);
}

}  // namespace mote

#endif  // MOTE_SOFTMAX_H
