#include "compiler/ops/elementwise_calls.h"

namespace mote {

KernelCall copy_input_kernel(DType dtype, int64_t count) {
  return dispatch_in<AllTypes>(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return copy_kernel<T>(count, KernelArg::input(0), KernelArg::output(0));
  });
}

}  // namespace mote
