// The deployment scorecard (`mote report`): the figures TinyML projects are judged by, each
// with how it was obtained. Measured figures come from the compiler or from the caller
// (instructions counted on an emulated target); everything derived from datasheet figures or a
// cycle model is labelled as an estimate, with its inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/code_size.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/targets.h"

namespace mote {

// Macro-averaged over the classes that occur in the labels or the predictions.
struct ClassificationMetrics {
  int64_t samples = 0;
  int64_t classes = 0;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;
};
ClassificationMetrics classification_metrics(const std::vector<int64_t>& predicted, const std::vector<int64_t>& labels);

// Per-sample predicted class: the argmax of the first output, evaluated on the host with the
// compiled graph's kernels.
std::vector<int64_t> predict_classes(const Graph& graph, const std::vector<std::vector<Tensor>>& samples);

// Per-sample anomaly score of an autoencoder: the mean squared difference between its first
// output and its first input, evaluated on the host with the compiled graph's kernels. Throws
// UserError when the two differ in size (not an autoencoder).
std::vector<double> reconstruction_errors(const Graph& graph, const std::vector<std::vector<Tensor>>& samples);
// 1 where the score is above the threshold, else 0.
std::vector<int64_t> above_threshold(const std::vector<double>& scores, double threshold);
// Area under the ROC curve of `scores` for 0/1 labels (1 = positive), ties counted half: the
// probability that a random positive scores above a random negative. NaN without both classes.
double roc_auc(const std::vector<double>& scores, const std::vector<int64_t>& labels);

// What a labelled dataset says about one model: a classifier's metrics, or an anomaly
// detector's (predicted 1 above the threshold) with the AUC of its scores.
struct DatasetFigures {
  ClassificationMetrics metrics;
  std::optional<double> auc;
};

struct ScorecardInputs {
  std::string name;
  const CompileResult* compiled = nullptr;
  std::optional<TargetDescription> target;
  std::optional<int64_t> instructions;  // measured per inference (mote-m4-run); else the cycle model
  double inferences_per_hour = 0;       // duty cycle, for average current and battery life
  double battery_mah = 0;
  double sleep_ua = 0;                  // current between inferences
  std::optional<DatasetFigures> dataset, float_dataset;
  std::optional<double> anomaly_threshold;  // the dataset figures are an anomaly detector's
  std::optional<CodeSize> code_size;        // measured with the target's compiler
};

// Cycles per inference from the compiled graph when nothing was measured: instructions per MAC
// as measured on the emulated Cortex-M4 (docs/targets.md), one cycle each.
int64_t modelled_cycles(const Graph& graph, const TargetDescription* target);

std::string format_scorecard(const ScorecardInputs& in);

}  // namespace mote
