package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/sentiment"
)

func newSentimentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sentiment",
		Short: "Train and analyse the two-layer LSTM on SST-2 sentiment (claim 6)",
		Long: `The sentiment LSTM of claim 6 of the paper: a two-layer LSTM trained on the
binary sentence-level Stanford Sentiment Treebank (SST-2), and the question
whether its weight changes dW = W - W0 are low rank.

  train     train the LSTM and write a run directory
  eval      loss and accuracy of a run on a split, as JSON
  truncate  accuracy against rank R of W0 + rank-R(dW) and of rank-R(W)

The data come from ` + "`rnnlab data download sst`" + ` (or --data DIR, or RNNLAB_DATA).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newSentimentTrainCmd(), newSentimentEvalCmd(), newSentimentTruncateCmd())
	for _, c := range cmd.Commands() {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return cmd
}

// sentimentFlags are the flags of sentiment train; only flags the user
// set override the preset (sentiment.NewPreset).
type sentimentFlags struct {
	layers, hidden, emb, epochs, batch      int
	maxVocab, minFreq, spectraEvery         int
	trainAccEvery, checkpointEvery          int
	dropout, lr0, clip                      float64
	seed                                    uint64
	engine, dtype, embeddings, data, preset string
	freeze, lowercase, unescape, phrases    bool
}

func (f *sentimentFlags) register(fs *pflag.FlagSet) {
	d := sentiment.DefaultConfig()
	fs.StringVar(&f.preset, "preset", "default", "starting configuration, which the other flags override: "+strings.Join(sentiment.Presets, "|")+
		" (the defaults shown are the default preset's; paper: lr0 0.01, 500 epochs on sentences)")
	fs.IntVar(&f.layers, "layers", d.Model.Layers, "LSTM layers (>= 1)")
	fs.IntVar(&f.hidden, "hidden", d.Model.Hidden, "hidden units H per layer (>= 1)")
	fs.IntVar(&f.emb, "emb", d.Model.Emb, "embedding dimension E (>= 1; the width of --embeddings)")
	fs.IntVar(&f.epochs, "epochs", d.Epochs, "passes over the training split (>= 0)")
	fs.IntVar(&f.batch, "batch", d.Batch, "sentences per batch (>= 1)")
	fs.Float64Var(&f.dropout, "dropout", d.Model.Dropout, "dropout on the final hidden state, in [0, 1)")
	fs.Float64Var(&f.lr0, "lr0", d.LR0, "base learning rate: Adam uses lr0/hidden (the paper: 0.01/256)")
	fs.Float64Var(&f.clip, "clip", d.Clip, "clip the gradient norm to this value (0: no clipping)")
	fs.Uint64Var(&f.seed, "seed", d.Seed, "seed of initialisation, batch order and dropout")
	fs.StringVar(&f.engine, "engine", d.Engine, "gradient engine: "+strings.Join(sentiment.Engines(), "|"))
	fs.StringVar(&f.dtype, "dtype", string(d.Dtype), "precision: float64|float32")
	fs.StringVar(&f.embeddings, "embeddings", "", "pretrained word vectors in GloVe's text format, --emb wide (default: random N(0, 1))")
	fs.BoolVar(&f.freeze, "freeze", false, "keep the embedding fixed (the authors froze GloVe vectors)")
	fs.IntVar(&f.maxVocab, "max-vocab", d.MaxVocab, "keep at most this many words, the most frequent (0: no limit)")
	fs.IntVar(&f.minFreq, "min-freq", d.MinFreq, "keep words seen at least this often in the training split (>= 1)")
	fs.BoolVar(&f.lowercase, "lowercase", d.Norm.Lowercase, "fold tokens to lower case before the vocabulary lookup")
	fs.BoolVar(&f.unescape, "unescape-ptb", d.Norm.UnescapePTB, "replace PTB escapes (-LRB-, \\/) by the characters they stand for")
	fs.BoolVar(&f.phrases, "phrases", d.Phrases, "train on every non-neutral phrase of the training trees, not only the sentences")
	fs.IntVar(&f.spectraEvery, "spectra-every", d.SpectraEvery, "record the singular values of dW every this many steps (0: once per epoch)")
	fs.IntVar(&f.trainAccEvery, "train-acc-every", d.TrainAccEvery, "measure the training accuracy on every this many batches, with an extra forward pass (1: all; 0: none)")
	fs.IntVar(&f.checkpointEvery, "checkpoint-every", d.CheckpointEvery, "save a checkpoint every this many epochs (0: only on Ctrl-C, which always saves one)")
	fs.StringVar(&f.data, "data", "", "SST data directory (default $"+sst.EnvData+", else the cache directory)")
}

// config returns the default configuration with the flags the user set
// applied, validated. Errors are usage errors.
func (f *sentimentFlags) config(fs *pflag.FlagSet) (sentiment.Config, error) {
	c, err := sentiment.NewPreset(f.preset)
	if err != nil {
		return c, usage(err)
	}
	set := func(name string, do func()) {
		if fs.Changed(name) {
			do()
		}
	}
	set("layers", func() { c.Model.Layers = f.layers })
	set("hidden", func() { c.Model.Hidden = f.hidden })
	set("emb", func() { c.Model.Emb = f.emb })
	set("epochs", func() { c.Epochs = f.epochs })
	set("batch", func() { c.Batch = f.batch })
	set("dropout", func() { c.Model.Dropout = f.dropout })
	set("lr0", func() { c.LR0 = f.lr0 })
	set("clip", func() { c.Clip = f.clip })
	set("seed", func() { c.Seed = f.seed })
	set("engine", func() { c.Engine = f.engine })
	set("dtype", func() { c.Dtype = models.Dtype(f.dtype) })
	set("embeddings", func() { c.Embeddings = f.embeddings })
	set("freeze", func() { c.Model.FreezeEmbedding = f.freeze })
	set("max-vocab", func() { c.MaxVocab = f.maxVocab })
	set("min-freq", func() { c.MinFreq = f.minFreq })
	set("lowercase", func() { c.Norm.Lowercase = f.lowercase })
	set("unescape-ptb", func() { c.Norm.UnescapePTB = f.unescape })
	set("phrases", func() { c.Phrases = f.phrases })
	set("spectra-every", func() { c.SpectraEvery = f.spectraEvery })
	set("train-acc-every", func() { c.TrainAccEvery = f.trainAccEvery })
	set("checkpoint-every", func() { c.CheckpointEvery = f.checkpointEvery })
	c.Data = f.data
	if err := c.Validate(); err != nil {
		return c, usage(err)
	}
	return c, nil
}

func newSentimentTrainCmd() *cobra.Command {
	var (
		f                    sentimentFlags
		out                  string
		force, quiet, resume bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the sentiment LSTM on SST-2 and write a run directory",
		Long: `Train the LSTM of claim 6 on SST-2 (6920 training sentences), evaluating
