#include "compiler/ops/strided_copy.h"

#include "compiler/ir/errors.h"
#include "compiler/ops/kernel_types.h"

namespace mote {

StridedCopyParams make_strided_copy_params(const StridedCopy& copy) {
  StridedCopyParams p{};
  int64_t count = 1;
  for (int64_t d : copy.dims) count *= d;
  p.count = static_cast<int32_t>(count);
  p.in_offset = static_cast<int32_t>(copy.in_offset);
  p.out_offset = static_cast<int32_t>(copy.out_offset);
  std::vector<int64_t> dims, in, out;
  for (size_t d = 0; d < copy.dims.size(); ++d) {
    if (copy.dims[d] == 1) continue;
    if (!dims.empty() && in.back() == copy.in_strides[d] * copy.dims[d] && out.back() == copy.out_strides[d] * copy.dims[d]) {
      dims.back() *= copy.dims[d];
      in.back() = copy.in_strides[d];
      out.back() = copy.out_strides[d];
      continue;
    }
    dims.push_back(copy.dims[d]);
    in.push_back(copy.in_strides[d]);
    out.push_back(copy.out_strides[d]);
  }
  if (dims.empty() || count == 0) {
    dims.assign(1, count == 0 ? 0 : 1);
    in.assign(1, 1);
    out.assign(1, 1);
  }
  MOTE_CHECK(dims.size() <= MOTE_MAX_RANK, "strided copy of rank above MOTE_MAX_RANK");
  p.rank = static_cast<int32_t>(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    p.dims[d] = static_cast<int32_t>(dims[d]);
    p.in_strides[d] = static_cast<int32_t>(in[d]);
    p.out_strides[d] = static_cast<int32_t>(out[d]);
  }
  return p;
}

KernelCall strided_copy_kernel(DType dtype, const StridedCopy& copy, KernelArg in, KernelArg out) {
  StridedCopyParams params = make_strided_copy_params(copy);
  // After merging dims, a single unit-stride run is one contiguous block.
  const bool contiguous = params.rank == 1 && params.in_strides[0] == 1 && params.out_strides[0] == 1;
  std::optional<BlockCopy> block;
  if (contiguous && in.kind == KernelArg::Kind::Input && out.kind == KernelArg::Kind::Output)
    block = BlockCopy{in.index, out.index, params.in_offset, params.out_offset, params.count};
  KernelCall call = dispatch_in<AllTypes>(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/layout.h", "mote::strided_copy<" + cpp_type<T>() + ">", "mote::StridedCopyParams", params,
                       &mote::strided_copy<T>, {std::move(in), std::move(out)});
  });
  call.block_copy = block;
  call.copies_only = true;
  return call;
}

std::vector<int64_t> row_major_strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i)
    strides[static_cast<size_t>(i)] = strides[static_cast<size_t>(i) + 1] * dims[static_cast<size_t>(i) + 1];
  return strides;
}

StridedCopy contiguous_copy(const std::vector<int64_t>& dims) {
  StridedCopy copy;
  copy.dims = dims;
  copy.in_strides = row_major_strides(dims);
  copy.out_strides = copy.in_strides;
  return copy;
}

StridedCopy transpose_copy(const std::vector<int64_t>& in_dims, const std::vector<int64_t>& perm) {
  std::vector<int64_t> in_strides = row_major_strides(in_dims);
  StridedCopy copy;
  for (int64_t axis : perm) {
    copy.dims.push_back(in_dims[static_cast<size_t>(axis)]);
    copy.in_strides.push_back(in_strides[static_cast<size_t>(axis)]);
  }
  copy.out_strides = row_major_strides(copy.dims);
  return copy;
}

}  // namespace mote
