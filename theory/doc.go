// Package theory is the analytic theory of the linear rate RNN on the
// input-driven fixed-point task (claim 5 of Schuessler et al., NeurIPS
// 2020): for phi = id, learning changes the recurrent weights by a rank-one
// matrix to first order, along directions set by B = (I - W0)^-1, and a
// random W0 of strength g speeds learning up by a factor that grows like
// 1/(1 - g^2)^2. The derivations are in docs/theory.md; this package
// implements them with gonum (LU factorisations, LAPACK QR and SVD), never
// trains a network, and is checked against the rnn engines in its tests.
//
// # Orientation
//
// Matrices are in the orientation of the model's wrec ([N, N], row-major):
// with the state as a column x the update is x <- (1-dt) x + dt (W x + u wi),
// so entry (i, j) of W, of a gradient or of a predicted dW multiplies x_j
// in the update of x_i. A model's wrec slice is used as is:
// mat.NewDense(n, n, m.Params.Get("wrec").W).
//
// # Objects
//
// A Problem holds W0, the input and readout vectors and one trial (input,
// target, mask; FromTask builds it from a model and the fixed-point task).
// From it:
//
//	Problem.FixedPoint(W)   x* = B wi u, y = B^T wo, z*, the fixed-point loss,
//	                        its gradient Err y x*^T (FixedPoint.Grad), the
//	                        rank-one direction (FixedPoint.Direction), the
//	                        learning gain Kappa = |x*|^2 |y|^2 and the speed-up
//	                        Kappa / Kappa(W = 0) (FixedPoint.SpeedUp)
//	Problem.Trial(W, grad)  the finite trial by the exact recursion, its
//	                        loss and its gradient with respect to W
//	Problem.Kernel(W)       the Gram matrix of the masked outputs' gradients
//	Problem.StepResponse    the closed form (I - M^n) x* of the trial state
//	Problem.Predict(lr, E)  the reduced learning dynamics of SGD: predicted
//	                        loss curves (first-order flow, first-order SGD
//	                        map, and corrected beyond first order), outputs,
//	                        gains, and (Prediction.DW) the predicted dW
//	ExpectedSpeedUp(g)      1 / (1 - g^2)^2
//	AveragedSpeedUp(W)      (tr(B B^T)/N)^2, the speed-up averaged over
//	                        input and readout directions
//	EpochsToFraction        the first-order learning time
//
// # Example
//
//	task := tasks.NewFixedPoint(0.5)
//	task.TargetAmp = 0.5
//	cfg := rnn.DefaultConfig(1024, 1, 1)
//	cfg.Phi, cfg.G, cfg.Train = "id", 0.5, []string{"wrec"}
//	m, _ := rnn.New(cfg, seed)
//	p, _ := theory.FromTask(m, task)
//	pred, _ := p.Predict(0.015*(1-0.25)*(1-0.25), 200)
//	left, right := pred.Fixed.Direction()   // first-order dW direction
//	_, l2, r2, _ := pred.DW(200)            // corrected direction at the end
//	// pred.Loss[e-1] is the predicted loss logged at epoch e.
package theory
