// Package reproduce runs the paper's experiments end to end and writes a
// report that states, for each of the six claims of Schuessler et al.
// (NeurIPS 2020, arXiv:2006.11036; Paper), the evidence measured in the
// run next to the authors' numbers and a verdict computed from the data.
//
// A Preset names the experiments: the nonlinear sweeps of package sweep
// (flip-flop, Mante, Romo; claims 1 to 4), the linear experiment of
// package linear (claim 5) and, when the SST data is present, an LSTM
// trained by package sentiment and its truncation analysis (claim 6).
// Run executes them one stage after the other, each in a directory of its
// own under the output directory:
//
//	DIR/sweep_flipflop, DIR/sweep_mante, DIR/sweep_romo   sweeps (cells/, summary.*, figures/)
//	DIR/linear                                            linear experiment
//	DIR/sentiment                                         LSTM run and truncation.json
//	DIR/report.md, DIR/report.html, DIR/report.json       the report
//
// Every stage resumes: a sweep or linear cell that finished is not trained
// again, an interrupted LSTM run continues from its checkpoint, and a
// stage whose results are complete is only read. Running the same command
// again after a crash, a kill or Ctrl-C therefore finishes the job, and
// running it on a finished directory rewrites the report from the data.
//
// Verdicts are never written by hand: Evaluate reads the results back
// from the directories and applies the criteria stated in each Claim
// (Criterion). A claim whose experiment was skipped is NotRun. The
// criteria are fixed in this package, the same for every preset; the
// report prints them so that a reader can disagree with a threshold and
// still use the numbers. Each claim is judged per network or on an average
// over W0, as the paper states it (Claim.Scope says which, and how many
// networks the verdict rests on); docs/RESULTS.md gives the distributions,
// measured with the authors' code, that fixed each threshold.
//
// Every experiment's base seed is Preset.Seed (SetSeed, `--seed`); it is
// recorded in DIR/reproduce.json and a directory is resumed only with its
// own seed.
package reproduce
