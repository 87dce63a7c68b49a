#include "compiler/driver/sample_data.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "compiler/ir/errors.h"
#include "frontend/onnx/tensor_proto.h"

namespace mote {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const fs::path& path, const std::string& message) {
  throw UserError(ErrorKind::Usage, "sample data '" + path.string() + "': " + message);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

uint32_t le32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b.at(at + static_cast<size_t>(i)));
  return v;
}
uint16_t le16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b.at(at)) | (static_cast<uint8_t>(b.at(at + 1)) << 8));
}
uint64_t le64(const std::string& b, size_t at) { return le32(b, at) | (static_cast<uint64_t>(le32(b, at + 4)) << 32); }

// A .npy image: magic, version, header dict ('descr', 'fortran_order', 'shape'), data.
Tensor parse_npy(const fs::path& path, const std::string& b) {
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) fail(path, "not a .npy array");
  const int major = static_cast<uint8_t>(b[6]);
  const size_t header_len = major == 1 ? le16(b, 8) : le32(b, 8);
  const size_t header_at = major == 1 ? 10 : 12;
  if (header_at + header_len > b.size()) fail(path, "truncated .npy header");
  const std::string header = b.substr(header_at, header_len);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([<>|=]?)([a-z])([0-9]+)'")))
    fail(path, "unsupported .npy element type in " + header);
  const std::string order = m[1], kind = m[2];
  const int bytes = std::stoi(m[3]);
  if (order == ">" && bytes > 1) fail(path, "big-endian arrays are not supported");
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True"))) fail(path, "Fortran-ordered arrays are not supported");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([0-9,\\s]*)\\)"))) fail(path, "no shape in the .npy header");
  std::vector<int64_t> dims;
  const std::string shape = m[1];
  static const std::regex number("[0-9]+");
  for (std::sregex_iterator it(shape.begin(), shape.end(), number), end; it != end; ++it)
    dims.push_back(std::stoll(it->str()));
  DType dtype;
  if (kind == "f" && bytes == 4) dtype = DType::Float32;
  else if (kind == "f" && bytes == 8) dtype = DType::Float64;
  else if (kind == "i" && bytes == 1) dtype = DType::Int8;
  else if (kind == "u" && bytes == 1) dtype = DType::UInt8;
  else if (kind == "i" && bytes == 4) dtype = DType::Int32;
  else if (kind == "i" && bytes == 8) dtype = DType::Int64;
  else fail(path, "unsupported .npy element type '" + kind + std::to_string(bytes) + "'");
  Shape s(dims);
  const size_t data_at = header_at + header_len;
  const size_t size = static_cast<size_t>(s.numel()) * dtype_size(dtype);
  if (data_at + size > b.size()) fail(path, "the .npy data is shorter than its shape " + s.to_string());
  return Tensor(dtype, s, std::vector<uint8_t>(b.begin() + static_cast<std::ptrdiff_t>(data_at),
                                               b.begin() + static_cast<std::ptrdiff_t>(data_at + size)));
}

