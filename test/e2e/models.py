"""models.py - the PyTorch models behind Strata's end-to-end tests.

Each end-to-end test compiles one ONNX export with stratac, runs it with
strata-run and compares against PyTorch. This file is the registry of those
models: how to build each one with deterministic weights (a fixed seed, never a
download), its input shapes and the ONNX opset it is exported at. The models
grow from a two-layer MLP to full torchvision networks so that a failure points
at the smallest graph that shows it. export_models.py turns the registry into
files; nothing here touches the disk.
"""

import importlib.util
import os
import zlib
from dataclasses import dataclass
from typing import Callable, List, Tuple

import numpy as np
import torch
import torchvision
from torch import nn

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRAFFIC_SCRIPT = os.path.join(_REPO_ROOT, "examples", "traffic", "export_traffic.py")
KWS_SCRIPT = os.path.join(_REPO_ROOT, "examples", "kws-cortex-m", "export_kws.py")


def _load_example(name, path):
    """An example's module: its model is defined once, there."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


traffic = _load_example("export_traffic", TRAFFIC_SCRIPT)
kws = _load_example("export_kws", KWS_SCRIPT)


@dataclass(frozen=True)
class ModelSpec:
    """One end-to-end model.

    keep_batchnorm: export BatchNormalization nodes as they are. By default
    torch.onnx folds eval-mode BatchNorm into the preceding Conv, so only the
    models that set this exercise Strata's own BatchNorm handling.
    """
    name: str
    build: Callable[[], nn.Module]               # returns the model in eval mode
    input_shapes: List[Tuple[int, ...]]
    opset: int = 13
    keep_batchnorm: bool = False
    make_inputs: Callable[[], List[np.ndarray]] = None  # default: seeded N(0, 1)

    def inputs(self):
        """The test inputs: float32 arrays, the same on every run and machine."""
        if self.make_inputs is not None:
            return self.make_inputs()
        rng = np.random.RandomState(zlib.crc32(self.name.encode()))
        return [rng.standard_normal(shape).astype(np.float32) for shape in self.input_shapes]


def randomize_batchnorm(module, seed):
    """Give every BatchNorm non-trivial, deterministic statistics and affine terms.

    Fresh BatchNorm layers are the identity in eval mode (mean 0, variance 1,
    scale 1, shift 0), which would let a compiler that ignores or mis-folds them
    pass. Values stay near those defaults so deep networks keep a sane scale.
    """
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for bn in module.modules():
            if isinstance(bn, nn.BatchNorm2d):
                n = bn.num_features
                bn.running_mean.copy_(0.1 * torch.randn(n, generator=gen))
                bn.running_var.copy_(0.5 + torch.rand(n, generator=gen))
                bn.weight.copy_(0.75 + 0.5 * torch.rand(n, generator=gen))
                bn.bias.copy_(0.1 * torch.randn(n, generator=gen))
    return module


def _seeded(name, factory):
    """A builder that seeds torch from the model's name, then builds in eval mode."""
    def build():
        seed = zlib.crc32(name.encode())
        torch.manual_seed(seed)
        return randomize_batchnorm(factory(), seed).eval()
    return build


def mlp():
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 10))


def conv_bn(cin, cout, kernel, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout)]


class ResidualBlock(nn.Module):
    """conv-bn-relu-conv-bn plus the identity, then relu (ResNet's basic block)."""

    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(channels, channels, 3), nn.ReLU(),
                                  *conv_bn(channels, channels, 3))
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + x)


def cnn():
    return nn.Sequential(
        *conv_bn(3, 16, 3), nn.ReLU(),     # 16x32x32
        nn.MaxPool2d(2),                   # 16x16x16
        ResidualBlock(16),
        nn.AdaptiveAvgPool2d(1),           # 16x1x1, exported as GlobalAveragePool
        nn.Flatten(),
        nn.Linear(16, 10),
    )


