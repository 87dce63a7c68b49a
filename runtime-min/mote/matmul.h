// Matrix products: Gemm (alpha * A' B' + beta * C) and batched, broadcasting MatMul.
#ifndef MOTE_MATMUL_H
#define MOTE_MATMUL_H

#include "mote/activation.h"
#include "mote/base.h"

namespace mote {

// y[i, j] = sum_k a[i*a_row + k*a_col] * b[k*b_row + j*b_col], y row-major [m, n].
template <class T>
inline void matrix_product(int32_t m, int32_t n, int32_t k, const T* MOTE_RESTRICT a, int32_t a_row, int32_t a_col,
                           const T* MOTE_RESTRICT b, int32_t b_row, int32_t b_col, acc_t<T> scale,
                           T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for (int32_t i = 0; i < m; ++i)
    for (int32_t j = 0; j < n; ++j) {
      A acc = A(0);
      const T* ai = a + static_cast<int64_t>(i) * a_row;
      const T* bj = b + static_cast<int64_t>(j) * b_col;
      for (int32_t p = 0; p < k; ++p)
        acc = wrap_add(acc, wrap_mul(convert<A>(ai[p * a_col]), convert<A>(bj[static_cast<int64_t>(p) * b_row])));
      y[static_cast<int64_t>(i) * n + j] = convert<T>(wrap_mul(acc, scale));
    }
}

struct GemmParams {
  int32_t m, n, k;
  int32_t trans_a, trans_b;
  float alpha, beta;
  int32_t c_row_stride;  // C broadcasts: element (i, j) is c[i*c_row_stride + j*c_col_stride]
  int32_t c_col_stride;
  Activation activation;  // fused into the store
  template <class F>
  void each(F& f) const {
    f("m", m);
    f("n", n);
    f("k", k);
    f("trans_a", trans_a);
    f("trans_b", trans_b);
    f("alpha", alpha);
    f("beta", beta);
    f("c_row_stride", c_row_stride);
    f("c_col_stride", c_col_stride);
    f("activation", activation);
  }
};

// Columns j0 .. j0 + B - 1 of gemm() row i: each value of A is loaded once for the B columns.
template <int B, class T>
void gemm_columns(const GemmParams& p, const T* MOTE_RESTRICT a, const T* MOTE_RESTRICT b, const T* MOTE_RESTRICT c, int32_t i, int32_t j0,
                  T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  const int32_t a_row = p.trans_a ? 1 : p.k, a_col = p.trans_a ? p.m : 1;
  const int32_t b_row = p.trans_b ? 1 : p.n, b_col = p.trans_b ? p.k : 1;
  A acc[B];
  MOTE_UNROLL for (int u = 0; u < B; ++u) acc[u] = A(0);
  const T* ai = a + i * a_row;
  const T* bj = b + j0 * b_col;
  for (int32_t q = 0; q < p.k; ++q) {
    const A v = convert<A>(ai[q * a_col]);
    const T* bq = bj + q * b_row;
    MOTE_UNROLL for (int u = 0; u < B; ++u) acc[u] = wrap_add(acc[u], wrap_mul(v, convert<A>(bq[u * b_col])));
  }
  MOTE_UNROLL for (int u = 0; u < B; ++u) {
    const int32_t j = j0 + u;
    A result = wrap_mul(static_cast<A>(p.alpha), acc[u]);
    if (c) result = wrap_add(result, wrap_mul(static_cast<A>(p.beta), convert<A>(c[i * p.c_row_stride + j * p.c_col_stride])));
    y[static_cast<int64_t>(i) * p.n + j] = activate(p.activation, convert<T>(result));
  }
}

// y = activation(alpha * A' B' + beta * C), four columns at a time.
template <class T>
void gemm(const GemmParams& p, const T* MOTE_RESTRICT a, const T* MOTE_RESTRICT b, const T* MOTE_RESTRICT c,
          T* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.m; ++i) {
    int32_t j = 0;
    for (; j + 4 <= p.n; j += 4) gemm_columns<4>(p, a, b, c, i, j, y);
    for (; j < p.n; ++j) gemm_columns<1>(p, a, b, c, i, j, y);
  }
}

// Batched matmul with numpy broadcasting over the batch dims (collapsed by the compiler).
struct MatMulParams {
  int32_t m, n, k;
  int32_t batch;       // product of the output batch dims
  int32_t batch_rank;  // >= 1
  int32_t batch_dims[MOTE_MAX_RANK];
  int32_t a_batch_strides[MOTE_MAX_RANK];  // in elements; 0 where A broadcasts
  int32_t b_batch_strides[MOTE_MAX_RANK];
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
  }
};

template <class T>
void matmul(const MatMulParams& p, const T* MOTE_RESTRICT a, const T* MOTE_RESTRICT b, T* MOTE_RESTRICT y) {
  int32_t index[MOTE_MAX_RANK] = {0};
  int64_t a_offset = 0, b_offset = 0;
  for (int32_t batch = 0; batch < p.batch; ++batch) {
    matrix_product(p.m, p.n, p.k, a + a_offset, p.k, 1, b + b_offset, p.n, 1, acc_t<T>(1),
                   y + static_cast<int64_t>(batch) * p.m * p.n);
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

}  // namespace mote

#endif  // MOTE_MATMUL_H
