// Compile-time planning of runtime-min's strided_copy: any copy whose source and destination
// index maps are affine (Transpose, Slice, Expand, Tile, Concat, Split, ...).
#pragma once

#include <vector>

#include "compiler/ir/kernel_call.h"
#include "mote/layout.h"

namespace mote {

struct StridedCopy {
  std::vector<int64_t> dims;
  int64_t in_offset = 0;
  std::vector<int64_t> in_strides;
  int64_t out_offset = 0;
  std::vector<int64_t> out_strides;
};

// Drops size-1 dims and merges neighbours both sides walk contiguously, then packs params.
StridedCopyParams make_strided_copy_params(const StridedCopy& copy);
KernelCall strided_copy_kernel(DType dtype, const StridedCopy& copy, KernelArg in, KernelArg out);

// Plain copy of a contiguous tensor (offsets and strides then adjusted by the caller).
StridedCopy contiguous_copy(const std::vector<int64_t>& dims);
// out = transpose(in viewed with `in_dims`, perm), both contiguous.
StridedCopy transpose_copy(const std::vector<int64_t>& in_dims, const std::vector<int64_t>& perm);
std::vector<int64_t> row_major_strides(const std::vector<int64_t>& dims);

}  // namespace mote
