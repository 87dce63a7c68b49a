#include "passes/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "compiler/eval/evaluator.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/quantize.h"
#include "passes/passes.h"
#include "passes/rewrite.h"
#include "passes/weight_rounding.h"

namespace mote {
namespace {

constexpr int kHistogramBins = 2048;

// What calibration saw of one tensor.
struct Observed {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  std::vector<double> histogram;  // of the nonzero |x| over [0, max(|lo|, |hi|)]
  double zeros = 0;               // exact zeros, kept apart
  double magnitude() const { return std::max(std::fabs(lo), std::fabs(hi)); }
};

// The magnitude below which `share` of the observed values lie.
double percentile_threshold(const Observed& o, double share) {
  double total = o.zeros;
  for (double h : o.histogram) total += h;
  double seen = o.zeros;
  const double width = o.magnitude() / kHistogramBins;
  for (int i = 0; i < kHistogramBins; ++i) {
    seen += o.histogram[static_cast<size_t>(i)];
    if (seen >= share * total) return (i + 1) * width;
  }
  return o.magnitude();
}

}  // namespace

double entropy_threshold(const std::vector<double>& histogram, double bin_width, int levels) {
  const int bins = static_cast<int>(histogram.size());
  double best_divergence = std::numeric_limits<double>::infinity();
  int best = bins;
  std::vector<double> reference, expanded;
  for (int cut = std::min(levels, bins); cut <= bins; ++cut) {
    // P: the first `cut` bins, with everything beyond them clipped into the last one.
    reference.assign(histogram.begin(), histogram.begin() + cut);
    for (int i = cut; i < bins; ++i) reference.back() += histogram[static_cast<size_t>(i)];
    double total = 0;
    for (double h : reference) total += h;
    if (total <= 0) continue;
    // Q: each of `levels` steps of the cut range holds its bins' count, spread evenly over the
    // bins that P has non-empty (empty ones stay empty: int8 cannot put mass there either).
    expanded.assign(static_cast<size_t>(cut), 0.0);
    for (int level = 0; level < levels; ++level) {
      const int first = level * cut / levels, end = (level + 1) * cut / levels;
      double count = 0;
      int occupied = 0;
      for (int i = first; i < end; ++i) {
        count += histogram[static_cast<size_t>(i)];
        occupied += histogram[static_cast<size_t>(i)] > 0;
      }
      for (int i = first; i < end; ++i)
        if (histogram[static_cast<size_t>(i)] > 0) expanded[static_cast<size_t>(i)] = count / occupied;
    }
    double expanded_total = 0;
    for (double q : expanded) expanded_total += q;
    double divergence = 0;
    for (int i = 0; i < cut; ++i) {
      const double p = reference[static_cast<size_t>(i)] / total;
      if (p <= 0) continue;
      const double q = expanded[static_cast<size_t>(i)] / expanded_total;
      divergence += q > 0 ? p * std::log(p / q) : p * std::log(p / 1e-12);  // the clipped mass may land in an empty bin
    }
    if (divergence < best_divergence) {
      best_divergence = divergence;
      best = cut;
    }
  }
  return best * bin_width;
}

namespace {

struct Quantization {
  DType type = DType::Int8;
  float scale = 1.0f;
  int32_t zero = 0;
};

// int8: asymmetric over [lo, hi] widened to include 0 (so zero padding and Relu are exact).
// int16: symmetric (zero point 0) over [-max(|lo|, |hi|), max(|lo|, |hi|)], as TFLite's 16x8
// scheme, whose integer Add needs it; 32767 steps each side make the lost step negligible.
Quantization activation_quantization(double lo, double hi, DType type) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  Quantization q;
  q.type = type;
  if (hi - lo <= 0) return q;
  if (type == DType::Int16) {
    q.scale = static_cast<float>(std::max(-lo, hi) / 32767.0);
    return q;
  }
  q.scale = static_cast<float>((hi - lo) / 255.0);
  q.zero = static_cast<int32_t>(std::clamp(std::round(-128.0 - lo / static_cast<double>(q.scale)), -128.0, 127.0));
  return q;
}

TensorPtr scalar_tensor(float v) { return std::make_shared<const Tensor>(Tensor::scalar<float>(v)); }
TensorPtr zero_point_tensor(const Quantization& q) {
  return std::make_shared<const Tensor>(q.type == DType::Int16 ? Tensor::scalar<int16_t>(static_cast<int16_t>(q.zero))
                                                               : Tensor::scalar<int8_t>(static_cast<int8_t>(q.zero)));
}

std::unique_ptr<Attrs> axis_attrs(int axis) {
  auto attrs = std::make_unique<ops::QuantizeAttrs>();
  attrs->axis = axis;
  return attrs;
}

// Node after which a value is available: its producer, or before the first node (inputs).
const Node* insertion_point(const Graph& graph, const Value* value) {
  const auto& nodes = graph.nodes();
  if (!value->producer) return nodes.empty() ? nullptr : nodes.front().get();
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].get() == value->producer) return i + 1 < nodes.size() ? nodes[i + 1].get() : nullptr;
  return nullptr;
}

