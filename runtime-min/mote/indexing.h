// Kernels driven by runtime index data: GatherElements, GatherND, ScatterElements, ScatterND,
// OneHot, TopK, ReverseSequence, and the position-driven Trilu and CumSum. Out-of-range
// indices (undefined in ONNX) are skipped or give zeros, never a wild memory access.
#ifndef MOTE_INDEXING_H
#define MOTE_INDEXING_H

#include "mote/base.h"

namespace mote {

// Shape and row-major strides of a tensor, for index arithmetic.
struct IndexParams {
  int32_t count;  // elements of the iterated tensor (indices / updates / output)
  int32_t rank;
  int32_t dims[MOTE_MAX_RANK];          // iterated tensor's dims
  int32_t data_dims[MOTE_MAX_RANK];     // data tensor's dims
  int32_t data_strides[MOTE_MAX_RANK];  // data tensor's strides
  int32_t axis;
  int32_t reduction;   // scatter: 0 none, 1 add, 2 mul, 3 max, 4 min
  int32_t data_count;  // elements of the data tensor
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("rank", rank);
    f("dims", dims);
    f("data_dims", data_dims);
    f("data_strides", data_strides);
    f("axis", axis);
    f("reduction", reduction);
    f("data_count", data_count);
  }
};

// Visits every element of `dims` with its coordinate array.
template <class Visit>
inline void for_each_coordinate(int32_t count, int32_t rank, const int32_t* dims, Visit visit) {
  int32_t coordinate[MOTE_MAX_RANK] = {0};
  for (int32_t i = 0; i < count; ++i) {
    visit(i, coordinate);
    for (int32_t d = rank - 1; d >= 0; --d) {
      if (++coordinate[d] < dims[d]) break;
      coordinate[d] = 0;
    }
  }
}

// Resolves a possibly negative index against `size`; -1 when out of range.
template <class I>
inline int64_t resolve_index(I raw, int32_t size) {
  int64_t index = convert<int64_t>(raw);
  if (index < 0) index += size;
  return index >= 0 && index < size ? index : -1;
}

// GatherElements: y[c] = x[c with c[axis] = indices[c]].
template <class T, class I>
void gather_elements(const IndexParams& p, const T* MOTE_RESTRICT x, const I* MOTE_RESTRICT indices, T* MOTE_RESTRICT y) {
  for_each_coordinate(p.count, p.rank, p.dims, [&](int32_t i, const int32_t* c) {
    const int64_t index = resolve_index(indices[i], p.data_dims[p.axis]);
    if (index < 0) {
      y[i] = T{};
      return;
    }
    int64_t at = 0;
    for (int32_t d = 0; d < p.rank; ++d) at += static_cast<int64_t>(d == p.axis ? index : c[d]) * p.data_strides[d];
    y[i] = x[at];
  });
}

template <class T>
inline T scatter_combine(int32_t reduction, T current, T update) {
  using A = acc_t<T>;
  const A a = convert<A>(current), b = convert<A>(update);
  switch (reduction) {
    case 1: return convert<T>(wrap_add(a, b));
    case 2: return convert<T>(wrap_mul(a, b));
    case 3: return convert<T>(a < b ? b : a);
    case 4: return convert<T>(b < a ? b : a);
    default: return update;
  }
}

// ScatterElements: y = x; y[c with c[axis] = indices[c]] (op)= updates[c], in index order.
template <class T, class I>
void scatter_elements(const IndexParams& p, const T* MOTE_RESTRICT x, const I* MOTE_RESTRICT indices,
                      const T* MOTE_RESTRICT updates, T* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.data_count; ++i) y[i] = x[i];
  for_each_coordinate(p.count, p.rank, p.dims, [&](int32_t i, const int32_t* c) {
    const int64_t index = resolve_index(indices[i], p.data_dims[p.axis]);
    if (index < 0) return;
    int64_t at = 0;
    for (int32_t d = 0; d < p.rank; ++d) at += static_cast<int64_t>(d == p.axis ? index : c[d]) * p.data_strides[d];
    y[at] = scatter_combine(p.reduction, y[at], updates[i]);
  });
}

