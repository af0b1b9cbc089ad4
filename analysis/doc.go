// Package analysis holds the measurements of Schuessler et al. (NeurIPS
// 2020) on a trained recurrent network: what gradient descent changed in
// the recurrent weights, and how that change relates to the random weights
// it started from.
//
// A network is initialised with recurrent weights W0 = g X, X_ij ~ N(0,
// 1/N), so that g sets the strength of the initial randomness. Training
// ends at W = W0 + dW. The paper's claims concern dW: it is low rank
// although nothing in the learning rule asks for it (claim 1); cutting it
// to its few dominant singular components keeps the task solved while W0
// must be kept in full (claim 2); its norm shrinks as g grows (claim 3);
// and it is correlated with W0, since adding it to a shuffled W0 destroys
// the solution (claim 4). This package computes each of these quantities
// from W0 and W; the callers (the sweep and the command line) evaluate the
// truncated and shuffled networks on a task.
//
// # Matrices and shapes
//
// All functions take gonum mat.Matrix values and return new *mat.Dense;
// they never modify their arguments. rnnlab stores weights as flat
// row-major []float64 with a shape (models.Param); Dense, Shaped and
// ParamMatrices view such data as a matrix without copying, and Flat goes
// back. Shapes are those of the authors' PyTorch code: for the rate RNN wi
// is [Din, N], wrec [N, N] and wo [N, Dout], the recurrent input is
// phi(h) wrec^T and the output phi(h) wo, with h a row vector. Nothing here
// assumes square matrices except where the mathematics does (eigenvalues,
// Krylov spaces, the alignment): the LSTM weights weight_hh [4H, H] and
// weight_ih [4H, E] are truncated and shuffled like wrec.
//
// # Spectra and norms (claims 1 and 3)
//
// SingularValues returns the singular values s_1 >= s_2 >= ... of any
// matrix; applied to dW at every snapshot it shows the few outliers that
// make dW low rank. FrobeniusNorm and SpectralNorm give ||dW||_F (the
// quantity of claim 3, which falls as g grows) and s_1. Eigenvalues of W0,
// W and dW, sorted by descending modulus, show how the few learned
// outliers of W sit beside the circular bulk of radius g that W0
// contributes.
//
// VarianceExplained(sv, R) is the share of ||dW||_F^2 = sum_i s_i^2 held by
// the top R singular components, sum_{i<R} s_i^2 / sum_i s_i^2; the paper
// reports it for R = 1, 2 ("top-2 share"). CumulativeVarianceExplained
// gives the whole curve R = 0..min(rows, cols).
//
// # Rank truncation (claim 2)
//
// A Truncation computes the singular value decomposition dW = U S V^T once
// and then returns, for each R, the truncated network
//
//	TruncateRank(R) = W0 + U_R S_R V_R^T = W0 + dW_R,
//
// keeping W0 in full and only the R dominant components of dW.
// TruncateRank(0) is W0 itself (the untrained network) and
// TruncateRank(min(rows, cols)) is W again. By the Eckart–Young theorem
// dW_R is the rank-R matrix closest to dW, at distance ||dW - dW_R||_F^2 =
// sum_{i>=R} s_i^2. The paper evaluates every truncated network, R =
// 0..25, on one fixed test batch; a loss that reaches the trained loss at
// small R shows that the task lives in the low-rank part of dW.
//
// NewLowRank makes the control of the LSTM experiment (claim 6): a
// Truncation with W0 = 0, whose TruncateRank(R) is the best rank-R
// approximation of W itself. Truncating dW keeps accuracy at low R;
// truncating W does not, because the random, full-rank W0 carries the
// network's dynamics.
//
// # The shuffle test (claim 4)
//
// ShuffleW0 permutes the entries of W0 uniformly at random: the shuffled
// matrix has the same entries, hence the same norm, the same entry
// distribution and the same g, but no longer the relation between W0 and
// dW that training built. Shuffled returns k networks ShuffleW0(W0) + dW
// for permutations seeded by (seed, i), i = 0..k-1, whose losses are
// averaged. If dW were a solution independent of W0, the shuffled networks
// would still solve the task; their loss near the untrained loss shows
// that dW is fitted to the particular W0 it grew on.
//
// # Alignment of dW with W0 (beyond the paper)
//
// The shuffle test shows that dW depends on W0; the alignment measure says
// how. Write the singular value decomposition dW = sum_k s_k u_k v_k^T
// (U = [u_1 u_2 ...], V = [v_1 v_2 ...]) and compare its top-K singular
// subspaces with two Krylov spaces of order q,
//
//	K_left  = span{wo, W0^T wo, (W0^T)^2 wo, ..., (W0^T)^q wo}
//	K_right = span{wi^T, W0 wi^T, W0^2 wi^T, ..., W0^q wi^T}
//
// where every column of wo [N, Dout] (each readout vector) and every row of
// wi [Din, N] (each input vector, hence wi^T) enters at every power, so
// that dim K <= (q+1)·Dout, resp. (q+1)·Din. Align reports
//
//	Left  = ||P_left  U_K||_F^2 / K,   Right = ||P_right V_K||_F^2 / K,
//
// with P the orthogonal projector onto the Krylov space: the mean squared
// cosine of the principal angles, 1 when the singular subspace lies in
// the Krylov space and 0 when it is orthogonal to it. The chance level,
// the share a random K-dimensional subspace (the singular subspace of a
// random matrix of rank K) would have, is dim K / N (ChanceShare); its
// spread is ChanceShareStd, and RandomShare estimates both by Monte Carlo.
//
// Which side is which. wrec is stored [N, N] and neuron i receives
// sum_j wrec[i, j] phi(h_j): the row-vector form phi(h) wrec^T is, on
// column vectors, W r with r = phi(h) the presynaptic rates. So dW r =
// sum_k s_k u_k (v_k . r): the right singular vectors v_k (rows of V^T) are
// presynaptic, the activity patterns dW reads out; the left singular
// vectors u_k are postsynaptic, the directions dW writes into the next
// state. Gradient descent builds dW from outer products of the two kinds of
// vector that backpropagation through time provides, dL/dW = sum_t
// delta_t r_{t-1}^T: on the right, rates r, which are the inputs wi^T
// carried forward through the network (W0 wi^T, W0^2 wi^T, ...); on the
// left, errors delta, which are the readout wo carried backward through
// the transposed network (W0^T wo, (W0^T)^2 wo, ...). Hence U is compared
// with K_left (wo and W0^T) and V with K_right (wi^T and W0). The linear
// theory of the paper makes this exact: for the input-driven fixed point
// x* = B wi^T u with B = (I - W0)^-1 and output z = wo^T x*, the gradient of
// z with respect to W is (B^T wo)(B wi^T)^T, so to first order dW is rank
// one with left vector B^T wo = sum_k (W0^T)^k wo and right vector B wi^T =
// sum_k W0^k wi^T; the order-q Krylov spaces hold the first q+1 terms of
// these Neumann series, whose remainder has relative size about
// g^(q+1)/(1-g) for a random W0 with g < 1 (a random vector grows by about g
// per power of W0). The leak and the time step do not change the spaces: the
// linearised update (1-dt) I + dt W0 is a polynomial of degree one in W0,
// so its powers up to q span the same space as those of W0. A
// nonlinearity phi with phi'(0) = 1 (tanh) leaves them unchanged to first
// order; far from h = 0 the diagonal gains phi'(h) tilt them, which is
// what the measure, against its chance level, quantifies.
//
// The Krylov bases are orthonormalised block by block (Krylov): each new
// block is orthogonalised twice against the basis so far and a thin SVD of
// what remains keeps the directions whose singular value exceeds
// KrylovTol = 1e-10 times the norm of the operator that produced them,
// dropping directions that are dependent up to rounding. When W0 = 0 (g =
// 0) the spaces reduce to span{wo} and span{wi^T}.
//
// # Errors and panics
//
// Anything a user can cause from the command line or with a weights file
// returns an error: matrices whose shapes do not fit together or flat data
// that does not match its shape (ErrShape), a truncation rank, number of
// singular directions, Krylov order, number of permutations or
// Monte-Carlo draws out of range (ErrRange), NaN or ±Inf entries in a
// matrix to be decomposed (ErrNotFinite; checked before factorising,
// because gonum's SVD panics and its eigensolver may not return on such
// input) and a failed decomposition (ErrNoConvergence). All of these wrap
// the exported sentinel errors, for errors.Is. Only misuse that no input
// can cause panics: a nil *rand.Rand, or an empty matrix given to
// ShuffleW0.
//
// # Cost
//
// With the pure-Go gonum LAPACK on one core, the singular values of a
// 256×256 matrix take about 10 ms, its thin SVD (a Truncation) 70 ms and
// its eigenvalues 40 ms; at 1024×1024 about 0.5 s, 13 s and 7.5 s.
// SingularValues computes no singular vectors and is the cheap call for a
// training hook.
package analysis
