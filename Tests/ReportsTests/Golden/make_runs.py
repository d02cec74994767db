"""Write the fixed run folders in runs/ that the report tests read.

The numbers are made up but shaped like training: losses fall, accuracies rise, sigma shrinks.
They are fixed by the seed below, so rerunning the script rewrites the same files.
Run it from this folder with `python3 make_runs.py`; it needs only the standard library.
"""
import json
import math
import os
import random

rng = random.Random(20240507)


def network(variant, hidden_layers, hidden, outputs, taps, n, tau, dropout):
    return {
        "variant": variant, "inputs": 140, "hidden": hidden, "hiddenLayers": hidden_layers,
        "outputs": outputs, "taps": taps, "delaysPerSynapse": n, "tau": tau, "threshold": 1.0,
        "outputThreshold": 1e9, "batchNorm": True, "dropout": dropout, "surrogateAlpha": 5.0,
    }


def metrics(epochs, level, validation, sigma_start, variant):
    rows = []
    sigma = sigma_start if variant == "learned" else 0.0
    for epoch in range(1, epochs + 1):
        progress = 1 - math.exp(-epoch / 2.5)
        test = round(min(0.99, level * progress + rng.uniform(-0.02, 0.02)), 4)
        row = {
            "epoch": epoch,
            "trainLoss": round(2.9 * (1 - progress) + 0.2 + rng.uniform(0, 0.05), 4),
            "trainAccuracy": round(min(0.99, (level + 0.04) * progress), 4),
            "testLoss": round(2.9 * (1 - progress) + 0.4 + rng.uniform(0, 0.05), 4),
            "testAccuracy": test,
            "trainSeconds": round(rng.uniform(10, 12), 2),
            "evalSeconds": round(rng.uniform(1, 2), 2),
            "learningRate": round(2e-4 + 4.8e-3 * min(1, epoch / 4), 6),
            "sigma": round(sigma, 4),
            "meanPositionChange": round(rng.uniform(0.1, 0.5), 4) if variant == "learned" else 0.0,
        }
        if validation:
            row["validLoss"] = round(row["testLoss"] - 0.05, 4)
            row["validAccuracy"] = round(min(0.99, test + rng.uniform(-0.03, 0.03)), 4)
        rows.append(row)
        if variant == "learned":
            sigma = max(0.23, sigma * 0.6)
    return rows


def histogram(pairs, taps, concentrated):
    weights = [1.0] * taps
    if concentrated:
        weights = [math.exp(-((d - taps * 0.3) / (taps * 0.2)) ** 2) + 0.05 for d in range(taps)]
    counts = [0] * taps
    for d in rng.choices(range(taps), weights=weights, k=pairs):
        counts[d] += 1
    return counts


def histograms(hidden_layers, hidden, outputs, taps, n, learned):
    sizes = [140] + [hidden] * hidden_layers + [outputs]
    result = []
    for layer in range(1, hidden_layers + 2):
        pairs = sizes[layer - 1] * sizes[layer] * n
        initial = histogram(pairs, taps, False)
        final = histogram(pairs, taps, True) if learned else list(initial)
        result.append({"layer": layer, "initial": initial, "final": final})
    return result


def write_run(name, settings, rows, sample=None):
    folder = os.path.join("runs", name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "run.json"), "w") as file:
        json.dump(settings, file, indent=1)
    if rows is not None:
        with open(os.path.join(folder, "metrics.json"), "w") as file:
            json.dump(rows, file, indent=1)
    if sample is not None:
        with open(os.path.join(folder, "sample.json"), "w") as file:
            json.dump(sample, file, separators=(",", ":"))


def spike_sample():
    frames = [[rng.choice([0, 0, 0, 0, 0, 0, 1, 1, 2]) if 30 <= c + 2 * t <= 120 else 0 for c in range(140)]
              for t in range(30)]
    return {"label": 3, "className": "three", "frameMilliseconds": 10, "frames": frames}


def mel_sample():
    frames = [[round(-100.0 if band >= 87 else -60 + 30 * math.sin(t / 3 + band / 10) + rng.uniform(-5, 5), 2)
               for band in range(140)] for t in range(20)]
    return {"label": 7, "className": "7", "frameMilliseconds": 10, "frames": frames}


levels = {"none": 0.78, "fixed": 0.84, "learned": 0.90}
for variant in ["none", "fixed", "learned"]:
    for seed in [0, 1]:
        net = network(variant, 2, 256, 20, 25, 1, 1.0050000001, 0.4)
        settings = {"dataset": "shd", "input": "legacy", "seed": seed, "network": net,
                    "epochsPlanned": 150, "hasValidationSplit": False}
        if variant != "none":
            settings["delayHistograms"] = histograms(2, 256, 20, 25, 1, variant == "learned")
        sample = spike_sample() if (variant, seed) == ("learned", 0) else None
        write_run(f"shd-2x256-{variant}-seed{seed}", settings, metrics(6, levels[variant], False, 12, variant), sample)

for variant in ["none", "learned"]:
    net = network(variant, 2, 128, 20, 25, 1, 1.0050000001, 0.4)
    settings = {"dataset": "shd", "input": "legacy", "seed": 0, "network": net,
                "epochsPlanned": 150, "hasValidationSplit": False}
    write_run(f"shd-2x128-{variant}-seed0", settings, metrics(6, levels[variant] - 0.04, False, 12, variant))

for seed, epochs in [(0, 5), (1, None)]:
    net = network("learned", 2, 512, 35, 31, 2, 1.5000000001, 0.25)
    settings = {"dataset": "ssc", "input": "grid", "seed": seed, "network": net,
                "epochsPlanned": 60, "hasValidationSplit": True}
    rows = metrics(epochs, 0.72, True, 15, "learned") if epochs else None
    write_run(f"ssc-2x512-learned-seed{seed}", settings, rows)

net = network("learned", 2, 64, 10, 25, 1, 1.5000000001, 0.25)
settings = {"dataset": "fsdd", "input": "mel", "seed": 0, "network": net,
            "epochsPlanned": 4, "hasValidationSplit": False}
write_run("fsdd-2x64-learned-seed0", settings, metrics(4, 0.93, False, 12, "learned"), mel_sample())
