package sst_test

import (
	"fmt"
	"strings"

	"github.com/rnnlab/rnnlab/datasets/sst"
)

// From tree lines to a padded batch of token ids: the SST-2 view drops
// the neutral sentence, the vocabulary is built from the training
// sentences, and the unshuffled batcher sorts by length.
func Example() {
	lines := `(3 (2 The) (4 (3 (2 Rock) (4 shines)) (2 .)))
(2 (2 It) (2 exists))
(1 (2 A) (1 (1 dull) (2 -LRB-sequel-RRB-)))
`
	trees, err := sst.ReadTrees(strings.NewReader(lines), "train.txt")
	if err != nil {
		panic(err)
	}
	train := sst.Examples(trees, sst.Options{Binary: true})
	vocab, _ := sst.BuildVocab(train, sst.VocabOptions{Norm: sst.Normalization{Lowercase: true}})
	data, _ := sst.Encode(vocab, train)
	batcher, _ := sst.NewBatcher(data, sst.BatcherOptions{BatchSize: 2})
	b := batcher.Epoch(1)[0]
	fmt.Println("words:", vocab.Words())
	fmt.Printf("B=%d T=%d lengths=%v labels=%v\n", b.B, b.T, b.Lengths, b.Labels)
	for r := 0; r < b.B; r++ {
		fmt.Println(b.IDs[r*b.T : (r+1)*b.T])
	}
	// Output:
	// words: [<pad> <unk> -lrb-sequel-rrb- . a dull rock shines the]
	// B=2 T=4 lengths=[3 4] labels=[0 1]
	// [4 5 2 0]
	// [8 6 7 3]
}
