#!/usr/bin/python3
"""Trains the keyword-spotting sample (DS-CNN on 49x10 MFCCs, the MLPerf Tiny KWS design) and
writes everything the project commits for it.

The speech is synthetic, and said so everywhere it is reported: there is no speech-commands set
among Debian's packages, so the utterances come from Debian's espeak-ng speech synthesiser (it
must be installed to re-run this script, not to use its outputs). Twelve classes as in Google's
Speech Commands: silence, unknown, yes, no, up, down, left, right, on, off, stop, go. Each
utterance is one word spoken by espeak-ng with a random English accent, voice variant, speed
and pitch, resampled to 16 kHz, placed at a random offset in one second, scaled and mixed with
background noise at a random level. "unknown" is one of twenty other words; "silence" is noise
alone. The held-out utterances use voice variants that training never heard.

Features, as in the MLPerf Tiny KWS reference: 16 kHz, 40 ms frames every 20 ms (49 frames),
40 mel bands, the first 10 MFCCs. The firmware would compute them from the microphone; the
model's input is the 1x1x49x10 MFCC block.

Writes, next to this script:
  model.onnx              the float model (opset 13), input mfcc 1x1x49x10, output logits 1x12
  test_data_set_{0,1,2}/  held-out inputs and PyTorch's outputs (ONNX test format)
  holdout.npz             held-out MFCC blocks (x) with labels (y)
  calibration.npz         200 training blocks for int8 calibration
  metrics.json            float accuracy on the held-out utterances
  demo_data.h             eight held-out blocks, labels and PyTorch's logits, for main.c

Run with Debian's python3 (python3-torch, python3-onnx, python3-numpy, python3-scipy) and
espeak-ng installed.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.io.wavfile
import scipy.signal
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import sample_tools  # noqa: E402

RATE = 16000
KEYWORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
CLASSES = ["silence", "unknown"] + KEYWORDS
OTHER_WORDS = ["bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow", "zero", "one", "two",
               "three", "four", "five", "six", "seven", "eight", "nine"]
ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-029", "en-gb-x-gbcwmd", "en-us-nyc"]
TRAIN_VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "f1", "f2", "f3", "f4", "klatt", "klatt2", "klatt3", "adam", "Annie",
                  "david", "linda", "john", "max", "steph", "paul", "robert", "Alex", "Andy", "belinda", "edward"]
HELD_OUT_VARIANTS = ["m7", "m8", "f5", "klatt4", "michel", "Michael", "steph2", "Lee"]


def speak(word, accent, variant, speed, pitch, folder):
    path = os.path.join(folder, "word.wav")
    subprocess.run(["espeak-ng", "-v", f"{accent}+{variant}", "-s", str(speed), "-p", str(pitch), "-w", path, word],
                   check=True, capture_output=True)
    rate, samples = scipy.io.wavfile.read(path)
    samples = samples.astype(np.float64) / 32768.0
    samples = scipy.signal.resample_poly(samples, RATE, rate)
    voiced = np.nonzero(np.abs(samples) > 0.01)[0]  # trim espeak's leading and trailing silence
    return samples[voiced[0]:voiced[-1] + 1] if len(voiced) else samples


def noise(rng, count):
    white = rng.normal(0, 1, count)
    kind = rng.integers(3)
    if kind == 1:  # brown: rumble
        white = np.cumsum(white)
        white -= np.linspace(white[0], white[-1], count)
    elif kind == 2:  # hum with harmonics, as from mains-powered equipment
        t = np.arange(count) / RATE
        base = rng.choice([50.0, 60.0])
        white = 0.3 * white + sum(np.sin(2 * np.pi * base * h * t + rng.uniform(0, 6)) / h for h in range(1, 6))
    return white / (np.std(white) + 1e-9)


def utterance(rng, label, variants, folder):
    clip = np.zeros(RATE)
    if label != "silence":
        word = rng.choice(OTHER_WORDS) if label == "unknown" else label
        voice = speak(word, rng.choice(ACCENTS), rng.choice(variants), int(rng.integers(120, 220)), int(rng.integers(20, 80)),
                      folder)[:RATE]
        start = rng.integers(0, RATE - len(voice) + 1)
        clip[start:start + len(voice)] = voice * rng.uniform(0.3, 1.0) / (np.abs(voice).max() + 1e-9)
    level = rng.uniform(0.001, 0.1) if label != "silence" else rng.uniform(0.0005, 0.2)
    return clip + level * noise(rng, RATE)


def features(clip):
    return sample_tools.mfcc(clip, RATE, 640, 320, 1024, 40, 10).astype(np.float32)[None, :, :]  # 1 x 49 x 10


def make_set(rng, per_class, variants, folder):
    x, y = [], []
    for index, label in enumerate(CLASSES):
        for _ in range(per_class):
            x.append(features(utterance(rng, label, variants, folder)))
            y.append(index)
    order = rng.permutation(len(x))
    return np.stack(x)[order], np.array(y, dtype=np.int64)[order]


class DSCNN(torch.nn.Module):
    """The MLPerf Tiny KWS DS-CNN: a 10x4 stride-2 convolution to 64 channels, four depthwise-
    separable blocks, average pooling and a fully connected layer."""

    def __init__(self):
        super().__init__()
        layers = [torch.nn.Conv2d(1, 64, (10, 4), stride=2, padding=(5, 1)), torch.nn.BatchNorm2d(64), torch.nn.ReLU()]
        for _ in range(4):
            layers += [torch.nn.Conv2d(64, 64, 3, padding=1, groups=64), torch.nn.BatchNorm2d(64), torch.nn.ReLU(),
                       torch.nn.Conv2d(64, 64, 1), torch.nn.BatchNorm2d(64), torch.nn.ReLU()]
        layers.append(torch.nn.AdaptiveAvgPool2d(1))
        self.features = torch.nn.Sequential(*layers)
        self.classifier = torch.nn.Linear(64, len(CLASSES))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main():
    sample_tools.seed_everything(0)
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        x_train, y_train = make_set(rng, 500, TRAIN_VARIANTS, folder)
        x_test, y_test = make_set(rng, 100, HELD_OUT_VARIANTS, folder)
    print(f"{len(x_train)} training and {len(x_test)} held-out utterances")

    model = sample_tools.train(DSCNN(), x_train, y_train, torch.nn.functional.cross_entropy, epochs=25)
    logits = sample_tools.save_classifier(HERE, model, (x_train, y_train), (x_test, y_test), "mfcc", "utterances (unheard voices)",
                                          {"data": "synthetic speech from espeak-ng (make_sample.py)", "classes": CLASSES,
                                           "held_out_voice_variants": HELD_OUT_VARIANTS})
    demo = slice(0, 8)
    sample_tools.write_demo_header(
        os.path.join(HERE, "demo_data.h"), "eight held-out MFCC blocks (1x49x10) and PyTorch's logits",
        {"demo_mfcc": x_test[demo], "demo_expected": logits[demo]},
        {"DEMO_COUNT": 8, "DEMO_LABELS": sample_tools.c_list(y_test[demo]), "KWS_CLASS_NAMES": sample_tools.c_list(CLASSES)})

if __name__ == "__main__":
    main()
