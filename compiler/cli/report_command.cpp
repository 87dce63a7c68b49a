// mote report: the deployment scorecard of a model on a target (compiler/driver/scorecard.h).
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "compiler/cli/command.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/sample_data.h"
#include "compiler/driver/scorecard.h"
#include "compiler/ir/errors.h"

namespace mote::cli {
namespace {

struct ReportArgs {
  std::string model, name = "model", target;
  std::vector<std::string> input_shapes, const_inputs;
  std::string quantize, calibration;
  int64_t instructions = 0;
  double rate = 0, battery_mah = 0, sleep_ua = 0;
  std::string dataset, labels = "y";
  std::optional<double> anomaly_threshold;
};

std::vector<int64_t> read_labels(const std::string& dataset, const std::string& name) {
  const auto arrays = read_numpy(dataset);
  auto it = arrays.find(name);
  if (it == arrays.end()) throw UserError(ErrorKind::Usage, "'" + dataset + "' has no array '" + name + "' of labels (--labels)");
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < it->second.numel(); ++i) labels.push_back(it->second.as_int64(i));
  return labels;
}

DatasetFigures dataset_figures(const Graph& graph, const ReportArgs& args, const std::vector<int64_t>& labels) {
  const auto samples = load_samples(args.dataset, graph);
  if (!args.anomaly_threshold) return {classification_metrics(predict_classes(graph, samples), labels), std::nullopt};
  const std::vector<double> scores = reconstruction_errors(graph, samples);
  return {classification_metrics(above_threshold(scores, *args.anomaly_threshold), labels), roc_auc(scores, labels)};
}

int run_report(const ReportArgs& args) {
  if (args.anomaly_threshold && args.dataset.empty()) throw UserError(ErrorKind::Usage, "--anomaly-threshold needs --dataset");
  CompileOptions options;
  options.model = args.model;
  options.name = args.name;
  bind_input_options(options.import, args.input_shapes, args.const_inputs);
  if (!args.target.empty()) options.target = find_target(args.target);
  CompileOptions float_options = options;
  // The float model is only the accuracy reference: it need not fit the board the int8 one is for.
  float_options.target.reset();
  if (!args.quantize.empty()) {
    options.quantize.activations = quantize_mode_activations(args.quantize);
    if (args.calibration.empty()) throw UserError(ErrorKind::Usage, "--quantize " + args.quantize + " needs --calibration DATA");
    options.post_training_quantization = true;
    options.calibration = args.calibration;
  }
  const CompileResult compiled = compile_model(options);
  ScorecardInputs in;
  in.name = args.name;
  in.compiled = &compiled;
  in.target = options.target;
  if (args.instructions > 0) in.instructions = args.instructions;
  in.inferences_per_hour = args.rate;
  in.battery_mah = args.battery_mah;
  in.sleep_ua = args.sleep_ua;
  if (options.target) in.code_size = measure_code_size(compiled.code, *options.target);
  in.anomaly_threshold = args.anomaly_threshold;
  if (!args.dataset.empty()) {
    const std::vector<int64_t> labels = read_labels(args.dataset, args.labels);
    if (args.anomaly_threshold && std::any_of(labels.begin(), labels.end(), [](int64_t label) { return label != 0 && label != 1; }))
      throw UserError(ErrorKind::Usage, "--anomaly-threshold: the labels in '" + args.dataset + "' must be 0 (normal) or 1 (anomalous)");
    in.dataset = dataset_figures(*compiled.graph, args, labels);
    if (options.post_training_quantization) in.float_dataset = dataset_figures(*compile_model(float_options).graph, args, labels);
  }
  std::cout << format_scorecard(in);
  return 0;
}

}  // namespace

Command add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand("report", "the deployment scorecard: latency, flash, RAM, energy, battery life, data sent, "
                                                  "accuracy; estimates are labelled, with their inputs");
  report->add_option("model", args->model, "the .onnx file")->required();
  report->add_option("--name", args->name, "the model's name in the report");
  report->add_option("--target", args->target, "NAME: a target from `mote targets` (clock, memory, datasheet current)");
  report->add_option("--input-shape", args->input_shapes, "NAME=DIMS: pin an input's shape");
  report->add_option("--const-input", args->const_inputs, "NAME=FILE.pb: bind a graph input to a constant");
  report->add_option("--quantize", args->quantize, "int8 or int16x8: report the quantized model (and the float one's accuracy)");
  report->add_option("--calibration", args->calibration, "DATA: calibration inputs for --quantize");
  report->add_option("--instructions", args->instructions,
                     "N: instructions per inference measured on the target (mote-m4-run); without it, a cycle model");
  report->add_option("--rate", args->rate, "INFERENCES: per hour, for the average current and battery life");
  report->add_option("--battery-mah", args->battery_mah, "MAH: battery capacity, for battery life");
  report->add_option("--sleep-ua", args->sleep_ua, "UA: current between inferences (default 0)");
  report->add_option("--dataset", args->dataset, "DATA.npz: labelled samples (inputs as for --calibration, labels in --labels)");
  report->add_option("--labels", args->labels, "NAME: the array of integer labels in --dataset (default y)");
  report->add_option_function<double>(
      "--anomaly-threshold", [args](const double& threshold) { args->anomaly_threshold = threshold; },
      "SCORE: the model is an autoencoder; a sample is anomalous (label 1) when its mean squared reconstruction error is above SCORE. "
      "Reports the AUC too");
  return {report, [args] { return run_report(*args); }};
}

}  // namespace mote::cli
