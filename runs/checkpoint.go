package runs

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/trainers"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// CheckpointFile is the checkpoint's index; the arrays are in the .npz
// file it names.
const CheckpointFile = "checkpoint.json"

// checkpointIndex is checkpoint.json: the epoch, the states of the random
// generators and the optimiser's step count, and the .npz file holding the
// parameters, the optimiser's arrays, the metrics and the hooks' records.
// The .npz file is written first under a name of its own, then the index
// atomically, then older .npz files are removed: a crash at any point
// leaves a complete checkpoint.
type checkpointIndex struct {
	Epoch     int    `json:"epoch"`
	Arrays    string `json:"arrays"`
	OptSteps  int    `json:"optimizer_steps"`
	BatchRNG  []byte `json:"batch_rng"`
	NoiseRNG  []byte `json:"noise_rng"`
	Snapshots bool   `json:"snapshots"`
	Spectra   bool   `json:"spectra"`
	Stop      bool   `json:"stop,omitempty"`
	// GemmKernel is the gemm kernel that computed the state.
	GemmKernel string `json:"gemm_kernel,omitempty"`
}

// trainState is what a checkpoint saves and restores.
type trainState struct {
	m        models.Seq
	opt      optim.Optimizer
	batchSrc *rand.PCG
	noiseSrc *rand.PCG
	met      *trainers.Metrics
	snaps    *trainers.Snapshots
	spectra  *trainers.DWSpectra
	// prev holds the parameters before the last update (trainers'
	// Event.Prev), which a diverging resumed run falls back to.
	prev   map[string][]float64
	stop   *trainers.StopAtLoss
	kernel string // the gemm kernel of the loaded checkpoint
}

// save writes a checkpoint of st after epoch (the metrics hold epochs
// 1..epoch) into dir.
func (st *trainState) save(dir string, epoch int) error {
	arrays := map[string]fileio.Array{}
	for _, p := range st.m.Params().All() {
		arrays["w/"+p.Name] = fileio.NewArray(append([]float64(nil), p.W...), p.Shape...)
		if v, ok := st.prev[p.Name]; ok && epoch > 0 {
			arrays["prev/"+p.Name] = fileio.NewArray(append([]float64(nil), v...), p.Shape...)
		}
	}
	idx := checkpointIndex{Epoch: epoch, Arrays: fmt.Sprintf("checkpoint_e%09d.npz", epoch), GemmKernel: fblas.Kernel()}
	if s, ok := st.opt.(optim.Stateful); ok {
		steps, state := s.State()
		idx.OptSteps = steps
		for k, v := range state {
			arrays["opt/"+k] = fileio.NewArray(v, len(v))
		}
	}
	n := st.met.Len()
	ep := make([]float64, n)
	for i, e := range st.met.Epoch {
		ep[i] = float64(e)
	}
	arrays["metrics/epoch"] = fileio.NewArray(ep, n)
	arrays["metrics/loss"] = fileio.NewArray(append([]float64(nil), st.met.Loss...), n)
	arrays["metrics/grad_norm"] = fileio.NewArray(append([]float64(nil), st.met.GradNorm...), n)
	if st.snaps != nil {
		idx.Snapshots = true
		for k, a := range snapshotArrays(st.m, st.snaps) {
			arrays["snap/"+k] = a
		}
	}
	if st.spectra != nil && len(st.spectra.Epochs) > 0 {
		idx.Spectra = true
		for k, a := range SpectraArrays(st.spectra) {
			arrays["spectra/"+k] = a
		}
	}
	if st.stop != nil {
		idx.Stop = true
		for k, a := range stopArrays(st.stop) {
			arrays["stop/"+k] = a
		}
	}
	var err error
	if idx.BatchRNG, err = st.batchSrc.MarshalBinary(); err != nil {
		return err
	}
	if idx.NoiseRNG, err = st.noiseSrc.MarshalBinary(); err != nil {
		return err
	}
	if err := fileio.WriteNPZ(filepath.Join(dir, idx.Arrays), arrays); err != nil {
		return err
	}
	if err := fileio.WriteJSON(filepath.Join(dir, CheckpointFile), idx); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "checkpoint_e*.npz"))
	for _, f := range old {
		if filepath.Base(f) != idx.Arrays {
			os.Remove(f)
		}
	}
	return nil
}