struct QdqValues {
  Value* integer;
  Value* dequantized;  // what the value's readers now read
};

// `value` becomes QuantizeLinear -> DequantizeLinear of itself: its readers (and the graph
// outputs) see the dequantized value, under the same name unless it is a graph input.
QdqValues insert_qdq(Graph& graph, Value* value, const Quantization& q) {
  const Node* before = insertion_point(graph, value);
  Value* scale = graph.add_constant(value->name + "_scale", scalar_tensor(q.scale));
  Value* zero = graph.add_constant(value->name + "_zero_point", zero_point_tensor(q));
  Value* integer = graph.add_value(value->name + "_q", q.type, value->shape);
  if (graph.is_graph_input(value)) {
    Value* dequantized = graph.add_value(value->name + "_dq", DType::Float32, value->shape);
    graph.replace_uses(value, dequantized);
    graph.add_node(&ops::kQuantizeLinear, value->name + "_quantize", nullptr, {value, scale, zero}, {integer}, 13, before);
    graph.add_node(&ops::kDequantizeLinear, value->name + "_dequantize", nullptr, {integer, scale, zero}, {dequantized}, 13, before);
    return {integer, dequantized};
  }
  // The producer now writes a fresh float value; `value` is the dequantized one.
  Node* producer = value->producer;
  Value* raw = graph.add_value(value->name + "_float", DType::Float32, value->shape);
  std::replace(producer->outputs.begin(), producer->outputs.end(), value, raw);
  raw->producer = producer;
  graph.add_node(&ops::kQuantizeLinear, value->name + "_quantize", nullptr, {raw, scale, zero}, {integer}, 13, before);
  graph.add_node(&ops::kDequantizeLinear, value->name + "_dequantize", nullptr, {integer, scale, zero}, {value}, 13, before);
  return {integer, value};
}

