package trainers

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/rnnlab/rnnlab/models"
)

// Progress is a hook that shows training progress: a progress bar with
// epoch, loss, iterations per second and time left when w is a terminal;
// otherwise a plain log line at every tenth of the run and whenever
// Interval has passed since the last line, so that logs of batch jobs stay
// readable.
type Progress struct {
	w     io.Writer
	desc  string
	bar   *progressbar.ProgressBar
	start time.Time
	last  time.Time
	every int
	// Interval is the longest time between two log lines.
	Interval time.Duration
	// Done is the number of epochs trained before this run (resuming).
	Done int
}

var (
	_ Hook    = (*Progress)(nil)
	_ Starter = (*Progress)(nil)
)

// NewProgress returns a progress hook writing to w, each line or bar
// labelled desc.
func NewProgress(w io.Writer, desc string) *Progress {
	return &Progress{w: w, desc: desc, Interval: 30 * time.Second}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Start sets up the bar for the given number of epochs.
func (p *Progress) Start(_ *models.Params, epochs int) error {
	p.start, p.last = time.Now(), time.Now()
	p.every = max(epochs/10, 1)
	if IsTerminal(p.w) {
		p.bar = progressbar.NewOptions(epochs,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.desc),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("it"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
		if p.Done > 0 {
			p.bar.Set(p.Done)
		}
	}
	return nil
}

// OnEpoch advances the bar or writes a log line.
func (p *Progress) OnEpoch(ev Event) error {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s loss %.3e", p.desc, ev.Loss))
		return p.bar.Add(1)
	}
	now := time.Now()
	if ev.Epoch%p.every != 0 && ev.Epoch != ev.Epochs && now.Sub(p.last) < p.Interval {
		return nil
	}
	p.last = now
	el := now.Sub(p.start)
	rate := float64(ev.Epoch-p.Done) / el.Seconds()
	eta := time.Duration(float64(ev.Epochs-ev.Epoch) / rate * float64(time.Second))
	_, err := fmt.Fprintf(p.w, "%s epoch %d/%d loss %.4e grad_norm %.3e %.1f it/s elapsed %s eta %s\n",
		p.desc, ev.Epoch, ev.Epochs, ev.Loss, ev.GradNorm, rate,
		el.Round(time.Second), eta.Round(time.Second))
	return err
}
