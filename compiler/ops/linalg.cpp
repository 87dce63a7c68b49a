// Det and Einsum.
#include <algorithm>
#include <cctype>
#include <map>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"
#include "mote/linalg.h"

namespace mote::ops {
namespace {

void infer_det(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_rank(0, 2, kMaxRank);
  const Shape& x = c.shape(0);
  if (x[x.rank() - 1] != x[x.rank() - 2]) c.invalid("matrices must be square, got " + x.to_string());
  c.set_output(0, c.dtype(0), Shape(std::vector<int64_t>(x.dims().begin(), x.dims().end() - 2)));
}

std::vector<KernelCall> lower_det(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  const int64_t n = x[x.rank() - 1];
  DetParams p{static_cast<int32_t>(x.numel(0, x.rank() - 2)), static_cast<int32_t>(n)};
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    KernelCall call = bind_kernel("mote/linalg.h", "mote::det<" + cpp_type<T>() + ">", "mote::DetParams", p, &mote::det<T>,
                                  {KernelArg::input(0), KernelArg::output(0), KernelArg::scratch(0)});
    call.scratch_bytes = {n * n * static_cast<int64_t>(sizeof(acc_t<T>))};
    return call;
  })};
}

struct EinsumAttrs : AttrsOf<EinsumAttrs> {
  std::string equation;
  template <class V>
  void fields(V& v) {
    v.required("equation", equation);
  }
};

// Labels: letters keep their character code; ellipsis dims get codes 256 + position from the
// right, so they line up across operands.
struct EinsumPlan {
  std::vector<int> out_labels, sum_labels;
  std::map<int, int64_t> sizes;
  std::vector<std::map<int, int64_t>> strides;  // per operand
  Shape out;
};

template <class Context>
EinsumPlan plan_einsum(Context& c) {
  std::string eq;
  for (char ch : c.template attrs<EinsumAttrs>().equation)
    if (!std::isspace(static_cast<unsigned char>(ch))) eq += ch;
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != c.num_inputs()) c.invalid("the equation has " + std::to_string(terms.size()) + " operands, the node " + std::to_string(c.num_inputs()));
  if (terms.size() > 2) c.unsupported("Einsum with more than two operands");
  auto parse = [&](const std::string& term, int rank) {
    std::vector<int> labels;
    const size_t dots = term.find("...");
    const int explicit_count = static_cast<int>(term.size()) - (dots == std::string::npos ? 0 : 3);
    const int ellipsis = dots == std::string::npos ? 0 : rank - explicit_count;
    if (ellipsis < 0 || (dots == std::string::npos && explicit_count != rank))
      c.invalid("term '" + term + "' does not match an operand of rank " + std::to_string(rank));
    for (size_t i = 0; i < term.size(); ++i) {
      if (i == dots) {
        for (int e = ellipsis; e > 0; --e) labels.push_back(256 + e);
        i += 2;
        continue;
      }
      if (!std::isalpha(static_cast<unsigned char>(term[i]))) c.invalid("bad character '" + std::string(1, term[i]) + "' in the equation");
      labels.push_back(term[i]);
    }
    return labels;
  };
  EinsumPlan plan;
  std::map<int, int> occurrences;
  int max_ellipsis = 0;
  for (size_t k = 0; k < terms.size(); ++k) {
    const Shape& s = c.shape(k);
    std::vector<int> labels = parse(terms[k], s.rank());
    std::vector<int64_t> strides = row_major_strides(s.dims());
    std::map<int, int64_t> operand;
    for (size_t d = 0; d < labels.size(); ++d) {
      const int label = labels[d];
      if (label > 256) max_ellipsis = std::max(max_ellipsis, label - 256);
      ++occurrences[label];
      const int64_t size = s[static_cast<int>(d)];
      auto known = plan.sizes.find(label);
      if (known != plan.sizes.end() && known->second != size && size != 1 && known->second != 1)
        c.invalid("label '" + std::string(1, static_cast<char>(label < 256 ? label : '.')) + "' has sizes " +
                  std::to_string(known->second) + " and " + std::to_string(size));
      if (known == plan.sizes.end() || known->second == 1) plan.sizes[label] = size;
      if (size != 1) operand[label] += strides[d];  // a repeated label walks the diagonal
    }
    plan.strides.push_back(operand);
  }
  if (arrow != std::string::npos) {
    std::string rhs = eq.substr(arrow + 2);
    const size_t dots = rhs.find("...");
    for (size_t i = 0; i < rhs.size(); ++i) {
      if (i == dots) {
        for (int e = max_ellipsis; e > 0; --e) plan.out_labels.push_back(256 + e);
        i += 2;
        continue;
      }
      if (!plan.sizes.count(rhs[i])) c.invalid("output label '" + std::string(1, rhs[i]) + "' is not in any operand");
      plan.out_labels.push_back(rhs[i]);
    }
  } else {  // implicit output: ellipsis dims, then the labels seen once, alphabetically
    for (int e = max_ellipsis; e > 0; --e) plan.out_labels.push_back(256 + e);
    for (const auto& [label, count] : occurrences)
      if (label < 256 && count == 1) plan.out_labels.push_back(label);
  }
  for (const auto& [label, size] : plan.sizes)
    if (std::find(plan.out_labels.begin(), plan.out_labels.end(), label) == plan.out_labels.end()) plan.sum_labels.push_back(label);
  if (plan.out_labels.size() + plan.sum_labels.size() > MOTE_MAX_RANK)
    c.unsupported("Einsum with more than " + std::to_string(MOTE_MAX_RANK) + " distinct indices");
  std::vector<int64_t> dims;
  for (int label : plan.out_labels) dims.push_back(plan.sizes[label]);
  plan.out = Shape(dims);
  return plan;
}

