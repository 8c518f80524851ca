# exported from CNN Lab for PyTorch.

import torch
import torch.nn as nn

model = nn.Sequential(
    nn.ZeroPad2d((0, 1, 0, 1)),  # uneven padding: left, right, top, bottom
    nn.Conv2d(3, 8, kernel_size=3, stride=2),  # 16×16×8
    nn.LeakyReLU(0.1),  # 16×16×8
    nn.Conv2d(8, 4, kernel_size=3, dilation=2),  # 12×12×4
    nn.Tanh(),  # 12×12×4
    nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),  # 6×6×4
    nn.AvgPool2d(kernel_size=2, stride=1, padding=1, count_include_pad=False),  # 7×7×4
    nn.Conv2d(4, 4, kernel_size=3, stride=(3, 2), padding=1),  # 3×4×4
    nn.Flatten(),  # 48
    nn.Dropout(0.25),  # 48
    nn.Linear(48, 10, bias=False),  # 10
    nn.Sigmoid(),  # 10
)

# Shape check: the output of every module for one input, as the CNN Lab table shows them.
expected = [
    (1, 3, 33, 33),
    (1, 8, 16, 16),
    (1, 8, 16, 16),
    (1, 4, 12, 12),
    (1, 4, 12, 12),
    (1, 4, 6, 6),
    (1, 4, 7, 7),
    (1, 4, 3, 4),
    (1, 48),
    (1, 48),
    (1, 10),
    (1, 10),
]
model.eval()
x = torch.zeros(1, 3, 32, 32)
with torch.no_grad():
    for i, (layer, want) in enumerate(zip(model, expected)):
        x = layer(x)
        print(f"{i:2d} {layer.__class__.__name__:<10} {tuple(x.shape)}")
        assert tuple(x.shape) == want, f"layer {i}: {tuple(x.shape)} != {want}"
parameters = sum(p.numel() for p in model.parameters())
print("parameters:", parameters)
assert parameters == 1144, parameters
