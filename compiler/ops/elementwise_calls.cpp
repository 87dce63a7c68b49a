#include "compiler/ops/elementwise_calls.h"

namespace mote {

KernelCall copy_input_kernel(DType dtype, int64_t count) {
  return dispatch_in<AllTypes>(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return copy_kernel<T>(count, KernelArg::input(0), KernelArg::output(0));
  });
}

KernelCall constant_output_kernel(const TensorPtr& value, int output) {
  return dispatch_in<AllTypes>(value->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    return copy_kernel<T>(value->numel(), KernelArg::constant_tensor(value), KernelArg::output(output));
  });
}

}  // namespace mote
