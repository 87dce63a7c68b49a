// Post-training quantization of a float graph: calibrate activation ranges on sample inputs
// with Mote's evaluator, then write the model in QDQ form (the form quantized ONNX models
// have), which the fuse_qdq pass turns into integer kernels. Activations: asymmetric int8 per
// tensor, or symmetric int16 (--quantize int16x8, for models int8 activations hurt, such as
// audio); Conv / Gemm / MatMul weights: symmetric int8 per output channel; biases become int32
// in fuse_qdq. Ops without an integer kernel stay float between DequantizeLinear and
// QuantizeLinear.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote {

struct QuantizeOptions {
  DType activations = DType::Int8;  // Int8, or Int16 (with int8 weights)
  // The driver equalizes channel ranges across layer pairs first (equalize_channel_ranges).
  bool equalize_channels = true;
  // MinMax: the observed range. Percentile: the magnitude below which `percentile` % of the
  // values lie. Entropy: the clipping threshold whose int8 histogram is closest to the observed
  // one (least KL divergence, as TensorRT calibrates). The last two clip hidden activations only.
  enum class Observer { MinMax, Percentile, Entropy };
  Observer observer = Observer::MinMax;
  double percentile = 99.99;        // Percentile: the share of values the range keeps
  // Gptq: weights rounded to keep each layer's output on the calibration inputs closest to
  // float (passes/weight_rounding.h). Nearest: each weight to its nearest step.
  enum class WeightRounding { Gptq, Nearest };
  WeightRounding weight_rounding = WeightRounding::Gptq;
  std::set<std::string> keep_float;  // node names whose outputs stay float
  // Called after each evaluated sample with (step, steps) over the whole calibration (ranges,
  // histograms, error report), for a progress display; may be empty.
  std::function<void(int, int)> progress;
};

// The entropy observer's choice for a histogram of magnitudes over [0, bins x bin_width):
// the threshold T (a whole number of bins, at least `levels`) that minimises KL(P || Q), where P
// is the histogram cut at T with the clipped counts added to its last bin, and Q is P
// quantized to `levels` equal steps, each step's count spread over its non-empty bins.
double entropy_threshold(const std::vector<double>& histogram, double bin_width, int levels);

// Signal-to-quantization-noise ratio of one tensor, float model against integer model.
struct TensorError {
  std::string name;
  double sqnr_db = 0;
};

struct QuantizeReport {
  int samples = 0;
  int quantized_tensors = 0;
  int quantized_weights = 0;
  std::vector<TensorError> outputs;  // graph outputs, in order
  std::vector<TensorError> tensors;  // every quantized activation, worst first
};

// Rewrites `graph` (after the float optimisation passes) into QDQ form calibrated on
// `samples` (each one vector of inputs in graph input order) and reports the error of the
// integer model against the float one on those samples.
QuantizeReport quantize_post_training(Graph& graph, const std::vector<std::vector<Tensor>>& samples, const QuantizeOptions& options);

}  // namespace mote
