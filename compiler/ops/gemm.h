// Gemm attributes (used by the fusion passes too), and those of its quantized form.
#pragma once

#include "compiler/ir/attrs.h"

namespace mote::ops {

struct GemmAttrs : AttrsOf<GemmAttrs> {
  float alpha = 1.0f;
  float beta = 1.0f;
  int64_t trans_a = 0;
  int64_t trans_b = 0;
  std::optional<int64_t> broadcast;  // opset < 7; C always broadcasts from opset 7
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
    v("beta", beta);
    v("transA", trans_a);
    v("transB", trans_b);
    v("broadcast", broadcast);
  }
};

// com.microsoft.QGemm (qlinear.cpp), which quantized Gemms become.
struct QGemmAttrs : AttrsOf<QGemmAttrs> {
  float alpha = 1.0f;
  int64_t trans_a = 0;
  int64_t trans_b = 0;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
    v("transA", trans_a);
    v("transB", trans_b);
  }
};

}  // namespace mote::ops
