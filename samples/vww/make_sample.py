#!/usr/bin/python3
"""Trains the visual-wake-word sample (MobileNetV1 with width 0.25 at 96x96, the MLPerf Tiny VWW
design: is there a person in the picture?) and writes everything the project commits for it.

The pictures are synthetic, and said so everywhere they are reported: there is no person
detection set among Debian's packages. Each 96x96 picture has a background (a random crop of
the two photographs that ship with scikit-learn, or a drawn room of walls, furniture and
windows), zero to three distractors (boxes, poles, balls, lamps, snowmen: round things on top of
long things, which a lazy detector would call people) and, in half of the pictures, a person:
a drawn figure with head, torso, arms and legs, of random size (a third of the picture to all of
it), position, pose, skin tone and clothes, sometimes cut by the picture's edge. Then blur,
brightness and noise. It teaches a real MobileNet the shape of a person, not person detection
in photographs: the figures below are on these pictures only.

Writes, next to this script:
  model.onnx              the float model (opset 13), input image 1x3x96x96 (RGB, 0..1), output logits 1x2
                          (0: no person, 1: person)
  test_data_set_{0,1,2}/  held-out pictures and PyTorch's outputs (ONNX test format)
  holdout.npz             200 held-out pictures, 8-bit values (x), with labels (y)
  calibration.npz         32 training pictures, 8-bit values, for int8 calibration
  metrics.json            float accuracy on the held-out pictures
  demo_data.h             four held-out pictures as 8-bit RGB, labels and PyTorch's logits, for main.c

Run with Debian's python3 (python3-torch, python3-onnx, python3-numpy, python3-sklearn, python3-pil).
"""
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter
from sklearn.datasets import load_sample_images

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import sample_tools  # noqa: E402

SIZE = 96
SKIN = [(255, 219, 172), (241, 194, 125), (224, 172, 105), (198, 134, 66), (141, 85, 36), (92, 51, 23)]


def colour(rng, low=0, high=255):
    return tuple(int(v) for v in rng.integers(low, high, 3))


