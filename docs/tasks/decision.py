#!/usr/bin/env python3
"""Writes a trial file of a perceptual decision task for rnnlab.

A trial (T = 60 steps at dt = 0.5, time in units of the neurons' tau): a
fixation period of 5 steps (target 0, scored), a noisy stimulus of
coherence c for 20 steps on the one input channel, a delay of 10 steps
(not scored), then 25 response steps whose target is 0.5 * sign(c).

    /usr/bin/python3 docs/tasks/decision.py decision.npz [K] [seed]

Needs only NumPy. See docs/tasks.md.
"""
import sys

import numpy as np


def trial(rng, T=60):
    """One trial: input [T, 1], target [T, 1], mask [T, 1]."""
    c = rng.choice([-0.4, -0.2, -0.1, 0.1, 0.2, 0.4])
    x = np.zeros((T, 1))
    y = np.zeros((T, 1))
    m = np.zeros((T, 1))
    m[:5] = 1  # fixation: output 0
    x[5:25, 0] = c + 0.3 * rng.standard_normal(20)
    y[35:] = 0.5 * np.sign(c)
    m[35:] = 1
    return x, y, m


def main():
    path = sys.argv[1]
    K = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    xs, ys, ms = zip(*(trial(rng) for _ in range(K)))
    np.savez(path,
             input=np.stack(xs).astype(np.float32),   # [K, T, Din]
             target=np.stack(ys).astype(np.float32),  # [K, T, Dout]
             mask=np.stack(ms).astype(np.float32),    # [K, T, Dout]
             dt=0.5)
    print(f"wrote {path}: {K} trials, input {np.stack(xs).shape}")


if __name__ == "__main__":
    main()
