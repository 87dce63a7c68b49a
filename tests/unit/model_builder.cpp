#include "tests/unit/model_builder.h"

#include "frontend/onnx/model_loader.h"

namespace mote::test {

std::unique_ptr<Graph> ModelBuilder::import(const onnx_frontend::ImportOptions& options) const {
  onnx_frontend::LoadedModel loaded = onnx_frontend::load_model_from_bytes(bytes(), ".", "test.onnx");
  return onnx_frontend::import_model(loaded, options);
}

std::vector<float> random_floats(size_t count, uint32_t seed) {
  std::vector<float> values(count);
  uint32_t s = seed ? seed : 1;
  for (float& v : values) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v = static_cast<float>(s % 20000) / 10000.0f - 1.0f;
  }
  return values;
}

}  // namespace mote::test
