// Overloads of the <math.h> functions for float and double, so templated kernels call the
// single-precision routine for float (no silent promotion to double on an FPU-less core).
#ifndef MOTE_MATH_H
#define MOTE_MATH_H

#include "mote/base.h"

namespace mote {
namespace math {

#define MOTE_MATH1(name)                              \
  inline float name(float x) { return ::name##f(x); } \
  inline double name(double x) { return ::name(x); }
MOTE_MATH1(exp)
MOTE_MATH1(expm1)
MOTE_MATH1(log)
MOTE_MATH1(log1p)
MOTE_MATH1(sqrt)
MOTE_MATH1(fabs)
MOTE_MATH1(floor)
MOTE_MATH1(ceil)
MOTE_MATH1(rint)
MOTE_MATH1(round)
MOTE_MATH1(trunc)
MOTE_MATH1(erf)
MOTE_MATH1(sin)
MOTE_MATH1(cos)
MOTE_MATH1(tan)
MOTE_MATH1(asin)
MOTE_MATH1(acos)
MOTE_MATH1(atan)
MOTE_MATH1(sinh)
MOTE_MATH1(cosh)
MOTE_MATH1(tanh)
MOTE_MATH1(asinh)
MOTE_MATH1(acosh)
MOTE_MATH1(atanh)
#undef MOTE_MATH1

inline float pow(float x, float y) { return ::powf(x, y); }
inline double pow(double x, double y) { return ::pow(x, y); }
inline float fmod(float x, float y) { return ::fmodf(x, y); }
inline double fmod(double x, double y) { return ::fmod(x, y); }
inline float atan2(float y, float x) { return ::atan2f(y, x); }
inline double atan2(double y, double x) { return ::atan2(y, x); }

template <class T>
inline bool is_nan(T x) {
  return x != x;
}
template <class T>
inline bool is_inf(T x) {
  return !is_nan(x) && is_nan(x - x);  // only infinities give NaN when subtracted from themselves
}

}  // namespace math
}  // namespace mote

#endif  // MOTE_MATH_H
