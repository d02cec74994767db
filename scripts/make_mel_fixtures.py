#!/usr/bin/env python3
"""Write the mel-frame fixtures of the Datasets tests: input WAV files and the expected frames.

The expected values follow four torchaudio transforms with these settings:
  Resample       defaults: Hann-windowed sinc, lowpass_filter_width 6, rolloff 0.99
  Spectrogram    n_fft 256, hop 80, periodic Hann window, centred, reflect padding, power 2
  MelScale       140 bands, 50 Hz to 14000 Hz, HTK scale, no norm, 129 bins at 8 kHz
  AmplitudeToDB  power, amin 1e-10, reference 1, no top_db

torchaudio itself is not used: PyPI has no torchaudio release for torch 2.13 (the newest, 2.11.1,
fails to load its compiled extension with torch 2.13). This script therefore restates those four
transforms step by step with the torch operations torchaudio 2.11 calls (`conv1d` with stride,
`torch.stft`, `torch.linspace`, `torch.matmul`, `torch.log10`) in the same dtypes: the resampling
kernel is computed in float64 and rounded to float32, everything else is float32.

Inputs:
  fsdd_0_george_0.wav, fsdd_9_theo_16.wav  two FSDD 1.0.10 recordings (8 kHz PCM 16-bit; CC BY-SA 4.0,
                                           Zohar Jackson and contributors), the second longer than 1 s
  tone_16k.wav      a 1.25 s 16 kHz PCM 16-bit chirp with noise and 0.2 s of exact silence
  tone_8k_float.wav a 0.5 s 8 kHz float32 decaying tone over weak noise, after 0.1 s of silence
Outputs, beside each input NAME.wav:
  NAME.mel.npy        float32 (101, 140), the expected frames
  tone_16k.resampled.npy  float32 (8000,), the first second resampled to 8 kHz

Usage: python3 scripts/make_mel_fixtures.py [--archive data/free-spoken-digit-dataset-1.0.10.tar.gz]
       [--output Tests/DatasetsTests/Fixtures/mel]
Requires torch and numpy.
"""
import argparse
import io
import math
import tarfile
import wave
from pathlib import Path

import numpy as np
import torch

FSDD_MEMBERS = ["0_george_0.wav", "9_theo_16.wav"]


def resample_kernel(orig_freq, new_freq, lowpass_filter_width=6, rolloff=0.99):
    """Return the windowed-sinc kernel (new, 1, taps) as float32 and the half-width."""
    gcd = math.gcd(orig_freq, new_freq)
    orig, new = orig_freq // gcd, new_freq // gcd
    base = min(orig, new) * rolloff
    width = math.ceil(lowpass_filter_width * orig / base)
    positions = torch.arange(-width, width + orig, dtype=torch.float64)[None, None] / orig
    t = torch.arange(0, -new, -1, dtype=torch.float64)[:, None, None] / new + positions
    t = (t * base).clamp(-lowpass_filter_width, lowpass_filter_width)
    window = torch.cos(t * math.pi / lowpass_filter_width / 2) ** 2
    t = t * math.pi
    kernel = torch.where(t == 0, torch.tensor(1.0, dtype=torch.float64), t.sin() / t)
    kernel = kernel * window * (base / orig)
    return kernel.to(torch.float32), width, orig, new


def resample(waveform, orig_freq, new_freq):
    """Resample a float32 1-D waveform like torchaudio.functional.resample."""
    kernel, width, orig, new = resample_kernel(orig_freq, new_freq)
    length = waveform.shape[-1]
    padded = torch.nn.functional.pad(waveform[None, None], (width, width + orig))
    out = torch.nn.functional.conv1d(padded, kernel, stride=orig)
    out = out.transpose(1, 2).reshape(-1)
    return out[: math.ceil(new * length / orig)]


