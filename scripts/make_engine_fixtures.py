#!/usr/bin/env python3
"""Make the PyTorch reference fixtures for the Swift training engine, and check checkpoints.

The reference network is built from the packages that the SNN-delays code of Hammouamri,
Khalfaoui-Hassani and Masquelier (ICLR 2024) used. These are `dcls` 0.1.1 (`Dcls1d`, the DCLS
delay layer) and `spikingjelly` 0.0.0.0.14 (LIF neurons with the ATan surrogate, dropout shared
over time, `reset_net`), here on torch 2.13.0 (CPU). The fixtures were generated with exactly
these versions, and other versions may change the last bits.

Modes:

    python3 scripts/make_engine_fixtures.py [generate] [--out DIR]
        Write Tests/SpikingNetworkTests/Fixtures/engine_<case>.safetensors for the cases
        none, fixed, learned, learned_n2 and none_nobn (6 inputs, 2 x 5 hidden, 3 outputs,
        K = 5 taps, batch 3, T = 8). Each file holds the initial parameters, the input and
        labels, the DCLS kernels, every module's training-mode output, the loss, the gradients,
        the parameters after one optimiser step, the scheduler values over 10 epochs and the
        evaluation-mode output; Fixtures/README.md lists every tensor name.

    python3 scripts/make_engine_fixtures.py check-checkpoint NET.safetensors X.npy Y.npy
        Load a checkpoint written by the Swift tool into the reference model
        (`load_state_dict(strict=True)`), run the evaluation path on X (float32 or float64,
        shape (T, B, I)) and compare with Y (float32, (T_out, B, C)). Exit status 1 when the
        largest difference relative to the largest |reference| value exceeds 1e-4, 2 on
        invalid input.

    python3 scripts/make_engine_fixtures.py bench
        Time the reference on 2 CPU threads for the SHD network of the paper (140 inputs,
        2 x 256 hidden, 20 outputs, K = 25, batch 256, T = 100, 5% input density,
        dropout 0.4): median seconds per training batch (forward, backward, optimiser steps)
        and per evaluation batch for each variant.
"""

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from safetensors import safe_open
from safetensors.torch import save_file

from DCLS.construct.modules import Dcls1d
from spikingjelly.activation_based import functional, neuron, surrogate
from spikingjelly.activation_based import layer as sj_layer

REPOSITORY = Path(__file__).resolve().parent.parent
FIXTURE_DIR = REPOSITORY / "Tests" / "SpikingNetworkTests" / "Fixtures"
CONFIG_KEY = "dcls_delays.config"

# Optimiser settings of the reference (PyTorch Adam and its schedules).
LEARNING_RATE = 1e-3
MAX_LEARNING_RATE = 5e-3
WEIGHT_DECAY = 1e-5
ADAM_EPS = 1e-8
POSITION_LEARNING_RATE = 100 * LEARNING_RATE
FIXTURE_EPOCHS = 10
RELATIVE_TOLERANCE = 1e-4


# Network


