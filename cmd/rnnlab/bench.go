package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/bench"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/zoo"
	"github.com/rnnlab/rnnlab/runs"
)

func newBenchCmd() *cobra.Command {
	var (
		taskList, engineList, dtypeList, child string
		model                                  string
		iters, warmup                          int
		asJSON, noRSS, lstmTiny                bool
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time the engines side by side on the paper's workloads",
		Long: `Run one training iteration (batch, loss and gradients, optimiser step) of
every chosen workload in turn, --iters rounds, and print per workload the
time per iteration (median, min, max), its CPU time (median, all threads:
the work, which a busy machine barely changes), GFLOP/s, that rate as a share of the
machine's measured gemm throughput at the workload's dominant shape, heap
allocations per iteration, and the peak resident memory of the workload
run alone in a child process. The BLAS, its threads and the gemm kernel are printed first,
the time ratio of the engines per workload and precision last.

The workloads are the rate RNN tasks at the paper's sizes (flipflop, mante,
romo; also cosine, fixedpoint) and lstm, the sentiment LSTM (2 layers, H
256, E 100, vocabulary 16000, batches of 64 synthetic sentences of 16 to
24 tokens, dropout, Adam; GFLOP/s counts real tokens, not padding).`,
		Example: `  rnnlab bench
  rnnlab bench --tasks flipflop --iters 20 --json
  rnnlab bench --tasks lstm --dtypes float32`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var dtypes []models.Dtype
			for _, d := range splitList(dtypeList) {
				dt, err := models.ParseDtype(d)
				if err != nil {
					return usage(err)
				}
				dtypes = append(dtypes, dt)
			}
			entry, err := zoo.Lookup(model)
			if err != nil {
				return usage(fmt.Errorf("model: %w", err))
			}
			fs := cmd.Flags()
			if model != runs.DefaultModel {
				if !fs.Changed("engines") {
					engineList = strings.Join(entry.Engines(), ",")
				}
				if !fs.Changed("tasks") {
					taskList = "flipflop,mante,romo"
				}
			}
			for _, e := range splitList(engineList) {
				if !slices.Contains(entry.Engines(), e) {
					return usagef("engine %q: model %s has %s", e, model, strings.Join(entry.Engines(), ", "))
				}
			}
			if iters < 1 || warmup < 0 {
				return usagef("iters = %d, warmup = %d: need iters >= 1 and warmup >= 0", iters, warmup)
			}
			size := bench.PaperLSTM()
			if lstmTiny {
				size = bench.TinyLSTM()
			}
			known := append(tasks.Names(), bench.LSTMName)
			for _, name := range splitList(taskList) {
				if !slices.Contains(known, name) {
					return usagef("tasks: unknown workload %q: allowed %s", name, strings.Join(known, ", "))
				}
			}
			var ws []bench.Workload
			if model == runs.DefaultModel {
				ws, err = bench.Workloads(splitList(taskList), splitList(engineList), dtypes, size)
			} else {
				if slices.Contains(splitList(taskList), bench.LSTMName) {
					return usagef("tasks: %s is a workload of its own, not a task for model %s", bench.LSTMName, model)
				}
				ws, err = bench.ModelWorkloads(model, splitList(taskList), splitList(engineList), dtypes)
			}
			if err != nil {
				return usage(err)
			}
			if child != "" { // measure one workload's memory: run it, exit
				for _, w := range ws {
					if w.ID() == child {
						if _, err := bench.Run([]bench.Workload{w}, iters, warmup); err != nil {
							return err
						}
						fmt.Fprintf(cmd.OutOrStdout(), "peak_rss_kb %d\n", peakRSSKB())
						return nil
					}
				}
				return usagef("no workload %q", child)
			}
			stderr := cmd.ErrOrStderr()
			fmt.Fprintf(stderr, "benchmarking %d workloads, %d rounds after %d warm-up iterations each...\n", len(ws), iters, warmup)
			res, err := bench.Run(ws, iters, warmup)
			if err != nil {
				return err
			}
			if noRSS {
				for i := range res {
					res[i].PeakRSSMB = math.NaN() // not measured: "-" in the table, null in JSON
				}
			} else {
				for i, w := range ws {
					mb, err := childRSS(cmd, w.ID(), model, taskList, engineList, dtypeList, lstmTiny)
					if err != nil {
						return fmt.Errorf("peak RSS of %s: %w", w.ID(), err)
					}
					res[i].PeakRSSMB = mb
				}
			}
			env := map[string]any{"blas": fblas.Backend(), "blas_threads": fblas.Threads(), "gemm_kernel": fblas.Kernel(),
				"gomaxprocs": runtime.GOMAXPROCS(0), "cpu": cpuModel(), "go": runtime.Version()}
			if asJSON {
				b, err := fileio.MarshalJSON(map[string]any{"machine": env, "results": res})
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return nil
			}
			printBench(cmd.OutOrStdout(), env, res)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&model, "model", runs.DefaultModel, "model of the task workloads: "+strings.Join(zoo.Names(), "|"))
	fs.StringVar(&taskList, "tasks", "flipflop,mante,romo,lstm", "workloads: tasks at the paper's sizes, and lstm (the sentiment LSTM; rnn only); other models: flipflop,mante,romo")
	fs.StringVar(&engineList, "engines", "bptt,autodiff", "engines (other models: theirs)")
	fs.StringVar(&dtypeList, "dtypes", "float64,float32", "precisions")
	fs.IntVar(&iters, "iters", 10, "timed rounds")
	fs.IntVar(&warmup, "warmup", 2, "untimed iterations per workload first")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.BoolVar(&noRSS, "no-rss", false, "skip the per-workload peak memory runs")
	fs.StringVar(&child, "child", "", "run only this workload (used to measure its memory)")
	fs.MarkHidden("child")
	fs.BoolVar(&lstmTiny, "lstm-tiny", false, "a tiny LSTM workload (for tests)")
	fs.MarkHidden("lstm-tiny")
	return cmd
}

