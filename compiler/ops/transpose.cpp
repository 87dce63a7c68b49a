// Transpose: permutes the axes (default: reverses them).
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"

namespace mote::ops {
namespace {

struct TransposeAttrs : AttrsOf<TransposeAttrs> {
  std::optional<std::vector<int64_t>> perm;
  template <class V>
  void fields(V& v) {
    v("perm", perm);
  }
};

std::vector<int64_t> permutation(const TransposeAttrs& a, int rank) {
  if (a.perm) return *a.perm;
  std::vector<int64_t> perm;
  for (int i = rank - 1; i >= 0; --i) perm.push_back(i);
  return perm;
}

void infer(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, 1);
  const Shape& in = c.shape(0);
  std::vector<int64_t> perm = permutation(c.attrs<TransposeAttrs>(), in.rank());
  if (static_cast<int>(perm.size()) != in.rank()) c.invalid("perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(in.rank()));
  std::vector<bool> seen(perm.size(), false);
  std::vector<int64_t> dims;
  for (int64_t& axis : perm) {
    axis = c.axis(axis, in.rank(), "perm entry");
    if (seen[static_cast<size_t>(axis)]) c.invalid("perm is not a permutation");
    seen[static_cast<size_t>(axis)] = true;
    dims.push_back(in[static_cast<int>(axis)]);
  }
  c.set_output(0, c.dtype(0), Shape(dims));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& in = c.input(0).shape;
  std::vector<int64_t> perm = permutation(c.attrs<TransposeAttrs>(), in.rank());
  for (int64_t& axis : perm)
    if (axis < 0) axis += in.rank();
  return {strided_copy_kernel(c.input(0).dtype, transpose_copy(in.dims(), perm), KernelArg::input(0), KernelArg::output(0))};
}

bool as_permutation(const Node& node, std::vector<int64_t>& perm) {
  const int rank = node.inputs[0]->shape.rank();
  perm = permutation(node.attrs_as<TransposeAttrs>(), rank);
  for (int64_t& axis : perm)
    if (axis < 0) axis += rank;
  return true;
}

}  // namespace

extern const OpDef kTranspose = {"",      "Transpose", make_attrs<TransposeAttrs>, infer, lower, {false, false, false, false, true}, nullptr, nullptr,
                                 nullptr, nullptr,     nullptr,                  as_permutation};

}  // namespace mote::ops
