#include "compiler/driver/scorecard.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "compiler/driver/report.h"
#include "compiler/eval/evaluator.h"
#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"

namespace mote {
namespace {

int64_t argmax(const Tensor& t) {
  int64_t best = 0;
  for (int64_t i = 1; i < t.numel(); ++i)
    if (t.as_double(i) > t.as_double(best)) best = i;
  return best;
}

}  // namespace

ClassificationMetrics classification_metrics(const std::vector<int64_t>& predicted, const std::vector<int64_t>& labels) {
  ClassificationMetrics m;
  m.samples = static_cast<int64_t>(std::min(predicted.size(), labels.size()));
  if (m.samples == 0) return m;
  std::set<int64_t> classes(labels.begin(), labels.begin() + m.samples);
  classes.insert(predicted.begin(), predicted.begin() + m.samples);
  std::map<int64_t, int64_t> true_positive, predicted_count, label_count;
  int64_t correct = 0;
  for (int64_t i = 0; i < m.samples; ++i) {
    ++predicted_count[predicted[i]];
    ++label_count[labels[i]];
    if (predicted[i] == labels[i]) {
      ++correct;
      ++true_positive[labels[i]];
    }
  }
  m.classes = static_cast<int64_t>(classes.size());
  m.accuracy = static_cast<double>(correct) / static_cast<double>(m.samples);
  for (int64_t c : classes) {
    const double tp = static_cast<double>(true_positive[c]);
    const double precision = predicted_count[c] ? tp / static_cast<double>(predicted_count[c]) : 0.0;
    const double recall = label_count[c] ? tp / static_cast<double>(label_count[c]) : 0.0;
    m.precision += precision;
    m.recall += recall;
    m.f1 += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
  }
  m.precision /= static_cast<double>(m.classes);
  m.recall /= static_cast<double>(m.classes);
  m.f1 /= static_cast<double>(m.classes);
  return m;
}

std::vector<int64_t> predict_classes(const Graph& graph, const std::vector<std::vector<Tensor>>& samples) {
  std::vector<int64_t> classes;
  for (const std::vector<Tensor>& sample : samples) classes.push_back(argmax(evaluate_graph(graph, sample).at(0)));
  return classes;
}

std::vector<double> reconstruction_errors(const Graph& graph, const std::vector<std::vector<Tensor>>& samples) {
  std::vector<double> errors;
  for (const std::vector<Tensor>& sample : samples) {
    const Tensor output = evaluate_graph(graph, sample).at(0);
    const Tensor& input = sample.at(0);
    if (output.numel() != input.numel())
      throw UserError(ErrorKind::Usage, fmt::format("reconstruction error: output '{}' has {} elements and input '{}' {}: not an autoencoder",
                                                    graph.outputs.at(0)->name, output.numel(), graph.inputs.at(0)->name, input.numel()));
    double sum = 0;
    for (int64_t i = 0; i < output.numel(); ++i) {
      const double difference = output.as_double(i) - input.as_double(i);
      sum += difference * difference;
    }
    errors.push_back(output.numel() ? sum / static_cast<double>(output.numel()) : 0.0);
  }
  return errors;
}

std::vector<int64_t> above_threshold(const std::vector<double>& scores, double threshold) {
  std::vector<int64_t> flags;
  for (double score : scores) flags.push_back(score > threshold ? 1 : 0);
  return flags;
}

double roc_auc(const std::vector<double>& scores, const std::vector<int64_t>& labels) {
  // Mann-Whitney U from the ranks of the scores, tied scores sharing their mean rank.
  const size_t n = std::min(scores.size(), labels.size());
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0, positives = 0;
  for (size_t first = 0; first < n;) {
    size_t last = first;
    while (last + 1 < n && scores[order[last + 1]] == scores[order[first]]) ++last;
    const double mean_rank = (static_cast<double>(first + last) + 2.0) / 2.0;
    for (size_t i = first; i <= last; ++i)
      if (labels[order[i]] == 1) {
        positive_rank_sum += mean_rank;
        positives += 1;
      }
    first = last + 1;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

// Cycles per MAC, fitted to the MLPerf Tiny models on the emulated cores (docs/targets.md): the
// integer kernels with DSP instructions on the Cortex-M4 (int8: kws 2.24, vww 2.42, ic 1.84;
// int16 activations, --quantize int16x8: kws 2.15, ic 1.89), the plain C integer kernels on
// the Cortex-M3 (kws 6.3, ic 6.3), float on the Cortex-M4 (kws 3.3, vww 3.1, ic 4.6).
constexpr double kIntegerDspCyclesPerMac = 2.2, kIntegerPlainCyclesPerMac = 6.3, kFloatCyclesPerMac = 4.2;

int64_t modelled_cycles(const Graph& graph, const TargetDescription* target) {
  const bool dsp = target && target->has_feature("dsp");
  double cycles = 0;
  for (const auto& node : graph.nodes()) {
    const double macs = static_cast<double>(multiply_accumulates(*node));
    const bool integer = !node->inputs.empty() && node->inputs[0] && is_integer(node->inputs[0]->dtype);
    cycles += macs * (integer ? (dsp ? kIntegerDspCyclesPerMac : kIntegerPlainCyclesPerMac) : kFloatCyclesPerMac);
  }
  return static_cast<int64_t>(cycles);
}

std::string format_scorecard(const ScorecardInputs& in) {
  const CompileResult& c = *in.compiled;
  const Graph& g = *c.graph;
  const MemorySummary& m = g.memory;
  const TargetDescription* t = in.target ? &*in.target : nullptr;
  std::string s = "Deployment scorecard: " + in.name + (t ? " on " + t->name + (t->board.empty() ? "" : " (" + t->board + ")") : "") + "\n\n";
  s += "| figure | value | how it was obtained |\n|---|---|---|\n";
  auto row = [&](const std::string& figure, const std::string& value, const std::string& how) {
    s += "| " + figure + " | " + value + " | " + how + " |\n";
  };
  const int64_t cycles = in.instructions ? *in.instructions : modelled_cycles(g, t);
  const std::string cycles_how = in.instructions ? "measured instructions (--instructions), one cycle each: estimate"
                                                 : fmt::format("estimate: cycle model ({} cycles per integer MAC with DSP, {} without, {} per float MAC)",
                                                               kIntegerDspCyclesPerMac, kIntegerPlainCyclesPerMac, kFloatCyclesPerMac);
  if (t && t->clock_mhz > 0)
    row("latency", fmt::format("{:.1f} ms ({} cycles at {} MHz)", static_cast<double>(cycles) / (t->clock_mhz * 1e3), grouped_digits(cycles), t->clock_mhz),
        cycles_how);
  else
    row("cycles", grouped_digits(cycles), cycles_how + (t ? "; no clock for this target" : "; no --target, so no latency"));
  if (in.code_size) {
    const int64_t flash = in.code_size->text + in.code_size->data;
    row("flash", fmt::format("{} B: {} B of weights, {} B of code and other constants", grouped_digits(flash), grouped_digits(c.code.weights_bytes),
                             grouped_digits(flash - c.code.weights_bytes)),
        "measured: text + data of the generated sources compiled with " + in.code_size->how +
            ", before linking (C library functions not included)");
  } else {
    row("flash", grouped_digits(c.code.weights_bytes) + " B of weights, plus code",
        std::string("compiler; code size needs --target and its compiler on PATH") + (t ? " (" + t->compiler + " is not)" : ""));
  }
  row("RAM", fmt::format("{} B (arena {} + input/output {})", grouped_digits(m.arena_bytes + m.io_bytes), grouped_digits(m.arena_bytes), grouped_digits(m.io_bytes)),
      "compiler: static memory plan, no heap");
  const std::optional<double> energy = t ? t->energy_uj(cycles) : std::nullopt;
  if (energy) {
    row("energy / inference", fmt::format("{:.1f} uJ", *energy),
        fmt::format("estimate: {} V x {} uA/MHz x cycles ({})", t->supply_volts, *t->active_ua_per_mhz, t->datasheet));
    if (in.inferences_per_hour > 0) {
      // Charge per inference: uA/MHz x cycles gives 1e-12 A*s per cycle; average over an hour.
      const double charge_uas = *t->active_ua_per_mhz * static_cast<double>(cycles) * 1e-6;
      const double average_ua = in.sleep_ua + charge_uas * in.inferences_per_hour / 3600.0;
      row("average current", fmt::format("{:.3f} uA", average_ua),
          fmt::format("estimate: {} inferences/hour, {} uA between them (--sleep-ua)", in.inferences_per_hour, in.sleep_ua));
      if (in.battery_mah > 0)
        row("battery life", fmt::format("{:.0f} days", in.battery_mah * 1000.0 / average_ua / 24.0),
            fmt::format("estimate: {} mAh, inference and sleep only (no radio, sensors or self-discharge)", in.battery_mah));
    }
  } else {
    row("energy / inference", "-", t ? "no datasheet current for " + t->name : "needs --target");
  }
  int64_t in_bytes = 0, out_bytes = 0;
  for (const Value* v : g.inputs) in_bytes += v->byte_size();
  for (const Value* v : g.outputs) out_bytes += v->byte_size();
  if (in.anomaly_threshold) out_bytes = static_cast<int64_t>(sizeof(float));  // the device sends its score, not the reconstruction
  if (out_bytes > 0)
    row("data sent", fmt::format("{} B instead of {} B of raw input: {:.0f}x less", grouped_digits(out_bytes), grouped_digits(in_bytes),
                                 static_cast<double>(in_bytes) / static_cast<double>(out_bytes)),
        in.anomaly_threshold ? "per inference, sending the anomaly score (a float) instead of the input"
                             : "per inference, sending results instead of the input");
  auto metrics_text = [](const ClassificationMetrics& x) {
    return fmt::format("accuracy {:.2f}%, precision {:.3f}, recall {:.3f}, F1 {:.3f}", 100 * x.accuracy, x.precision, x.recall, x.f1);
  };
  const std::string task = in.anomaly_threshold ? "anomaly detection" : "classification";
  auto dataset_text = [&](const DatasetFigures& x) {
    return (x.auc ? fmt::format("AUC {:.4f}; above {:g}: ", *x.auc, *in.anomaly_threshold) : std::string()) + metrics_text(x.metrics);
  };
  if (in.dataset) {
    const ClassificationMetrics& m = in.dataset->metrics;
    row(task, dataset_text(*in.dataset),
        in.anomaly_threshold
            ? fmt::format("{} labelled samples (1 = anomalous), score: mean squared reconstruction error, macro averages over the 2 classes; "
                          "the compiled code evaluated on the host",
                          m.samples)
            : fmt::format("{} labelled samples, {} classes, macro averages; the compiled code evaluated on the host", m.samples, m.classes));
  }
  if (in.float_dataset) row(task + " (float model)", dataset_text(*in.float_dataset), "the same samples, before quantization");
  return s;
}

}  // namespace mote
