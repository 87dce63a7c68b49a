#include "frontend/onnx/model_loader.h"

#include <google/protobuf/io/coded_stream.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <climits>
#include <fstream>
#include <sstream>

#include "compiler/ir/errors.h"

namespace mote::onnx_frontend {
namespace fs = std::filesystem;

namespace {

// Newest default-domain opset whose semantics Mote implements.
constexpr int64_t kNewestOpset = 17;

[[noreturn]] void fail(ErrorKind kind, const std::string& model, const std::string& message) {
  Diagnostic d;
  d.kind = kind;
  d.message = message;
  throw UserError({d}, model);
}

void collect_inferred(const onnx::GraphProto& graph, std::map<std::string, InferredType>& out) {
  auto add = [&](const onnx::ValueInfoProto& info) {
    if (!info.type().has_tensor_type()) return;
    const auto& tensor = info.type().tensor_type();
    InferredType t;
    t.elem_type = tensor.elem_type();
    if (tensor.has_shape()) {
      std::vector<int64_t> dims;
      bool complete = true;
      for (const auto& d : tensor.shape().dim()) {
        if (!d.has_dim_value()) complete = false;
        dims.push_back(d.dim_value());
      }
      if (complete) t.dims = dims;
    }
    out[info.name()] = t;
  };
  for (const auto& v : graph.value_info()) add(v);
  for (const auto& v : graph.output()) add(v);
}

LoadedModel finish_loading(LoadedModel loaded) {
  const std::string& name = loaded.display_name;
  onnx::ModelProto& model = loaded.proto;
  if (!model.has_graph()) fail(ErrorKind::InvalidModel, name, "the model has no graph");
  if (model.graph().output_size() == 0) fail(ErrorKind::InvalidModel, name, "the graph has no outputs: there is nothing to compute");
  // The checker's message for these does not say which tensor; this one does.
  for (const auto* list : {&model.graph().input(), &model.graph().output()})
    for (const auto& v : *list)
      if (!v.has_type() || !v.type().has_tensor_type())
        fail(ErrorKind::InvalidModel, name, "graph " + std::string(list == &model.graph().input() ? "input" : "output") + " '" +
                                                v.name() + "' has no tensor type");
  for (const auto& opset : model.opset_import()) {
    bool default_domain = opset.domain().empty() || opset.domain() == "ai.onnx";
    if (default_domain && opset.version() > kNewestOpset)
      fail(ErrorKind::Unsupported, name,
           "the model uses opset " + std::to_string(opset.version()) +
               " of the default domain; Mote supports opsets up to " + std::to_string(kNewestOpset));
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    fail(ErrorKind::InvalidModel, name, std::string("the ONNX checker rejects the model: ") + e.what());
  }
  for (const auto& v : model.graph().value_info()) loaded.declared.insert(v.name());
  for (const auto& v : model.graph().output()) loaded.declared.insert(v.name());
  // Non-strict: a node ONNX cannot infer does not stop the import; Mote infers every shape
  // itself and only uses these results as a cross-check.
  try {
    onnx::ShapeInferenceOptions options(false, 0, true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    loaded.warnings.push_back(std::string("ONNX shape inference stopped: ") + e.what());
  }
  collect_inferred(model.graph(), loaded.inferred);
  return loaded;
}

}  // namespace

LoadedModel load_model_from_bytes(const std::string& bytes, const fs::path& base_dir,
                                  const std::string& display_name) {
  LoadedModel loaded;
  loaded.base_dir = base_dir;
  loaded.display_name = display_name;
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                static_cast<int>(bytes.size()));
  stream.SetTotalBytesLimit(INT_MAX);
  stream.SetRecursionLimit(256);
  if (!loaded.proto.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    fail(ErrorKind::InvalidModel, display_name, "the file is not a valid ONNX model (protobuf parse failed)");
  return finish_loading(std::move(loaded));
}

LoadedModel load_model(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    fail(ErrorKind::Usage, path.string(), "no such model file");
  auto size = fs::file_size(path, ec);
  if (ec || size >= static_cast<uintmax_t>(INT_MAX))
    fail(ErrorKind::InvalidModel, path.string(),
         "the model file is larger than 2 GiB; store big weights as external data");
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) fail(ErrorKind::Usage, path.string(), "cannot read the model file");
  return load_model_from_bytes(buffer.str(), path.parent_path(), path.filename().string());
}

}  // namespace mote::onnx_frontend
