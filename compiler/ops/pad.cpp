// Pad: constant (fill, then copy the input into the interior), edge, reflect and wrap.
// Negative pads crop.
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"
#include "mote/elementwise.h"

namespace mote::ops {
namespace {

enum class PadModeAttr { Constant, Reflect, Edge, Wrap };
MOTE_ENUM_NAMES(PadModeAttr, "constant", "reflect", "edge", "wrap")

struct PadAttrs : AttrsOf<PadAttrs> {
  PadModeAttr mode = PadModeAttr::Constant;
  std::optional<std::vector<int64_t>> pads;      // opset 2-10 (inputs from 11)
  std::optional<std::vector<int64_t>> paddings;  // opset 1 name of pads
  float value = 0.0f;                            // before opset 11
  template <class V>
  void fields(V& v) {
    v("mode", mode);
    v("pads", pads);
    v("paddings", paddings);
    v("value", value);
  }
};

template <class Context>
std::vector<int64_t> pads_of(Context& c) {
  const auto& a = c.template attrs<PadAttrs>();
  std::vector<int64_t> pads;
  if (c.opset() < 11) {
    if (a.pads) pads = *a.pads;
    else if (a.paddings) pads = *a.paddings;
    else c.invalid("pads are required");
  } else {
    pads = c.constant_input(1, "pads").to_int64_vector();
  }
  const int rank = c.rank(0);
  if (static_cast<int>(pads.size()) != 2 * rank) c.invalid("pads has " + std::to_string(pads.size()) + " values for rank " + std::to_string(rank));
  return pads;
}

void infer(InferContext& c) {
  c.require_inputs(1, 3);
  c.require_outputs(1, 1);
  std::vector<int64_t> pads = pads_of(c);
  const Shape& in = c.shape(0);
  std::vector<int64_t> dims;
  for (int d = 0; d < in.rank(); ++d) {
    const int64_t size = in[d] + pads[static_cast<size_t>(d)] + pads[static_cast<size_t>(d + in.rank())];
    if (size < 0) c.invalid("pads make dimension " + std::to_string(d) + " negative");
    dims.push_back(size);
  }
  const PadModeAttr mode = c.attrs<PadAttrs>().mode;
  if (mode != PadModeAttr::Constant)
    for (int d = 0; d < in.rank(); ++d)
      if (in[d] == 0 && dims[static_cast<size_t>(d)] > 0) c.invalid("cannot " + std::string(enum_names(mode).names[static_cast<int>(mode)]) + "-pad an empty dimension");
  if (c.has_input(2)) c.require_same_dtype(0, 2);
  c.set_output(0, c.dtype(0), Shape(dims));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const auto& a = c.attrs<PadAttrs>();
  std::vector<int64_t> pads = pads_of(c);
  const Shape& in = c.input(0).shape;
  const Shape& out = c.output(0).shape;
  const int rank = in.rank();
  const DType dtype = c.input(0).dtype;
  if (a.mode != PadModeAttr::Constant) {
    PadParams p{};
    p.count = static_cast<int32_t>(out.numel());
    p.rank = rank;
    p.mode = a.mode == PadModeAttr::Edge ? kPadEdge : a.mode == PadModeAttr::Reflect ? kPadReflect : kPadWrap;
    for (int d = 0; d < rank; ++d) {
      p.in_dims[d] = static_cast<int32_t>(in[d]);
      p.out_dims[d] = static_cast<int32_t>(out[d]);
      p.pad_begin[d] = static_cast<int32_t>(pads[static_cast<size_t>(d)]);
    }
    return {dispatch_in<AllTypes>(dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return bind_kernel("mote/layout.h", "mote::pad<" + cpp_type<T>() + ">", "mote::PadParams", p, &mote::pad<T>,
                         {KernelArg::input(0), KernelArg::output(0)});
    })};
  }
  // Constant: fill with the value (input 2, or the attribute / 0), then copy the kept region.
  std::vector<KernelCall> calls;
  calls.push_back(dispatch_in<AllTypes>(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    KernelArg value = c.has_input(2) ? KernelArg::input(2)
                                     : KernelArg::constant_tensor(std::make_shared<const Tensor>(Tensor::scalar<T>(convert<T>(a.value))));
    return bind_kernel("mote/elementwise.h", "mote::fill<" + cpp_type<T>() + ">", "mote::CopyParams",
                       CopyParams{static_cast<int32_t>(out.numel())}, &mote::fill<T>, {value, KernelArg::output(0)});
  }));
  std::vector<int64_t> in_strides = row_major_strides(in.dims()), out_strides = row_major_strides(out.dims());
  StridedCopy copy;
  copy.in_strides = in_strides;
  copy.out_strides = out_strides;
  for (int d = 0; d < rank; ++d) {
    const int64_t begin = pads[static_cast<size_t>(d)], end = pads[static_cast<size_t>(d + rank)];
    const int64_t skip_in = begin < 0 ? -begin : 0, skip_out = begin > 0 ? begin : 0;
    const int64_t kept = in[d] - skip_in - (end < 0 ? -end : 0);
    copy.dims.push_back(std::max<int64_t>(0, kept));
    copy.in_offset += skip_in * in_strides[static_cast<size_t>(d)];
    copy.out_offset += skip_out * out_strides[static_cast<size_t>(d)];
  }
  calls.push_back(strided_copy_kernel(dtype, copy, KernelArg::input(0), KernelArg::output(0)));
  return calls;
}



bool as_constant_padding(const Node& node, std::vector<int64_t>& pads, double& value) {
  const auto& a = node.attrs_as<PadAttrs>();
  if (a.mode != PadModeAttr::Constant || !node.inputs[0]) return false;
  if (node.opset < 11) {
    pads = a.pads ? *a.pads : a.paddings ? *a.paddings : std::vector<int64_t>{};
    value = a.value;
    return true;
  }
  if (!node.input(1) || !node.input(1)->is_constant()) return false;
  pads = node.input(1)->constant->to_int64_vector();
  value = 0.0;
  if (const Value* v = node.input(2)) {
    if (!v->is_constant() || v->dtype != DType::Float32) return false;
    value = v->constant->data<float>()[0];
  }
  return true;
}

}  // namespace

extern const OpDef kPad = {"", "Pad", make_attrs<PadAttrs>, infer, lower, {}, nullptr, nullptr, nullptr, as_constant_padding};

}  // namespace mote::ops
