package main

// The models the command line knows: each registers itself with the zoo.
// A new model needs one line here.
import (
	_ "github.com/rnnlab/rnnlab/models/elman"
	_ "github.com/rnnlab/rnnlab/models/gru"
	_ "github.com/rnnlab/rnnlab/models/rnn"
)
