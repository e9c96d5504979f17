# The PyTorch side of bench/layers.mjs: the same three models, Adam 1e-3, batch 64, one thread, on the data that
# bench/layers.mjs wrote (float32 pixels, float32 labels, float32 ids and targets as raw little-endian files).
# The images go in as [n, 1, 28, 28] (channels first, PyTorch's own layout, which its oneDNN convolutions expect).
# Usage: python3 bench/layers_torch.py '<json settings>'; prints one JSON object on stdout.
# bench/torch.mjs runs it with MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ fixed: with glibc's dynamic
# thresholds, identical PyTorch processes differed up to 6x in speed (see there).
import json
import statistics
import sys
import time

import torch
from torch import nn

settings = json.loads(sys.argv[1])
torch.set_num_threads(1)
torch.manual_seed(1)
BATCH = settings["batch"]


def read_f32(path, shape):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).reshape(shape)


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 10))


def wide_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


class EmbeddingModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(settings["vocabulary"], 32)
        self.hidden = nn.Linear(32, 16)
        self.out = nn.Linear(16, 1)

    def forward(self, ids):
        return self.out(torch.relu(self.hidden(self.embedding(ids).mean(dim=1)))).squeeze(1)


# The models end in logits: CrossEntropyLoss is softmax + sparse categorical cross-entropy, BCEWithLogitsLoss is
# sigmoid + binary cross-entropy, the same functions the JS models compute.
def images():
    n = settings["images"]
    x = read_f32(settings["pixelsPath"], (n, 1, 28, 28))
    y = read_f32(settings["labelsPath"], (n,)).long()
    return x, y


def tokens():
    n, length = settings["sequences"], settings["length"]
    x = read_f32(settings["idsPath"], (n, length)).long()
    y = read_f32(settings["targetsPath"], (n,))
    return x, y


MODELS = {
    "small": (small_cnn, nn.CrossEntropyLoss, images),
    "wide": (wide_cnn, nn.CrossEntropyLoss, images),
    "embedding": (EmbeddingModel, nn.BCEWithLogitsLoss, tokens),
}


def step_fn(model, loss_fn, optimizer):
    def step(x, y):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step


def batches(x, y):
    n = x.shape[0] // BATCH * BATCH
    while True:
        for i in range(0, n, BATCH):
            yield x[i:i + BATCH], y[i:i + BATCH]


def throughput(name):
    make, loss, data = MODELS[name]
    model = make()
    step = step_fn(model, loss(), torch.optim.Adam(model.parameters(), lr=1e-3))
    x, y = data()
    source = batches(x[:settings["train"]], y[:settings["train"]])
    for _ in range(settings["warmSteps"]):
        step(*next(source))
    rates, losses = [], []
    for _ in range(settings["rounds"]):
        steps = settings["steps"][name]
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = step(*next(source))
        rates.append(steps * BATCH / (time.perf_counter() - t0))
        losses.append(loss.item())
    return {"samplesPerSecond": statistics.median(rates), "rates": rates, "stepsPerRound": settings["steps"][name],
            "loss": losses[-1]}


def accuracy(epochs):
    """Test accuracy of the small CNN after `epochs` passes over the training digits (shuffled each epoch)."""
    torch.manual_seed(2)
    model = small_cnn()
    step = step_fn(model, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=1e-3))
    x, y = images()
    train, test = settings["train"], settings["test"]
    t0 = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(train)
        for i in range(0, train, BATCH):
            rows = order[i:i + BATCH]
            step(x[rows], y[rows])
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        predicted = model(x[train:train + test]).argmax(dim=1)
    return {"accuracy": (predicted == y[train:train + test]).float().mean().item(), "seconds": seconds}


result = {"torch": torch.__version__, "threads": torch.get_num_threads(),
          "models": {name: throughput(name) for name in settings["models"]}}
if settings["accuracyEpochs"]:
    result["smallAccuracy"] = accuracy(settings["accuracyEpochs"])
print(json.dumps(result))
