// Package datasets holds the data types shared by every data set of rnnlab.
//
// A Batch is the unit of data that a model sees: B trials of T time steps,
// each with an input vector of Din entries, a target vector of Dout entries
// and a mask of Dout entries that says which target entries count in the
// loss. Arrays are stored flat in row-major [B, T, D] order, the layout that
// NumPy and PyTorch use for batch-first sequences, so a batch written to an
// .npz file reads back in either framework without transposition.
//
// The generators of the paper's neuroscience tasks live in the sub-package
// tasks; the Stanford Sentiment Treebank in the sub-package sst.
package datasets