// load restores st from the checkpoint in dir and returns its epoch.
func (st *trainState) load(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return 0, err
	}
	var idx checkpointIndex
	if err := json.Unmarshal(b, &idx); err != nil {
		return 0, fmt.Errorf("checkpoint.json is corrupt: %w", err)
	}
	st.kernel = idx.GemmKernel
	arrays, err := fileio.ReadNPZ(filepath.Join(dir, idx.Arrays))
	if err != nil {
		return 0, fmt.Errorf("checkpoint arrays: %w", err)
	}
	for k := range arrays {
		if name, ok := strings.CutPrefix(k, "w/"); ok && st.m.Params().Get(name) == nil {
			return 0, fmt.Errorf("checkpoint holds parameter %s, which this run's model does not have (a checkpoint of another model?)", name)
		}
	}
	for _, p := range st.m.Params().All() {
		a, ok := arrays["w/"+p.Name]
		if !ok || len(a.Data) != p.Len() {
			return 0, fmt.Errorf("checkpoint: parameter %s missing or of the wrong size", p.Name)
		}
		copy(p.W, a.Data)
		if a, ok := arrays["prev/"+p.Name]; ok && len(a.Data) == p.Len() {
			if st.prev == nil {
				st.prev = map[string][]float64{}
			}
			st.prev[p.Name] = a.Data
		}
	}
	if s, ok := st.opt.(optim.Stateful); ok {
		state := map[string][]float64{}
		for k, a := range arrays {
			if rest, ok := strings.CutPrefix(k, "opt/"); ok {
				state[rest] = a.Data
			}
		}
		if err := s.SetState(idx.OptSteps, state); err != nil {
			return 0, fmt.Errorf("checkpoint: %w", err)
		}
	}
	ep, loss, gn := arrays["metrics/epoch"], arrays["metrics/loss"], arrays["metrics/grad_norm"]
	if len(ep.Data) != idx.Epoch || len(loss.Data) != idx.Epoch || len(gn.Data) != idx.Epoch {
		return 0, fmt.Errorf("checkpoint: metrics of %d epochs for epoch %d", len(ep.Data), idx.Epoch)
	}
	for i := range ep.Data {
		st.met.Epoch = append(st.met.Epoch, int(ep.Data[i]))
		st.met.Loss = append(st.met.Loss, loss.Data[i])
		st.met.GradNorm = append(st.met.GradNorm, gn.Data[i])
	}
	if st.snaps != nil && idx.Snapshots {
		epochs := arrays["snap/epochs"].Data
		for i, e := range epochs {
			s := trainers.Snapshot{Epoch: int(e), Values: map[string][]float64{}}
			for _, p := range st.m.Params().All() {
				a := arrays["snap/"+p.Name]
				s.Values[p.Name] = append([]float64(nil), a.Data[i*p.Len():(i+1)*p.Len()]...)
			}
			st.snaps.Taken = append(st.snaps.Taken, s)
		}
	}
	if st.spectra != nil && idx.Spectra {
		st.spectra.Values = map[string][][]float64{}
		for _, e := range arrays["spectra/epochs"].Data {
			st.spectra.Epochs = append(st.spectra.Epochs, int(e))
		}
		for k, a := range arrays {
			name, ok := strings.CutPrefix(k, "spectra/")
			if !ok || name == "epochs" {
				continue
			}
			cols := a.Shape[1]
			for i := 0; i < a.Shape[0]; i++ {
				st.spectra.Values[name] = append(st.spectra.Values[name], append([]float64(nil), a.Data[i*cols:(i+1)*cols]...))
			}
		}
	}
	if st.stop != nil && idx.Stop {
		if err := loadStopArrays(st.stop, arrays["stop/epoch"], arrays["stop/loss"]); err != nil {
			return 0, fmt.Errorf("checkpoint: %w", err)
		}
	}
	if err := st.batchSrc.UnmarshalBinary(idx.BatchRNG); err != nil {
		return 0, fmt.Errorf("checkpoint: batch generator: %w", err)
	}
	if err := st.noiseSrc.UnmarshalBinary(idx.NoiseRNG); err != nil {
		return 0, fmt.Errorf("checkpoint: noise generator: %w", err)
	}
	return idx.Epoch, nil
}

// checkpointHook saves a checkpoint every Every epochs (not at the last
// epoch: the run's outputs follow right after).
type checkpointHook struct {
	every int
	dir   string
	st    *trainState
}

func (h *checkpointHook) OnEpoch(ev trainers.Event) error {
	if ev.Epoch%h.every == 0 && ev.Epoch != ev.Epochs {
		h.st.prev = ev.Prev
		return h.st.save(h.dir, ev.Epoch)
	}
	return nil
}
