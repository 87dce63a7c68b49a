// Activations fused into the store of a producing kernel (conv, gemm): the compiler's
// fuse_activations pass removes the separate Relu/Clip/... node and sets the producer's
// `activation`. The value is rounded to the output type first and the same functor as the
// standalone op is applied, so fused and unfused results are identical.
#ifndef MOTE_ACTIVATION_H
#define MOTE_ACTIVATION_H

#include "mote/elementwise.h"

namespace mote {

enum ActivationKind : int32_t {
  kActivationNone = 0,
  kActivationRelu,
  kActivationClip,  // alpha = min, beta = max
  kActivationLeakyRelu,
  kActivationHardSigmoid,
  kActivationHardSwish,
  kActivationSigmoid,
  kActivationTanh,
};

struct Activation {
  int32_t kind;
  float alpha;
  float beta;
  template <class F>
  void each(F& f) const {
    f("kind", kind);
    f("alpha", alpha);
    f("beta", beta);
  }
};

template <class T>
inline T activate(const Activation& a, T y) {
  // Only floating-point producers get fused activations (integer ones use requantization).
  if constexpr (!is_floating<T>::value) {
    (void)a;
    return y;
  } else {
    using A = acc_t<T>;
    const A x = convert<A>(y);
    const UnaryParams p{1, a.alpha, a.beta, 0.0f};
    switch (a.kind) {
      case kActivationRelu: return convert<T>(op::Relu::apply(x, p));
      case kActivationClip: {  // the order of mote::clip: the lower bound first
        A v = x;
        if (v < A(a.alpha)) v = A(a.alpha);
        if (v > A(a.beta)) v = A(a.beta);
        return convert<T>(v);
      }
      case kActivationLeakyRelu: return convert<T>(op::LeakyRelu::apply(x, p));
      case kActivationHardSigmoid: return convert<T>(op::HardSigmoid::apply(x, p));
      case kActivationHardSwish: return convert<T>(op::HardSwish::apply(x, p));
      case kActivationSigmoid: return convert<T>(op::Sigmoid::apply(x, p));
      case kActivationTanh: return convert<T>(op::Tanh::apply(x, p));
      default: return y;
    }
  }
}

}  // namespace mote

#endif  // MOTE_ACTIVATION_H
