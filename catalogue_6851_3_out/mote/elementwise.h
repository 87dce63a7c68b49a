// Elementwise kernels: one loop per arity, the per-element operation is a functor from
// mote::op. Functors compute in acc_t<T> (float for the half types) and the kernel converts
// the result to the output type. No restrict here: the planner may run these in place.
#ifndef MOTE_ELEMENTWISE_H
#define MOTE_ELEMENTWISE_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

template <class T>
inline constexpr bool is_integral_type() {
  return !is_floating<T>::value;
}

struct UnaryParams {
  int32_t count;
  float alpha;  // op-specific constants (LeakyRelu's slope, Selu's alpha, ...)
  float beta;
  float gamma;
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("alpha", alpha);
    f("beta", beta);
    f("gamma", gamma);
  }
};

template <class Op, class T, class U = T>
void unary(const UnaryParams& p, const T* x, U* y) {
  for (int32_t i = 0; i < p.count; ++i) y[i] = convert<U>(Op::apply(convert<acc_t<T>>(x[i]), p));
}

// Broadcast of up to three operands over an output shape, with dimensions collapsed by the
// compiler (adjacent dims with the same broadcast pattern merged). A stride of 0 repeats.
struct BroadcastParams {
  int32_t count;  // output elements
  int32_t rank;   // >= 1
  int32_t dims[MOTE_MAX_RANK];
  int32_t a_strides[MOTE_MAX_RANK];
  int32_t b_strides[MOTE_MAX_RANK];
  int32_t c_strides[MOTE_MAX_RANK];
  template <class F>
  void each(F& f) const {
    f("count", count);
    f("rank", rank);
    f("dims", dims);
    f("a_strides", a_strides);
    f("b_strides", b_strides);
    f("c_strides", c_strides);
  }
};

// Calls body(out_index, a_index, b_index, c_index) for every output element in order.
template <class Body>
inline void for_each_broadcast(const BroadcastParams& p, Body body) {
  if (p.count == 0) return;
  const int32_t last = p.rank - 1;
  const int32_t n = p.dims[last], sa = p.a_strides[last], sb = p.b_strides[last],
                sc = p.c_strides[last];
  int32_t index[MOTE_MAX_RANK] = {0};
  int32_t ia = 0, ib = 0, ic = 0;
  for (int32_t o = 0; o < p.count; o += n) {
    for (int32_t j = 0; j < n; ++j) body(o + j, ia + j * sa, ib + j * sb, ic + j * sc);
    for (int32_t d = last - 1; d >= 0; --d) {
      ia += p.a_strides[d];
      ib += p.b_strides[d];
      ic += p.c_strides[d];
      if (++index[d] < p.dims[d]) break;
      ia -= p.a_strides[d] * p.dims[d];
      ib -= p.b_strides[d] * p.dims[d];
      ic -= p.c_strides[d] * p.dims[d];
      index[d] = 0;
    }
  }
}

template <class Op, class TA, class TB, class TY>
void binary(const BroadcastParams& p, const TA* a, const TB* b, TY* y) {
  if (p.rank == 1 && p.a_strides[0] == 1 && p.b_strides[0] == 1) {
    for (int32_t i = 0; i < p.count; ++i)
      y[i] = convert<TY>(Op::apply(convert<acc_t<TA>>(a[i]), convert<acc_t<TB>>(b[i])));
    return;
  }
  for_each_broadcast(p, [&](int32_t o, int32_t ia, int32_t ib, int32_t) {
    y[o] = convert<TY>(Op::apply(convert<acc_t<TA>>(a[ia]), convert<acc_t<TB>>(b[ib])));
  });
}

template <class T>
void where(const BroadcastParams& p, const bool* condition, const T* x, const T* y, T* out) {
  for_each_broadcast(p, [&](int32_t o, int32_t ic, int32_t ix, int32_t iy) {
    out[o] = condition[ic] ? x[ix] : y[iy];
  });
}

// Clip with optional scalar bounds given as tensors (absent bound: null).
struct ClipParams {
  int32_t count;
  template <class F>
  void each(F& f) const {
    f("count", count);
  }
};
template <class T>
void clip(const ClipParams& p, const T* x, const T* lower, const T* upper, T* y) {
  using A = acc_t<T>;
  const bool has_lower = lower != nullptr, has_upper = upper != nullptr;
  const A lo = has_lower ? convert<A>(*lower) : A(0), hi = has_upper ? convert<A>(*upper) : A(0);
  for (int32_t i = 0; i < p.count; ++i) {
    A v = convert<A>(x[i]);
    if (has_lower && v < lo) v = lo;
    if (has_upper && v > hi) v = hi;
    y[i] = convert<T>(v);
  }
}

