package sweep

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/internal/cells"
)

// Collect reads every cell of the sweep in dir and writes summary.csv and
// summary.json. Their content depends only on the cells' results, in the
// sweep's fixed cell order, so that shards collected together give the
// same bytes as a single-process sweep. A missing cell is an error naming
// it.
func Collect(dir string) error {
	spec, err := LoadSpec(dir)
	if err != nil {
		return fmt.Errorf("sweep %s: %w", dir, err)
	}
	results, err := ReadCells(dir, spec)
	if err != nil {
		return err
	}
	for _, r := range results { // provenance stays in each cell.json
		r.GemmKernel = ""
	}
	return cells.WriteSummary(dir, SummaryCSVBytes(results, spec), results)
}

// ReadCells reads cell.json of every cell in the sweep's order.
func ReadCells(dir string, spec Spec) ([]*CellResult, error) {
	out, err := cells.Read[Cell, CellResult]("sweep", dir, spec.Cells(), "run the sweep (or its missing shards) first")
	if err != nil {
		return nil, err
	}
	for i, r := range out {
		if r.Analysis == nil {
			return nil, fmt.Errorf("cell %s: cell.json has no analysis", spec.Cells()[i].Name())
		}
	}
	return out, nil
}

// SummaryCSVBytes formats the cells as CSV: identity and training columns,
// test losses, norms, the top singular values of dW (sv1..) and their
// cumulative shares of ||dW||^2 (share1..), the truncation losses (R0..),
// the shuffle loss and the alignments. Numbers use the shortest form that
// reads back exactly.
func SummaryCSVBytes(results []*CellResult, spec Spec) []byte {
	var b bytes.Buffer
	cols := []string{"g", "sample", "seed", "status", "epochs_done", "train_loss_first", "train_loss_last",
		"loss_init", "loss_final", "norm_w0", "norm_w", "norm_dw", "spec_dw"}
	for i := 1; i <= spec.Analysis.TopK; i++ {
		cols = append(cols, fmt.Sprintf("sv%d", i))
	}
	for i := 1; i <= spec.Analysis.TopK; i++ {
		cols = append(cols, fmt.Sprintf("share%d", i))
	}
	for r := 0; r <= spec.Analysis.MaxRank; r++ {
		cols = append(cols, fmt.Sprintf("trunc_R%d", r))
	}
	cols = append(cols, "shuffle_loss", "align_left", "align_right", "align_left_random", "align_right_random")
	b.WriteString(strings.Join(cols, ",") + "\n")
	for _, r := range results {
		a := r.Analysis
		row := []string{num(r.G), strconv.Itoa(r.Sample), strconv.FormatUint(r.Seed, 10), r.Status,
			strconv.Itoa(r.EpochsDone), num(r.TrainLossFirst), num(r.TrainLossLast),
			num(a.LossInit), num(a.LossFinal), num(a.NormW0), num(a.NormW), num(a.NormDW), num(a.SpecDW)}
		row = append(row, padded(a.SV, spec.Analysis.TopK)...)
		row = append(row, padded(a.Share, spec.Analysis.TopK)...)
		row = append(row, padded(a.Truncation, spec.Analysis.MaxRank+1)...)
		row = append(row, num(a.ShuffleLoss), num(a.AlignLeft), num(a.AlignRight), num(a.AlignLeftRandom), num(a.AlignRightRandom))
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	return b.Bytes()
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// padded formats x as n columns, empty where x is shorter.
func padded(x []float64, n int) []string {
	out := make([]string, n)
	for i := range out {
		if i < len(x) {
			out[i] = num(x[i])
		}
	}
	return out
}