the development split (872 sentences) after every epoch.

Every preset has the paper's network: embedding 100, 2 layers of 256 units,
dropout 0.5 on the final hidden state, a linear decoder to one logit, Adam
with lr0/hidden, batch 64, every word of the training split in the
vocabulary. The presets differ in the protocol:

  default  lr0 0.256 (Adam 1e-3), 2 epochs over the 98,794 non-neutral
           phrases of the training trees: above 80% dev accuracy in under
           half an hour on two cores, without pretrained vectors
  paper    the authors' protocol: lr0 0.01 (Adam 0.01/256), 500 epochs over
           the sentences; they used frozen GloVe vectors (--embeddings FILE
           --freeze), without which the embedding is random and trained

The run directory gets config.json, vocab.json, weights_init.npz and
weights_final.npz (PyTorch's state_dict names), metrics.csv (epoch,
train_loss, train_acc, dev_loss, dev_acc, seconds), steps.csv (loss and
gradient norm per batch), dw_spectra.npz (singular values of dW of every
weight matrix and gate block during training) and result.json. A run that
diverges or is interrupted (Ctrl-C) still writes them, with what it had.

Checkpoints: every --checkpoint-every epochs (default 1) and on Ctrl-C the
run saves checkpoint.json and checkpoint_sSTEP.npz (parameters, Adam's
state, the dropout generator, the metrics and spectra so far; Ctrl-C saves
the last step done, even within an epoch). --resume --out DIR continues the
run in DIR from its checkpoint, also after a crash or a kill, with the
configuration of DIR/config.json, and ends with the weights_final.npz,
steps.csv, dw_spectra.npz and metrics.csv (but its wall times) of an
uninterrupted run, byte for byte. A completed run removes its checkpoint.`,
		Example: `  rnnlab data download sst
  rnnlab sentiment train --out runs/sst
  rnnlab sentiment train --epochs 3 --hidden 64 --out runs/sst-small
  rnnlab sentiment train --preset paper --embeddings glove.6B.100d.txt --freeze --out runs/sst-paper
  rnnlab sentiment train --resume --out runs/sst-paper`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if resume {
				return resumeSentiment(cmd, out, quiet)
			}
			cfg, err := f.config(cmd.Flags())
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join("runs", fmt.Sprintf("sst_seed%d", cfg.Seed))
			}
			stderr := cmd.ErrOrStderr()
			o := sentiment.Options{Force: force}
			if !quiet {
				o.Progress = stderr
				on := "sentences"
				if cfg.Phrases {
					on = "phrases"
				}
				fmt.Fprintf(stderr, "training the sentiment LSTM: %d layers of %d, embedding %d, dropout %g, %d epochs on %s, batch %d, Adam lr %.3g, engine %s/%s, seed %d -> %s\n",
					cfg.Model.Layers, cfg.Model.Hidden, cfg.Model.Emb, cfg.Model.Dropout, cfg.Epochs, on, cfg.Batch,
					cfg.LR(), cfg.Engine, cfg.Dtype, cfg.Seed, out)
			}
			res, err := sentiment.Train(cmd.Context(), cfg, out, o)
			if res != nil && !quiet {
				reportSentiment(stderr, res, out)
			}
			var ie *sentiment.InputError
			if errors.As(err, &ie) {
				return usage(err)
			}
			return err
		},
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.StringVar(&out, "out", "", "run directory (default runs/sst_seedS)")
	fs.BoolVar(&force, "force", false, "overwrite a run directory that already holds a run")
	fs.BoolVar(&quiet, "quiet", false, "print nothing but errors")
	fs.BoolVar(&resume, "resume", false, "continue the run in --out from its checkpoint (the configuration comes from its config.json)")
	return cmd
}

// resumeSentiment continues the sentiment run in dir from its checkpoint.
func resumeSentiment(cmd *cobra.Command, dir string, quiet bool) error {
	if dir == "" {
		return usagef("resume: give the run directory with --out")
	}
	if err := resumeFlagsOnly(cmd, dir); err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	o := sentiment.Options{Warn: stderr}
	if !quiet {
		o.Progress = stderr
		fmt.Fprintf(stderr, "resuming %s\n", dir)
	}
	res, err := sentiment.Resume(cmd.Context(), dir, o)
	if res != nil && !quiet {
		reportSentiment(stderr, res, dir)
	}
	var ie *sentiment.InputError
	if errors.As(err, &ie) {
		return usage(err)
	}
	return err
}

// reportSentiment prints how a run ended.
func reportSentiment(w io.Writer, r *sentiment.Result, dir string) {
	if r.Embeddings != nil {
		fmt.Fprintf(w, "embeddings %s: %d of %d words found (%d only in lower case), %d drawn at random\n",
			r.Embeddings.File, r.Embeddings.Found, r.Vocab-1, r.Embeddings.Lowered, r.Embeddings.Missing)
	}
	dev := "none"
	if r.DevAccuracy != nil {
		dev = fmt.Sprintf("%.4f (best %.4f at epoch %d)", *r.DevAccuracy, *r.BestDevAccuracy, r.BestEpoch)
	}
	fmt.Fprintf(w, "%s after %d epochs (%d of %d steps) in %.1fs: dev accuracy %s; results in %s\n",
		r.Status, r.EpochsDone, r.StepsDone, r.Steps, r.Seconds, dev, dir)
}

// engineFlags are the --engine and --dtype of the analysis commands,
// defaulting to the run's.
type engineFlags struct{ engine, dtype string }

func (f *engineFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.engine, "engine", "", "engine: "+strings.Join(sentiment.Engines(), "|")+" (default: the run's)")
	fs.StringVar(&f.dtype, "dtype", "", "precision: float64|float32 (default: the run's)")
}

func newSentimentEvalCmd() *cobra.Command {
	var (
		dir, split, data string
		batch            int
		weights          string
		ef               engineFlags
	)
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Print the loss and accuracy of a sentiment run on a split, as JSON",
		Example: `  rnnlab sentiment eval --run runs/sst --split test
  rnnlab sentiment eval --run runs/sst --split dev --weights init`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("run: give the run directory with --run")
			}
			sp, err := sst.ParseSplit(split)
			if err != nil {
				return usage(err)
			}
			if batch < 1 {
				return usagef("batch = %d: must be >= 1", batch)
			}
			if weights != "final" && weights != "init" {
				return usagef("weights %q: allowed final, init", weights)
			}
			r, err := sentiment.LoadRun(dir)
			if err != nil {
				return usage(err)
			}
			m, err := r.Model(weights == "final")
			if err != nil {
				return usage(err)
			}
			eo, err := r.EvalOptions(ef.engine, ef.dtype, data, batch)
			if err != nil {
				return usage(err)
			}
			res, err := r.Evaluate(m, sp, eo)
			if res != nil {
				res.Weights = weights
			}
			if err != nil {
				if errors.Is(err, sst.ErrNoData) {
					return usage(err)
				}
				return err
			}
			b, _ := json.MarshalIndent(res, "", "  ")
			fmt.Fprintln(cmd.OutOrStdout(), string(b))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dir, "run", "", "run directory written by rnnlab sentiment train")
	fs.StringVar(&split, "split", "dev", "split: train|dev|test")
	fs.StringVar(&weights, "weights", "final", "weights: final (trained) | init")
	fs.IntVar(&batch, "batch", 64, "sentences per evaluation batch (>= 1; does not change the result)")
	fs.StringVar(&data, "data", "", "SST data directory (default: the run's, else $"+sst.EnvData+" or the cache directory)")
	ef.register(fs)
	return cmd
}

func newSentimentTruncateCmd() *cobra.Command {
	var (
		dir, split, data, out, ranks, matrices string
		maxRank, batch, workers                int
		noFigs                                 bool
		ef                                     engineFlags
	)
	cmd := &cobra.Command{
		Use:   "truncate",
		Short: "Accuracy of a sentiment run against the rank of dW and of W (claim 6)",
		Long: `For weight_ih_l1, weight_hh_l0 and weight_hh_l1 together (as the paper) and each
