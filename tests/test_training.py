"""cnnedu.training: the data split, the network, augmentation, batching, the
SGD loop and the prediction helpers, each against an independent computation."""

import itertools

import numpy as np
import pytest

import cnnedu as ce
from cnnedu import training


@pytest.fixture(scope="module")
def data():
    return training.digits_dataset()


def test_split_is_stratified_seeded_and_complete(data):
    x_train, x_test, y_train, y_test = data
    assert x_train.shape == (1437, 1, 8, 8) and x_test.shape == (360, 1, 8, 8)
    assert x_train.dtype == np.float32
    images, labels = ce.load_digits()
    # every class keeps its share (within one example) of the test set
    expected = np.bincount(labels) * 0.2
    assert np.all(np.abs(np.bincount(y_test) - expected) <= 1)
    # train and test are disjoint and together are the whole data set
    flat = images.reshape(len(images), -1).astype(np.float32)
    together = np.concatenate([x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)])
    assert sorted(map(bytes, together)) == sorted(map(bytes, flat))
    again = training.digits_dataset()
    np.testing.assert_array_equal(again[1], x_test)
    np.testing.assert_array_equal(training.digits_dataset(seed=1)[3].shape, y_test.shape)
    assert not np.array_equal(training.digits_dataset(seed=1)[3], y_test)


def test_network_shapes_and_parameter_count():
    model = training.digits_network(rng=0)
    assert model.parameter_count() == 16 * 9 + 16 + 32 * 16 * 9 + 32 + 512 * 10 + 10 == 9930
    outputs = training.layer_outputs(model, np.zeros((3, 1, 8, 8), np.float32))
    assert [out.shape for _, out in outputs] == [
        (3, 16, 8, 8),
        (3, 16, 8, 8),
        (3, 16, 4, 4),
        (3, 32, 4, 4),
        (3, 32, 4, 4),
        (3, 512),
        (3, 10),
    ]
    assert all(out.dtype == np.float32 for _, out in outputs)
    # the same seed gives the same weights
    np.testing.assert_array_equal(training.digits_network(rng=0)[3].weights, model[3].weights)
    assert not np.array_equal(training.digits_network(rng=1)[3].weights, model[3].weights)


def test_layer_outputs_equal_the_whole_forward(rng):
    model = training.digits_network(rng=0)
    x = rng.random((4, 1, 8, 8)).astype(np.float32)
    outputs = training.layer_outputs(model, x)
    np.testing.assert_array_equal(outputs[-1][1], model(x))
    assert outputs[0][0].startswith("Conv2d(1, 16")


def test_shift_images_moves_each_image_by_at_most_one_pixel(rng):
    images = rng.random((50, 2, 6, 7))
    shifted = training.shift_images(images, rng=3)
    padded = np.pad(images, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for moved, frame in zip(shifted, padded, strict=True):
        candidates = [frame[:, 1 - a : 7 - a, 1 - b : 8 - b] for a in (-1, 0, 1) for b in (-1, 0, 1)]
        assert any(np.array_equal(moved, candidate) for candidate in candidates)
    np.testing.assert_array_equal(training.shift_images(images, rng=3), shifted)  # seeded
    np.testing.assert_array_equal(training.shift_images(images, rng=3, max_shift=0), images)
    # a bright pixel in the middle of a 3x3 image moves to one of the 9 cells, by the drawn offset
    one = np.zeros((200, 1, 3, 3))
    one[:, 0, 1, 1] = 1
    moved = training.shift_images(one, rng=0)
    assert np.all(moved.sum(axis=(1, 2, 3)) == 1)
    assert len({tuple(np.argwhere(m[0])[0]) for m in moved}) == 9


def test_shift_images_rejects_bad_input():
    with pytest.raises(ValueError, match="images must be 4-D"):
        training.shift_images(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="max_shift must be a whole number"):
        training.shift_images(np.zeros((1, 1, 8, 8)), max_shift=-1)
    with pytest.raises(ValueError, match="max_shift must be a whole number"):
        training.shift_images(np.zeros((1, 1, 8, 8)), max_shift=1.5)


def test_minibatches_cover_every_index_once():
    batches = training.minibatches(103, 10, rng=1)
    assert [len(b) for b in batches] == [10] * 10 + [3]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(103))
    assert not np.array_equal(np.concatenate(batches), np.arange(103))  # shuffled
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        training.minibatches(10, 0)


