// Rounding float weights to int8 so that the layer's outputs on the calibration inputs, not
// each weight on its own, stay closest to float: GPTQ (Frantar, Ashkboos, Hoefler, Alistarh,
// "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers", ICLR
// 2023). The weights of one output channel are rounded one at a time; each rounding error is
// compensated on the weights not yet rounded, through the inverse of H = E[x x^T] over the
// input patches x the channel meets. Round-to-nearest minimises each weight's error; this
// minimises (approximately) E[(x . (w - w_int8 * scale))^2], the error the layer's output sees.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "compiler/ops/op_def.h"

namespace mote {

// `weights` (output channels along `axis`) rounded each to its nearest int8 step in
// [-127, 127] at `scales` per output channel, in the same layout.
std::vector<int8_t> round_to_nearest(const Tensor& weights, int axis, const std::vector<float>& scales);

class WeightRounding {
 public:
  // Above this many values per patch, H (size x size) costs too much: the node keeps
  // round-to-nearest.
  static constexpr int64_t kMaxPatchSize = 2048;

  // False when `node` cannot describe its input patches (or they are too long).
  static bool applies(const Node& node);
  explicit WeightRounding(const Node& node);

  // Adds the patches of the node's input 0 on one calibration sample (float32), at most
  // kPatchesPerSample output positions of it, spread evenly.
  void observe(const Tensor& input);

  // `weights` (the node's float weights, output channels along `axis`) rounded to
  // int8 in [-127, 127] at `scales` per output channel, in the same layout. Groups whose
  // inputs were never seen, or whose H is not positive definite, round to nearest.
  std::vector<int8_t> round(const Tensor& weights, int axis, const std::vector<float>& scales) const;

 private:
  static constexpr int64_t kPatchesPerSample = 512;
  WeightInputs inputs_;
  std::vector<Eigen::MatrixXd> second_moments_;  // per group: sum of x x^T (lower triangle)
  int64_t patches_ = 0;                          // per group
  int64_t samples_ = 0;
};

}  // namespace mote
