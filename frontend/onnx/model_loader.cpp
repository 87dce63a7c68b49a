#include "frontend/onnx/model_loader.h"

#include <google/protobuf/io/coded_stream.h>
#include <onnx/checker.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
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

bool g_isolate_shape_inference = false;

void infer_shapes(onnx::ModelProto& model) {
  onnx::ShapeInferenceOptions options(false, 0, true);
  onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
}

// ONNX 1.12's shape inference crashes on some hostile models (fuzzing found segfaults and a
// division by zero in its conv/pool rules), so the CLI runs it in a child process: a crash
// there costs only the cross-check, never the compiler. The child sends back the inferred
// model (exit 0) or the exception's message (exit 2).
void infer_shapes_in_child(onnx::ModelProto& model, std::vector<std::string>& warnings) {
  int fds[2];
  if (pipe(fds) != 0) {
    warnings.push_back("ONNX shape inference skipped: cannot create a pipe");
    return;
  }
  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    warnings.push_back("ONNX shape inference skipped: cannot start a process");
    return;
  }
  if (child == 0) {
    close(fds[0]);
    // A crash here should only end this process, quietly: no sanitizer or fuzzer report.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) signal(sig, SIG_DFL);
    std::string out;
    int code = 0;
    try {
      infer_shapes(model);
      model.SerializeToString(&out);
    } catch (const std::exception& e) {
      out = e.what();
      code = 2;
    }
    for (size_t done = 0; done < out.size();) {
      const ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) _exit(3);
      done += static_cast<size_t>(n);
    }
    _exit(code);
  }
  close(fds[1]);
  std::string result;
  char buffer[65536];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    onnx::ModelProto inferred;
    if (inferred.ParseFromString(result)) model = std::move(inferred);
    else warnings.push_back("ONNX shape inference returned an unreadable model; continuing without its cross-check");
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
    warnings.push_back("ONNX shape inference stopped: " + result);
  } else {
    warnings.push_back("ONNX shape inference crashed on this model (" +
                       (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status)) : std::string("exit ") + std::to_string(WEXITSTATUS(status))) +
                       "); Mote's own shape rules are used without that cross-check");
  }
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
  for (const auto& v : model.graph().input()) loaded.declared.insert(v.name());
  for (const auto& v : model.graph().value_info()) loaded.declared.insert(v.name());
  for (const auto& v : model.graph().output()) loaded.declared.insert(v.name());
  // Non-strict: a node ONNX cannot infer does not stop the import; Mote infers every shape
  // itself and only uses these results as a cross-check.
  if (g_isolate_shape_inference) {
    infer_shapes_in_child(model, loaded.warnings);
  } else {
    try {
      infer_shapes(model);
    } catch (const std::exception& e) {
      loaded.warnings.push_back(std::string("ONNX shape inference stopped: ") + e.what());
    }
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

void isolate_shape_inference(bool isolate) { g_isolate_shape_inference = isolate; }

}  // namespace mote::onnx_frontend
