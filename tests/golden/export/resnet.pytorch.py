# exported from CNN Lab for PyTorch.

import torch
import torch.nn as nn

class Residual(nn.Module):
    """A residual block: y = body(x) + shortcut(x), the shortcut nn.Identity() or a projection (1×1 conv, batch norm)."""

    def __init__(self, body, shortcut):
        super().__init__()
        self.body = body
        self.shortcut = shortcut

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


model = nn.Sequential(
    nn.Conv2d(1, 4, kernel_size=3, padding=1),  # 8×8×4
    nn.BatchNorm2d(4),  # 8×8×4
    nn.ReLU(),  # 8×8×4
    Residual(  # 8×8×4 = body + identity shortcut
        nn.Sequential(  # body
            nn.Conv2d(4, 4, kernel_size=3, padding=1),  # 8×8×4
            nn.ReLU(),  # 8×8×4
            nn.Conv2d(4, 4, kernel_size=3, padding=1),  # 8×8×4
            nn.BatchNorm2d(4),  # 8×8×4
        ),
        nn.Identity(),  # shortcut
    ),
    nn.ReLU(),  # 8×8×4
    Residual(  # 4×4×8 = body + projection shortcut
        nn.Sequential(  # body
            nn.Conv2d(4, 8, kernel_size=3, stride=2, padding=1),  # 4×4×8
            nn.BatchNorm2d(8),  # 4×4×8
            nn.ReLU(),  # 4×4×8
            nn.Conv2d(8, 8, kernel_size=3, padding=1),  # 4×4×8
        ),
        nn.Sequential(  # shortcut
            nn.Conv2d(4, 8, kernel_size=1, stride=2, bias=False),  # 4×4×8
            nn.BatchNorm2d(8),  # 4×4×8
        ),
    ),
    nn.ReLU(),  # 4×4×8
    Residual(  # 4×4×8 = body + identity shortcut
        nn.Sequential(  # body
            nn.ReLU(),  # 4×4×8
            Residual(  # 4×4×8 = body + identity shortcut
                nn.Sequential(  # body
                    nn.Conv2d(8, 8, kernel_size=3, padding=1),  # 4×4×8
                ),
                nn.Identity(),  # shortcut
            ),
            nn.Conv2d(8, 8, kernel_size=1),  # 4×4×8
        ),
        nn.Identity(),  # shortcut
    ),
    nn.AdaptiveAvgPool2d(1),  # 1×1×8
    nn.Flatten(),  # 8 (global average pooling)
    nn.Linear(8, 10),  # 10
)

# Shape check: the output of every module for one input, as the CNN Lab table shows them (inside each block too).
expected = [
    (1, 4, 8, 8),
    (1, 4, 8, 8),
    (1, 4, 8, 8),
    {"out": (1, 4, 8, 8), "parameters": 304, "body": [
        (1, 4, 8, 8),
        (1, 4, 8, 8),
        (1, 4, 8, 8),
        (1, 4, 8, 8),
    ], "shortcut": []},  # identity
    (1, 4, 8, 8),
    {"out": (1, 8, 4, 4), "parameters": 944, "body": [
        (1, 8, 4, 4),
        (1, 8, 4, 4),
        (1, 8, 4, 4),
        (1, 8, 4, 4),
    ], "shortcut": [
        (1, 8, 4, 4),
        (1, 8, 4, 4),
    ]},
    (1, 8, 4, 4),
    {"out": (1, 8, 4, 4), "parameters": 656, "body": [
        (1, 8, 4, 4),
        {"out": (1, 8, 4, 4), "parameters": 584, "body": [
            (1, 8, 4, 4),
        ], "shortcut": []},  # identity
        (1, 8, 4, 4),
    ], "shortcut": []},  # identity
    (1, 8, 1, 1),
    (1, 8),
    (1, 10),
]

def check(modules, x, expected, where):
    assert len(modules) == len(expected), f"{where}: {len(modules)} modules, the table has {len(expected)}"
    for i, (layer, want) in enumerate(zip(modules, expected)):
        if isinstance(layer, Residual):
            check(layer.body, x, want["body"], f"{where}{i}.body.")
            if want["shortcut"]:
                check(layer.shortcut, x, want["shortcut"], f"{where}{i}.shortcut.")
            count = sum(p.numel() for p in layer.parameters())
            assert count == want["parameters"], f"block {where}{i}: {count} parameters != {want['parameters']}"
            x = layer(x)
            want = want["out"]
        else:
            x = layer(x)
        print(f"{where + str(i):<14} {layer.__class__.__name__:<10} {tuple(x.shape)}")
        assert tuple(x.shape) == want, f"layer {where}{i}: {tuple(x.shape)} != {want}"
    return x

model.eval()
x = torch.zeros(1, 1, 8, 8)
with torch.no_grad():
    check(model, x, expected, "")
parameters = sum(p.numel() for p in model.parameters())
print("parameters:", parameters)
assert parameters == 2042, parameters
