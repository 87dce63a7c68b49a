// Data movement kernels. strided_copy covers every op that only moves elements along affine
// index maps (Transpose, Slice, Expand, Tile, Concat, Split, DepthToSpace, ...): the compiler
// turns each into dims + strides for input and output, with neighbouring dims merged.
#ifndef MOTE_LAYOUT_H
#define MOTE_LAYOUT_H

#include "mote/base.h"

namespace mote {

struct StridedCopyParams {
  int32_t count;  // elements copied
  int32_t rank;   // >= 1
  int32_t dims[MOTE_MAX_RANK];
  int32_t in_offset;
  int32_t in_strides[MOTE_MAX_RANK];  // may be 0 (repeat) or negative (reverse)
  int32_t out_offset;
  int32_t out_strides[MOTE_MAX_RANK];
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("rank", rank);
    f("dims", dims);
    f("in_offset", in_offset);
    f("in_strides", in_strides);
    f("out_offset", out_offset);
    f("out_strides", out_strides);
  }
};

// y[out position] = f(x[in position]) over the index maps of `p`: the walk strided_copy and
// its element-mapping variants (strided_lookup in quantized.h) share.
template <class X, class Y, class F>
void strided_map(const StridedCopyParams& p, const X* MOTE_RESTRICT x, Y* MOTE_RESTRICT y, F f) {
  if (p.count == 0) return;
  const int32_t last = p.rank - 1;
  const int32_t n = p.dims[last], si = p.in_strides[last], so = p.out_strides[last];
  int32_t index[MOTE_MAX_RANK] = {0};
  int32_t in = p.in_offset, out = p.out_offset;
  for (int32_t done = 0; done < p.count; done += n) {
    if (si == 1 && so == 1) {
      for (int32_t j = 0; j < n; ++j) y[out + j] = f(x[in + j]);
    } else {
      for (int32_t j = 0; j < n; ++j) y[out + j * so] = f(x[in + j * si]);
    }
    for (int32_t d = last - 1; d >= 0; --d) {
      in += p.in_strides[d];
      out += p.out_strides[d];
      if (++index[d] < p.dims[d]) break;
      in -= p.in_strides[d] * p.dims[d];
      out -= p.out_strides[d] * p.dims[d];
      index[d] = 0;
    }
  }
}

template <class T>
void strided_copy(const StridedCopyParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  strided_map(p, x, y, [](T v) { return v; });
}

// Gather along one axis: y[o, j, i] = x[o, indices[j], i], negative indices counting from the
// end; an out-of-range index yields zeros (ONNX leaves it undefined).
struct GatherParams {
  int32_t outer;      // product of dims before the axis
  int32_t axis_size;  // size of the gathered axis in x
  int32_t inner;      // product of dims after the axis
  int32_t count;      // number of indices
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("axis_size", axis_size);
    f("inner", inner);
    f("count", count);
  }
};

template <class T, class I>
void gather(const GatherParams& p, const T* MOTE_RESTRICT x, const I* MOTE_RESTRICT indices, T* MOTE_RESTRICT y) {
  for (int32_t o = 0; o < p.outer; ++o) {
    for (int32_t j = 0; j < p.count; ++j) {
      int64_t index = static_cast<int64_t>(indices[j]);
      if (index < 0) index += p.axis_size;
      T* dst = y + (static_cast<int64_t>(o) * p.count + j) * p.inner;
      if (index < 0 || index >= p.axis_size) {
        for (int32_t i = 0; i < p.inner; ++i) dst[i] = T{};
        continue;
      }
      const T* src = x + (static_cast<int64_t>(o) * p.axis_size + index) * p.inner;
      for (int32_t i = 0; i < p.inner; ++i) dst[i] = src[i];
    }
  }
}

// Pad with edge / reflect / wrap modes (constant padding is fill + strided_copy). Each output
// coordinate maps to one input coordinate per dimension.
enum PadMode : int32_t { kPadEdge = 0, kPadReflect = 1, kPadWrap = 2 };

struct PadParams {
  int32_t count;  // output elements
  int32_t rank;
  int32_t mode;
  int32_t in_dims[MOTE_MAX_RANK];
  int32_t out_dims[MOTE_MAX_RANK];
  int32_t pad_begin[MOTE_MAX_RANK];
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("rank", rank);
    f("mode", mode);
    f("in_dims", in_dims);
    f("out_dims", out_dims);
    f("pad_begin", pad_begin);
  }
};

inline int32_t pad_source_index(int32_t i, int32_t size, int32_t mode) {
  if (mode == kPadEdge) return i < 0 ? 0 : (i >= size ? size - 1 : i);
  if (mode == kPadWrap) {
    int32_t r = i % size;
    return r < 0 ? r + size : r;
  }
  if (size == 1) return 0;  // reflect
  const int32_t period = 2 * (size - 1);
  int32_t r = i % period;
  if (r < 0) r += period;
  return r < size ? r : period - r;
}

template <class T>
void pad(const PadParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  int32_t index[MOTE_MAX_RANK] = {0};
  for (int32_t o = 0; o < p.count; ++o) {
    int32_t in = 0;
    for (int32_t d = 0; d < p.rank; ++d)
      in = in * p.in_dims[d] + pad_source_index(index[d] - p.pad_begin[d], p.in_dims[d], p.mode);
    y[o] = x[in];
    for (int32_t d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < p.out_dims[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace mote

#endif  // MOTE_LAYOUT_H
