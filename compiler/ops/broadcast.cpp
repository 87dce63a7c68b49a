#include "compiler/ops/broadcast.h"

#include "compiler/ir/errors.h"

namespace mote {

BroadcastParams make_broadcast_params(const Shape& out, const std::vector<Shape>& operands) {
  MOTE_CHECK(!operands.empty() && operands.size() <= 3, "broadcast of 1 to 3 operands");
  BroadcastParams p{};
  p.count = static_cast<int32_t>(out.numel());
  const int rank = out.rank();
  // Per kept output dim: its size and each operand's stride (0 where it repeats).
  std::vector<int64_t> dims;
  std::vector<std::vector<int64_t>> strides(3);
  std::vector<std::vector<int64_t>> operand_strides;
  for (const Shape& s : operands) {
    MOTE_CHECK(s.rank() <= rank, "broadcast operand has a larger rank than the output");
    operand_strides.push_back(contiguous_strides(s));
  }
  for (int d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;  // a dimension of 1 moves no operand
    dims.push_back(out[d]);
    for (size_t k = 0; k < 3; ++k) {
      int64_t stride = 0;
      if (k < operands.size()) {
        const Shape& s = operands[k];
        int sd = d - (rank - s.rank());
        if (sd >= 0 && s[sd] != 1) {
          MOTE_CHECK(s[sd] == out[d], "operand does not broadcast to the output");
          stride = operand_strides[k][static_cast<size_t>(sd)];
        }
      }
      strides[k].push_back(stride);
    }
  }
  // Merge neighbours that every operand walks the same way (both repeated or both dense).
  std::vector<int64_t> merged_dims;
  std::vector<std::vector<int64_t>> merged(3);
  for (size_t d = 0; d < dims.size(); ++d) {
    bool mergeable = !merged_dims.empty();
    for (size_t k = 0; k < 3 && mergeable; ++k)
      mergeable = merged[k].back() == strides[k][d] * dims[d];
    if (mergeable) {
      merged_dims.back() *= dims[d];
      for (size_t k = 0; k < 3; ++k) merged[k].back() = strides[k][d];
    } else {
      merged_dims.push_back(dims[d]);
      for (size_t k = 0; k < 3; ++k) merged[k].push_back(strides[k][d]);
    }
  }
  if (merged_dims.empty()) {  // scalar output (or all dims 1)
    merged_dims.push_back(1);
    for (size_t k = 0; k < 3; ++k) merged[k].push_back(0);
  }
  if (p.count == 0) {
    merged_dims.assign(1, 0);
    for (size_t k = 0; k < 3; ++k) merged[k].assign(1, 0);
  }
  MOTE_CHECK(merged_dims.size() <= MOTE_MAX_RANK, "broadcast rank above MOTE_MAX_RANK");
  p.rank = static_cast<int32_t>(merged_dims.size());
  for (size_t d = 0; d < merged_dims.size(); ++d) {
    p.dims[d] = static_cast<int32_t>(merged_dims[d]);
    p.a_strides[d] = static_cast<int32_t>(merged[0][d]);
    p.b_strides[d] = static_cast<int32_t>(merged[1][d]);
    p.c_strides[d] = static_cast<int32_t>(merged[2][d]);
  }
  return p;
}

}  // namespace mote