def photo_background(rng, photos):
    photo = photos[rng.integers(len(photos))]
    side = int(rng.uniform(0.15, 0.6) * photo.shape[0])
    top, left = rng.integers(0, photo.shape[0] - side), rng.integers(0, photo.shape[1] - side)
    crop = Image.fromarray(photo[top:top + side, left:left + side]).resize((SIZE, SIZE), Image.BILINEAR)
    return crop.transpose(Image.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else crop


def room_background(rng):
    image = Image.new("RGB", (SIZE, SIZE), colour(rng, 60, 230))
    draw = ImageDraw.Draw(image)
    floor = int(rng.uniform(0.5, 0.85) * SIZE)
    draw.rectangle([0, floor, SIZE, SIZE], fill=colour(rng, 30, 200))
    for _ in range(rng.integers(1, 5)):  # windows, doors, cupboards, pictures
        x0, y0 = rng.integers(-10, SIZE), rng.integers(-10, SIZE)
        draw.rectangle([x0, y0, x0 + rng.integers(8, 50), y0 + rng.integers(8, 50)], fill=colour(rng),
                       outline=colour(rng, 0, 80))
    return image


def distractor(rng, draw):
    x, y, s = rng.integers(0, SIZE), rng.integers(10, SIZE), int(rng.integers(6, 40))
    kind = rng.integers(5)
    if kind == 0:  # box
        draw.rectangle([x, y - s, x + rng.integers(6, 40), y], fill=colour(rng), outline=colour(rng, 0, 80))
    elif kind == 1:  # pole
        draw.rectangle([x, y - 3 * s, x + max(2, s // 6), y], fill=colour(rng))
    elif kind == 2:  # ball
        draw.ellipse([x - s // 2, y - s, x + s // 2, y], fill=colour(rng))
    elif kind == 3:  # lamp: a round shade on a pole
        draw.rectangle([x - 1, y - 3 * s, x + 1, y], fill=colour(rng, 0, 120))
        draw.ellipse([x - s // 2, y - 3 * s - s // 2, x + s // 2, y - 3 * s + s // 4], fill=colour(rng))
    else:  # snowman
        draw.ellipse([x - s // 2, y - s, x + s // 2, y], fill=colour(rng, 180, 255))
        draw.ellipse([x - s // 3, y - s - 2 * s // 3, x + s // 3, y - s], fill=colour(rng, 180, 255))


def person(rng, draw):
    height = rng.uniform(0.33, 1.0) * SIZE
    cx = rng.uniform(0.1, 0.9) * SIZE
    feet = rng.uniform(0.6, 1.15) * SIZE
    unit = height / 8.0  # a figure is about eight heads tall
    skin, shirt, trousers = SKIN[rng.integers(len(SKIN))], colour(rng), colour(rng, 0, 160)
    head_top = feet - height
    neck, hip = head_top + unit, head_top + 4 * unit
    shoulder_half, width = unit * rng.uniform(0.9, 1.2), max(2, int(unit * 0.45))
    for side in (-1, 1):  # legs, then arms at random angles
        draw.line([cx + side * unit * 0.4, hip, cx + side * unit * rng.uniform(0.3, 1.6), feet], fill=trousers, width=width)
        angle = np.radians(rng.uniform(-30, 160))
        length = 3 * unit
        shoulder = (cx + side * shoulder_half, neck + unit * 0.3)
        hand = (shoulder[0] + side * length * np.sin(angle) * 0.7, shoulder[1] + length * np.cos(angle))
        draw.line([shoulder, hand], fill=shirt, width=width)
        draw.ellipse([hand[0] - unit * 0.25, hand[1] - unit * 0.25, hand[0] + unit * 0.25, hand[1] + unit * 0.25], fill=skin)
    draw.polygon([(cx - shoulder_half, neck + unit * 0.2), (cx + shoulder_half, neck + unit * 0.2),
                  (cx + unit * 0.8, hip + unit * 0.3), (cx - unit * 0.8, hip + unit * 0.3)], fill=shirt)
    draw.ellipse([cx - unit * 0.45, head_top, cx + unit * 0.45, head_top + unit * 1.1], fill=skin)
    if rng.random() < 0.6:  # hair
        draw.chord([cx - unit * 0.5, head_top - unit * 0.1, cx + unit * 0.5, head_top + unit * 0.8], 180, 360,
                   fill=colour(rng, 0, 120))


def picture(rng, photos, with_person):
    image = photo_background(rng, photos) if rng.random() < 0.5 else room_background(rng)
    draw = ImageDraw.Draw(image)
    layers = [lambda: distractor(rng, draw) for _ in range(rng.integers(0, 4))]
    if with_person:
        layers.insert(rng.integers(0, len(layers) + 1), lambda: person(rng, draw))
    for layer in layers:
        layer()
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.2)))
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    pixels = pixels * rng.uniform(0.6, 1.3) + rng.uniform(-0.15, 0.15) + rng.normal(0, rng.uniform(0, 0.05), pixels.shape)
    return np.clip(pixels, 0, 1).transpose(2, 0, 1).astype(np.float32)  # CHW


def make_set(rng, photos, count):
    y = (np.arange(count) % 2).astype(np.int64)
    rng.shuffle(y)
    return np.stack([picture(rng, photos, bool(label)) for label in y]), y


def eight_bit(pictures):
    """Pictures rounded to 8 bits per channel (values k / 255)."""
    return (np.rint(pictures * 255) / 255).astype(np.float32)


def separable(inputs, outputs, stride):
    return [torch.nn.Conv2d(inputs, inputs, 3, stride, 1, groups=inputs, bias=False), torch.nn.BatchNorm2d(inputs), torch.nn.ReLU(),
            torch.nn.Conv2d(inputs, outputs, 1, bias=False), torch.nn.BatchNorm2d(outputs), torch.nn.ReLU()]


class MobileNetV1(torch.nn.Module):
    """MobileNetV1 at width 0.25 (channels 8 to 256), as in the MLPerf Tiny VWW reference."""

    def __init__(self):
        super().__init__()
        layers = [torch.nn.Conv2d(3, 8, 3, 2, 1, bias=False), torch.nn.BatchNorm2d(8), torch.nn.ReLU()]
        plan = [(8, 16, 1), (16, 32, 2), (32, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2)] + [(128, 128, 1)] * 5 + \
               [(128, 256, 2), (256, 256, 1)]
        for inputs, outputs, stride in plan:
            layers += separable(inputs, outputs, stride)
        layers.append(torch.nn.AdaptiveAvgPool2d(1))
        self.features = torch.nn.Sequential(*layers)
        self.classifier = torch.nn.Linear(256, 2)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main():
    sample_tools.seed_everything(0)
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    photos = load_sample_images().images
    x_train, y_train = make_set(rng, photos, 12000)
    x_test, y_test = make_set(rng, photos, 400)
    # Kept as a camera gives them, 8 bits per channel, and 200 of them: the noisy pictures do not
    # compress, and the committed files stay small (5.6 MB held out, 0.9 MB calibration).
    x_test, y_test = eight_bit(x_test[:200]), y_test[:200]

    model = sample_tools.train(MobileNetV1(), x_train, y_train, torch.nn.functional.cross_entropy, epochs=25)
    sample_tools.save_classifier(HERE, model, (eight_bit(x_train[:32]), y_train), (x_test, y_test), "image", "pictures",
                                 {"data": "synthetic pictures (make_sample.py)", "holdout_examples_png_labels": [int(v) for v in y_test[:8]]},
                                 calibration_count=32)
    demo_pixels = np.rint(x_test[:4] * 255).astype(np.uint8)
    demo_logits = sample_tools.predict(model, x_test[:4])
    sample_tools.write_demo_header(
        os.path.join(HERE, "demo_data.h"), "four held-out pictures (3x96x96 RGB bytes, CHW) and PyTorch's logits for them",
        {"demo_expected": demo_logits}, {"DEMO_COUNT": 4, "DEMO_LABELS": sample_tools.c_list(y_test[:4])},
        byte_arrays={"demo_pixels": demo_pixels})
    Image.fromarray((np.concatenate(list(x_test[:8].transpose(0, 2, 3, 1)), axis=1) * 255).astype(np.uint8)).save(
        os.path.join(HERE, "holdout_examples.png"))

if __name__ == "__main__":
    main()
