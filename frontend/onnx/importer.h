// Builds Mote's IR from a loaded ONNX model: typed values with static shapes, constants,
// per-op attribute structs, functions inlined. Every problem in the model is collected and
// raised at once as one UserError.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "frontend/onnx/model_loader.h"

namespace mote::onnx_frontend {

struct ImportOptions {
  // --input-shape NAME=1x3x32x32: pins symbolic (or checks static) input dimensions.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // --const-input NAME=file.pb: the input becomes a compile-time constant.
  std::map<std::string, Tensor> const_inputs;
};

std::unique_ptr<Graph> import_model(const LoadedModel& model, const ImportOptions& options);

}  // namespace mote::onnx_frontend
