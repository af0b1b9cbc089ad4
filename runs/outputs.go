package runs

import (
	"path/filepath"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/trainers"
)

// writeOutputs writes what a finished (or stopped) run leaves in dir:
// metrics, final weights, snapshots and dW spectra when recorded, and
// result.json last.
func writeOutputs(dir string, m models.Seq, met *trainers.Metrics, st *trainState, res *Result) error {
	snaps, spectra := st.snaps, st.spectra
	if met == nil {
		met = &trainers.Metrics{}
	}
	if err := met.WriteCSV(filepath.Join(dir, MetricsFile)); err != nil {
		return err
	}
	if err := fileio.WriteNPZ(filepath.Join(dir, WeightsFinalFile), WeightArrays(m.Params(), false)); err != nil {
		return err
	}
	if snaps != nil && len(snaps.Taken) > 0 {
		if err := fileio.WriteNPZ(filepath.Join(dir, SnapshotsFile), snapshotArrays(m, snaps)); err != nil {
			return err
		}
	}
	if spectra != nil && len(spectra.Epochs) > 0 {
		if err := fileio.WriteNPZ(filepath.Join(dir, SpectraFile), SpectraArrays(spectra)); err != nil {
			return err
		}
	}
	if st.stop != nil {
		if err := writeStopChecks(filepath.Join(dir, StopFile), st.stop); err != nil {
			return err
		}
	}
	return fileio.WriteJSON(filepath.Join(dir, ResultFile), res)
}

// SpectraArrays stacks recorded dW spectra: "epochs" [S] and per matrix an
// array [S, min(rows, cols)] of singular values.
func SpectraArrays(s *trainers.DWSpectra) map[string]fileio.Array {
	n := len(s.Epochs)
	ep := make([]float64, n)
	for i, e := range s.Epochs {
		ep[i] = float64(e)
	}
	out := map[string]fileio.Array{"epochs": fileio.NewArray(ep, n)}
	for name, vals := range s.Values {
		k := len(vals[0])
		data := make([]float64, 0, n*k)
		for _, v := range vals {
			data = append(data, v...)
		}
		out[name] = fileio.NewArray(data, n, k)
	}
	return out
}

// snapshotArrays stacks the snapshots: "epochs" [S] and per parameter an
// array [S, shape...].
func snapshotArrays(m models.Seq, s *trainers.Snapshots) map[string]fileio.Array {
	n := len(s.Taken)
	ep := make([]float64, n)
	for i, t := range s.Taken {
		ep[i] = float64(t.Epoch)
	}
	out := map[string]fileio.Array{"epochs": fileio.NewArray(ep, n)}
	for _, p := range m.Params().All() {
		data := make([]float64, 0, n*p.Len())
		for _, t := range s.Taken {
			data = append(data, t.Values[p.Name]...)
		}
		out[p.Name] = fileio.NewArray(data, append([]int{n}, p.Shape...)...)
	}
	return out
}
