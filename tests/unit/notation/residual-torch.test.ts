// The residual block's table against PyTorch itself: the same mini-ResNet written as a torch module (torchvision's
// BasicBlock pattern, by hand), its parameters, running statistics and shapes; and the error PyTorch raises at a
// mismatched add, which the block's message quotes. Runs /usr/bin/python3 with torch: in the "slow" project.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { summarize } from "../../../src/notation/cnn/summary";
import { MINI_RESNET_BLOCK } from "../../support/mini-resnet";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

function python(code: string): string {
	const r = spawnSync("/usr/bin/python3", ["-c", code], { encoding: "utf8", timeout: 120_000 });
	if (r.status !== 0) throw new Error(r.stderr);
	return r.stdout.trim();
}

const MODULE = String.raw`
import json, torch
from torch import nn

class Block(nn.Module):
    def __init__(self, cin, cout, stride, project):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1), nn.BatchNorm2d(cout))
        self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout)) if project else nn.Identity()
    def forward(self, x):
        return self.body(x) + self.shortcut(x)

net = nn.Sequential(
    nn.Conv2d(3, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU(),
    Block(16, 16, 1, False), nn.ReLU(),
    Block(16, 32, 2, True), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
shapes = []
for i in (3, 5):
    net[i].register_forward_hook(lambda m, a, out: shapes.append(list(out.shape[1:])))
    net[i].shortcut.register_forward_hook(lambda m, a, out: shapes.append(list(out.shape[1:])))
net(torch.zeros(2, 3, 32, 32))
blocks = [sum(p.numel() for p in net[i].parameters()) for i in (3, 5)]
shortcut = sum(p.numel() for p in net[5].shortcut.parameters())
print(json.dumps({
    "params": sum(p.numel() for p in net.parameters()),
    "stats": sum(b.numel() for n, b in net.named_buffers() if "running" in n),
    "blocks": blocks, "shortcut": shortcut, "shapes": shapes}))
`;

describe.skipIf(!torchHere)("residual blocks against PyTorch", () => {
	it("issue 19's mini-ResNet: the same parameters, running statistics and shapes as the torch module", () => {
		const a = analyzeCnn(MINI_RESNET_BLOCK);
		const s = summarize(a);
		const torch = JSON.parse(python(MODULE)) as { params: number; stats: number; blocks: number[]; shortcut: number; shapes: number[][] };
		expect(s.totals.params).toBe(torch.params);
		expect(s.totals.nonTrainable).toBe(torch.stats);
		// a block's rows (its shortcut, body and add) hold its parameters: lines 5–11 and 13–19
		const within = (from: number, to: number): number => s.rows.filter((r) => r.line >= from && r.line <= to).reduce((n, r) => n + (r.params ?? 0), 0);
		expect([within(5, 11), within(13, 19)]).toEqual(torch.blocks);
		expect(s.rows.find((r) => r.block === "shortcut" && r.line === 13)?.params).toBe(torch.shortcut);
		// torch's hooks: the shortcut's output, then the block's (C, H, W); the table's shortcut and add rows
		const hwc = (x: number[]): string => `${x[1]}×${x[2]}×${x[0]}`;
		const table = s.rows.filter((r) => r.block).map((r) => r.output);
		expect(table).toEqual(torch.shapes.map(hwc));
	});

	it("the mismatch message quotes what PyTorch raises at the same add", () => {
		const cases = [
			["input 16x16x16\nresidual\n  conv 32 3x3 pad 1\nend", "nn.Conv2d(16, 32, 3, 1, 1)"],
			["input 16x16x16\nresidual\n  conv 32 3x3 stride 2 pad 1\nend", "nn.Conv2d(16, 32, 3, 2, 1)"],
			["input 16x16x16\nresidual\n  conv 16 3x3 stride 2 pad 1\nend", "nn.Conv2d(16, 16, 3, 2, 1)"],
		];
		// one python for the three: torch's import is most of the time
		const tries = cases.map(([, conv]) => `try:\n    ${conv}(x) + x\nexcept RuntimeError as e:\n    print(e)`).join("\n");
		const said = python(`import torch\nfrom torch import nn\nx = torch.zeros(1, 16, 16, 16)\n${tries}`).split("\n");
		expect(said).toHaveLength(cases.length);
		cases.forEach(([src], i) => {
			expect(said[i]).toMatch(/^The size of tensor a/);
			const err = analyzeCnn(src).parsed.diagnostics.find((d) => d.severity === "error");
			expect(err?.message).toContain(`“${said[i]}”`);
		});
	});
});
