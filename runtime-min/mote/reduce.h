// Reductions over any set of axes (ReduceSum, ReduceMean, ...), and ArgMax / ArgMin.
// The compiler splits the input's dims into kept and reduced ones, each with its strides.
#ifndef MOTE_REDUCE_H
#define MOTE_REDUCE_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

struct ReduceParams {
  int32_t out_count;
  int32_t keep_rank;  // >= 1
  int32_t keep_dims[MOTE_MAX_RANK];
  int32_t keep_strides[MOTE_MAX_RANK];
  int32_t reduce_count;
  int32_t reduce_rank;  // >= 1
  int32_t reduce_dims[MOTE_MAX_RANK];
  int32_t reduce_strides[MOTE_MAX_RANK];
  template <class F>
  void each(F& f) const {
    f("out_count", out_count);
    f("keep_rank", keep_rank);
    f("keep_dims", keep_dims);
    f("keep_strides", keep_strides);
    f("reduce_count", reduce_count);
    f("reduce_rank", reduce_rank);
    f("reduce_dims", reduce_dims);
    f("reduce_strides", reduce_strides);
  }
};

// Calls body(out_index, input_offset_of_first_reduced_element) per output element, and
// step(offset) visits the reduced elements.
template <class Body>
inline void for_each_kept(const ReduceParams& p, Body body) {
  int32_t index[MOTE_MAX_RANK] = {0};
  int64_t offset = 0;
  for (int32_t o = 0; o < p.out_count; ++o) {
    body(o, offset);
    for (int32_t d = p.keep_rank - 1; d >= 0; --d) {
      offset += p.keep_strides[d];
      if (++index[d] < p.keep_dims[d]) break;
      offset -= static_cast<int64_t>(p.keep_strides[d]) * p.keep_dims[d];
      index[d] = 0;
    }
  }
}

template <class Visit>
inline void for_each_reduced(const ReduceParams& p, int64_t base, Visit visit) {
  int32_t index[MOTE_MAX_RANK] = {0};
  int64_t offset = base;
  for (int32_t r = 0; r < p.reduce_count; ++r) {
    visit(offset);
    for (int32_t d = p.reduce_rank - 1; d >= 0; --d) {
      offset += p.reduce_strides[d];
      if (++index[d] < p.reduce_dims[d]) break;
      offset -= static_cast<int64_t>(p.reduce_strides[d]) * p.reduce_dims[d];
      index[d] = 0;
    }
  }
}

namespace reduce_op {
// Each reduction: the start value, how to fold in one element, the final transform.
#define MOTE_REDUCE_OP(Name, start, fold, finish)                          \
  struct Name {                                                            \
    static constexpr const char* name = #Name;                             \
    template <class A>                                                     \
    static A init() {                                                      \
      return start;                                                        \
    }                                                                      \
    template <class A>                                                     \
    static A step(A acc, A v) {                                            \
      return fold;                                                         \
    }                                                                      \
    template <class A>                                                     \
    static A done(A acc, int32_t count) {                                  \
      (void)count;                                                         \
      return finish;                                                       \
    }                                                                      \
  };
MOTE_REDUCE_OP(Sum, A(0), wrap_add(acc, v), acc)
MOTE_REDUCE_OP(Mean, A(0), wrap_add(acc, v), count ? A(acc / A(count)) : acc)
MOTE_REDUCE_OP(Prod, A(1), wrap_mul(acc, v), acc)
MOTE_REDUCE_OP(Max, numeric_limits<A>::lowest(), (v > acc || v != v) ? v : acc, acc)
MOTE_REDUCE_OP(Min, numeric_limits<A>::max(), (v < acc || v != v) ? v : acc, acc)
MOTE_REDUCE_OP(L1, A(0), wrap_add(acc, is_negative(v) ? wrap_sub(A(0), v) : v), acc)
MOTE_REDUCE_OP(L2, A(0), acc + v * v, A(math::sqrt(acc)))
MOTE_REDUCE_OP(SumSquare, A(0), wrap_add(acc, wrap_mul(v, v)), acc)
MOTE_REDUCE_OP(LogSum, A(0), acc + v, A(math::log(acc)))
#undef MOTE_REDUCE_OP
}  // namespace reduce_op

template <class Op, class T>
void reduce(const ReduceParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for_each_kept(p, [&](int32_t o, int64_t base) {
    A acc = Op::template init<A>();
    for_each_reduced(p, base, [&](int64_t at) { acc = Op::step(acc, convert<A>(x[at])); });
    y[o] = convert<T>(Op::done(acc, p.reduce_count));
  });
}

// log(sum(exp(x))) computed as max + log(sum(exp(x - max))) so it cannot overflow.
template <class T>
void reduce_log_sum_exp(const ReduceParams& p, const T* MOTE_RESTRICT x, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for_each_kept(p, [&](int32_t o, int64_t base) {
    A top = numeric_limits<A>::lowest();
    for_each_reduced(p, base, [&](int64_t at) {
      const A v = convert<A>(x[at]);
      if (v > top) top = v;
    });
    A sum = A(0);
    for_each_reduced(p, base, [&](int64_t at) { sum += math::exp(convert<A>(x[at]) - top); });
    y[o] = convert<T>(p.reduce_count ? A(top + math::log(sum)) : A(math::log(sum)));
  });
}

struct ArgParams {
  int32_t outer, length, inner;
  int32_t select_last_index;
  template <class F>
  void each(F& f) const {
    f("outer", outer);
    f("length", length);
    f("inner", inner);
    f("select_last_index", select_last_index);
  }
};

// kMax: ArgMax, else ArgMin. Ties go to the first (or last) index.
template <class T, bool kMax>
void arg_extreme(const ArgParams& p, const T* MOTE_RESTRICT x, int64_t* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  for (int32_t o = 0; o < p.outer; ++o)
    for (int32_t i = 0; i < p.inner; ++i) {
      const int64_t base = static_cast<int64_t>(o) * p.length * p.inner + i;
      A best = convert<A>(x[base]);
      int32_t best_at = 0;
      for (int32_t k = 1; k < p.length; ++k) {
        const A v = convert<A>(x[base + static_cast<int64_t>(k) * p.inner]);
        const bool better = kMax ? (p.select_last_index ? v >= best : v > best) : (p.select_last_index ? v <= best : v < best);
        if (better) {
          best = v;
          best_at = k;
        }
      }
      y[static_cast<int64_t>(o) * p.inner + i] = best_at;
    }
}

template <class T>
void arg_max(const ArgParams& p, const T* x, int64_t* y) {
  arg_extreme<T, true>(p, x, y);
}
template <class T>
void arg_min(const ArgParams& p, const T* x, int64_t* y) {
  arg_extreme<T, false>(p, x, y);
}

}  // namespace mote

#endif  // MOTE_REDUCE_H
