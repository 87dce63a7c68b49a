#!/usr/bin/python3
"""Writes <model>_float/calibration.npz: inputs for calibrating the float MLPerf Tiny models
with `mote compile --quantize int8`. They are made the way the test data was (README):
xorshift32 bytes, one per int8 input element in NHWC order, dequantized with the int8 model's
input scale and zero point and transposed to NCHW, but with seeds 1000 and up, so the
test_data_set_{0,1,2} inputs (seeds 1, 2, 3) stay held out. Needs python3-onnx and numpy.

Run: /usr/bin/python3 samples/mlperf-tiny/make_calibration.py
"""
import os

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = {"kws": 32, "vww": 8, "ic": 16, "ad": 32}


def xorshift_bytes(seed, count):
    s = seed
    out = np.empty(count, dtype=np.int8)
    for i in range(count):
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        out[i] = np.int8(np.uint8(s & 0xFF).view(np.int8))
    return out


def main():
    for name, count in SAMPLES.items():
        qdq = onnx.load(os.path.join(HERE, f"{name}_int8_qdq", "model.onnx"))
        meta = {p.key: p.value for p in qdq.metadata_props}
        scale, zero = float(meta["input_scale"]), int(meta["input_zero_point"])
        nhwc = [int(d) for d in meta["tflite_input_shape"].strip("[]").split(",")]
        samples = []
        for seed in range(1000, 1000 + count):
            q = xorshift_bytes(seed, int(np.prod(nhwc))).astype(np.float32)
            x = ((q - zero) * scale).reshape(nhwc)
            if len(nhwc) == 4:
                x = x.transpose(0, 3, 1, 2)
            samples.append(x[0])
        path = os.path.join(HERE, f"{name}_float", "calibration.npz")
        np.savez_compressed(path, input=np.stack(samples).astype(np.float32))
        print(f"{path}: {count} samples")


if __name__ == "__main__":
    main()
