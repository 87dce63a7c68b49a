#!/usr/bin/python3
"""Writes the inception_tiny sample: a branchy CNN for the scheduler and the memory planner.

Two Inception-style blocks (four branches each: 1x1; 1x1 then 3x3; 1x1 then two 3x3; 3x3
max pool then 1x1; joined by Concat; the 1x1 layers before the 3x3 ones widen rather than
reduce) on a 3x32x32 image, then global average pooling and a
linear classifier. The weights are seeded random values, not trained: the sample exists for
its shape. forward() runs the blocks breadth-first (the first layer of every branch, then the
second layers, ...), as some exporters and hand-written models do, so the file order keeps
every branch's intermediate tensors alive at once; a good schedule finishes one branch before
starting the next.

Writes model.onnx (opset 13) and test_data_set_{0,1,2}/ (seeded random inputs and PyTorch's
outputs, ONNX test format). Run with Debian's python3 (python3-torch, python3-onnx); CI only
uses the committed files.
"""
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def conv(cin, cout, k):
    return torch.nn.Sequential(torch.nn.Conv2d(cin, cout, k, padding=k // 2), torch.nn.ReLU())


class Inception(torch.nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        self.b1 = conv(cin, c1, 1)
        self.b2a, self.b2b = conv(cin, c3r, 1), conv(c3r, c3, 3)
        self.b3a, self.b3b, self.b3c = conv(cin, c5r, 1), conv(c5r, c5, 3), conv(c5, c5, 3)
        self.pool, self.b4 = torch.nn.MaxPool2d(3, stride=1, padding=1), conv(cin, cp, 1)

    def forward(self, x):
        # Breadth-first on purpose: see the module docstring.
        y1, y2, y3, y4 = self.b1(x), self.b2a(x), self.b3a(x), self.pool(x)
        y2, y3, y4 = self.b2b(y2), self.b3b(y3), self.b4(y4)
        y3 = self.b3c(y3)
        return torch.cat([y1, y2, y3, y4], dim=1)


class InceptionTiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, stride=2, padding=1), torch.nn.ReLU())
        self.block1 = Inception(16, 8, 32, 8, 32, 8, 8)  # 32 channels
        self.down = torch.nn.MaxPool2d(2)
        self.block2 = Inception(32, 16, 48, 16, 48, 16, 16)  # 64 channels
        self.head = torch.nn.Linear(64, 10)

    def forward(self, x):
        x = self.block2(self.down(self.block1(self.stem(x))))
        return self.head(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1))


def main():
    torch.manual_seed(7)
    model = InceptionTiny().eval()
    path = os.path.join(HERE, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 32, 32), path, input_names=["image"], output_names=["logits"],
                      opset_version=13, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    rng = np.random.default_rng(7)
    for i in range(3):
        folder = os.path.join(HERE, f"test_data_set_{i}")
        os.makedirs(folder, exist_ok=True)
        image = rng.uniform(0, 1, size=(1, 3, 32, 32)).astype(np.float32)
        with torch.no_grad():
            out = model(torch.from_numpy(image)).numpy()
        with open(os.path.join(folder, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(image, "image").SerializeToString())
        with open(os.path.join(folder, "output_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(out, "logits").SerializeToString())


if __name__ == "__main__":
    main()
