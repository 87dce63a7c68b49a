#include "passes/pipeline.h"

#include "compiler/ir/errors.h"
#include "compiler/ir/printer.h"
#include "passes/passes.h"

namespace mote {

const std::vector<Pass>& default_pipeline() {
  static const std::vector<Pass> pipeline = {
      {"verify", "check the IR: SSA, order, dtypes and shapes against each op's shape rule", verify_graph, false},
      {"remove_identity", "replace Identity and inference-mode Dropout by their input", remove_identity, true},
      {"fuse_qdq", "turn DequantizeLinear -> op -> QuantizeLinear into integer kernels", fuse_qdq, true},
      {"fold_constants", "evaluate nodes whose inputs are all constant", fold_constants, true},
      {"eliminate_dead_nodes", "drop nodes whose results nobody uses", eliminate_dead_nodes, true},
      {"eliminate_common_subexpressions", "store identical constants once, compute identical nodes once",
       eliminate_common_subexpressions, true},
      {"cancel_transposes", "remove Transpose pairs that undo each other and identity Transposes", cancel_transposes, true},
      {"matmul_to_gemm", "turn a 2-D MatMul followed by a bias Add into a Gemm", matmul_to_gemm, true},
      {"fold_transpose_flags", "fold a Transpose into the transA/transB flag of the Gemm reading it", fold_transpose_flags, true},
      {"fuse_log_softmax", "turn Log(Softmax(x)) into LogSoftmax(x)", fuse_log_softmax, true},
      {"fold_channel_affine", "fold BatchNormalization and per-channel Mul/Add into Conv/Gemm weights", fold_channel_affine, true},
      {"fold_padding", "fold constant zero Pad into the Conv reading it", fold_padding, true},
      {"fuse_activations", "apply Relu/Clip/Sigmoid/... in the producing Conv/Gemm's store", fuse_activations, true},
      {"quantized_io", "with --io int8: take and return the 8-bit tensors instead of float", quantized_io, false},
      {"verify_optimized", "check the IR again after the rewrites", verify_graph, false},
      {"lower_kernels", "choose the runtime-min kernel call(s) for each node", lower_kernels, false},
      {"schedule", "order the nodes for the smallest peak of live memory", schedule, true},
      {"plan_memory", "place every intermediate tensor and scratch buffer in one arena", plan_memory, false},
  };
  return pipeline;
}

const Pass* find_pass(const std::string& name) {
  for (const Pass& p : default_pipeline())
    if (name == p.name) return &p;
  return nullptr;
}

void run_pipeline(Graph& graph, PassContext& context, const PipelineOptions& options) {
  auto check_name = [](const std::string& name, const char* option) {
    if (name != "all" && !find_pass(name))
      throw UserError(ErrorKind::Usage, std::string(option) + ": no pass named '" + name + "'");
  };
  for (const auto& name : options.dump_after) check_name(name, "--dump-ir-after");
  for (const auto& name : options.disabled) {
    check_name(name, "--disable-pass");
    if (name == "all" || !find_pass(name)->optional)
      throw UserError(ErrorKind::Usage, "--disable-pass: pass '" + name + "' cannot be switched off");
  }
  for (const Pass& pass : default_pipeline()) {
    if (options.disabled.count(pass.name)) continue;
    pass.run(graph, context);
    if (options.dump && (options.dump_after.count(pass.name) || options.dump_after.count("all")))
      *options.dump << "// IR after " << pass.name << "\n" << print_graph(graph) << "\n";
    if (options.stop_after == pass.name) break;
  }
}

}  // namespace mote