alone, the loss and accuracy on a split of the network with
  W = W0 + rank-R(dW)  (dW cut to its R largest singular components) and
  W = rank-R(W)        (the trained matrix itself cut to rank R),
every other parameter kept trained, for R on a grid from 0 to --max-rank.
Also the singular values of dW of every LSTM matrix and of each gate block
(i, f, g, o), and how many of them hold 90% of ||dW||^2.

Writes RUN/truncation.json, RUN/truncation.csv (group, curve, rank, loss,
accuracy), RUN/dw_spectra.csv and figures (PNG and SVG) in RUN/figures, and
prints a summary.`,
		Example: `  rnnlab sentiment truncate --run runs/sst
  rnnlab sentiment truncate --run runs/sst --max-rank 32 --engine bptt
  rnnlab sentiment truncate --run runs/sst --ranks 0,1,2,4,8,256 --no-figures`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("run: give the run directory with --run")
			}
			sp, err := sst.ParseSplit(split)
			if err != nil {
				return usage(err)
			}
			if maxRank < 0 {
				return usagef("max-rank = %d: must be >= 0 (0: full rank)", maxRank)
			}
			if workers < 0 {
				return usagef("workers = %d: must be >= 0 (0: one per core)", workers)
			}
			tc := sentiment.TruncationConfig{MaxRank: maxRank, Split: sp, Workers: workers}
			if ranks != "" {
				if tc.Ranks, err = parseRanks(ranks); err != nil {
					return usage(err)
				}
			}
			if matrices != "" {
				tc.Matrices = strings.Split(matrices, ",")
			}
			r, err := sentiment.LoadRun(dir)
			if err != nil {
				return usage(err)
			}
			if tc.Eval, err = r.EvalOptions(ef.engine, ef.dtype, data, batch); err != nil {
				return usage(err)
			}
			res, err := r.Truncate(tc)
			if err != nil {
				if errors.Is(err, sst.ErrNoData) || strings.HasPrefix(err.Error(), "truncate:") {
					return usage(err)
				}
				return err
			}
			if err := res.Write(dir); err != nil {
				return err
			}
			if !noFigs {
				names, err := sentiment.Figures(dir, res, out)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "figures: %v\n", names)
			}
			res.Summary(cmd.OutOrStdout())
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dir, "run", "", "run directory written by rnnlab sentiment train")
	fs.StringVar(&split, "split", "dev", "split evaluated: train|dev|test")
	fs.IntVar(&maxRank, "max-rank", 0, "largest rank R of the grid (0: the full rank, H)")
	fs.StringVar(&ranks, "ranks", "", "explicit ranks, comma-separated and ascending (default: a grid up to --max-rank)")
	fs.StringVar(&matrices, "matrices", "", "matrices to truncate, comma-separated (default: rnn.weight_hh_l0,rnn.weight_ih_l1,rnn.weight_hh_l1 for two layers)")
	fs.IntVar(&batch, "batch", 64, "sentences per evaluation batch (>= 1; does not change the result)")
	fs.StringVar(&data, "data", "", "SST data directory (default: the run's, else $"+sst.EnvData+" or the cache directory)")
	fs.IntVar(&workers, "workers", 0, "evaluations run at once, each with its own copy of the model (0: one per core)")
	fs.StringVar(&out, "figures", "", "figure directory (default RUN/figures)")
	fs.BoolVar(&noFigs, "no-figures", false, "write the numbers only")
	ef.register(fs)
	return cmd
}

// parseRanks reads a comma-separated list of ascending ranks.
func parseRanks(s string) ([]int, error) {
	var rs []int
	for _, f := range strings.Split(s, ",") {
		r, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || r < 0 {
			return nil, fmt.Errorf("ranks %q: %q is not a rank >= 0", s, f)
		}
		if len(rs) > 0 && r <= rs[len(rs)-1] {
			return nil, fmt.Errorf("ranks %q: want distinct ranks in ascending order", s)
		}
		rs = append(rs, r)
	}
	return rs, nil
}