// Constant float weights -> DequantizeLinear of symmetric int8 per slice along `axis`, rounded
// by `rounding` (null: each to nearest).
void quantize_weights(Graph& graph, Node& node, size_t input, int axis, const WeightRounding* rounding) {
  Value* w = node.inputs[input];
  const Shape& shape = w->shape;
  const int64_t channels = shape[axis], inner = shape.numel(axis + 1, shape.rank()), outer = shape.numel(0, axis);
  const float* values = w->constant->data<float>();
  std::vector<float> scales(static_cast<size_t>(channels), 0.0f);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i)
        scales[static_cast<size_t>(c)] = std::max(scales[static_cast<size_t>(c)], std::fabs(values[(o * channels + c) * inner + i]) / 127.0f);
  // The bias becomes int32 at scale input_scale * scales[c]: a channel with (nearly) zero
  // weights but a bias needs a scale large enough for the bias to fit, with headroom.
  const Value* x = node.inputs[0];
  const Value* bias = node.input(2);
  if (x->producer && x->producer->op == &ops::kDequantizeLinear && bias && bias->is_constant() && bias->dtype == DType::Float32 &&
      bias->shape.numel() == channels) {
    const double x_scale = x->producer->inputs[1]->constant->data<float>()[0];
    for (int64_t c = 0; c < channels; ++c)
      scales[static_cast<size_t>(c)] =
          std::max(scales[static_cast<size_t>(c)], static_cast<float>(std::fabs(bias->constant->as_double(c)) / (x_scale * 1073741824.0)));
  }
  for (float& s : scales)
    if (!(s > 0.0f)) s = 1.0f;
  Tensor quantized(DType::Int8, shape);
  const std::vector<int8_t> rounded = rounding ? rounding->round(*w->constant, axis, scales) : round_to_nearest(*w->constant, axis, scales);
  std::copy(rounded.begin(), rounded.end(), quantized.data<int8_t>());
  Value* integer = graph.add_constant(w->name + "_q", std::make_shared<const Tensor>(std::move(quantized)));
  Value* scale = graph.add_constant(w->name + "_scale", std::make_shared<const Tensor>(Tensor::from_values<float>(Shape{channels}, scales)));
  Value* zero = graph.add_constant(w->name + "_zero_point", std::make_shared<const Tensor>(Tensor(DType::Int8, Shape{channels})));
  Value* dequantized = graph.add_value(w->name + "_dq", DType::Float32, shape);
  graph.add_node(&ops::kDequantizeLinear, w->name + "_dequantize", axis_attrs(axis), {integer, scale, zero}, {dequantized}, 13, &node);
  node.inputs[input] = dequantized;
}

// The weight input and its output-channel axis, for ops whose integer forms take per-channel
// weights.
bool weight_axis(const Node& node, size_t& input, int& axis) {
  ChannelWeights layout;
  if (!node.op->channel_weights || !node.op->channel_weights(node, layout)) return false;
  const Value* w = node.input(layout.input);
  if (!w || !w->is_constant() || w->dtype != DType::Float32) return false;
  input = layout.input;
  axis = layout.output_axis;
  return true;
}

double sqnr_db(double signal, double noise) {
  if (noise <= 0) return 200.0;  // identical
  return 10.0 * std::log10(std::max(signal, 1e-30) / noise);
}

}  // namespace