using EinsumTypes = Concat<FloatTypes, TypeList<int32_t, int64_t, uint32_t, uint64_t>>;

void infer_einsum(InferContext& c) {
  if (c.num_inputs() < 1) c.invalid("needs at least one operand");
  c.require_dtype(0, dtype_set<EinsumTypes>());
  for (size_t i = 1; i < c.num_inputs(); ++i) c.require_same_dtype(0, i);
  c.set_output(0, c.dtype(0), plan_einsum(c).out);
}

std::vector<KernelCall> lower_einsum(LowerContext& c) {
  EinsumPlan plan = plan_einsum(c);
  EinsumParams p{};
  p.out_labels = static_cast<int32_t>(plan.out_labels.size());
  p.sum_labels = static_cast<int32_t>(plan.sum_labels.size());
  std::vector<int> order = plan.out_labels;
  order.insert(order.end(), plan.sum_labels.begin(), plan.sum_labels.end());
  int64_t out_count = 1, sum_count = 1;
  for (size_t l = 0; l < order.size(); ++l) {
    const int64_t size = plan.sizes[order[l]];
    (l < plan.out_labels.size() ? out_count : sum_count) *= size;
    p.sizes[l] = static_cast<int32_t>(size);
    p.a_strides[l] = static_cast<int32_t>(plan.strides[0].count(order[l]) ? plan.strides[0].at(order[l]) : 0);
    p.b_strides[l] = plan.strides.size() > 1 && plan.strides[1].count(order[l]) ? static_cast<int32_t>(plan.strides[1].at(order[l])) : 0;
  }
  p.out_count = static_cast<int32_t>(out_count);
  p.sum_count = static_cast<int32_t>(sum_count);
  return {dispatch_in<EinsumTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/linalg.h", "mote::einsum<" + cpp_type<T>() + ">", "mote::EinsumParams", p, &mote::einsum<T>,
                       {KernelArg::input(0), c.num_inputs() > 1 ? KernelArg::input(1) : KernelArg::none(), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kDet = {"", "Det", make_attrs<NoAttrs>, infer_det, lower_det, {}};
extern const OpDef kEinsum = {"", "Einsum", make_attrs<EinsumAttrs>, infer_einsum, lower_einsum, {}};

}  // namespace mote::ops
