// Cross-layer equalization before post-training quantization, after Nagel et al., "Data-Free
// Quantization Through Weight Equalization and Bias Correction" (2019), with calibrated
// activation ranges in place of the producer's weight ranges. For a producer whose output
// channels are linear in constant weights (OpDef::absorb_channel_affine), optionally followed
// by a positively homogeneous activation (Relu, LeakyRelu: f(x / s) = f(x) / s for s > 0),
// read only by a consumer with constant channel weights (OpDef::channel_weights), channel c of
// the tensor between them is divided by s[c] (in the producer's weights and bias) and the
// consumer's weights for input channel c are multiplied by s[c]: the consumer's output is
// unchanged in exact arithmetic. With a[c] the largest |value| of channel c on the calibration
// inputs and r[c] the largest |weight| the consumer applies to it, s[c] ~ sqrt(a[c] / r[c])
// gives both the range sqrt(a[c] r[c]) (up to one factor for all channels): a channel with a
// small range no longer loses its precision to a wide one in the per-tensor activation
// quantization, nor its weights in the consumer's per-output-channel scale. Weight ranges
// alone (the paper's data-free form) measured worse: they ignore the bias, so a channel with
// tiny weights and a large bias was blown up. Repeated until the scales settle, since a layer
// can be a consumer in one pair and a producer in the next.
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "compiler/eval/evaluator.h"
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {
namespace {

constexpr int kMaxRounds = 20;
constexpr double kSettled = 0.01;  // |log s| below this everywhere: no change worth making

// The channel (0 ... groups * size of input_axis) that weights element `index` reads.
int64_t input_channel_of(const Shape& shape, const ChannelWeights& layout, int64_t index) {
  const int64_t out_stride = shape.numel(layout.output_axis + 1, shape.rank()), in_stride = shape.numel(layout.input_axis + 1, shape.rank());
  const int64_t outputs = shape[layout.output_axis], inputs_per_group = shape[layout.input_axis];
  const int64_t out = index / out_stride % outputs, in = index / in_stride % inputs_per_group;
  return out / (outputs / layout.groups) * inputs_per_group + in;
}

bool constant_float(const Value* v) { return v && v->is_constant() && v->dtype == DType::Float32; }

// One producer -> [activation] -> consumer chain that can be equalized.
struct Chain {
  Node* producer = nullptr;
  Node* consumer = nullptr;
  const Value* between = nullptr;  // what the consumer reads
  ChannelWeights consumed;
  int64_t channels = 0;
};

bool positively_homogeneous(const Node& node) {
  FusedActivation activation;
  return node.op->as_activation && node.op->as_activation(node, activation) &&
         (activation.kind == FusedActivation::Kind::Relu || activation.kind == FusedActivation::Kind::LeakyRelu);
}

std::optional<Chain> chain_into(const Graph& graph, Node& consumer) {
  Chain chain;
  chain.consumer = &consumer;
  if (!consumer.op->channel_weights || !consumer.op->channel_weights(consumer, chain.consumed) ||
      !constant_float(consumer.input(chain.consumed.input)) || chain.consumed.input == 0)
    return std::nullopt;
  Value* between = consumer.inputs[0];
  if (!between->producer || sole_consumer(graph, between) != &consumer) return std::nullopt;
  Node* producer = between->producer;
  if (positively_homogeneous(*producer)) {
    Value* before = producer->inputs[0];
    if (!before->producer || sole_consumer(graph, before) != producer) return std::nullopt;
    producer = before->producer;
  }
  chain.producer = producer;
  chain.between = between;
  ChannelWeights produced;
  if (producer->activation || producer->outputs.size() != 1 || !producer->op->absorb_channel_affine || !producer->op->channel_weights ||
      !producer->op->channel_weights(*producer, produced) || !constant_float(producer->input(produced.input)))
    return std::nullopt;
  const int axis = chain.consumed.data_axis;
  if (axis != produced.data_axis || axis != 1 || between->shape.rank() <= axis) return std::nullopt;
  chain.channels = between->shape[axis];
  const Shape& w = consumer.input(chain.consumed.input)->shape;
  if (w[chain.consumed.input_axis] * chain.consumed.groups != chain.channels || w[chain.consumed.output_axis] % chain.consumed.groups != 0)
    return std::nullopt;
  return chain;
}

// The names the rewritten constants had before the pass, by (node, input).
using OriginalNames = std::map<std::pair<Node*, size_t>, std::string>;

void remember_names(Node& node, OriginalNames& names) {
  for (size_t i = 1; i < node.inputs.size(); ++i)
    if (node.inputs[i] && node.inputs[i]->is_constant()) names.emplace(std::make_pair(&node, i), node.inputs[i]->name);
}

// Equalizes one chain given the channels' calibrated ranges (updated to the new scaling);
// false when its scales were already settled.
bool equalize(Graph& graph, const Chain& chain, std::vector<double>& activation_range, OriginalNames& names) {
  const size_t n = static_cast<size_t>(chain.channels);
  std::vector<double> weight_range(n, 0.0);
  Value* w = chain.consumer->inputs[chain.consumed.input];
  for (int64_t i = 0; i < w->shape.numel(); ++i) {
    double& r = weight_range[static_cast<size_t>(input_channel_of(w->shape, chain.consumed, i))];
    r = std::max(r, std::fabs(static_cast<double>(w->constant->data<float>()[i])));
  }
  // s[c] = sqrt(a[c] / r[c]), divided by the scales' geometric mean so that the tensor keeps
  // its overall size and settled scales come out as 1.
  std::vector<double> scale(n, 1.0);
  double log_sum = 0;
  int scaled = 0;
  for (size_t c = 0; c < n; ++c)
    if (activation_range[c] > 0 && weight_range[c] > 0) {
      scale[c] = std::sqrt(activation_range[c] / weight_range[c]);
      log_sum += std::log(scale[c]);
      ++scaled;
    }
  double largest_step = 0;
  for (size_t c = 0; c < n; ++c)
    if (activation_range[c] > 0 && weight_range[c] > 0) {
      scale[c] /= std::exp(log_sum / scaled);
      largest_step = std::max(largest_step, std::fabs(std::log(scale[c])));
    }
  if (largest_step < kSettled) return false;
  remember_names(*chain.producer, names);
  remember_names(*chain.consumer, names);
  ChannelAffine divide;
  for (double s : scale) divide.scale.push_back(1.0 / s), divide.shift.push_back(0.0);
  if (!chain.producer->op->absorb_channel_affine(graph, *chain.producer, divide)) return false;
  Tensor multiplied(DType::Float32, w->shape);
  for (int64_t i = 0; i < w->shape.numel(); ++i)
    multiplied.data<float>()[i] = static_cast<float>(static_cast<double>(w->constant->data<float>()[i]) *
                                                     scale[static_cast<size_t>(input_channel_of(w->shape, chain.consumed, i))]);
  chain.consumer->inputs[chain.consumed.input] = graph.add_constant(w->name + "_equalized", std::make_shared<const Tensor>(std::move(multiplied)));
  for (size_t c = 0; c < n; ++c) activation_range[c] /= scale[c];
  return true;
}

}  // namespace

void equalize_channel_ranges(Graph& graph, const std::vector<std::vector<Tensor>>& samples, PassContext& context) {
  // The tensors between equalizable pairs, and their channels' ranges on the calibration inputs.
  std::unordered_map<const Value*, std::vector<double>> ranges;
  for (const auto& node : graph.nodes())
    if (const std::optional<Chain> chain = chain_into(graph, *node)) ranges[chain->between].assign(static_cast<size_t>(chain->channels), 0.0);
  for (const auto& sample : samples)
    evaluate_graph(graph, sample, [&](const Value& v, const Tensor& t) {
      auto it = ranges.find(&v);
      if (it == ranges.end()) return;
      const int64_t channels = v.shape[1], inner = v.shape.numel(2, v.shape.rank());
      for (int64_t i = 0; i < t.numel(); ++i) {
        double& r = it->second[static_cast<size_t>(i / inner % channels)];
        r = std::max(r, std::fabs(static_cast<double>(t.data<float>()[i])));
      }
    });
  OriginalNames names;
  int chains = 0, rounds = 0;
  for (bool changed = true; changed && rounds < kMaxRounds; ++rounds) {
    changed = false;
    chains = 0;
    for (const auto& node : graph.nodes()) {
      const std::optional<Chain> chain = chain_into(graph, *node);
      if (!chain || !ranges.count(chain->between)) continue;
      ++chains;
      changed = equalize(graph, *chain, ranges[chain->between], names) || changed;
    }
  }
  // One name per rewritten constant (the original's, marked), whatever the rounds appended.
  graph.remove_unused_values();
  for (const auto& [input, name] : names) {
    Value*& value = input.first->inputs[input.second];
    if (value && value->name != name) value = graph.add_constant(name + "_equalized", value->constant);
  }
  graph.remove_unused_values();
  context.notes.push_back("equalize_channel_ranges: " + std::to_string(chains) + " layer pairs equalized in " + std::to_string(rounds) +
                          " rounds");
}

}  // namespace mote