// childEnv, when set (by the tests), gives the environment that makes the
// running executable behave as rnnlab with the given arguments.
var childEnv func(args []string) []string

// childRSS runs one workload for three iterations in a child process and
// returns its peak resident set in MB.
func childRSS(cmd *cobra.Command, id, model, tasks, engines, dtypes string, lstmTiny bool) (float64, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	args := []string{"bench", "--child", id, "--iters", "3", "--warmup", "0",
		"--model", model, "--tasks", tasks, "--engines", engines, "--dtypes", dtypes}
	if lstmTiny {
		args = append(args, "--lstm-tiny")
	}
	c := exec.CommandContext(cmd.Context(), exe, args...)
	if childEnv != nil { // under go test: the test binary re-executed as rnnlab
		c.Env = childEnv(args)
	}
	out, err := c.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	var kb int64
	for _, line := range strings.Split(string(out), "\n") {
		if _, err := fmt.Sscanf(line, "peak_rss_kb %d", &kb); err == nil {
			return float64(kb) / 1024, nil
		}
	}
	return 0, fmt.Errorf("the child printed no peak_rss_kb line: %s", out)
}

// peakRSSKB returns this process's peak resident set in KB: VmHWM from
// /proc/self/status (which starts afresh at exec, unlike the rusage of a
// child started by a large parent), or getrusage elsewhere.
func peakRSSKB() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			var kb int64
			if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
				return kb
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		return ru.Maxrss
	}
	return 0
}

func printBench(w io.Writer, env map[string]any, res []bench.Result) {
	fmt.Fprintf(w, "machine: %v, GOMAXPROCS %v, %v; BLAS: %v, %v threads; gemm kernel %v\n\n",
		env["cpu"], env["gomaxprocs"], env["go"], env["blas"], env["blas_threads"], env["gemm_kernel"])
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tengine\tdtype\tms median\tmin\tmax\tcpu ms\tGFLOP/s\tgemm GFLOP/s\t% gemm\tallocs/iter\tMB alloc/iter\tpeak RSS MB\t")
	for _, r := range res {
		rss := "-"
		if !math.IsNaN(r.PeakRSSMB) {
			rss = fmt.Sprintf("%.0f", r.PeakRSSMB)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.2f\t%.2f\t%.0f\t%.0f\t%.1f\t%s\t\n",
			r.Name, r.Engine, r.Dtype, r.MsMedian, r.MsMin, r.MsMax, r.CPUMsMedian, r.GFLOPs, r.GemmGFLOPs, r.PctGemm,
			r.AllocsPerIter, r.BytesPerIter/1e6, rss)
	}
	tw.Flush()
	// The ratio of the engines per workload and precision.
	fmt.Fprintln(w)
	med := map[string]float64{}
	for _, r := range res {
		med[r.Name+"/"+r.Dtype+"/"+r.Engine] = r.MsMedian
	}
	for _, r := range res {
		if r.Engine != "bptt" {
			continue
		}
		if ad, ok := med[r.Name+"/"+r.Dtype+"/autodiff"]; ok {
			fmt.Fprintf(w, "%s %s: bptt/autodiff time ratio %.2f (bptt %.1fx faster)\n", r.Name, r.Dtype, r.MsMedian/ad, ad/r.MsMedian)
		}
	}
}

// cpuModel returns the processor's model name from /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
