// Reads an ONNX file and runs the ONNX checker and ONNX shape inference on it.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace mote::onnx_frontend {

// What ONNX shape inference concluded about a tensor: its element type and, where every
// dimension is a number, its shape. Used to cross-check Mote's own shape rules.
struct InferredType {
  int elem_type = 0;
  std::optional<std::vector<int64_t>> dims;
};

struct LoadedModel {
  onnx::ModelProto proto;
  std::filesystem::path base_dir;  // folder of the model file, for external data
  std::string display_name;        // file name, used in messages
  std::map<std::string, InferredType> inferred;  // from ONNX shape inference
  // Tensors whose type the model itself declares (graph inputs, outputs, value_info): ONNX
  // shape inference keeps such a declaration even when the data or the op says otherwise.
  std::set<std::string> declared;
  std::vector<std::string> warnings;             // e.g. shape inference gave up
};

// Runs ONNX shape inference in a child process from now on, so that a crash inside it (ONNX
// 1.12 has some on hostile models) cannot take the compiler down. For single-threaded callers
// (the CLI, the fuzzer); fork() is not safe while other threads hold locks.
void isolate_shape_inference(bool isolate);

// Throws UserError (InvalidModel) if the file is missing, not a model, or fails the checker.
LoadedModel load_model(const std::filesystem::path& path);
// Same, for a model already in memory (tests, fuzzing).
LoadedModel load_model_from_bytes(const std::string& bytes, const std::filesystem::path& base_dir,
                                  const std::string& display_name);

}  // namespace mote::onnx_frontend
