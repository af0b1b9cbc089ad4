package sentiment

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/internal/fileio"
)

// metricsHeader is the header of metrics.csv.
const metricsHeader = "epoch,train_loss,train_acc,dev_loss,dev_acc,seconds"

// EpochMetrics holds one row per completed epoch, as metrics.csv does.
type EpochMetrics struct {
	// Epoch counts passes over the training split from 1.
	Epoch []int
	// TrainLoss is the mean training loss of the epoch's batches (with
	// dropout, before each batch's update), weighted by batch size.
	TrainLoss []float64
	// TrainAcc is the accuracy on the epoch's training batches measured
	// (every Config.TrainAccEvery-th), each in evaluation mode before its
	// update; NaN when the run did not measure it.
	TrainAcc []float64
	// DevLoss and DevAcc are the loss and accuracy on the development split
	// after the epoch.
	DevLoss, DevAcc []float64
	// Seconds is the wall time from the start of training to the end of
	// the epoch's evaluation.
	Seconds []float64
}

// Len returns the number of epochs recorded.
func (m *EpochMetrics) Len() int { return len(m.Epoch) }

func (m *EpochMetrics) add(epoch int, trainLoss, trainAcc, devLoss, devAcc, seconds float64) {
	m.Epoch = append(m.Epoch, epoch)
	m.TrainLoss = append(m.TrainLoss, trainLoss)
	m.TrainAcc = append(m.TrainAcc, trainAcc)
	m.DevLoss = append(m.DevLoss, devLoss)
	m.DevAcc = append(m.DevAcc, devAcc)
	m.Seconds = append(m.Seconds, seconds)
}

// CSV returns the metrics as CSV with the header
// epoch,train_loss,train_acc,dev_loss,dev_acc,seconds, numbers at full
// precision and an empty field for a value not measured (NaN).
func (m *EpochMetrics) CSV() []byte {
	var b bytes.Buffer
	b.WriteString(metricsHeader + "\n")
	f := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for i, e := range m.Epoch {
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s,%s\n", e, f(m.TrainLoss[i]), f(m.TrainAcc[i]),
			f(m.DevLoss[i]), f(m.DevAcc[i]), strconv.FormatFloat(m.Seconds[i], 'f', 3, 64))
	}
	return b.Bytes()
}

// WriteCSV writes the metrics to path atomically.
func (m *EpochMetrics) WriteCSV(path string) error { return fileio.WriteFile(path, m.CSV()) }

// ParseEpochMetrics reads metrics written by CSV (an empty field is NaN).
func ParseEpochMetrics(data []byte) (*EpochMetrics, error) {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != metricsHeader {
		return nil, fmt.Errorf("metrics: header is not %s", metricsHeader)
	}
	m := &EpochMetrics{}
	num := func(s string) (float64, error) {
		if s == "" {
			return math.NaN(), nil
		}
		return strconv.ParseFloat(s, 64)
	}
	for i, line := range lines[1:] {
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) != 6 {
			return nil, fmt.Errorf("metrics: line %d: want 6 fields, got %d", i+2, len(f))
		}
		e, err := strconv.Atoi(f[0])
		var v [5]float64
		errs := []error{err}
		for j := range v {
			v[j], err = num(f[j+1])
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("metrics: line %d: %w", i+2, err)
		}
		m.add(e, v[0], v[1], v[2], v[3], v[4])
	}
	return m, nil
}

// ReadMetrics reads the metrics.csv of a run directory.
func ReadMetrics(dir string) (*EpochMetrics, error) {
	b, err := os.ReadFile(runFile(dir, MetricsFile))
	if err != nil {
		return nil, err
	}
	return ParseEpochMetrics(b)
}
