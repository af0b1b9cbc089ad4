#!/usr/bin/python3
"""Reference loss and gradients of torch.nn.RNN for rnnlab's Elman test.

Run with Debian's python3-torch (apt-get install -y python3-torch):

    /usr/bin/python3 models/elman/testdata/make_fixture.py

It writes torch_rnn.npz beside itself: the RNN's state_dict under its own
names (weight_ih_l0 [H, Din], weight_hh_l0 [H, H], bias_ih_l0 and
bias_hh_l0 [H]), the readout wo [H, Dout] (nn.Linear(H, Dout, bias=False)
weight, transposed), the data (input [B, T, Din], target and mask
[B, T, Dout]), the loss 0.5 sum(mask (z - y)^2) / sum(mask) with
z_t = h_t wo, and its gradient under "grad_" + each parameter's name; and
torch_version.txt with the torch version that made it.
"""
import os
import subprocess

import numpy as np
import torch

H, DIN, DOUT, B, T = 5, 3, 2, 4, 6

torch.manual_seed(13)
rnn = torch.nn.RNN(DIN, H, nonlinearity="tanh", batch_first=True).double()
lin = torch.nn.Linear(H, DOUT, bias=False).double()
x = torch.randn(B, T, DIN, dtype=torch.float64)
y = 0.5 * torch.randn(B, T, DOUT, dtype=torch.float64)
mask = (torch.rand(B, T, DOUT) > 0.3).double()

h, _ = rnn(x)  # h0 = 0
z = lin(h)
loss = 0.5 * (mask * (z - y) ** 2).sum() / mask.sum()
loss.backward()

out = {"input": x, "target": y, "mask": mask, "loss": loss.detach()}
for name, p in rnn.named_parameters():
    out[name] = p.detach()
    out["grad_" + name] = p.grad
out["wo"] = lin.weight.detach().t().contiguous()
out["grad_wo"] = lin.weight.grad.t().contiguous()

here = os.path.dirname(os.path.abspath(__file__))
np.savez(os.path.join(here, "torch_rnn.npz"), **{k: v.numpy() for k, v in out.items()})
try:
    deb = subprocess.run(["dpkg-query", "-W", "python3-torch"], capture_output=True, text=True).stdout.strip()
except OSError:
    deb = "python3-torch: not a Debian package"
with open(os.path.join(here, "torch_version.txt"), "w") as f:
    f.write("torch %s, numpy %s (Debian package %s)\n" % (torch.__version__, np.__version__, deb))
