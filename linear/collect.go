package linear

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/internal/cells"
)

// Collect reads every cell of the experiment in dir and writes summary.csv
// and summary.json. Their content depends only on the cells' results, in
// the fixed cell order. A missing cell is an error naming it.
func Collect(dir string) error {
	spec, err := LoadSpec(dir)
	if err != nil {
		return fmt.Errorf("linear experiment %s: %w", dir, err)
	}
	results, err := ReadCells(dir, spec)
	if err != nil {
		return err
	}
	return cells.WriteSummary(dir, SummaryCSVBytes(results), results)
}

// ReadCells reads cell.json of every cell in the experiment's order.
func ReadCells(dir string, spec Spec) ([]*CellResult, error) {
	return cells.Read[Cell, CellResult]("linear experiment", dir, spec.Cells(), "run the experiment first")
}

// ReadCell reads one cell's cell.json from its run directory.
func ReadCell(runDir string) (*CellResult, error) {
	b, err := os.ReadFile(filepath.Join(runDir, CellFile))
	if err != nil {
		return nil, err
	}
	var r CellResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("cell.json is corrupt: %w", err)
	}
	return &r, nil
}

// CellDir returns the run directory of a cell result inside dir.
func CellDir(dir string, r *CellResult) string {
	return filepath.Join(dir, CellsDir, Cell{GIndex: r.GIndex, TargetIndex: r.TargetIndex, Sample: r.Sample}.Name())
}

// SummaryCSVBytes formats the cells as CSV, one row per (g, target,
// sample): identity and training columns, the simulation's measurements and
// (for the fixed-point task) the theory's prediction and the comparison.
// Numbers use the shortest form that reads back exactly; missing values
// are empty.
func SummaryCSVBytes(results []*CellResult) []byte {
	var b bytes.Buffer
	cols := []string{"g", "target", "base_rate", "lr", "sample", "seed", "status", "epochs_done",
		"loss_init", "loss_final", "norm_dw"}
	for i := 1; i <= TopK; i++ {
		cols = append(cols, fmt.Sprintf("sv%d", i))
	}
	cols = append(cols, "share1", "share2", "epochs_to_1pct", "blow_up_epoch",
		"chi", "speed_up", "expected_speed_up", "averaged_speed_up", "kappa0",
		"pred_epochs_to_1pct", "pred_epochs_to_1pct_first",
		"overlap_first_left", "overlap_first_right", "overlap_left", "overlap_right",
		"rms_first", "rms", "rms_flow", "pred_dw_sigma", "pred_dw_norm_first",
		"pred_gain_doubled", "pred_diverged", "theory_error")
	b.WriteString(strings.Join(cols, ",") + "\n")
	for _, r := range results {
		row := []string{num(r.G), num(r.Target), num(r.BaseRate), num(r.LR), strconv.Itoa(r.Sample),
			strconv.FormatUint(r.Seed, 10), r.Status, strconv.Itoa(r.EpochsDone),
			csvNum(float64(r.LossInit)), csvNum(float64(r.LossFinal)), csvNum(float64(r.NormDW))}
		for i := 0; i < TopK; i++ {
			if i < len(r.SV) {
				row = append(row, csvNum(float64(r.SV[i])))
			} else {
				row = append(row, "")
			}
		}
		row = append(row, csvNum(float64(r.Share1)), csvNum(float64(r.Share2)), csvNum(float64(r.EpochsTo1)),
			strconv.Itoa(r.BlowUp))
		if t := r.Theory; t != nil {
			for _, x := range []Num{t.Chi, t.SpeedUp, t.ExpectedSpeedUp, t.AveragedSpeedUp, t.Kappa0,
				t.EpochsTo1, t.EpochsTo1First, t.OverlapFirstLeft, t.OverlapFirstRight, t.OverlapLeft, t.OverlapRight,
				t.RMSFirst, t.RMS, t.RMSFlow, t.DWSigma, t.DWNormFirst} {
				row = append(row, csvNum(float64(x)))
			}
			row = append(row, strconv.Itoa(t.GainDoubled), strconv.Itoa(t.Diverged), csvQuote(t.Error))
		} else {
			row = append(row, make([]string, 19)...)
		}
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	return b.Bytes()
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func csvQuote(s string) string {
	if s == "" {
		return ""
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
