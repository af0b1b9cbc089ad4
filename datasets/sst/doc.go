// Package sst reads the Stanford Sentiment Treebank (Socher et al., 2013)
// and prepares it for the sentiment LSTM of claim 6 of Schuessler et al.
// (NeurIPS 2020): SST-2, the sentence-level binary task.
//
// The release trainDevTestTrees_PTB.zip holds train.txt, dev.txt and
// test.txt with one labelled binary parse tree per line, in the Penn
// Treebank bracket format: (3 (2 The) (2 Rock)). Every node carries a
// sentiment label 0..4; the root's is the sentence's.
//
// Files:
//
//	tree.go       Tree: a parsed tree, its leaves, its PTB form
//	parse.go      ParseTree, ReadTrees: the parser; errors name file, line, column
//	examples.go   Example, Options, Load: sentences or phrases, fine-grained or SST-2
//	normalize.go  Normalization: lower case, PTB escapes (-LRB-, \/, ...)
//	vocab.go      Vocab: ids with <pad> = 0 and <unk> = 1, saved as JSON
//	dataset.go    Dataset: examples encoded with a vocabulary
//	batch.go      Batch: padded ids, true lengths, labels, dropout mask
//	batcher.go    Batcher: length-bucketed, seeded, deterministic batches
//	glove.go      LoadGloVe: pretrained word vectors for a vocabulary
//	release.go    the official archive and its files' counts and checksums
//	datadir.go    DataDir: --data flag, RNNLAB_DATA, the cache directory
//	download.go   Download: fetch, verify, unpack atomically
//
// A typical pipeline: DataDir finds the files, Load reads a split with
// Options{Binary: true}, BuildVocab builds the vocabulary of the training
// split (saved with a model, so that evaluation maps tokens to the same
// ids), Encode turns examples into ids, and a Batcher cuts them into
// batches of similar lengths. Sentences are padded at the end; a model
// must take each sentence's final state at its true length (Lengths), as
// PyTorch's packed sequences do, so padding never changes a result.
//
// The SST-2 view drops neutral sentences and maps labels 0, 1 to 0
// (negative) and 3, 4 to 1 (positive): 6920 / 872 / 1821 sentences in
// train / dev / test, out of 8544 / 1101 / 2210 trees.
package sst