def test_cosine_learning_rate_falls_from_the_start_value():
    rates = [training.cosine_learning_rate(0.1, epoch, 10) for epoch in range(10)]
    assert rates[0] == pytest.approx(0.1)
    assert rates[5] == pytest.approx(0.05)
    assert all(a > b for a, b in itertools.pairwise(rates))
    assert rates[-1] > 0


def test_predict_accuracy_probabilities_match_a_manual_softmax(rng):
    model = training.digits_network(rng=0)
    x = rng.random((700, 1, 8, 8)).astype(np.float32)  # more than one batch of 512
    scores = model(x).astype(np.float64)
    np.testing.assert_allclose(training.predict_scores(model, x), scores, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(training.predict(model, x), scores.argmax(axis=1))
    labels = scores.argmax(axis=1)
    labels[:70] = (labels[:70] + 1) % 10
    assert training.accuracy(model, x, labels) == pytest.approx(0.9)
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(training.probabilities(model, x), expected, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="labels must have shape"):
        training.accuracy(model, x, labels[:5])


def test_confusion_matrix_matches_scikit_learn(rng):
    from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

    labels = rng.integers(0, 10, 300)
    predicted = np.where(rng.random(300) < 0.8, labels, rng.integers(0, 10, 300))
    np.testing.assert_array_equal(
        training.confusion_matrix(labels, predicted), sklearn_confusion_matrix(labels, predicted, labels=range(10))
    )
    with pytest.raises(ValueError, match="same shape"):
        training.confusion_matrix([1, 2], [1])


def test_train_is_deterministic_and_learns(data):
    x_train, x_test, y_train, y_test = data
    runs = []
    for _ in range(2):
        model = training.digits_network(rng=0)
        history = training.train(
            model,
            x_train[:320],
            y_train[:320],
            epochs=3,
            x_test=x_test[:100],
            labels_test=y_test[:100],
            seed=5,
        )
        runs.append((model, history))
    (first, h1), (second, h2) = runs
    np.testing.assert_array_equal(first[3].weights, second[3].weights)
    assert h1.loss == h2.loss
    assert len(h1.loss) == len(h1.train_accuracy) == len(h1.test_accuracy) == len(h1.learning_rate) == 3
    assert h1.loss[-1] < h1.loss[0]
    assert h1.learning_rate[0] == pytest.approx(0.1)
    assert h1.test_accuracy[-1] == pytest.approx(training.accuracy(first, x_test[:100], y_test[:100]))
    assert h1.seconds > 0
    assert "epochs=3" in repr(h1)


def test_train_constant_schedule_without_augmentation_or_test_set(data):
    x_train, _, y_train, _ = data
    model = training.digits_network(rng=0)
    history = training.train(
        model,
        x_train[:128],
        y_train[:128],
        epochs=2,
        schedule="constant",
        augment=False,
        learning_rate=0.05,
    )
    assert history.learning_rate == [0.05, 0.05]
    assert history.test_accuracy == []


def test_train_matches_a_hand_written_loop(data):
    """One epoch without shifts equals the four-line loop of the lesson."""
    x_train, _, y_train, _ = data
    x, y = x_train[:200], y_train[:200]
    model = training.digits_network(rng=0)
    training.train(model, x, y, epochs=1, batch_size=50, schedule="constant", augment=False, seed=9)
    reference = training.digits_network(rng=0)
    loss = ce.SoftmaxCrossEntropy()
    optimizer = ce.SGD(reference, learning_rate=0.1, momentum=0.9)
    for batch in training.minibatches(len(x), 50, np.random.default_rng(9)):
        loss(reference(x[batch]), y[batch])
        reference.backward(loss.backward())
        optimizer.step()
    for ours, theirs in zip(model, reference, strict=True):
        if hasattr(ours, "weights"):
            np.testing.assert_array_equal(ours.weights, theirs.weights)


def test_on_epoch_gets_every_epoch_and_its_numbers(data):
    x_train, x_test, y_train, y_test = data
    calls = []
    history = training.train(
        training.digits_network(rng=0),
        x_train[:192],
        y_train[:192],
        epochs=3,
        x_test=x_test[:50],
        labels_test=y_test[:50],
        on_epoch=lambda epoch, stats: calls.append((epoch, stats)),
    )
    assert [epoch for epoch, _ in calls] == [1, 2, 3]  # epochs done, counted from 1
    assert all(isinstance(stats, training.EpochStats) for _, stats in calls)
    assert [stats.loss for _, stats in calls] == history.loss
    assert [stats.train_accuracy for _, stats in calls] == history.train_accuracy
    assert [stats.test_accuracy for _, stats in calls] == history.test_accuracy
    assert [stats.learning_rate for _, stats in calls] == history.learning_rate
    seconds = [stats.seconds for _, stats in calls]
    assert 0 < seconds[0] <= seconds[1] <= seconds[2] <= history.seconds


def test_on_epoch_is_called_after_the_epoch_and_without_a_test_set_has_no_test_accuracy(data):
    x_train, _, y_train, _ = data
    model = training.digits_network(rng=0)
    before = model[0].weights.copy()
    seen = []

    def record(epoch, stats):
        seen.append((epoch, stats.test_accuracy, bool(np.array_equal(model[0].weights, before))))

    training.train(model, x_train[:64], y_train[:64], epochs=2, on_epoch=record)
    assert seen == [(1, None, False), (2, None, False)]  # the weights have already moved when it is called


def test_on_epoch_does_not_change_the_run(data):
    x_train, _, y_train, _ = data
    quiet, reported = training.digits_network(rng=0), training.digits_network(rng=0)
    first = training.train(quiet, x_train[:128], y_train[:128], epochs=2, seed=3)
    second = training.train(reported, x_train[:128], y_train[:128], epochs=2, seed=3, on_epoch=lambda *_: "ignored")
    assert first.loss == second.loss
    np.testing.assert_array_equal(quiet[0].weights, reported[0].weights)


def test_training_prints_nothing_by_itself(data, capsys):
    x_train, _, y_train, _ = data
    training.train(training.digits_network(), x_train[:64], y_train[:64], epochs=1)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_train_rejects_bad_arguments(data):
    x_train, x_test, y_train, y_test = data
    model = training.digits_network()
    with pytest.raises(ValueError, match="labels must be integers of shape"):
        training.train(model, x_train[:10], y_train[:9])
    with pytest.raises(ValueError, match="schedule must be 'cosine' or 'constant'"):
        training.train(model, x_train[:10], y_train[:10], schedule="step")
    with pytest.raises(ValueError, match="give both x_test and labels_test"):
        training.train(model, x_train[:10], y_train[:10], x_test=x_test)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        training.train(model, x_train[:10], y_train[:10], epochs=0)
    with pytest.raises(
        TypeError, match=r"on_epoch must be a function called as on_epoch\(epoch, stats\), or None; got"
    ):
        training.train(model, x_train[:10], y_train[:10], on_epoch=True)


def test_the_lesson_run_reaches_98_percent(data):
    """The notebook's training run, as in lesson 08 (a few seconds)."""
    x_train, x_test, y_train, y_test = data
    model = training.digits_network(rng=0)
    training.train(
        model,
        x_train,
        y_train,
        epochs=15,
        batch_size=64,
        learning_rate=0.1,
        momentum=0.9,
        augment=True,
        seed=0,
    )
    assert training.accuracy(model, x_test, y_test) >= 0.98


def test_lesson_08_stores_the_finished_progress_bar():
    """A saved notebook viewed without a kernel shows the bar's text as it was
    last displayed: the training cell must store the finished bar (15/15 with
    the final accuracy), not the "0/15" of its first display."""
    import re
    from pathlib import Path

    import nbformat

    notebook = nbformat.read(
        Path(__file__).resolve().parent.parent / "notebooks" / "08_train_a_cnn.ipynb", as_version=4
    )
    # the lesson's own run (the code exercise's run of the student's layer comes later and shows no bar)
    cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and re.search(r"^history = training\.train\(", cell.source, re.M)
    ]
    assert len(cells) == 1
    widget_view = "application/vnd.jupyter.widget-view+json"
    bars = [output.data["text/plain"] for output in cells[0].outputs if widget_view in output.get("data", {})]
    assert len(bars) == 1, cells[0].outputs
    assert "15/15" in bars[0] and "test accuracy=0.98" in bars[0], bars[0]
