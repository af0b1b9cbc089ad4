package sentiment

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/rnnlab/rnnlab/models/lstm"
	"github.com/rnnlab/rnnlab/trainers"
)

// epochProgress shows training progress: on a terminal a bar per epoch
// (batches done, running loss and accuracy, time left); otherwise a log
// line whenever logInterval has passed within an epoch and one at the end
// of every epoch with the development numbers. A nil writer shows nothing.
type epochProgress struct {
	w              io.Writer
	label          string
	epochs, nb     int
	bar            *progressbar.ProgressBar
	epochStart     time.Time
	last           time.Time
	epoch          int
	loss, accuracy float64
	done           int
}

// logInterval is the time between two log lines within an epoch when the
// output is not a terminal.
var logInterval = 30 * time.Second

func newEpochProgress(w io.Writer, label string, epochs, nb int) *epochProgress {
	return &epochProgress{w: w, label: label, epochs: epochs, nb: nb}
}

func (p *epochProgress) startEpoch(epoch int) {
	if p.w == nil {
		return
	}
	p.epoch, p.epochStart, p.last, p.done = epoch, time.Now(), time.Now(), 0
	if trainers.IsTerminal(p.w) {
		p.bar = progressbar.NewOptions(p.nb,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("%s epoch %d/%d", p.label, epoch, p.epochs)),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("batch"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
}

// step reports that batch done (from 1) of the epoch finished, with the
// epoch's running training loss and accuracy (NaN: not measured).
func (p *epochProgress) step(done int, loss, acc float64) {
	if p.w == nil {
		return
	}
	p.done, p.loss, p.accuracy = done, loss, acc
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s epoch %d/%d loss %.4f%s", p.label, p.epoch, p.epochs, loss, accText(" acc", acc)))
		p.bar.Add(1)
		return
	}
	now := time.Now()
	if done == p.nb || now.Sub(p.last) < logInterval {
		return
	}
	p.last = now
	el := now.Sub(p.epochStart)
	eta := time.Duration(float64(el) / float64(done) * float64(p.nb-done))
	fmt.Fprintf(p.w, "%s epoch %d/%d batch %d/%d: loss %.4f%s, %.2f s/batch, epoch eta %s\n",
		p.label, p.epoch, p.epochs, done, p.nb, loss, accText(" acc", acc),
		el.Seconds()/float64(done), eta.Round(time.Second))
}

// endEpoch prints the epoch's summary line.
func (p *epochProgress) endEpoch(epoch int, loss, acc float64, dev lstm.Metrics, elapsed time.Duration) {
	if p.w == nil {
		return
	}
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
	left := time.Duration(float64(elapsed) / float64(epoch) * float64(p.epochs-epoch))
	fmt.Fprintf(p.w, "%s epoch %d/%d: train loss %.4f%s | dev loss %.4f acc %.4f | %s elapsed, %s left\n",
		p.label, epoch, p.epochs, loss, accText(" acc", acc), dev.Loss, dev.Accuracy,
		elapsed.Round(time.Second), left.Round(time.Second))
}

// abort ends a bar left open by an interrupted epoch.
func (p *epochProgress) abort() {
	if p.bar != nil {
		p.bar.Exit()
		fmt.Fprintln(p.w)
		p.bar = nil
	}
}

func accText(prefix string, acc float64) string {
	if math.IsNaN(acc) {
		return ""
	}
	return fmt.Sprintf("%s %.4f", prefix, acc)
}