// GatherND / ScatterND geometry: `tuples` index tuples of `depth` coordinates each (after
// `batch_dims` leading batch dims), each addressing a slice of `slice` elements.
struct NdParams {
  int32_t batch;       // product of the batch dims
  int32_t tuples;      // index tuples per batch item
  int32_t depth;       // coordinates per tuple
  int32_t slice;       // elements per addressed slice
  int32_t data_batch;  // data elements per batch item
  int32_t data_dims[MOTE_MAX_RANK];     // the dims the tuples index, after the batch dims
  int32_t data_strides[MOTE_MAX_RANK];  // their strides within a batch item
  int32_t data_count;
  int32_t reduction;
  template <class F>
  void each(F& f) const {
    f("batch", batch);
    f("tuples", tuples);
    f("depth", depth);
    f("slice", slice);
    f("data_batch", data_batch);
    f("data_dims", data_dims);
    f("data_strides", data_strides);
    f("data_count", data_count);
    f("reduction", reduction);
  }
};

inline int64_t nd_offset(const NdParams& p, const int64_t* tuple) {
  int64_t at = 0;
  for (int32_t k = 0; k < p.depth; ++k) {
    int64_t index = tuple[k];
    if (index < 0) index += p.data_dims[k];
    if (index < 0 || index >= p.data_dims[k]) return -1;
    at += index * p.data_strides[k];
  }
  return at;
}

template <class T>
void gather_nd(const NdParams& p, const T* MOTE_RESTRICT x, const int64_t* MOTE_RESTRICT indices, T* MOTE_RESTRICT y) {
  for (int32_t b = 0; b < p.batch; ++b)
    for (int32_t t = 0; t < p.tuples; ++t) {
      const int64_t* tuple = indices + (static_cast<int64_t>(b) * p.tuples + t) * p.depth;
      const int64_t at = nd_offset(p, tuple);
      T* dst = y + (static_cast<int64_t>(b) * p.tuples + t) * p.slice;
      for (int32_t s = 0; s < p.slice; ++s) dst[s] = at < 0 ? T{} : x[static_cast<int64_t>(b) * p.data_batch + at + s];
    }
}

template <class T>
void scatter_nd(const NdParams& p, const T* MOTE_RESTRICT x, const int64_t* MOTE_RESTRICT indices,
                const T* MOTE_RESTRICT updates, T* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.data_count; ++i) y[i] = x[i];
  for (int32_t t = 0; t < p.tuples; ++t) {
    const int64_t at = nd_offset(p, indices + static_cast<int64_t>(t) * p.depth);
    if (at < 0) continue;
    for (int32_t s = 0; s < p.slice; ++s)
      y[at + s] = scatter_combine(p.reduction, y[at + s], updates[static_cast<int64_t>(t) * p.slice + s]);
  }
}

// Trilu over the last two dims: keep y[i][j] where j - i >= k (upper) or j - i <= k (lower).
struct TriluParams {
  int32_t matrices, rows, cols;
  int32_t upper;
  template <class F>
  void each(F& f) const {
    f("matrices", matrices);
    f("rows", rows);
    f("cols", cols);
    f("upper", upper);
  }
};

template <class T>
void trilu(const TriluParams& p, const T* MOTE_RESTRICT x, const int64_t* MOTE_RESTRICT k_input, T* MOTE_RESTRICT y) {
  const int64_t k = k_input ? *k_input : 0;
  for (int32_t m = 0; m < p.matrices; ++m)
    for (int32_t i = 0; i < p.rows; ++i)
      for (int32_t j = 0; j < p.cols; ++j) {
        const int64_t at = (static_cast<int64_t>(m) * p.rows + i) * p.cols + j;
        const int64_t diagonal = static_cast<int64_t>(j) - i;
        const bool keep = p.upper ? diagonal >= k : diagonal <= k;
        y[at] = keep ? x[at] : T{};
      }
}

// CumSum along an axis of a tensor viewed as [outer, length, inner].
struct ScanParams {
  int32_t outer, length, inner;
  int32_t exclusive, reverse;
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("length", length);
    f("inner", inner);
    f("exclusive", exclusive);
    f("reverse", reverse);
  }
};