struct CopyParams {
  int32_t count;
  template <class F>
  void each(F& f) const {
    f("count", count);
  }
};
// Element copy; a no-op when the planner placed the output over the input.
template <class T>
void copy(const CopyParams& p, const T* x, T* y) {
  if (x == y) return;
  for (int32_t i = 0; i < p.count; ++i) y[i] = x[i];
}

// Every element of y set to *value.
template <class T>
void fill(const CopyParams& p, const T* value, T* y) {
  for (int32_t i = 0; i < p.count; ++i) y[i] = *value;
}

// y[i] = start + i * delta (Range).
template <class T>
void iota(const CopyParams& p, const T* start, const T* delta, T* y) {
  using A = acc_t<T>;
  const A s = convert<A>(*start), d = convert<A>(*delta);
  for (int32_t i = 0; i < p.count; ++i) y[i] = convert<T>(wrap_add(s, wrap_mul(static_cast<A>(i), d)));
}

namespace op {

#define MOTE_UNARY_OP(Name, expr)                           \
  struct Name {                                             \
    static constexpr const char* name = #Name;              \
    template <class A>                                      \
    static auto apply(A x, const UnaryParams& p) {          \
      (void)p;                                              \
      return expr;                                          \
    }                                                       \
  };

MOTE_UNARY_OP(Identity, x)
MOTE_UNARY_OP(Relu, is_negative(x) ? A(0) : x)
MOTE_UNARY_OP(LeakyRelu, is_negative(x) ? A(p.alpha * x) : x)
MOTE_UNARY_OP(ThresholdedRelu, x > A(p.alpha) ? x : A(0))
MOTE_UNARY_OP(Elu, x < A(0) ? A(p.alpha * math::expm1(x)) : x)
MOTE_UNARY_OP(Selu, x <= A(0) ? A(p.gamma * (p.alpha * math::exp(x) - p.alpha)) : A(p.gamma * x))
MOTE_UNARY_OP(Celu, max_of(A(0), x) + min_of(A(0), A(p.alpha * math::expm1(x / A(p.alpha)))))
MOTE_UNARY_OP(HardSigmoid, max_of(A(0), min_of(A(1), A(p.alpha * x + p.beta))))
MOTE_UNARY_OP(HardSwish, x * max_of(A(0), min_of(A(1), A(x / A(6) + A(0.5)))))
MOTE_UNARY_OP(Sigmoid, x >= A(0) ? A(1) / (A(1) + math::exp(-x)) : math::exp(x) / (A(1) + math::exp(x)))
MOTE_UNARY_OP(Tanh, math::tanh(x))
MOTE_UNARY_OP(Softplus, x > A(0) ? x + math::log1p(math::exp(-x)) : math::log1p(math::exp(x)))
MOTE_UNARY_OP(Softsign, x / (A(1) + math::fabs(x)))
MOTE_UNARY_OP(Shrink, x < A(-p.beta) ? A(x + p.alpha) : (x > A(p.beta) ? A(x - p.alpha) : A(0)))
MOTE_UNARY_OP(Exp, math::exp(x))
MOTE_UNARY_OP(Log, math::log(x))
MOTE_UNARY_OP(Sqrt, math::sqrt(x))
MOTE_UNARY_OP(Reciprocal, A(1) / x)
MOTE_UNARY_OP(Floor, math::floor(x))
MOTE_UNARY_OP(Ceil, math::ceil(x))
MOTE_UNARY_OP(Round, math::rint(x))  // ties to even in the default rounding mode, as ONNX asks
MOTE_UNARY_OP(Erf, math::erf(x))
MOTE_UNARY_OP(Sin, math::sin(x))
MOTE_UNARY_OP(Cos, math::cos(x))
MOTE_UNARY_OP(Tan, math::tan(x))
MOTE_UNARY_OP(Asin, math::asin(x))
MOTE_UNARY_OP(Acos, math::acos(x))
MOTE_UNARY_OP(Atan, math::atan(x))
MOTE_UNARY_OP(Sinh, math::sinh(x))
MOTE_UNARY_OP(Cosh, math::cosh(x))
MOTE_UNARY_OP(Asinh, math::asinh(x))
MOTE_UNARY_OP(Acosh, math::acosh(x))
MOTE_UNARY_OP(Atanh, math::atanh(x))
MOTE_UNARY_OP(Not, !x)
MOTE_UNARY_OP(IsNaN, x != x)
MOTE_UNARY_OP(Sign, A(A(0) < x) - A(is_negative(x)))
MOTE_UNARY_OP(Scale, A(x * A(p.alpha)))    // internal: multiply by a constant
MOTE_UNARY_OP(DivideBy, A(x / A(p.alpha)))  // internal: divide by a constant (Mean)
#undef MOTE_UNARY_OP

struct Abs {
  static constexpr const char* name = "Abs";
  template <class A>
  static A apply(A x, const UnaryParams&) {
    return is_negative(x) ? wrap_sub(A(0), x) : x;
  }
};
struct Neg {
  static constexpr const char* name = "Neg";
  template <class A>
  static A apply(A x, const UnaryParams&) {
    return wrap_sub(A(0), x);
  }
};
// alpha != 0: detect +inf, beta != 0: detect -inf.
struct IsInf {
  static constexpr const char* name = "IsInf";
  template <class A>
  static bool apply(A x, const UnaryParams& p) {
    if (!math::is_inf(x)) return false;
    return x > A(0) ? p.alpha != 0.0f : p.beta != 0.0f;
  }
};

#define MOTE_BINARY_OP(Name, expr)                    \
  struct Name {                                       \
    static constexpr const char* name = #Name;        \
    template <class A, class B>                       \
    static auto apply(A a, B b) {                     \
      return expr;                                    \
    }                                                 \
  };

MOTE_BINARY_OP(Add, wrap_add(a, b))
MOTE_BINARY_OP(Sub, wrap_sub(a, b))
MOTE_BINARY_OP(Mul, wrap_mul(a, b))
MOTE_BINARY_OP(Max, (a < b || b != b) ? b : a)
MOTE_BINARY_OP(Min, (b < a || b != b) ? b : a)
MOTE_BINARY_OP(Equal, a == b)
MOTE_BINARY_OP(Less, a < b)
MOTE_BINARY_OP(LessOrEqual, a <= b)
MOTE_BINARY_OP(Greater, a > b)
MOTE_BINARY_OP(GreaterOrEqual, a >= b)
MOTE_BINARY_OP(And, a && b)
MOTE_BINARY_OP(Or, a || b)
MOTE_BINARY_OP(Xor, a != b)
MOTE_BINARY_OP(PRelu, is_negative(a) ? A(a * b) : a)
#undef MOTE_BINARY_OP

struct Div {
  static constexpr const char* name = "Div";
  template <class A>
  static A apply(A a, A b) {
    if constexpr (is_integral_type<A>()) {
      if (b == A(0)) return A(0);  // undefined in ONNX; defined here so nothing traps
      if (is_negative(b) && b == A(-1)) return wrap_sub(A(0), a);
    }
    return A(a / b);
  }
};

// ONNX Mod with fmod = 0: the result takes the sign of the divisor (Python's %).
struct Mod {
  static constexpr const char* name = "Mod";
  template <class A>
  static A apply(A a, A b) {
    A r;
    if constexpr (is_integral_type<A>()) {
      if (b == A(0)) return A(0);
      if (is_negative(b) && b == A(-1)) return A(0);
      r = A(a % b);
    } else {
      r = math::fmod(a, b);
    }
    if (r != A(0) && is_negative(r) != is_negative(b)) r = A(r + b);
    return r;
  }
};
// ONNX Mod with fmod = 1: the result takes the sign of the dividend (C's fmod and %).
struct FMod {
  static constexpr const char* name = "FMod";
  template <class A>
  static A apply(A a, A b) {
    if constexpr (is_integral_type<A>()) {
      if (b == A(0)) return A(0);
      if (is_negative(b) && b == A(-1)) return A(0);
      return A(a % b);
    } else {
      return math::fmod(a, b);
    }
  }
};

struct Pow {
  static constexpr const char* name = "Pow";
  template <class A, class B>
  static auto apply(A a, B b) {
    if constexpr (is_integral_type<A>() && is_integral_type<B>()) {
      if (is_negative(b)) return A(a == A(1) ? 1 : (a == A(-1) ? ((b & 1) ? -1 : 1) : 0));
      A result = A(1);
      for (B e = b; e > B(0); e = B(e >> 1)) {
        if (e & 1) result = wrap_mul(result, a);
        a = wrap_mul(a, a);
      }
      return result;
    } else if constexpr (is_integral_type<A>()) {
      return math::pow(static_cast<B>(a), b);
    } else if constexpr (is_integral_type<B>()) {
      return math::pow(a, static_cast<A>(b));
    } else {
      using F = decltype(a + b);
      return math::pow(static_cast<F>(a), static_cast<F>(b));
    }
  }
};

struct BitShiftLeft {
  static constexpr const char* name = "BitShiftLeft";
  template <class A>
  static A apply(A a, A b) {
    return b >= A(sizeof(A) * 8) ? A(0) : A(a << b);
  }
};
struct BitShiftRight {
  static constexpr const char* name = "BitShiftRight";
  template <class A>
  static A apply(A a, A b) {
    return b >= A(sizeof(A) * 8) ? A(0) : A(a >> b);
  }
};

}  // namespace op
}  // namespace mote

#endif  // MOTE_ELEMENTWISE_H
