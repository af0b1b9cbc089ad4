# Writes f32.npz, the float32 trial file of the trialfile tests, as NumPy
# writes it: K = 3 trials, T = 4 steps, Din = 2, Dout = 1, scalar dt 0.5.
# Entry input[k, t, i] = k + t/10 + i/100, target[k, t, 0] = -k - t/10,
# mask 1 from step 2 on. Run with /usr/bin/python3 make_f32.py.
import numpy as np

K, T = 3, 4
k, t, i = np.meshgrid(np.arange(K), np.arange(T), np.arange(2), indexing="ij")
inp = (k + t / 10 + i / 100).astype(np.float32)
tgt = (-(k + t / 10))[:, :, :1].astype(np.float32)
mask = np.zeros((K, T, 1), np.float32)
mask[:, 2:, :] = 1
np.savez("f32.npz", input=inp, target=tgt, mask=mask, dt=np.float32(0.5))
