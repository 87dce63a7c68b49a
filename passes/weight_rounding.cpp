#include "passes/weight_rounding.h"

#include <algorithm>
#include <cmath>

namespace mote {
namespace {

// H's diagonal gets this share of its mean added: the paper's damping, which keeps H
// invertible when the calibration patches do not span every direction.
constexpr double kDamping = 0.01;

int8_t nearest_int8(double value, double scale) { return static_cast<int8_t>(std::clamp(std::nearbyint(value / scale), -127.0, 127.0)); }

}  // namespace

std::vector<int8_t> round_to_nearest(const Tensor& weights, int axis, const std::vector<float>& scales) {
  const Shape& shape = weights.shape();
  const int64_t channels = shape[axis], inner = shape.numel(axis + 1, shape.rank()), outer = shape.numel(0, axis);
  const float* values = weights.data<float>();
  std::vector<int8_t> rounded(static_cast<size_t>(shape.numel()));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t at = (o * channels + c) * inner + i;
        rounded[static_cast<size_t>(at)] = static_cast<int8_t>(std::clamp(std::nearbyint(values[at] / scales[static_cast<size_t>(c)]), -127.0f, 127.0f));
      }
  return rounded;
}

bool WeightRounding::applies(const Node& node) {
  WeightInputs inputs;
  return node.op->weight_inputs && node.op->weight_inputs(node, inputs) && inputs.size > 0 && inputs.size <= kMaxPatchSize &&
         node.inputs[0]->dtype == DType::Float32;
}

WeightRounding::WeightRounding(const Node& node) {
  MOTE_CHECK(applies(node), "WeightRounding: node '" + node.name + "' has no weight inputs");
  node.op->weight_inputs(node, inputs_);
  second_moments_.assign(static_cast<size_t>(inputs_.groups), Eigen::MatrixXd::Zero(inputs_.size, inputs_.size));
}

void WeightRounding::observe(const Tensor& input) {
  const int64_t step = std::max<int64_t>(1, inputs_.positions / kPatchesPerSample);
  // Each sample starts at another offset, so that strided sampling covers every position.
  const int64_t first = samples_++ % step;
  const int64_t count = (inputs_.positions - first + step - 1) / step;
  Eigen::MatrixXd patches(inputs_.size, count);
  for (int64_t g = 0; g < inputs_.groups; ++g) {
    for (int64_t k = 0; k < count; ++k) inputs_.gather(input.data<float>(), first + k * step, g, patches.col(k).data());
    second_moments_[static_cast<size_t>(g)].selfadjointView<Eigen::Lower>().rankUpdate(patches);
  }
  patches_ += count;
}

std::vector<int8_t> WeightRounding::round(const Tensor& weights, int axis, const std::vector<float>& scales) const {
  const Shape& shape = weights.shape();
  const int64_t channels = shape[axis], inner = shape.numel(axis + 1, shape.rank()), outer = shape.numel(0, axis);
  MOTE_CHECK(outer * inner == inputs_.size && channels % inputs_.groups == 0, "WeightRounding: weights " + shape.to_string() +
                                                                                   " do not match patches of " + std::to_string(inputs_.size));
  const float* values = weights.data<float>();
  const int64_t per_group = channels / inputs_.groups, n = inputs_.size;
  std::vector<int8_t> rounded = round_to_nearest(weights, axis, scales);
  for (int64_t g = 0; g < inputs_.groups; ++g) {
    Eigen::MatrixXd h = second_moments_[static_cast<size_t>(g)].selfadjointView<Eigen::Lower>();
    if (patches_ == 0 || !(h.diagonal().mean() > 0)) continue;
    h /= static_cast<double>(patches_);
    // The paper's "act order": the weights of the strongest inputs first, while the most
    // weights are left to absorb their errors. order[k] is the patch index rounded k-th.
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t j = 0; j < n; ++j) order[static_cast<size_t>(j)] = j;
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return h(a, a) > h(b, b); });
    Eigen::MatrixXd ordered(n, n);
    for (int64_t a = 0; a < n; ++a)
      for (int64_t b = 0; b < n; ++b) ordered(a, b) = h(order[static_cast<size_t>(a)], order[static_cast<size_t>(b)]);
    // An input that is always zero meets no output: any value of its weight is exact.
    for (int64_t k = 0; k < n; ++k)
      if (ordered(k, k) == 0) ordered(k, k) = 1;
    ordered.diagonal().array() += kDamping * ordered.diagonal().mean();
    const Eigen::LLT<Eigen::MatrixXd> factor(ordered);
    if (factor.info() != Eigen::Success) continue;
    const Eigen::LLT<Eigen::MatrixXd> inverse(factor.solve(Eigen::MatrixXd::Identity(n, n)));
    if (inverse.info() != Eigen::Success) continue;
    const Eigen::MatrixXd upper = inverse.matrixU();  // row k spreads the k-th rounding error
    for (int64_t c = g * per_group; c < (g + 1) * per_group; ++c) {
      const double scale = scales[static_cast<size_t>(c)];
      // Weight j of channel c sits at ((j / inner) * channels + c) * inner + j % inner.
      std::vector<int64_t> at(static_cast<size_t>(n));
      Eigen::VectorXd w(n);
      for (int64_t k = 0; k < n; ++k) {
        const int64_t j = order[static_cast<size_t>(k)];
        at[static_cast<size_t>(k)] = ((j / inner) * channels + c) * inner + j % inner;
        w[k] = values[at[static_cast<size_t>(k)]];
      }
      for (int64_t k = 0; k < n; ++k) {
        const int8_t q = nearest_int8(w[k], scale);
        rounded[static_cast<size_t>(at[static_cast<size_t>(k)])] = q;
        const double error = (w[k] - q * scale) / upper(k, k);
        w.tail(n - k - 1) -= error * upper.row(k).tail(n - k - 1).transpose();
      }
    }
  }
  return rounded;
}

}  // namespace mote
