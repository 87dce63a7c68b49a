// mote inspect: what a model is and what it would cost, before anything is generated.
// The listing comes from the ONNX file itself, so it is shown even when Mote cannot compile
// the model; the estimate and the list of unsupported nodes come from a full compile in memory.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <memory>

#include "compiler/cli/command.h"
#include "compiler/driver/compile.h"
#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"
#include "frontend/onnx/model_loader.h"

namespace mote::cli {
namespace {

struct InspectArgs {
  std::string model;
  std::string target;
  std::vector<std::string> input_shapes, const_inputs;
};

std::string type_text(const onnx::TypeProto& type) {
  if (!type.has_tensor_type()) return "(not a tensor)";
  const auto& tensor = type.tensor_type();
  std::string dims;
  if (!tensor.has_shape()) {
    dims = "unknown shape";
  } else {
    for (const auto& d : tensor.shape().dim())
      dims += (dims.empty() ? "" : "x") + (d.has_dim_value() ? std::to_string(d.dim_value()) : d.dim_param().empty() ? "?" : d.dim_param());
    if (dims.empty()) dims = "scalar";
  }
  return fmt::format("{:<8} {}", onnx::TensorProto_DataType_Name(tensor.elem_type()), dims);
}

void print_listing(const onnx_frontend::LoadedModel& model) {
  const onnx::ModelProto& proto = model.proto;
  const onnx::GraphProto& graph = proto.graph();
  std::string opsets;
  for (const auto& o : proto.opset_import())
    opsets += (opsets.empty() ? "" : ", ") + (o.domain().empty() ? std::string("ai.onnx") : o.domain()) + " " + std::to_string(o.version());
  std::cout << model.display_name << ": ONNX IR " << proto.ir_version() << ", opsets " << opsets;
  if (!proto.producer_name().empty()) std::cout << ", from " << proto.producer_name() << " " << proto.producer_version();
  std::cout << "\n";

  std::set<std::string> initializers;
  int64_t parameters = 0;
  for (const auto& init : graph.initializer()) {
    initializers.insert(init.name());
    int64_t count = 1;
    for (int64_t d : init.dims()) count = d > 0 && count <= INT64_MAX / d ? count * d : (d == 0 ? 0 : count);
    parameters += count;
  }
  std::cout << "inputs\n";
  for (const auto& in : graph.input())
    if (!initializers.count(in.name())) std::cout << fmt::format("  {:<24} {}\n", in.name(), type_text(in.type()));
  std::cout << "outputs\n";
  for (const auto& out : graph.output()) std::cout << fmt::format("  {:<24} {}\n", out.name(), type_text(out.type()));

  std::map<std::string, int> histogram;
  for (const auto& node : graph.node()) ++histogram[(node.domain().empty() ? "" : node.domain() + ".") + node.op_type()];
  std::cout << "operators: " << graph.node_size() << " nodes, " << histogram.size() << " kinds\n";
  for (const auto& [op, count] : histogram) std::cout << fmt::format("  {:<32} {:>5}\n", op, count);
  std::cout << "parameters: " << parameters << " in " << graph.initializer_size() << " initializers\n";
}

void print_estimate(const CompileResult& result, const std::optional<TargetDescription>& target) {
  const Graph& g = *result.graph;
  int64_t macs = 0;
  for (const auto& node : g.nodes()) macs += multiply_accumulates(*node);
  const MemorySummary& m = g.memory;
  std::cout << "compiles: yes, " << g.nodes().size() << " nodes after optimisation\n"
            << "  MACs     " << macs << " per inference (convolutions and matrix products)\n"
            << "  RAM      " << m.arena_bytes + m.io_bytes << " bytes: arena " << m.arena_bytes << ", input/output buffers " << m.io_bytes
            << "\n"
            << "  flash    " << result.code.weights_bytes
            << " bytes of weights; the code adds what the target compiler makes of it (arm-none-eabi-size)\n";
  if (target && !target->board.empty())
    std::cout << "  fits     " << target->name << "'s reference board " << target->board << ": RAM " << m.arena_bytes + m.io_bytes << " of "
              << target->ram_bytes << " bytes, weights " << result.code.weights_bytes << " of " << target->flash_bytes << " bytes\n";
}

int run_inspect(const InspectArgs& args) {
  const onnx_frontend::LoadedModel model = onnx_frontend::load_model(args.model);
  print_listing(model);
  CompileOptions options;
  options.model = args.model;
  bind_input_options(options.import, args.input_shapes, args.const_inputs);
  if (!args.target.empty()) options.target = find_target(args.target);
  try {
    print_estimate(compile_model(options, model), options.target);
  } catch (const UserError& e) {
    std::cout << "compiles: no\n" << e.what() << "\n";
    return e.exit_code();
  }
  return 0;
}

}  // namespace

Command add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* inspect = app.add_subcommand("inspect", "describe a model: inputs, outputs, operators, parameters, MACs, "
                                                    "unsupported nodes, RAM and flash, without writing anything");
  inspect->add_option("model", args->model, "the .onnx file")->required();
  inspect->add_option("--input-shape", args->input_shapes, "NAME=DIMS: pin an input's shape, e.g. input=1x3x32x32");
  inspect->add_option("--const-input", args->const_inputs, "NAME=FILE.pb: bind a graph input to a constant TensorProto");
  inspect->add_option("--target", args->target, "NAME: check RAM and flash against this target's reference board");
  return {inspect, [args] { return run_inspect(*args); }};
}

}  // namespace mote::cli
