package lstm_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/lstm"
)

// A small sentiment LSTM on two SST-2 sentences: the loss of a training
// batch (with dropout) and its gradient, then the loss and accuracy of
// the same batch in evaluation mode.
func Example() {
	trees, err := sst.ReadTrees(strings.NewReader(
		"(4 (2 A) (4 (3 (2 lovely) (2 film)) (2 .)))\n(0 (2 So) (0 (0 dull) (2 .)))\n"), "train.txt")
	if err != nil {
		panic(err)
	}
	exs := sst.Examples(trees, sst.Options{Binary: true})
	vocab, _ := sst.BuildVocab(exs, sst.VocabOptions{})
	data, _ := sst.Encode(vocab, exs)
	batcher, _ := sst.NewBatcher(data, sst.BatcherOptions{BatchSize: 2})
	batch := batcher.Epoch(1)[0]

	cfg := lstm.DefaultConfig(vocab.Len())
	cfg.Emb, cfg.Hidden = 8, 16
	m, _ := lstm.New(cfg, 1)
	eng, _ := lstm.NewAutodiff(m, models.Float64)

	m.DrawDropout(rand.New(rand.NewPCG(1, 2)), batch)
	loss, _ := eng.LossGrad(batch)
	fmt.Printf("training loss %.4f, |grad| %.4f\n", loss, m.Params.GradNorm())

	batch.DropoutMask = nil
	res, _ := lstm.Evaluate(eng, []*sst.Batch{batch})
	fmt.Printf("eval loss %.4f, accuracy %.2f over %d sentences\n", res.Loss, res.Accuracy, res.N)
	fmt.Println(m.Params.Names()[:5])
	// Output:
	// training loss 0.7190, |grad| 0.1929
	// eval loss 0.7025, accuracy 0.50 over 2 sentences
	// [encoder.weight rnn.weight_ih_l0 rnn.weight_hh_l0 rnn.bias_ih_l0 rnn.bias_hh_l0]
}
