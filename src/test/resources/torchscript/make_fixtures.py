"""Writes the TorchScript fixtures of the model tests and the values PyTorch computes on them.

Run from this folder with Debian's python3-torch (1.13):  python3 make_fixtures.py
The tests never run Python: they compare DJL's results with reference.json.

colour-bn-dropout.pt  a scripted CNN for 3x32x32 images, 10 classes, with batch norm and dropout,
                      trained briefly on the synthetic pattern the Java tests write (the class's
                      colour and a bright square in the class's quarter, under noise)
reference.json        its logits and input gradients on fixed inputs, raw and with preprocessing
softmax.pt            ends in a softmax: outputs probabilities, which mask gradients
traced-dropout.pt     traced in training mode: dropout baked in, two forwards differ
traced-batchnorm.pt   traced in training mode: batch norm uses the batch's statistics
tuple-output.pt       returns (logits, features) instead of logits
image-output.pt       returns an image, not one vector per sample
checkpoint.pt         a torch.save of a state_dict: a checkpoint, not TorchScript

mnist-cnn.pt, the PyTorch-trained MNIST CNN of experiments/own-model.yaml, is made by
scripts/pytorch/export_mnist_cnn.py (it needs the MNIST files).
"""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
np.random.seed(0)


class ColourNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 4)
        return self.fc(self.drop(torch.flatten(x, 1)))


def pattern(classes, n, rng):
    """SyntheticIdx.pixel of the Java tests, in numpy: N x 3 x 32 x 32 in [0, 1], labels."""
    labels = np.arange(n) % classes
    x = np.zeros((n, 3, 32, 32), dtype=np.float32)
    yy, xx = np.mgrid[0:32, 0:32]
    for i, c in enumerate(labels):
        c10 = c % 10
        square = ((xx < 16) if c10 % 2 == 0 else (xx >= 16)) & ((yy < 16) if (c10 // 2) % 2 == 0 else (yy >= 16))
        for ch in range(3):
            tint = 0.7 if ch == c10 % 3 else 0.2
            v = np.where(square, 0.8, 0.1) * tint + 0.15 * rng.random((32, 32))
            x[i, ch] = np.round(255 * np.minimum(1, v)) / 255
    return torch.from_numpy(x), torch.from_numpy(labels).long()


def fixed_inputs(n, channels, side):
    """Inputs both sides compute the same way: ((n*7 + c*13 + h*31 + w*17) mod 256) / 255."""
    i = np.arange(n).reshape(n, 1, 1, 1)
    c = np.arange(channels).reshape(1, channels, 1, 1)
    h = np.arange(side).reshape(1, 1, side, 1)
    w = np.arange(side).reshape(1, 1, 1, side)
    return torch.from_numpy(((i * 7 + c * 13 + h * 31 + w * 17) % 256 / 255).astype(np.float32))


def train_colour_net():
    model = ColourNet()
    x, y = pattern(10, 2000, np.random.default_rng(1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for epoch in range(4):
        perm = torch.randperm(len(y))
        for k in range(0, len(y), 50):
            idx = perm[k:k + 50]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        tx, ty = pattern(10, 500, np.random.default_rng(2))
        acc = (model(tx).argmax(1) == ty).float().mean().item()
    print(f"colour-bn-dropout: accuracy {acc:.3f} on 500 fresh pattern images")
    return model


def gradient(model, x, labels, mean=None, std=None):
    x = x.clone().requires_grad_(True)
    inp = x if mean is None else (x - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)
    logits = model(inp)
    loss = F.cross_entropy(logits, labels, reduction="sum")
    (g,) = torch.autograd.grad(loss, x)
    return logits.detach(), g


def as_list(t):
    return [float(f"{v:.8g}") for v in t.flatten().tolist()]


def main():
    model = train_colour_net()
    scripted = torch.jit.script(model.eval())
    scripted.save("colour-bn-dropout.pt")

    x = fixed_inputs(4, 3, 32)
    mean = torch.tensor([0.4914, 0.4822, 0.4465])
    std = torch.tensor([0.2471, 0.2435, 0.2616])
    # labels the model finds least likely: the loss is far from saturated, so the input
    # gradients are large enough for a 1e-4 comparison to mean something
    with torch.no_grad():
        labels = scripted(x).argmin(1)
        plabels = scripted((x - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)).argmin(1)
    logits, grad = gradient(scripted, x, labels)
    plogits, pgrad = gradient(scripted, x, plabels, mean, std)
    reference = {
        "made_by": f"torch {torch.__version__}, make_fixtures.py",
        "inputs": "((n*7 + c*13 + h*31 + w*17) mod 256) / 255, n < 4, 3 x 32 x 32",
        "labels": labels.tolist(),
        "preprocessed_labels": plabels.tolist(),
        "loss": "sum of cross-entropy over the batch",
        "logits": as_list(logits),
        "gradient_first_two": as_list(grad[:2]),
        "preprocessing": {"mean": mean.tolist(), "std": std.tolist()},
        "preprocessed_logits": as_list(plogits),
        "preprocessed_gradient_first": as_list(pgrad[:1]),
        "bn1_running_mean": as_list(model.bn1.running_mean),
    }
    with open("reference.json", "w") as f:
        json.dump(reference, f, indent=1)

    # the broken and the dubious, on 1 x 8 x 8 images of 3 classes
    example = torch.rand(2, 1, 8, 8)
    torch.jit.script(nn.Sequential(nn.Flatten(), nn.Linear(64, 3), nn.Softmax(dim=1)).eval()).save("softmax.pt")
    dropout = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.Dropout(0.5), nn.Linear(16, 3)).train()
    torch.jit.trace(dropout, example, check_trace=False).save("traced-dropout.pt")
    batchnorm = nn.Sequential(nn.Flatten(), nn.Linear(64, 8), nn.BatchNorm1d(8), nn.Linear(8, 3)).train()
    torch.jit.trace(batchnorm, example, check_trace=False).save("traced-batchnorm.pt")

    class Tuple(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(64, 3)

        def forward(self, x):
            f = torch.flatten(x, 1)
            return self.fc(f), f

    torch.jit.script(Tuple().eval()).save("tuple-output.pt")

    class Image(nn.Module):
        def forward(self, x):
            return x * 2

    torch.jit.script(Image().eval()).save("image-output.pt")
    torch.save(nn.Linear(64, 3).state_dict(), "checkpoint.pt")


if __name__ == "__main__":
    main()