template <class T>
void cumsum(const ScanParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t i = 0; i < p.inner; ++i) {
      A sum = A(0);
      for (int32_t step = 0; step < p.length; ++step) {
        const int32_t k = p.reverse ? p.length - 1 - step : step;
        const int64_t at = (static_cast<int64_t>(o) * p.length + k) * p.inner + i;
        const A v = convert<A>(x[at]);
        if (!p.exclusive) sum = wrap_add(sum, v);
        y[at] = convert<T>(sum);
        if (p.exclusive) sum = wrap_add(sum, v);
      }
    }
}

// OneHot: y[o, k, i] = (indices[o, i] resolves to k) ? values[1] : values[0].
struct OneHotParams {
  int32_t outer, depth, inner;
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("depth", depth);
    f("inner", inner);
  }
};

template <class T, class I>
void one_hot(const OneHotParams& p, const I* MOTE_RESTRICT indices, const T* MOTE_RESTRICT values, T* MOTE_RESTRICT y) {
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t i = 0; i < p.inner; ++i) {
      const int64_t hot = resolve_index(indices[static_cast<int64_t>(o) * p.inner + i], p.depth);
      for (int32_t k = 0; k < p.depth; ++k)
        y[(static_cast<int64_t>(o) * p.depth + k) * p.inner + i] = values[k == hot ? 1 : 0];
    }
}

// TopK along an axis of [outer, length, inner]: the k largest (or smallest) values, sorted,
// ties broken by the lower index. `taken` is scratch for one slice.
struct TopKParams {
  int32_t outer, length, inner, k;
  int32_t largest;
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("length", length);
    f("inner", inner);
    f("k", k);
    f("largest", largest);
  }
};

template <class T>
void top_k(const TopKParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT values, int64_t* MOTE_RESTRICT indices,
           uint8_t* MOTE_RESTRICT taken) {
  using A = acc_t<T>;
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t i = 0; i < p.inner; ++i) {
      const int64_t base = static_cast<int64_t>(o) * p.length * p.inner + i;
      for (int32_t n = 0; n < p.length; ++n) taken[n] = 0;
      for (int32_t r = 0; r < p.k; ++r) {
        int32_t best = -1;
        A best_value = A(0);
        for (int32_t n = 0; n < p.length; ++n) {
          if (taken[n]) continue;
          const A v = convert<A>(x[base + static_cast<int64_t>(n) * p.inner]);
          if (best < 0 || (p.largest ? v > best_value : v < best_value)) {
            best = n;
            best_value = v;
          }
        }
        taken[best] = 1;
        const int64_t out = (static_cast<int64_t>(o) * p.k + r) * p.inner + i;
        if (values) values[out] = x[base + static_cast<int64_t>(best) * p.inner];
        if (indices) indices[out] = best;
      }
    }
}

// ReverseSequence: for each batch item b, reverse its first lengths[b] time steps.
struct ReverseSequenceParams {
  int32_t count;
  int32_t time_size, batch_size;
  int32_t time_stride, batch_stride;  // in elements
  int32_t inner;                      // elements per (time, batch) pair slice, see below
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("time_size", time_size);
    f("batch_size", batch_size);
    f("time_stride", time_stride);
    f("batch_stride", batch_stride);
    f("inner", inner);
  }
};

template <class T, class I>
void reverse_sequence(const ReverseSequenceParams& p, const T* MOTE_RESTRICT x, const I* MOTE_RESTRICT lengths, T* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.count; ++i) y[i] = x[i];
  for (int32_t b = 0; b < p.batch_size; ++b) {
    int64_t length = static_cast<int64_t>(lengths[b]);
    if (length > p.time_size) length = p.time_size;
    for (int64_t t = 0; t < length; ++t) {
      const int64_t from = static_cast<int64_t>(b) * p.batch_stride + (length - 1 - t) * p.time_stride;
      const int64_t to = static_cast<int64_t>(b) * p.batch_stride + t * p.time_stride;
      for (int32_t e = 0; e < p.inner; ++e) y[to + e] = x[from + e];
    }
  }
}

}  // namespace mote

#endif  // MOTE_INDEXING_H
