package sentiment

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/models"
)

// ptbTree writes tokens as a right-branching PTB tree whose nodes all
// carry label (leaves are neutral).
func ptbTree(label int, toks []string) string {
	if len(toks) == 1 {
		return fmt.Sprintf("(%d %s)", label, toks[0])
	}
	return fmt.Sprintf("(%d (2 %s) %s)", label, toks[0], ptbTree(label, toks[1:]))
}

// writeTinySST writes a made-up SST in PTB format into a new directory:
// sentences of 2 to 6 tokens with one sentiment word each, labels 0, 1, 3,
// 4 (and a few neutral ones that SST-2 drops); train has nTrain
// non-neutral sentences, dev and test 8 each.
func writeTinySST(t testing.TB, nTrain int) string {
	t.Helper()
	dir := t.TempDir()
	pos := []string{"good", "great", "fine", "lovely", "superb"}
	neg := []string{"bad", "dull", "awful", "boring", "poor"}
	fill := []string{"the", "film", "is", "a", "movie", "very", "-LRB-", "1\\/2"}
	rng := rand.New(rand.NewPCG(7, 7))
	write := func(name string, n int) {
		var b strings.Builder
		for i := 0; i < n; i++ {
			y := i % 2
			var toks []string
			for range 1 + rng.IntN(5) {
				toks = append(toks, fill[rng.IntN(len(fill))])
			}
			w := neg[rng.IntN(len(neg))]
			label := []int{0, 1}[rng.IntN(2)]
			if y == 1 {
				w, label = pos[rng.IntN(len(pos))], []int{3, 4}[rng.IntN(2)]
			}
			k := rng.IntN(len(toks) + 1)
			toks = append(toks[:k], append([]string{w}, toks[k:]...)...)
			fmt.Fprintln(&b, ptbTree(label, toks))
			if i%5 == 0 { // a neutral sentence, dropped by SST-2
				fmt.Fprintln(&b, ptbTree(2, []string{"the", "film"}))
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("train.txt", nTrain)
	write("dev.txt", 8)
	write("test.txt", 8)
	return dir
}

// tinyConfig is a small network that trains in a fraction of a second per
// epoch on writeTinySST's data.
func tinyConfig(data string) Config {
	c := PaperConfig()
	c.Model.Emb, c.Model.Hidden = 6, 8
	c.Epochs, c.Batch = 2, 4
	c.Dtype = models.Float64
	c.LR0 = 0.5 // Adam lr 0.5/8
	c.Data = data
	return c
}