QuantizeReport quantize_post_training(Graph& graph, const std::vector<std::vector<Tensor>>& samples, const QuantizeOptions& options) {
  MOTE_CHECK(!samples.empty(), "quantize_post_training: no samples");
  MOTE_CHECK(options.activations == DType::Int8 || options.activations == DType::Int16, "quantize_post_training: activations must be int8 or int16");
  // Which float values get quantized: inputs and node outputs, except the input of a Relu /
  // Clip that an integer kernel will apply in its store, and outputs of --keep-float nodes.
  std::vector<Value*> targets;
  std::unordered_map<const Value*, std::vector<Node*>> users = graph.users();
  for (Value* input : graph.inputs)
    if (input->dtype == DType::Float32) targets.push_back(input);
  for (const auto& node : graph.nodes()) {
    if (options.keep_float.count(node->name)) continue;
    for (Value* out : node->outputs) {
      if (!out || out->dtype != DType::Float32 || out->is_constant()) continue;
      const auto& readers = users[out];
      FusedActivation activation;
      const bool activation_follows = readers.size() == 1 && !graph.is_graph_output(out) && readers[0]->op->as_activation &&
                                      readers[0]->op->as_activation(*readers[0], activation) &&
                                      (activation.kind == FusedActivation::Kind::Relu || activation.kind == FusedActivation::Kind::Clip);
      if (activation_follows && node->op->quantized_form) continue;
      targets.push_back(out);
    }
  }
  // Calibration: ranges, then (for the clipping observers) histograms of magnitudes.
  std::unordered_map<const Value*, Observed> observed;
  for (Value* v : targets) observed[v];
  // Weight rounding measures the weighted nodes' inputs in the same calibration run.
  std::map<const Node*, WeightRounding> rounding;
  std::unordered_map<const Value*, std::vector<WeightRounding*>> rounding_inputs;
  if (options.weight_rounding == QuantizeOptions::WeightRounding::Gptq)
    for (const auto& node : graph.nodes()) {
      size_t input;
      int axis;
      if (options.keep_float.count(node->name) || !weight_axis(*node, input, axis) || !WeightRounding::applies(*node)) continue;
      rounding_inputs[node->inputs[0]].push_back(&rounding.emplace(node.get(), *node).first->second);
    }
  const int rounds = options.observer != QuantizeOptions::Observer::MinMax ? 3 : 2;  // ranges, [histograms], report
  const int steps = rounds * static_cast<int>(samples.size());
  int step = 0;
  auto progressed = [&] {
    if (options.progress) options.progress(++step, steps);
  };
  for (const auto& sample : samples) {
    progressed();
    evaluate_graph(graph, sample, [&](const Value& v, const Tensor& t) {
      if (auto readers = rounding_inputs.find(&v); readers != rounding_inputs.end())
        for (WeightRounding* r : readers->second) r->observe(t);
      auto it = observed.find(&v);
      if (it == observed.end()) return;
      for (int64_t i = 0; i < t.numel(); ++i) {
        const float x = t.data<float>()[i];
        if (std::isfinite(x)) it->second.lo = std::min(it->second.lo, x), it->second.hi = std::max(it->second.hi, x);
      }
    });
  }
  if (options.observer != QuantizeOptions::Observer::MinMax) {
    for (auto& [v, o] : observed) o.histogram.assign(kHistogramBins, 0.0);
    for (const auto& sample : samples) {
      progressed();
      evaluate_graph(graph, sample, [&](const Value& v, const Tensor& t) {
        auto it = observed.find(&v);
        if (it == observed.end() || !(it->second.magnitude() > 0)) return;
        const double width = it->second.magnitude() / kHistogramBins;
        for (int64_t i = 0; i < t.numel(); ++i) {
          const double x = std::fabs(static_cast<double>(t.data<float>()[i]));
          // Exact zeros (half of a Relu's outputs) stay exact in int8; counted, their spike in
          // the first bin would make the entropy observer clip far too much.
          if (x == 0)
            it->second.zeros += 1;
          else if (std::isfinite(x))
            it->second.histogram[static_cast<size_t>(std::min<double>(x / width, kHistogramBins - 1))] += 1;
        }
      });
    }
  }
  std::unique_ptr<Graph> reference = graph.clone();
  QuantizeReport report;
  report.samples = static_cast<int>(samples.size());
  std::map<std::string, std::pair<std::string, Quantization>> integer_of;  // float value name -> integer value name
  std::unordered_map<const Value*, Quantization> chosen;
  for (Value* v : targets) {
    const Observed& o = observed[v];
    double lo = std::isfinite(o.lo) ? o.lo : 0.0, hi = std::isfinite(o.hi) ? o.hi : 0.0;
    // Clipping observers are for hidden activations: graph outputs keep their full range.
    if (options.observer != QuantizeOptions::Observer::MinMax && o.magnitude() > 0 && !graph.is_graph_output(v)) {
      // A tensor of one sign spreads all steps over [0, T] (int8 only); one of both signs half.
      const int levels = options.activations == DType::Int16 ? 32768 : (lo >= 0 || hi <= 0 ? 255 : 128);
      const double t = options.observer == QuantizeOptions::Observer::Percentile
                           ? percentile_threshold(o, options.percentile / 100.0)
                           : entropy_threshold(o.histogram, o.magnitude() / kHistogramBins, levels);
      lo = std::max(lo, -t);
      hi = std::min(hi, t);
    }
    Quantization q = activation_quantization(lo, hi, options.activations);
    // Probabilities in [0, 1): TFLite's fixed int8 Softmax output quantization, exact in the
    // kernel.
    if (v->producer && v->producer->op_name() == "Softmax" && q.type == DType::Int8) q = {DType::Int8, 1.0f / 256.0f, -128};
    // Ops that only move elements keep their input's quantization (so they run on integers).
    const Node* producer = v->producer;
    if (producer && producer->op->traits.selects_elements && chosen.count(producer->inputs[0])) q = chosen[producer->inputs[0]];
    const std::string name = v->name;
    const QdqValues inserted = insert_qdq(graph, v, q);
    chosen[inserted.dequantized] = q;
    integer_of[name] = {inserted.integer->name, q};
    ++report.quantized_tensors;
  }
  std::vector<Node*> nodes;
  for (const auto& node : graph.nodes()) nodes.push_back(node.get());
  for (Node* node : nodes) {
    size_t input;
    int axis;
    if (options.keep_float.count(node->name) || !weight_axis(*node, input, axis)) continue;
    const auto r = rounding.find(node);
    quantize_weights(graph, *node, input, axis, r == rounding.end() ? nullptr : &r->second);
    ++report.quantized_weights;
  }
  graph.remove_unused_values();
  // The integer model's error against the float one, per output and per quantized tensor.
  std::unique_ptr<Graph> integer = graph.clone();
  PassContext ignored;
  fuse_qdq(*integer, ignored);
  std::map<std::string, std::pair<double, double>> energy;  // name -> signal, noise
  std::map<std::string, std::string> float_name_of;  // integer value name -> float value name
  for (const auto& [name, entry] : integer_of) float_name_of[entry.first] = name;
  for (const auto& sample : samples) {
    progressed();
    std::map<std::string, Tensor> float_values;
    const std::vector<Tensor> want = evaluate_graph(*reference, sample, [&](const Value& v, const Tensor& t) {
      if (integer_of.count(v.name)) float_values.emplace(v.name, t);
    });
    std::map<std::string, Tensor> integer_values;
    const std::vector<Tensor> got = evaluate_graph(*integer, sample, [&](const Value& v, const Tensor& t) {
      if (float_name_of.count(v.name) && v.dtype == options.activations) integer_values.emplace(float_name_of[v.name], t);
    });
    for (size_t k = 0; k < want.size(); ++k) {
      auto& [signal, noise] = energy["output:" + reference->outputs[k]->name];
      for (int64_t i = 0; i < want[k].numel(); ++i) {
        const double w = want[k].as_double(i), g = got[k].as_double(i);
        signal += w * w;
        noise += (w - g) * (w - g);
      }
    }
    for (const auto& [name, t] : integer_values) {
      const auto& ref = float_values.at(name);
      const Quantization& q = integer_of[name].second;
      auto& [signal, noise] = energy[name];
      for (int64_t i = 0; i < t.numel(); ++i) {
        const double w = ref.as_double(i), g = (t.as_double(i) - q.zero) * static_cast<double>(q.scale);
        signal += w * w;
        noise += (w - g) * (w - g);
      }
    }
  }
  for (const Value* out : reference->outputs) {
    const auto& [signal, noise] = energy["output:" + out->name];
    report.outputs.push_back({out->name, sqnr_db(signal, noise)});
  }
  for (const auto& [name, e] : energy)
    if (name.rfind("output:", 0) != 0) report.tensors.push_back({name, sqnr_db(e.first, e.second)});
  std::sort(report.tensors.begin(), report.tensors.end(), [](const TensorError& a, const TensorError& b) { return a.sqnr_db < b.sqnr_db; });
  return report;
}

}  // namespace mote
