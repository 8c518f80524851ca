# exported from CNN Lab for PyTorch.

import torch
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5),  # 28×28×6
    nn.ReLU(),  # 28×28×6
    nn.MaxPool2d(kernel_size=2),  # 14×14×6
    nn.Conv2d(6, 16, kernel_size=5),  # 10×10×16
    nn.ReLU(),  # 10×10×16
    nn.MaxPool2d(kernel_size=2),  # 5×5×16
    nn.Flatten(),  # 400
    nn.Linear(400, 120),  # 120
    nn.ReLU(),  # 120
    nn.Linear(120, 84),  # 84
    nn.ReLU(),  # 84
    nn.Linear(84, 10),  # 10
)

# Shape check: the output of every module for one input, as the CNN Lab table shows them.
expected = [
    (1, 6, 28, 28),
    (1, 6, 28, 28),
    (1, 6, 14, 14),
    (1, 16, 10, 10),
    (1, 16, 10, 10),
    (1, 16, 5, 5),
    (1, 400),
    (1, 120),
    (1, 120),
    (1, 84),
    (1, 84),
    (1, 10),
]
model.eval()
x = torch.zeros(1, 1, 32, 32)
with torch.no_grad():
    for i, (layer, want) in enumerate(zip(model, expected)):
        x = layer(x)
        print(f"{i:2d} {layer.__class__.__name__:<10} {tuple(x.shape)}")
        assert tuple(x.shape) == want, f"layer {i}: {tuple(x.shape)} != {want}"
parameters = sum(p.numel() for p in model.parameters())
print("parameters:", parameters)
assert parameters == 61706, parameters
