// Conversion between ONNX TensorProtos and Mote tensors.
#pragma once

#include <filesystem>
#include <string>

#include "compiler/ir/tensor.h"

namespace onnx {
class TensorProto;
}

namespace mote::onnx_frontend {

// Reads a TensorProto's data, from its typed fields, raw_data or external data file.
// External files are resolved against `base_dir` and must stay inside it. Throws UserError
// naming the tensor when the data is malformed, missing or of a type Mote lacks.
Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::filesystem::path& base_dir);

// Reads a serialized TensorProto file (test data, --const-input).
Tensor read_tensor_file(const std::filesystem::path& path, std::string* name = nullptr);

void tensor_to_proto(const Tensor& tensor, onnx::TensorProto& proto);

}  // namespace mote::onnx_frontend
