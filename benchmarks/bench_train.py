"""Train lesson 08's network with cnnedu and with PyTorch; compare time and accuracy.

Run: ``.venv/bin/python benchmarks/bench_train.py``

Both runs see the same thing: the same initial weights (copied from the
cnnedu model into the PyTorch one), the same shuffled mini-batches, the same
one-pixel shifts (drawn by cnnedu's seeded helpers), the same cosine
learning-rate schedule and the held-out set scored after every epoch. Only
the arithmetic differs: numpy + OpenBLAS in cnnedu, PyTorch's CPU kernels
(2 threads) in the reference. PyTorch's momentum update is written
``v = m v + g; p -= lr v`` instead of cnnedu's ``v = m v - lr g; p += v``;
with a changing learning rate the two differ slightly, so the accuracies may
differ a little while the work is the same.

Targets (issue 5): at least 98% held-out accuracy, cnnedu at most 1.5x
PyTorch's time, and the whole script under 10 s.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from cnnedu import training

TARGET_ACCURACY = 0.98
TARGET_RATIO = 1.5
TARGET_TOTAL_SECONDS = 10.0


def torch_network(torch, model):
    """The same network in PyTorch, starting from the cnnedu model's weights."""
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(512, 10),
    )
    with torch.no_grad():
        for theirs, ours in zip((net[0], net[3], net[6]), (model[0], model[3], model[6]), strict=True):
            theirs.weight.copy_(torch.from_numpy(ours.weights))
            theirs.bias.copy_(torch.from_numpy(ours.bias))
    return net


def train_torch(torch, net, x, labels, x_test, labels_test, epochs, batch_size, learning_rate, momentum, seed):
    """PyTorch twin of :func:`cnnedu.training.train` (same batches and shifts)."""
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.SGD(net.parameters(), lr=learning_rate, momentum=momentum)
    loss_function = torch.nn.CrossEntropyLoss()
    x_test_t = torch.from_numpy(x_test)
    test_accuracy = []
    start = time.perf_counter()
    for epoch in range(epochs):
        for group in optimizer.param_groups:
            group["lr"] = training.cosine_learning_rate(learning_rate, epoch, epochs)
        inputs = training.shift_images(x, rng)
        for batch in training.minibatches(len(x), batch_size, rng):
            optimizer.zero_grad()
            loss = loss_function(net(torch.from_numpy(inputs[batch])), torch.from_numpy(labels[batch]))
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            predicted = net(x_test_t).argmax(dim=1).numpy()
        test_accuracy.append(float(np.mean(predicted == labels_test)))
    return time.perf_counter() - start, test_accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--torch-threads", type=int, default=2, help="PyTorch CPU threads (the target uses 2)")
    args = parser.parse_args(argv)
    script_start = time.perf_counter()

    x_train, x_test, y_train, y_test = training.digits_dataset(seed=args.seed)
    settings = dict(
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        momentum=args.momentum,
        seed=args.seed,
    )
    print(f"lesson 08 network, {len(x_train)} training / {len(x_test)} held-out digits, {settings}")

    model = training.digits_network(rng=args.seed)
    initial = [(layer.weights.copy(), layer.bias.copy()) for layer in model if hasattr(layer, "weights")]
    time.sleep(0.2)
    history = training.train(model, x_train, y_train, x_test=x_test, labels_test=y_test, **settings)
    ours_seconds, ours_accuracy = history.seconds, history.test_accuracy[-1]

    rows = [("cnnedu (numpy)", ours_seconds, ours_accuracy)]
    all_ok = ours_accuracy >= TARGET_ACCURACY
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not importable: the PyTorch reference is skipped.")
    if torch is not None:
        torch.set_num_threads(args.torch_threads)
        torch.manual_seed(args.seed)
        fresh = training.digits_network(rng=args.seed)  # the same initial weights as `model` had
        assert all(
            np.array_equal(layer.weights, w)
            for layer, (w, _) in zip([layer for layer in fresh if hasattr(layer, "weights")], initial, strict=True)
        )
        net = torch_network(torch, fresh)
        time.sleep(0.2)  # let OpenBLAS's spinning threads go to sleep before timing PyTorch
        theirs_seconds, theirs_accuracy = train_torch(
            torch,
            net,
            x_train,
            y_train,
            x_test,
            y_test,
            args.epochs,
            args.batch_size,
            args.learning_rate,
            args.momentum,
            args.seed,
        )
        rows.append((f"PyTorch CPU, {args.torch_threads} thread(s)", theirs_seconds, theirs_accuracy[-1]))

    print()
    print(f"{'':24s} {'seconds':>8s} {'held-out accuracy':>18s}")
    for name, seconds, acc in rows:
        print(f"{name:24s} {seconds:8.2f} {acc:18.4f}")
    print()
    print(f"cnnedu accuracy >= {TARGET_ACCURACY:.0%}: {ours_accuracy >= TARGET_ACCURACY}")
    if torch is not None:
        ratio = ours_seconds / theirs_seconds
        ok = ratio <= TARGET_RATIO
        all_ok &= ok
        print(f"cnnedu / PyTorch time: {ratio:.2f}x (target <= {TARGET_RATIO}x): {ok}")
    total = time.perf_counter() - script_start
    ok = total <= TARGET_TOTAL_SECONDS
    all_ok &= ok
    print(f"whole script: {total:.1f} s (target <= {TARGET_TOTAL_SECONDS:.0f} s): {ok}")
    print("all targets met" if all_ok else "some targets missed")


if __name__ == "__main__":
    main()
