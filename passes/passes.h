// Entry points of the passes, one per file in passes/.
#pragma once

#include "passes/pass.h"

namespace mote {

void verify_graph(Graph& graph, PassContext& context);
void remove_identity(Graph& graph, PassContext& context);
void fuse_qdq(Graph& graph, PassContext& context);
void fold_constants(Graph& graph, PassContext& context);
void eliminate_dead_nodes(Graph& graph, PassContext& context);
void eliminate_common_subexpressions(Graph& graph, PassContext& context);
void cancel_transposes(Graph& graph, PassContext& context);
void matmul_to_gemm(Graph& graph, PassContext& context);
void fuse_log_softmax(Graph& graph, PassContext& context);
void fold_transpose_flags(Graph& graph, PassContext& context);
void fold_channel_affine(Graph& graph, PassContext& context);
void fold_padding(Graph& graph, PassContext& context);
void fuse_activations(Graph& graph, PassContext& context);
void quantized_io(Graph& graph, PassContext& context);
// Not in the pipeline: run by the driver before post-training quantization only, with the
// calibration samples (each one vector of inputs in graph input order).
void equalize_channel_ranges(Graph& graph, const std::vector<std::vector<Tensor>>& samples, PassContext& context);
void lower_kernels(Graph& graph, PassContext& context);
void schedule(Graph& graph, PassContext& context);
void plan_memory(Graph& graph, PassContext& context);

}  // namespace mote
