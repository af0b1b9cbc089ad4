package sst

import (
	"fmt"
	"path/filepath"
)

// Split names one of the three files of the SST release.
type Split string

// The splits of the release, read from <dir>/<split>.txt.
const (
	Train Split = "train"
	Dev   Split = "dev"
	Test  Split = "test"
)

// Splits lists the splits in the release's order.
var Splits = []Split{Train, Dev, Test}

// ParseSplit returns the split called s, or an error listing the allowed
// names.
func ParseSplit(s string) (Split, error) {
	switch Split(s) {
	case Train, Dev, Test:
		return Split(s), nil
	}
	return "", fmt.Errorf("split %q: allowed train, dev, test", s)
}

// File returns the split's file name, e.g. "train.txt".
func (s Split) File() string { return string(s) + ".txt" }

// Example is one labelled token sequence: a sentence (a tree's root) or a
// phrase (a sub-tree).
type Example struct {
	// Tokens are the leaves in order, as written in the file (see
	// Normalization for lower-casing and PTB escapes).
	Tokens []string
	// Label is the fine-grained label 0..4, or in the binary view 0
	// (negative) or 1 (positive).
	Label int
}

// Options selects the view of the trees that Examples and Load return.
type Options struct {
	// Binary is the SST-2 view: neutral examples (label 2) are dropped,
	// labels 0 and 1 become 0 (negative), 3 and 4 become 1 (positive).
	Binary bool
	// Phrases adds every proper sub-tree of every tree as an example after
	// its sentence (pre-order), as torchtext's SST with subtrees=True;
	// leaves are phrases of one word. Phrases repeated across sentences
	// are kept, as torchtext keeps them.
	Phrases bool
}

// BinaryLabel maps a fine-grained label to the SST-2 label: 0 for 0 and 1,
// 1 for 3 and 4; ok is false for the neutral label 2 (and invalid labels).
func BinaryLabel(label int) (y int, ok bool) {
	switch label {
	case 0, 1:
		return 0, true
	case 3, 4:
		return 1, true
	}
	return 0, false
}

// Examples returns the examples of trees in the view opt: one per tree
// (the sentence), plus one per proper sub-tree with opt.Phrases, minus the
// neutral ones with opt.Binary.
func Examples(trees []*Tree, opt Options) []Example {
	var out []Example
	add := func(t *Tree) {
		label := t.Label
		if opt.Binary {
			y, ok := BinaryLabel(label)
			if !ok {
				return
			}
			label = y
		}
		out = append(out, Example{Tokens: t.Leaves(), Label: label})
	}
	for _, t := range trees {
		add(t)
		if !opt.Phrases {
			continue
		}
		t.Walk(func(n *Tree) bool {
			if n != t {
				add(n)
			}
			return true
		})
	}
	return out
}

// Load reads the split's file from dir (see DataDir) and returns its
// examples in the view opt.
func Load(dir string, split Split, opt Options) ([]Example, error) {
	if _, err := ParseSplit(string(split)); err != nil {
		return nil, err
	}
	trees, err := ReadTreeFile(filepath.Join(dir, split.File()))
	if err != nil {
		return nil, err
	}
	return Examples(trees, opt), nil
}
