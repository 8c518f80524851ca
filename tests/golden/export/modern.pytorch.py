# exported from CNN Lab for PyTorch.

import torch
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(8, 16, kernel_size=3, padding=1, groups=4),  # 12×12×16
    nn.BatchNorm2d(16),  # 12×12×16
    nn.ReLU(),  # 12×12×16
    nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1, groups=16),  # 6×6×32
    nn.ConvTranspose2d(32, 8, kernel_size=3, stride=2, padding=1, output_padding=1),  # 12×12×8
    nn.AdaptiveAvgPool2d(4),  # 4×4×8
    nn.AdaptiveAvgPool2d(1),  # 1×1×8
    nn.Flatten(),  # 8 (global average pooling)
    nn.BatchNorm1d(8),  # 8
    nn.Linear(8, 10),  # 10
)

# Shape check: the output of every module for one input, as the CNN Lab table shows them.
expected = [
    (1, 16, 12, 12),
    (1, 16, 12, 12),
    (1, 16, 12, 12),
    (1, 32, 6, 6),
    (1, 8, 12, 12),
    (1, 8, 4, 4),
    (1, 8, 1, 1),
    (1, 8),
    (1, 8),
    (1, 10),
]
model.eval()
x = torch.zeros(1, 8, 12, 12)
with torch.no_grad():
    for i, (layer, want) in enumerate(zip(model, expected)):
        x = layer(x)
        print(f"{i:2d} {layer.__class__.__name__:<10} {tuple(x.shape)}")
        assert tuple(x.shape) == want, f"layer {i}: {tuple(x.shape)} != {want}"
parameters = sum(p.numel() for p in model.parameters())
print("parameters:", parameters)
assert parameters == 3074, parameters
