// Attributes of the elementwise unary ops (activations and math functions). All of them
// lower to runtime-min's unary<Op> kernel; see unary.cpp for the op table.
#pragma once

#include "compiler/ops/common_attrs.h"

namespace mote::ops {

struct LeakyReluAttrs : AttrsOf<LeakyReluAttrs> {
  float alpha = 0.01f;
  std::optional<std::vector<int64_t>> consumed_inputs;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
    v("consumed_inputs", consumed_inputs);
  }
};

struct EluAttrs : AttrsOf<EluAttrs> {
  float alpha = 1.0f;
  std::optional<std::vector<int64_t>> consumed_inputs;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
    v("consumed_inputs", consumed_inputs);
  }
};

struct CeluAttrs : AttrsOf<CeluAttrs> {
  float alpha = 1.0f;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
  }
};

struct ThresholdedReluAttrs : AttrsOf<ThresholdedReluAttrs> {
  float alpha = 1.0f;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
  }
};

struct SeluAttrs : AttrsOf<SeluAttrs> {
  float alpha = 1.67326319217681884765625f;
  float gamma = 1.05070102214813232421875f;
  std::optional<std::vector<int64_t>> consumed_inputs;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
    v("gamma", gamma);
    v("consumed_inputs", consumed_inputs);
  }
};

struct HardSigmoidAttrs : AttrsOf<HardSigmoidAttrs> {
  float alpha = 0.2f;
  float beta = 0.5f;
  std::optional<std::vector<int64_t>> consumed_inputs;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
    v("beta", beta);
    v("consumed_inputs", consumed_inputs);
  }
};

struct ShrinkAttrs : AttrsOf<ShrinkAttrs> {
  float bias = 0.0f;
  float lambd = 0.5f;
  template <class V>
  void fields(V& v) {
    v("bias", bias);
    v("lambd", lambd);
  }
};

struct IsInfAttrs : AttrsOf<IsInfAttrs> {
  int64_t detect_negative = 1;
  int64_t detect_positive = 1;
  template <class V>
  void fields(V& v) {
    v("detect_negative", detect_negative);
    v("detect_positive", detect_positive);
  }
};

}  // namespace mote::ops