class DelaySynapse(Dcls1d):
    """DCLS synapses on time-major input (T, B, I) -> (T + (K-1) div 2, B, O).

    Pads K-1 zeros before and (K-1) div 2 zeros after the sequence, so tap k delays by
    K-1-k steps. Subclassing `Dcls1d` keeps the state_dict names `weight`, `P`, `SIG`.
    """

    def forward(self, x):
        taps = self.dilated_kernel_size[0]
        x = x.permute(1, 2, 0)
        x = F.pad(x, (taps - 1, (taps - 1) // 2))
        x = super().forward(x)
        return x.permute(2, 0, 1)

    def set_kernel_version(self, version):
        # `ConstructKernel1d` reads its own copy of the version string.
        self.version = version
        self.DCK.version = version


class TimeBatchNorm(nn.BatchNorm1d):
    """Batch normalisation of (T, B, H) over all T x B values of each channel.

    spikingjelly 0.0.0.0.14's `layer.BatchNorm1d(step_mode='m')` rejects 3-D input (it expects
    (T, N, C, L)), so this flattens (T, B) itself, as its `seq_to_ann_forward` does.
    """

    def forward(self, x):
        steps, batch = x.shape[0], x.shape[1]
        return super().forward(x.flatten(0, 1)).view(steps, batch, -1)


class ReferenceNetwork(nn.Module):
    """The network of Hammouamri et al. (ICLR 2024): hidden blocks (synapses, batch norm, LIF, dropout), then readout.

    `model[i]` are the modules in order, so state_dict names are `model.<i>.<tensor>`.
    """

    def __init__(self, config):
        super().__init__()
        self.config = config
        variant = config["variant"]
        taps = config["taps"]
        modules = []
        widths = [config["inputs"]] + [config["hidden"]] * config["hiddenLayers"]
        for layer_index in range(config["hiddenLayers"]):
            modules.append(self._make_synapse(widths[layer_index], config["hidden"]))
            if config["batchNorm"]:
                modules.append(TimeBatchNorm(config["hidden"]))
            modules.append(neuron.LIFNode(
                tau=float(config["tau"]), v_threshold=float(config["threshold"]), v_reset=0.0,
                surrogate_function=surrogate.ATan(alpha=float(config["surrogateAlpha"])),
                detach_reset=True, step_mode="m", decay_input=False))
            modules.append(sj_layer.Dropout(float(config["dropout"]), step_mode="m"))
        modules.append(self._make_synapse(widths[-1], config["outputs"]))
        modules.append(neuron.LIFNode(
            tau=float(config["tau"]), v_threshold=float(config["outputThreshold"]), v_reset=0.0,
            surrogate_function=surrogate.ATan(alpha=float(config["surrogateAlpha"])),
            detach_reset=True, step_mode="m", decay_input=False, store_v_seq=True))
        self.model = nn.ModuleList(modules)
        self.variant = variant
        self.taps = taps

    def _make_synapse(self, inputs, outputs):
        if self.config["variant"] == "none":
            return nn.Linear(inputs, outputs, bias=False)
        synapse = DelaySynapse(
            inputs, outputs, kernel_count=self.config["delaysPerSynapse"],
            dilated_kernel_size=self.config["taps"], bias=False, version="gauss")
        # Sigma is not trained. A training loop changes it only through the sigma schedule.
        synapse.SIG.requires_grad_(False)
        if self.config["variant"] == "fixed":
            synapse.set_kernel_version("max")
            synapse.P.requires_grad_(False)
        return synapse

    def synapses(self):
        return [m for m in self.model if isinstance(m, (nn.Linear, DelaySynapse))]

    def delay_synapses(self):
        return [m for m in self.model if isinstance(m, DelaySynapse)]

    def initialise(self):
        """Draw weights, positions and sigma as the reference does (torch's global generator)."""
        half = self.taps // 2
        with torch.no_grad():
            for synapse in self.synapses():
                # Kaiming uniform for ReLU: bound sqrt(6 / fan_in), fan_in = inputs * n.
                nn.init.kaiming_uniform_(synapse.weight, nonlinearity="relu")
            for synapse in self.delay_synapses():
                # Python's -K // 2 is floor(-K / 2): [-3, 2] for K = 5, [-13, 12] for K = 25.
                nn.init.uniform_(synapse.P, a=-self.taps // 2, b=self.taps // 2)
                synapse.P.clamp_(-half, half)
                if self.variant == "learned":
                    nn.init.constant_(synapse.SIG, half)
                else:
                    nn.init.constant_(synapse.SIG, 0.0)
                    synapse.P.copy_(synapse.P.round().clamp(-half, half))

    def clamp_positions(self):
        half = self.taps // 2
        with torch.no_grad():
            for synapse in self.delay_synapses():
                synapse.P.clamp_(-half, half)

    def forward(self, x, record=None):
        """Run (T, B, I) -> readout membrane (T_out, B, C). `record` receives each module's output."""
        functional.reset_net(self)
        for index, module in enumerate(self.model):
            x = module(x)
            if record is not None:
                record[index] = x
        return self.model[-1].v_seq

    def evaluate(self, x, record=None):
        """Evaluation path: running statistics, no dropout, and for DCLS layers rounded
        positions, sigma 0 and the triangle kernel. The training state is restored after."""
        saved = [(s, s.P.detach().clone(), s.SIG.detach().clone(), s.DCK.version)
                 for s in self.delay_synapses()]
        was_training = self.training
        self.eval()
        half = self.taps // 2
        try:
            with torch.no_grad():
                for synapse, _, _, _ in saved:
                    synapse.SIG.zero_()
                    synapse.P.copy_(synapse.P.round().clamp(-half, half))
                    synapse.set_kernel_version("max")
                output = self.forward(x, record)
                kernels = {self._index_of(s): s.DCK(s.weight, s.P, s.SIG).clone()
                           for s, _, _, _ in saved}
        finally:
            with torch.no_grad():
                for synapse, positions, sigma, version in saved:
                    synapse.P.copy_(positions)
                    synapse.SIG.copy_(sigma)
                    synapse.set_kernel_version(version)
            self.train(was_training)
        return output, kernels

    def _index_of(self, module):
        return next(i for i, m in enumerate(self.model) if m is module)

    def training_kernels(self):
        with torch.no_grad():
            return {self._index_of(s): s.DCK(s.weight, s.P, s.SIG).clone()
                    for s in self.delay_synapses()}


def summed_softmax(output):
    """m[b, c]: the softmax over classes summed over every output time step."""
    return F.softmax(output, dim=2).sum(dim=0)


def make_optimisers(network, epochs):
    """Make Adam on weights (decay 1e-5) and batch norm (no decay) with OneCycleLR, and for
    learned delays a second Adam on positions with cosine annealing."""
    weights = [s.weight for s in network.synapses()]
    norms = [p for m in network.model if isinstance(m, TimeBatchNorm) for p in m.parameters()]
    groups = [{"params": weights, "weight_decay": WEIGHT_DECAY}]
    if norms:
        groups.append({"params": norms, "weight_decay": 0.0})
    weight_optimiser = torch.optim.Adam(groups, lr=LEARNING_RATE, eps=ADAM_EPS)
    weight_schedule = torch.optim.lr_scheduler.OneCycleLR(
        weight_optimiser, max_lr=MAX_LEARNING_RATE, total_steps=epochs)
    optimisers = [weight_optimiser]
    schedules = [weight_schedule]
    if network.variant == "learned":
        position_optimiser = torch.optim.Adam(
            [s.P for s in network.delay_synapses()], lr=POSITION_LEARNING_RATE, eps=ADAM_EPS,
            weight_decay=0.0)
        optimisers.append(position_optimiser)
        schedules.append(torch.optim.lr_scheduler.CosineAnnealingLR(
            position_optimiser, T_max=epochs))
    return optimisers, schedules


def training_step(network, optimisers, x, labels, record=None):
    """Run forward, loss, backward, the optimiser steps and the position clamp.

    Returns (loss, m, output). `record` receives each module's output.
    """
    for optimiser in optimisers:
        optimiser.zero_grad()
    output = network(x, record)
    m = summed_softmax(output)
    loss = F.cross_entropy(m, labels)
    loss.backward()
    for optimiser in optimisers:
        optimiser.step()
    network.clamp_positions()
    return loss, m, output


# Fixtures


FIXTURE_SHAPE = dict(inputs=6, hidden=5, hiddenLayers=2, outputs=3, taps=5, steps=8, batch=3)
FIXTURE_SEED = 20240611


def fixture_config(variant, delays_per_synapse=1, batch_norm=True):
    return {
        "variant": variant,
        "inputs": FIXTURE_SHAPE["inputs"],
        "hidden": FIXTURE_SHAPE["hidden"],
        "hiddenLayers": FIXTURE_SHAPE["hiddenLayers"],
        "outputs": FIXTURE_SHAPE["outputs"],
        "taps": FIXTURE_SHAPE["taps"],
        "delaysPerSynapse": delays_per_synapse,
        "tau": 2.0,
        "threshold": 1.0,
        "outputThreshold": 1e9,
        "batchNorm": batch_norm,
        "dropout": 0.0,
        "surrogateAlpha": 5.0,
    }


FIXTURE_CASES = {
    "none": fixture_config("none"),
    "fixed": fixture_config("fixed"),
    "learned": fixture_config("learned"),
    "learned_n2": fixture_config("learned", delays_per_synapse=2),
    "none_nobn": fixture_config("none", batch_norm=False),
}


# The smallest distance |h - threshold| allowed in a fixture. Differences between a float64
# recomputation and PyTorch's float32 were below 1e-6 on these cases, so a margin of 1e-4 keeps every spike decision stable.
MINIMUM_THRESHOLD_MARGIN = 1e-4


def threshold_margin(inputs, config):
    """Return min |h[t] - threshold| of LIF neurons driven by `inputs` (T, B, H), in float64."""
    inputs = inputs.detach().double()
    decay = 1.0 - 1.0 / config["tau"]
    v = torch.zeros_like(inputs[0])
    margin = math.inf
    for step in inputs:
        h = v * decay + step
        margin = min(margin, float((h - config["threshold"]).abs().min()))
        v = h * (h < config["threshold"])
    return margin


def contiguous(tensor):
    return tensor.detach().clone().contiguous()


def make_case(case, config):
    """Return (tensors, metadata, spike_rates, threshold_margin) for one fixture case."""
    torch.manual_seed(FIXTURE_SEED)
    network = ReferenceNetwork(config)
    network.initialise()
    network.train()

    generator = torch.Generator().manual_seed(FIXTURE_SEED + 1)
    shape = (FIXTURE_SHAPE["steps"], FIXTURE_SHAPE["batch"], config["inputs"])
    # Binned spike counts 0..3, about 60% zero, like SHD frames.
    counts = torch.randint(0, 4, shape, generator=generator).float()
    present = torch.rand(shape, generator=generator) < 0.5
    x = counts * present
    labels = torch.tensor([0, 2, 1], dtype=torch.int64)

    tensors = {"input": x.clone(), "labels": labels.clone()}
    for name, value in network.state_dict().items():
        tensors[f"init.{name}"] = contiguous(value)
    for index, kernel in network.training_kernels().items():
        tensors[f"kernel.{index}"] = contiguous(kernel)

    optimisers, schedules = make_optimisers(network, FIXTURE_EPOCHS)
    record = {}
    loss, m, output = training_step(network, optimisers, x, labels, record)
    for index, value in record.items():
        tensors[f"train.{index}"] = contiguous(value)
    tensors["train.output"] = contiguous(output)
    tensors["train.loss"] = contiguous(loss)
    tensors["train.m"] = contiguous(m)
    for name, parameter in network.named_parameters():
        if parameter.requires_grad:
            tensors[f"grad.{name}"] = contiguous(parameter.grad)
    for name, value in network.state_dict().items():
        tensors[f"step.{name}"] = contiguous(value)

    hidden_neurons = [i for i, module in enumerate(network.model[:-1])
                      if isinstance(module, neuron.LIFNode)]
    spike_rates = [float(record[i].detach().mean()) for i in hidden_neurons]
    margins = [threshold_margin(record[i - 1], config) for i in hidden_neurons]

    eval_record = {}
    eval_output, eval_kernels = network.evaluate(x, eval_record)
    margins += [threshold_margin(eval_record[i - 1], config) for i in hidden_neurons]
    if min(margins) < MINIMUM_THRESHOLD_MARGIN:
        raise SystemExit(f"{case}: a membrane potential lies {min(margins):.2e} from the "
                         "threshold, so float32 rounding could flip a spike. Change the seed.")
    eval_m = summed_softmax(eval_output)
    tensors["eval.output"] = contiguous(eval_output)
    tensors["eval.m"] = contiguous(eval_m)
    tensors["eval.loss"] = contiguous(F.cross_entropy(eval_m, labels))
    for index, kernel in eval_kernels.items():
        tensors[f"eval.kernel.{index}"] = contiguous(kernel)

    if case == "learned":
        loss2, _, _ = training_step(network, optimisers, x, labels)
        tensors["step2.loss"] = contiguous(loss2)
        for name, value in network.state_dict().items():
            tensors[f"step2.{name}"] = contiguous(value)

    lr, beta1, position_lr = [], [], []
    for epoch in range(FIXTURE_EPOCHS + 1):
        if epoch > 0:
            for schedule in schedules:
                schedule.step()
        lr.append(optimisers[0].param_groups[0]["lr"])
        beta1.append(optimisers[0].param_groups[0]["betas"][0])
        if len(optimisers) > 1:
            position_lr.append(optimisers[1].param_groups[0]["lr"])
    tensors["schedule.lr"] = torch.tensor(lr, dtype=torch.float64)
    tensors["schedule.beta1"] = torch.tensor(beta1, dtype=torch.float64)
    if position_lr:
        tensors["schedule.position_lr"] = torch.tensor(position_lr, dtype=torch.float64)

    metadata = {
        CONFIG_KEY: json.dumps(config),
        "fixture.case": case,
        "fixture.epochs": str(FIXTURE_EPOCHS),
        "fixture.lr": repr(LEARNING_RATE),
        "fixture.max_lr": repr(MAX_LEARNING_RATE),
        "fixture.weight_decay": repr(WEIGHT_DECAY),
        "fixture.position_lr": repr(POSITION_LEARNING_RATE),
        "fixture.adam_eps": repr(ADAM_EPS),
        "fixture.seed": str(FIXTURE_SEED),
        "fixture.torch": torch.__version__,
        "fixture.dcls": "0.1.1",
        "fixture.spikingjelly": "0.0.0.0.14",
        "fixture.generator": "scripts/make_engine_fixtures.py",
    }
    return tensors, metadata, spike_rates, min(margins)


def generate(out_dir):
    torch.set_num_threads(1)
    out_dir.mkdir(parents=True, exist_ok=True)
    for case, config in FIXTURE_CASES.items():
        tensors, metadata, rates, margin = make_case(case, config)
        for layer, rate in enumerate(rates, start=1):
            if not 0.0 < rate < 1.0:
                raise SystemExit(f"{case}: hidden layer {layer} spike rate {rate:.3f}. "
                                 "Change the input scale or seed so that some but not all fire")
        path = out_dir / f"engine_{case}.safetensors"
        temporary = path.with_suffix(".safetensors.tmp")
        save_file(tensors, str(temporary), metadata=metadata)
        temporary.replace(path)
        rate_text = ", ".join(f"layer {i}: {r:.3f}" for i, r in enumerate(rates, start=1))
        print(f"{path.relative_to(REPOSITORY) if path.is_relative_to(REPOSITORY) else path}: "
              f"{len(tensors)} tensors, loss {float(tensors['train.loss']):.6f}, "
              f"eval loss {float(tensors['eval.loss']):.6f}, spike rates {rate_text}, "
              f"threshold margin {margin:.1e}")


# Checkpoint check


def fail_input(message):
    print(f"check-checkpoint: {message}", file=sys.stderr)
    raise SystemExit(2)


def check_checkpoint(checkpoint_path, input_path, output_path):
    torch.set_num_threads(1)
    for path in (checkpoint_path, input_path, output_path):
        if not path.is_file():
            fail_input(f"{path}: file not found")
    with safe_open(str(checkpoint_path), framework="pt") as handle:
        metadata = handle.metadata() or {}
        state = {name: handle.get_tensor(name) for name in handle.keys()}
    if CONFIG_KEY not in metadata:
        fail_input(f"{checkpoint_path}: metadata key {CONFIG_KEY!r} is missing; "
                   "expected a checkpoint written by dcls-delays")
    config = json.loads(metadata[CONFIG_KEY])
    network = ReferenceNetwork(config)
    try:
        network.load_state_dict(state, strict=True)
    except RuntimeError as error:
        fail_input(f"{checkpoint_path}: state_dict does not match the reference model: {error}")

    x = np.load(input_path)
    if x.ndim != 3 or x.shape[2] != config["inputs"] or x.dtype not in (np.float32, np.float64):
        fail_input(f"{input_path}: expected float32 or float64 (T, B, {config['inputs']}), "
                   f"found {x.dtype} {x.shape}")
    expected = np.load(output_path)
    reference, _ = network.evaluate(torch.from_numpy(x.astype(np.float32)))
    reference = reference.numpy()
    if expected.shape != reference.shape:
        fail_input(f"{output_path}: expected shape {reference.shape}, found {expected.shape}")
    difference = np.abs(expected.astype(np.float64) - reference.astype(np.float64))
    worst = np.unravel_index(np.argmax(difference), difference.shape)
    scale = max(float(np.abs(reference).max()), 1e-30)
    relative = float(difference.max()) / scale
    print(f"reference {tuple(reference.shape)}: max abs difference {difference.max():.3e} at "
          f"{tuple(int(i) for i in worst)} (reference {reference[worst]:.7g}, "
          f"checked {expected[worst]:.7g}), relative to max |reference| {relative:.3e}")
    if relative > RELATIVE_TOLERANCE:
        print(f"check-checkpoint: relative difference {relative:.3e} exceeds "
              f"{RELATIVE_TOLERANCE:g}", file=sys.stderr)
        raise SystemExit(1)
    print("check-checkpoint: outputs agree")


# Benchmark


def bench(repetitions=5):
    torch.set_num_threads(2)
    rows = []
    for variant in ("none", "fixed", "learned"):
        config = {
            "variant": variant, "inputs": 140, "hidden": 256, "hiddenLayers": 2, "outputs": 20,
            "taps": 25, "delaysPerSynapse": 1, "tau": 1.0050000001, "threshold": 1.0,
            "outputThreshold": 1e9, "batchNorm": True, "dropout": 0.4, "surrogateAlpha": 5.0,
        }
        torch.manual_seed(0)
        network = ReferenceNetwork(config)
        network.initialise()
        network.train()
        optimisers, _ = make_optimisers(network, 150)
        x = (torch.rand(100, 256, 140) < 0.05).float()
        labels = torch.randint(0, 20, (256,))

        train_times, eval_times = [], []
        for repetition in range(repetitions + 1):
            start = time.perf_counter()
            training_step(network, optimisers, x, labels)
            train_seconds = time.perf_counter() - start
            start = time.perf_counter()
            network.evaluate(x)
            eval_seconds = time.perf_counter() - start
            if repetition > 0:
                train_times.append(train_seconds)
                eval_times.append(eval_seconds)
        rows.append((variant, statistics.median(train_times), statistics.median(eval_times)))

    print(f"reference on {torch.get_num_threads()} threads, torch {torch.__version__}, "
          f"SHD network, batch 256, T = 100, median of {repetitions} after 1 warm-up")
    print(f"{'variant':<8} {'train s/batch':>14} {'eval s/batch':>13}")
    for variant, train_seconds, eval_seconds in rows:
        print(f"{variant:<8} {train_seconds:>14.3f} {eval_seconds:>13.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode")
    generate_parser = sub.add_parser("generate", help="write the engine fixtures (default)")
    generate_parser.add_argument("--out", type=Path, default=FIXTURE_DIR,
                                 help="output folder (default: %(default)s)")
    check_parser = sub.add_parser("check-checkpoint",
                                  help="compare a Swift checkpoint's evaluation output")
    check_parser.add_argument("checkpoint", type=Path)
    check_parser.add_argument("input", type=Path)
    check_parser.add_argument("output", type=Path)
    bench_parser = sub.add_parser("bench", help="time the reference on the SHD network")
    bench_parser.add_argument("--repetitions", type=int, default=5)
    arguments = parser.parse_args()

    if arguments.mode == "check-checkpoint":
        check_checkpoint(arguments.checkpoint, arguments.input, arguments.output)
    elif arguments.mode == "bench":
        bench(arguments.repetitions)
    else:
        generate(getattr(arguments, "out", FIXTURE_DIR))


if __name__ == "__main__":
    main()
