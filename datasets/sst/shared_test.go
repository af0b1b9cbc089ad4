package sst

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
)

// TestSharedDataRoundTrip parses every line of the real release, checks
// the tree counts and the SST-2 counts of the README, and prints every
// tree back to exactly its line.
func TestSharedDataRoundTrip(t *testing.T) {
	dir := sharedDir(t)
	if err := Verify(dir); err != nil {
		t.Errorf("Verify: %v", err)
	}
	for _, fi := range Files {
		path := filepath.Join(dir, fi.Split.File())
		trees, err := ReadTreeFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(trees) != fi.Trees {
			t.Errorf("%s: %d trees, want %d", fi.Split, len(trees), fi.Trees)
		}
		if n := len(Examples(trees, Options{Binary: true})); n != fi.Binary {
			t.Errorf("%s: %d binary sentences, want %d", fi.Split, n, fi.Binary)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, MaxLineBytes)
		i, bad := 0, 0
		for sc.Scan() {
			if i < len(trees) && trees[i].String() != sc.Text() {
				if bad++; bad <= 3 {
					t.Errorf("%s:%d: printed %q, line %q", fi.Split, i+1, trees[i].String(), sc.Text())
				}
			}
			i++
		}
		f.Close()
		if i != len(trees) {
			t.Errorf("%s: %d lines, %d trees", fi.Split, i, len(trees))
		}
		// Every label is 0..4, every tree binary (SST's trees are), and
		// the phrase view holds one example per node.
		nodes := 0
		for _, tr := range trees {
			tr.Walk(func(n *Tree) bool {
				nodes++
				if n.Label < 0 || n.Label > 4 || (!n.IsLeaf() && len(n.Children) != 2) || (n.IsLeaf() && n.Word == "") {
					t.Fatalf("%s: bad node %+v", fi.Split, n)
				}
				return true
			})
		}
		if n := len(Examples(trees, Options{Phrases: true})); n != nodes {
			t.Errorf("%s: %d phrase examples, %d nodes", fi.Split, n, nodes)
		}
	}
}

// TestSharedDataPipeline builds the vocabulary of the training split and
// batches every split: no token is lost, no sentence is empty, the
// padding stays small, and the tokens of the training split are all known.
func TestSharedDataPipeline(t *testing.T) {
	dir := sharedDir(t)
	train, err := Load(dir, Train, Options{Binary: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := BuildVocab(train, VocabOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vl, err := BuildVocab(train, VocabOptions{Norm: Normalization{Lowercase: true, UnescapePTB: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SST-2 train vocabulary: %d ids as written, %d lower-cased and unescaped", v.Len(), vl.Len())
	if v.Len() < 10000 || vl.Len() >= v.Len() {
		t.Errorf("vocabulary sizes %d, %d", v.Len(), vl.Len())
	}
	if v.Word(2) != "the" && v.Word(2) != "," && v.Word(2) != "." {
		t.Errorf("most frequent word %q", v.Word(2))
	}
	for _, s := range Splits {
		exs, err := Load(dir, s, Options{Binary: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := Encode(v, exs)
		if err != nil {
			t.Fatal(err)
		}
		if s == Train && d.Unknown != 0 {
			t.Errorf("train: %d unknown tokens with min frequency 1", d.Unknown)
		}
		t.Logf("%s: %d sentences, %d tokens, %d unknown, longest %d", s, d.Len(), d.Tokens, d.Unknown, d.MaxLen())
		bb, err := NewBatcher(d, BatcherOptions{BatchSize: 64, Shuffle: s == Train, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		batches := bb.Epoch(1)
		checkEpoch(t, d, batches, 64)
		cells := 0
		for _, b := range batches {
			cells += b.B * b.T
		}
		if pad := 1 - float64(d.Tokens)/float64(cells); pad > 0.1 {
			t.Errorf("%s: %.1f%% of the batch cells are padding", s, 100*pad)
		}
	}
	// A smaller vocabulary maps the rare words to <unk>.
	small, err := BuildVocab(train, VocabOptions{MaxSize: 1000, MinFreq: 2})
	if err != nil || small.Len() != 1002 {
		t.Fatalf("small vocabulary: %d ids, %v", small.Len(), err)
	}
	if small.Word(2) != v.Word(2) || small.ID("gorgeously-rare-token") != UnkID {
		t.Error("unknown word not mapped to <unk>")
	}
}