def winograd_convs():
    """3x3 convolutions hosted CPUs compute by Winograd's transforms, with
    the output sizes that need padding to whole blocks: 26x26 (F(4x4, 3x3),
    7x7 blocks over 28x28) and, after pooling, 13x13 (F(2x2, 3x3), 7x7 blocks
    over 14x14)."""
    return nn.Sequential(
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),   # 32x26x26
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),   # 32x26x26
        nn.MaxPool2d(2),                              # 32x13x13
        nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(),   # 48x13x13
    )


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expand, 3x3 depthwise, 1x1 linear project, plus the input."""

    def __init__(self, channels, expand=6):
        super().__init__()
        hidden = channels * expand
        self.body = nn.Sequential(
            *conv_bn(channels, hidden, 1), nn.ReLU6(),
            *conv_bn(hidden, hidden, 3, groups=hidden), nn.ReLU6(),
            *conv_bn(hidden, channels, 1),
        )

    def forward(self, x):
        return x + self.body(x)


def depthwise_separable_cnn():
    """A small depthwise-separable CNN (MobileNetV1 style): stride-2 stem, then
    pairs of 3x3 depthwise and 1x1 pointwise convolutions with BatchNorm."""
    def separable(cin, cout, stride):
        return [nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin),
                nn.ReLU(), *conv_bn(cin, cout, 1), nn.ReLU()]
    return nn.Sequential(
        *conv_bn(3, 16, 3, stride=2), nn.ReLU(),   # 16x16x16
        *separable(16, 32, 1),
        *separable(32, 64, 2),                     # 64x8x8
        *separable(64, 64, 1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    )


class UNet(nn.Module):
    """A two-level U-Net: conv encoders with max pooling, a transposed
    convolution and a bilinear Resize on the way up, skip concatenations."""

    def __init__(self, classes=2):
        super().__init__()
        def block(cin, cout):
            return nn.Sequential(*conv_bn(cin, cout, 3), nn.ReLU())
        self.enc1, self.enc2 = block(3, 8), block(8, 16)
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = block(16, 32)
        self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.dec2 = block(32, 16)
        self.up1 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.reduce1 = nn.Conv2d(16, 8, 1)
        self.dec1 = block(16, 8)
        self.head = nn.Conv2d(8, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)                       # 8 x 32 x 32
        e2 = self.enc2(self.pool(e1))           # 16 x 16 x 16
        b = self.bottleneck(self.pool(e2))      # 32 x 8 x 8
        d2 = self.dec2(torch.cat([self.up2(b), e2], 1))                  # 16 x 16 x 16
        d1 = self.dec1(torch.cat([self.reduce1(self.up1(d2)), e1], 1))   # 8 x 32 x 32
        return self.head(d1)


class RecurrentClassifier(nn.Module):
    """A recurrent layer over a [batch, seq, features] sequence, then a linear
    head on every step's output."""

    def __init__(self, recurrent, outputs):
        super().__init__()
        self.recurrent = recurrent
        self.head = nn.Linear(outputs, 4)

    def forward(self, x):
        y, _ = self.recurrent(x)
        return self.head(y)


def gru():
    return RecurrentClassifier(nn.GRU(8, 32, num_layers=2, batch_first=True), 32)


def bidirectional_lstm():
    return RecurrentClassifier(nn.LSTM(8, 32, batch_first=True, bidirectional=True), 64)


def transformer_encoder():
    """Two post-norm encoder layers, d_model 128, 4 heads, GELU feed-forward.

    PyTorch's fused fast path (aten::_transformer_encoder_layer_fwd) has no
    ONNX export; export.py keeps autograd on, which turns it off."""
    layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256, dropout=0.0,
                                       activation="gelu", batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)


MODELS = [
    ModelSpec("mlp", _seeded("mlp", mlp), [(1, 16)]),
    ModelSpec("cnn", _seeded("cnn", cnn), [(1, 3, 32, 32)], keep_batchnorm=True),
    ModelSpec("winograd_convs", _seeded("winograd_convs", winograd_convs), [(1, 16, 26, 26)]),
    # Opset 14 here so BatchNormalization-14 is covered as well as cnn's -9.
    ModelSpec("mobilenet_block", _seeded("mobilenet_block", lambda: InvertedResidual(16)),
              [(1, 16, 16, 16)], opset=14, keep_batchnorm=True),
    ModelSpec("traffic_lstm", traffic.build_model,
              [(1, traffic.HISTORY, traffic.FEATURES)], opset=traffic.OPSET,
              make_inputs=lambda: [traffic.synthetic_history()]),
    ModelSpec("resnet18", _seeded("resnet18", lambda: torchvision.models.resnet18(weights=None)),
              [(1, 3, 224, 224)]),
    ModelSpec("mobilenet_v2", _seeded("mobilenet_v2",
                                      lambda: torchvision.models.mobilenet_v2(weights=None)),
              [(1, 3, 224, 224)], opset=14),
    ModelSpec("dw_separable_cnn", _seeded("dw_separable_cnn", depthwise_separable_cnn),
              [(1, 3, 32, 32)], keep_batchnorm=True),
    ModelSpec("transformer_encoder", _seeded("transformer_encoder", transformer_encoder),
              [(1, 32, 128)], opset=14),
    ModelSpec("unet", _seeded("unet", UNet), [(1, 3, 32, 32)]),
    ModelSpec("gru", _seeded("gru", gru), [(1, 16, 8)], opset=14),
    ModelSpec("bidirectional_lstm", _seeded("bidirectional_lstm", bidirectional_lstm),
              [(1, 16, 8)], opset=14),
    # The keyword spotter of examples/kws-cortex-m, here on the host.
    ModelSpec("kws", kws.build_model, [(1, 1, kws.FRAMES, kws.COEFFICIENTS)],
              keep_batchnorm=True),
]

BY_NAME = {spec.name: spec for spec in MODELS}