def mel_filterbank(n_freqs=129, f_min=50.0, f_max=14000.0, n_mels=140, sample_rate=8000):
    """Return the (n_freqs, n_mels) triangular HTK filterbank in float32."""
    all_freqs = torch.linspace(0, sample_rate // 2, n_freqs)
    m_min = 2595.0 * math.log10(1.0 + f_min / 700.0)
    m_max = 2595.0 * math.log10(1.0 + f_max / 700.0)
    m_pts = torch.linspace(m_min, m_max, n_mels + 2)
    f_pts = 700.0 * (10.0 ** (m_pts / 2595.0) - 1.0)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - all_freqs.unsqueeze(1)
    down = (-1.0 * slopes[:, :-2]) / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    return torch.max(torch.zeros(1), torch.min(down, up))


def mel_decibels(waveform_8k):
    """Return (frames, 140) float32 decibels of an 8 kHz float32 waveform."""
    spec = torch.stft(waveform_8k, n_fft=256, hop_length=80, win_length=256,
                      window=torch.hann_window(256), center=True, pad_mode="reflect",
                      normalized=False, onesided=True, return_complex=True)
    power = spec.abs().pow(2.0)  # (129, frames)
    mel = torch.matmul(power.transpose(-1, -2), mel_filterbank()).transpose(-1, -2)
    decibels = 10.0 * torch.log10(torch.clamp(mel, min=1e-10))
    return decibels.T.contiguous()


def one_second(samples, rate):
    """Keep the first second or pad with zeros at the end to one second."""
    if samples.shape[0] >= rate:
        return samples[:rate]
    return torch.nn.functional.pad(samples, (0, rate - samples.shape[0]))


def write_pcm16(path, samples, rate):
    clipped = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(clipped.tobytes())


def write_float32(path, samples, rate):
    """Write a WAVE_FORMAT_IEEE_FLOAT file (the wave module writes PCM only)."""
    data = samples.astype("<f4").tobytes()
    fmt = (b"fmt " + (16).to_bytes(4, "little") + (3).to_bytes(2, "little") + (1).to_bytes(2, "little")
           + rate.to_bytes(4, "little") + (rate * 4).to_bytes(4, "little") + (4).to_bytes(2, "little")
           + (32).to_bytes(2, "little"))
    body = b"WAVE" + fmt + b"data" + len(data).to_bytes(4, "little") + data
    Path(path).write_bytes(b"RIFF" + len(body).to_bytes(4, "little") + body)


def read_pcm16(data):
    with wave.open(io.BytesIO(data)) as handle:
        assert handle.getnchannels() == 1, "expected mono"
        assert handle.getsampwidth() == 2, "expected 16-bit samples"
        rate = handle.getframerate()
        frames = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    return torch.from_numpy(frames.astype(np.float32) / 32768.0), rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", default="data/free-spoken-digit-dataset-1.0.10.tar.gz")
    parser.add_argument("--output", default="Tests/DatasetsTests/Fixtures/mel")
    args = parser.parse_args()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    with tarfile.open(args.archive) as archive:
        for member in archive.getmembers():
            name = Path(member.name).name
            if name in FSDD_MEMBERS:
                data = archive.extractfile(member).read()
                (out / f"fsdd_{name}").write_bytes(data)
                samples, rate = read_pcm16(data)
                assert rate == 8000
                frames = mel_decibels(one_second(samples, 8000))
                np.save(out / f"fsdd_{Path(name).stem}.mel.npy", frames.numpy())

    generator = np.random.default_rng(20240117)
    rate = 16000
    time = np.arange(int(1.25 * rate)) / rate
    chirp = 0.4 * np.sin(2 * np.pi * (200 * time + 1500 * time ** 2))
    signal = chirp + 0.02 * generator.standard_normal(time.shape)
    signal[int(0.6 * rate):int(0.8 * rate)] = 0.0
    write_pcm16(out / "tone_16k.wav", signal, rate)
    samples, _ = read_pcm16((out / "tone_16k.wav").read_bytes())
    resampled = resample(one_second(samples, rate), rate, 8000)
    np.save(out / "tone_16k.resampled.npy", resampled.numpy())
    np.save(out / "tone_16k.mel.npy", mel_decibels(resampled).numpy())

    rate = 8000
    time = np.arange(int(0.5 * rate)) / rate
    # The noise floor (as a 16-bit recording has) keeps every band well above float32 rounding.
    signal = 0.3 * np.sin(2 * np.pi * 440 * time) * np.exp(-3 * time) + 1e-4 * generator.standard_normal(time.shape)
    signal = signal.astype(np.float32)
    signal[: int(0.1 * rate)] = 0.0
    write_float32(out / "tone_8k_float.wav", signal, rate)
    frames = mel_decibels(one_second(torch.from_numpy(signal), rate))
    np.save(out / "tone_8k_float.mel.npy", frames.numpy())
    print(f"wrote fixtures to {out}")


if __name__ == "__main__":
    main()