std::string inflate_raw(const fs::path& path, const std::string& compressed, uint64_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail(path, "zlib initialisation failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&z, Z_FINISH);
  inflateEnd(&z);
  if (status != Z_STREAM_END || z.total_out != size) fail(path, "a compressed member is corrupt");
  return out;
}

// Members of a zip archive (stored or deflated), found through its central directory.
std::map<std::string, std::string> read_zip(const fs::path& path, const std::string& b) {
  size_t end = b.size() < 22 ? std::string::npos : b.rfind(std::string("PK\x05\x06", 4));
  if (end == std::string::npos || end + 22 > b.size()) fail(path, "not a zip archive (.npz)");
  size_t entry = le32(b, end + 16);
  const size_t count = le16(b, end + 10);
  std::map<std::string, std::string> members;
  for (size_t i = 0; i < count; ++i) {
    if (entry + 46 > b.size() || le32(b, entry) != 0x02014b50) fail(path, "corrupt zip directory");
    const uint16_t method = le16(b, entry + 10);
    uint64_t compressed = le32(b, entry + 20), size = le32(b, entry + 24), local = le32(b, entry + 42);
    const size_t name_len = le16(b, entry + 28), extra_len = le16(b, entry + 30), comment_len = le16(b, entry + 32);
    const std::string name = b.substr(entry + 46, name_len);
    // Zip64: sizes and offset saturated at 0xFFFFFFFF live in extra field 0x0001, in this order.
    for (size_t x = entry + 46 + name_len; x + 4 <= entry + 46 + name_len + extra_len;) {
      const uint16_t id = le16(b, x), len = le16(b, x + 2);
      size_t field = x + 4;
      if (id == 1) {
        if (size == 0xFFFFFFFFu) size = le64(b, field), field += 8;
        if (compressed == 0xFFFFFFFFu) compressed = le64(b, field), field += 8;
        if (local == 0xFFFFFFFFu) local = le64(b, field);
      }
      x += 4 + len;
    }
    if (local + 30 > b.size() || le32(b, static_cast<size_t>(local)) != 0x04034b50) fail(path, "corrupt zip member '" + name + "'");
    const size_t data = static_cast<size_t>(local) + 30 + le16(b, static_cast<size_t>(local) + 26) + le16(b, static_cast<size_t>(local) + 28);
    if (data + compressed > b.size()) fail(path, "truncated zip member '" + name + "'");
    const std::string raw = b.substr(data, static_cast<size_t>(compressed));
    if (method == 0) members[name] = raw;
    else if (method == 8) members[name] = inflate_raw(path, raw, size);
    else fail(path, "zip member '" + name + "' uses compression method " + std::to_string(method));
    entry += 46 + name_len + extra_len + comment_len;
  }
  return members;
}

// Sample i of `array` (samples along axis 0) as a tensor of `shape` and `dtype`.
Tensor sample_of(const fs::path& path, const std::string& name, const Tensor& array, int64_t i, const Value& input) {
  const int64_t per_sample = input.shape.numel();
  if (array.shape().rank() == 0 || array.shape()[0] == 0 || array.numel() / array.shape()[0] != per_sample)
    fail(path, "array '" + name + "' of shape " + array.shape().to_string() + " does not hold samples of input " + input.describe() +
                   " along its first axis");
  Tensor out(input.dtype, input.shape);
  Tensor source = array.cast(input.dtype);
  const size_t bytes = static_cast<size_t>(per_sample) * dtype_size(input.dtype);
  std::memcpy(out.raw(), source.raw() + static_cast<size_t>(i) * bytes, bytes);
  return out;
}

}  // namespace

std::map<std::string, Tensor> read_numpy(const fs::path& path) {
  const std::string bytes = read_bytes(path);
  std::map<std::string, Tensor> arrays;
  if (path.extension() == ".npy") {
    arrays.emplace(path.stem().string(), parse_npy(path, bytes));
    return arrays;
  }
  for (const auto& [name, member] : read_zip(path, bytes)) {
    const std::string stem = name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0 ? name.substr(0, name.size() - 4) : name;
    arrays.emplace(stem, parse_npy(path, member));
  }
  return arrays;
}

std::vector<std::vector<Tensor>> load_samples(const fs::path& path, const Graph& graph) {
  std::vector<std::vector<Tensor>> samples;
  if (fs::is_directory(path)) {
    std::vector<fs::path> sets;
    for (const auto& entry : fs::directory_iterator(path))
      if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0) sets.push_back(entry.path());
    std::sort(sets.begin(), sets.end());
    if (sets.empty()) sets.push_back(path);
    for (const fs::path& set : sets) {
      std::vector<Tensor> inputs;
      for (size_t k = 0; k < graph.inputs.size(); ++k) {
        const fs::path file = set / ("input_" + std::to_string(k) + ".pb");
        if (!fs::exists(file)) fail(path, "missing " + file.string());
        inputs.push_back(sample_of(file, file.filename().string(), onnx_frontend::read_tensor_file(file), 0, *graph.inputs[k]));
      }
      samples.push_back(std::move(inputs));
    }
    return samples;
  }
  const std::map<std::string, Tensor> arrays = read_numpy(path);
  std::vector<const Tensor*> per_input;
  std::vector<std::string> names;
  for (const Value* input : graph.inputs) {
    auto it = arrays.find(input->name);
    if (it == arrays.end() && graph.inputs.size() == 1) it = arrays.size() == 1 ? arrays.begin() : arrays.find("x");
    if (it == arrays.end()) fail(path, "no array named '" + input->name + "' for graph input " + input->describe());
    per_input.push_back(&it->second);
    names.push_back(it->first);
  }
  const int64_t count = per_input.empty() ? 0 : per_input[0]->shape()[0];
  for (const Tensor* array : per_input)
    if (array->shape().rank() == 0 || array->shape()[0] != count) fail(path, "arrays disagree on the number of samples");
  for (int64_t i = 0; i < count; ++i) {
    std::vector<Tensor> inputs;
    for (size_t k = 0; k < per_input.size(); ++k) inputs.push_back(sample_of(path, names[k], *per_input[k], i, *graph.inputs[k]));
    samples.push_back(std::move(inputs));
  }
  if (samples.empty()) fail(path, "holds no samples");
  return samples;
}

}  // namespace mote
