// Linear algebra: determinants (LU with partial pivoting) and Einsum over labelled indices.
#ifndef MOTE_LINALG_H
#define MOTE_LINALG_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

struct DetParams {
  int32_t matrices, n;
  template <class F>
  void each(F& f) const {
    f("matrices", matrices);
    f("n", n);
  }
};

// `lu` is scratch for one n x n matrix in the accumulator type.
template <class T>
void det(const DetParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y, acc_t<T>* MOTE_RESTRICT lu) {
  using A = acc_t<T>;
  const int32_t n = p.n;
  for (int32_t m = 0; m < p.matrices; ++m) {
    for (int32_t i = 0; i < n * n; ++i) lu[i] = convert<A>(x[static_cast<int64_t>(m) * n * n + i]);
    A result = A(1);
    for (int32_t col = 0; col < n; ++col) {
      int32_t pivot = col;
      for (int32_t r = col + 1; r < n; ++r)
        if (math::fabs(lu[r * n + col]) > math::fabs(lu[pivot * n + col])) pivot = r;
      if (lu[pivot * n + col] == A(0)) {
        result = A(0);
        break;
      }
      if (pivot != col) {
        for (int32_t k = 0; k < n; ++k) {
          const A t = lu[pivot * n + k];
          lu[pivot * n + k] = lu[col * n + k];
          lu[col * n + k] = t;
        }
        result = -result;
      }
      result *= lu[col * n + col];
      for (int32_t r = col + 1; r < n; ++r) {
        const A factor = lu[r * n + col] / lu[col * n + col];
        for (int32_t k = col; k < n; ++k) lu[r * n + k] -= factor * lu[col * n + k];
      }
    }
    y[m] = convert<T>(result);
  }
}

// Einsum with up to two operands: every label is a loop; output labels first, then the summed
// ones. Each operand has a stride per label (0 when it lacks the label; a repeated label, the
// diagonal, adds its strides).
struct EinsumParams {
  int32_t out_labels, sum_labels;  // out_labels + sum_labels <= MOTE_MAX_RANK
  int32_t out_count, sum_count;
  int32_t sizes[MOTE_MAX_RANK];
  int32_t a_strides[MOTE_MAX_RANK];
  int32_t b_strides[MOTE_MAX_RANK];
  template <class F>
  void each(F& f) const {
    f("out_labels", out_labels);
    f("sum_labels", sum_labels);
    f("out_count", out_count);
    f("sum_count", sum_count);
    f("sizes", sizes);
    f("a_strides", a_strides);
    f("b_strides", b_strides);
  }
};

template <class T>
void einsum(const EinsumParams& p, const T* MOTE_RESTRICT a, const T* MOTE_RESTRICT b, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  int32_t index[MOTE_MAX_RANK] = {0};
  for (int32_t o = 0; o < p.out_count; ++o) {
    int64_t a_base = 0, b_base = 0;
    for (int32_t l = 0; l < p.out_labels; ++l) {
      a_base += static_cast<int64_t>(index[l]) * p.a_strides[l];
      b_base += static_cast<int64_t>(index[l]) * p.b_strides[l];
    }
    A acc = A(0);
    int32_t sum_index[MOTE_MAX_RANK] = {0};
    for (int32_t s = 0; s < p.sum_count; ++s) {
      int64_t ai = a_base, bi = b_base;
      for (int32_t l = 0; l < p.sum_labels; ++l) {
        ai += static_cast<int64_t>(sum_index[l]) * p.a_strides[p.out_labels + l];
        bi += static_cast<int64_t>(sum_index[l]) * p.b_strides[p.out_labels + l];
      }
      const A term = b ? wrap_mul(convert<A>(a[ai]), convert<A>(b[bi])) : convert<A>(a[ai]);
      acc = wrap_add(acc, term);
      for (int32_t l = p.sum_labels - 1; l >= 0; --l) {
        if (++sum_index[l] < p.sizes[p.out_labels + l]) break;
        sum_index[l] = 0;
      }
    }
    y[o] = convert<T>(acc);
    for (int32_t l = p.out_labels - 1; l >= 0; --l) {
      if (++index[l] < p.sizes[l]) break;
      index[l] = 0;
    }
  }
}

}  // namespace mote

#endif  // MOTE_LINALG_H
