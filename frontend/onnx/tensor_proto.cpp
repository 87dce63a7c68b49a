#include "frontend/onnx/tensor_proto.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "compiler/ir/errors.h"

namespace mote::onnx_frontend {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(ErrorKind kind, const std::string& tensor, const std::string& message) {
  Diagnostic d;
  d.kind = kind;
  d.tensor = tensor;
  d.message = message;
  throw UserError({d});
}

template <class Dst, class Field>
std::vector<uint8_t> pack(const Field& field, int64_t count) {
  std::vector<uint8_t> bytes(static_cast<size_t>(count) * sizeof(Dst));
  Dst* out = reinterpret_cast<Dst*>(bytes.data());
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<Dst>(field.Get(static_cast<int>(i)));
  return bytes;
}

std::vector<uint8_t> read_external(const onnx::TensorProto& proto, const fs::path& base_dir,
                                   size_t expected) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& entry : proto.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      int64_t v = 0;
      try {
        size_t used = 0;
        v = std::stoll(entry.value(), &used);
        if (used != entry.value().size() || v < 0) throw std::invalid_argument("");
      } catch (const std::exception&) {
        fail(ErrorKind::InvalidModel, proto.name(),
             "external data " + entry.key() + " '" + entry.value() + "' is not a number");
      }
      (entry.key() == "offset" ? offset : length) = v;
    }
  }
  if (location.empty())
    fail(ErrorKind::InvalidModel, proto.name(), "external data without a location");
  fs::path relative(location);
  if (relative.is_absolute())
    fail(ErrorKind::InvalidModel, proto.name(),
         "external data location '" + location + "' is absolute; it must be relative to the model");
  fs::path base = fs::weakly_canonical(base_dir.empty() ? fs::path(".") : base_dir);
  fs::path file = fs::weakly_canonical(base / relative);
  auto [base_end, ignored] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (base_end != base.end())
    fail(ErrorKind::InvalidModel, proto.name(),
         "external data location '" + location + "' leaves the model's folder; refused");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    fail(ErrorKind::InvalidModel, proto.name(),
         "external data file '" + file.string() + "' does not exist");
  auto file_size = static_cast<int64_t>(fs::file_size(file, ec));
  if (length < 0) length = static_cast<int64_t>(expected);
  if (static_cast<size_t>(length) != expected || offset > file_size || length > file_size - offset)
    fail(ErrorKind::InvalidModel, proto.name(),
         "external data in '" + location + "' (offset " + std::to_string(offset) + ", length " +
             std::to_string(length) + ") does not hold the " + std::to_string(expected) +
             " bytes the tensor needs (file has " + std::to_string(file_size) + ")");
  std::vector<uint8_t> bytes(expected);
  std::ifstream in(file, std::ios::binary);
  in.seekg(offset);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(expected));
  if (!in) fail(ErrorKind::InvalidModel, proto.name(), "cannot read external data from '" + location + "'");
  return bytes;
}

}  // namespace

Tensor tensor_from_proto(const onnx::TensorProto& proto, const fs::path& base_dir) {
  const std::string& name = proto.name();
  if (proto.data_type() == onnx::TensorProto::STRING)
    fail(ErrorKind::Unsupported, name, "string tensors are not supported");
  std::optional<DType> dtype = dtype_from_onnx(proto.data_type());
  if (!dtype)
    fail(ErrorKind::Unsupported, name,
         "element type " + std::to_string(proto.data_type()) + " is not supported");
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  for (int64_t d : dims)
    if (d < 0) fail(ErrorKind::InvalidModel, name, "negative dimension " + std::to_string(d));
  Shape shape(dims);
  int64_t count = 0;
  try {
    count = shape.numel();
  } catch (const UserError& e) {
    fail(e.kind(), name, e.diagnostics().front().message + " (shape " + shape.to_string() + ")");
  }
  const size_t expected = static_cast<size_t>(count) * dtype_size(*dtype);

  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return Tensor(*dtype, shape, read_external(proto, base_dir, expected));
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != expected)
      fail(ErrorKind::InvalidModel, name,
           "raw_data holds " + std::to_string(raw.size()) + " bytes, shape " + shape.to_string() +
               " of " + std::string(dtype_name(*dtype)) + " needs " + std::to_string(expected));
    return Tensor(*dtype, shape, std::vector<uint8_t>(raw.begin(), raw.end()));
  }

  auto check_count = [&](int have) {
    if (have != count)
      fail(ErrorKind::InvalidModel, name,
           "holds " + std::to_string(have) + " values, shape " + shape.to_string() + " needs " +
               std::to_string(count));
  };
  std::vector<uint8_t> bytes;
  switch (*dtype) {
    case DType::Float32:
      check_count(proto.float_data_size());
      bytes = pack<float>(proto.float_data(), count);
      break;
    case DType::Float64:
      check_count(proto.double_data_size());
      bytes = pack<double>(proto.double_data(), count);
      break;
    case DType::Int64:
      check_count(proto.int64_data_size());
      bytes = pack<int64_t>(proto.int64_data(), count);
      break;
    case DType::UInt32:
      check_count(proto.uint64_data_size());
      bytes = pack<uint32_t>(proto.uint64_data(), count);
      break;
    case DType::UInt64:
      check_count(proto.uint64_data_size());
      bytes = pack<uint64_t>(proto.uint64_data(), count);
      break;
    case DType::Int32:
      check_count(proto.int32_data_size());
      bytes = pack<int32_t>(proto.int32_data(), count);
      break;
    case DType::Int16:
      check_count(proto.int32_data_size());
      bytes = pack<int16_t>(proto.int32_data(), count);
      break;
    case DType::Int8:
      check_count(proto.int32_data_size());
      bytes = pack<int8_t>(proto.int32_data(), count);
      break;
    case DType::UInt16:
    case DType::Float16:
    case DType::BFloat16:  // the 16-bit patterns, stored in int32_data
      check_count(proto.int32_data_size());
      bytes = pack<uint16_t>(proto.int32_data(), count);
      break;
    case DType::UInt8:
      check_count(proto.int32_data_size());
      bytes = pack<uint8_t>(proto.int32_data(), count);
      break;
    case DType::Bool: {
      check_count(proto.int32_data_size());
      bytes.resize(static_cast<size_t>(count));
      for (int64_t i = 0; i < count; ++i)
        bytes[static_cast<size_t>(i)] = proto.int32_data(static_cast<int>(i)) != 0;
      break;
    }
  }
  return Tensor(*dtype, shape, std::move(bytes));
}

Tensor read_tensor_file(const fs::path& path, std::string* name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(ErrorKind::Usage, "cannot open tensor file '" + path.string() + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(buffer.str()))
    throw UserError(ErrorKind::Usage, "'" + path.string() + "' is not a serialized ONNX TensorProto");
  if (name) *name = proto.name();
  return tensor_from_proto(proto, path.parent_path());
}

void tensor_to_proto(const Tensor& tensor, onnx::TensorProto& proto) {
  proto.set_data_type(dtype_to_onnx(tensor.dtype()));
  proto.clear_dims();
  for (int64_t d : tensor.shape().dims()) proto.add_dims(d);
  proto.set_raw_data(std::string(tensor.bytes().begin(), tensor.bytes().end()));
}

}  // namespace mote::onnx_frontend
