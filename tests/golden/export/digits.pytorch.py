# exported from CNN Lab for PyTorch.

import torch
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),  # 8×8×8
    nn.ReLU(),  # 8×8×8
    nn.MaxPool2d(kernel_size=2),  # 4×4×8
    nn.Flatten(),  # 128
    nn.Linear(128, 10),  # 10
    nn.Softmax(dim=1),  # 10
)

# Shape check: the output of every module for one input, as the CNN Lab table shows them.
expected = [
    (1, 8, 8, 8),
    (1, 8, 8, 8),
    (1, 8, 4, 4),
    (1, 128),
    (1, 10),
    (1, 10),
]
model.eval()
x = torch.zeros(1, 1, 8, 8)
with torch.no_grad():
    for i, (layer, want) in enumerate(zip(model, expected)):
        x = layer(x)
        print(f"{i:2d} {layer.__class__.__name__:<10} {tuple(x.shape)}")
        assert tuple(x.shape) == want, f"layer {i}: {tuple(x.shape)} != {want}"
parameters = sum(p.numel() for p in model.parameters())
print("parameters:", parameters)
assert parameters == 1370, parameters
