package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/trainers"
)

func newDataCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Fetch the data sets rnnlab trains on",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	download := &cobra.Command{
		Use:   "download",
		Short: "Download a data set into the cache directory (or --data DIR)",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	download.AddCommand(newDownloadSSTCmd())
	trials := newDataTrialsCmd()
	cmd.AddCommand(download, trials)
	for _, c := range []*cobra.Command{download, download.Commands()[0], trials} {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	}
	return cmd
}

func newDownloadSSTCmd() *cobra.Command {
	var dir, url, sum string
	cmd := &cobra.Command{
		Use:   "sst",
		Short: "Download the Stanford Sentiment Treebank (trainDevTestTrees_PTB.zip)",
		Long: `Download the official release of the Stanford Sentiment Treebank's
sentence-level splits, trainDevTestTrees_PTB.zip, from the Stanford NLP site,
check its SHA-256, and unpack train.txt, dev.txt and test.txt atomically into
the data directory: --data DIR, else $` + sst.EnvData + `, else the cache directory
(` + "`os.UserCacheDir()`" + `/rnnlab/sst, e.g. ~/.cache/rnnlab/sst). The directory is
replaced as a whole, so it must be new, empty or an earlier download.`,
		Example: `  rnnlab data download sst
  rnnlab data download sst --data /scratch/sst
  rnnlab data download sst --url https://mirror.example.org/trainDevTestTrees_PTB.zip`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if u, err := neturl.Parse(url); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return usagef("url %q: must be an http(s) URL of trainDevTestTrees_PTB.zip", url)
			}
			if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
				return usagef("sha256 %q: must be 64 hex digits (the official archive's is %s)", sum, sst.ArchiveSHA256)
			}
			target, from, err := downloadTarget(dir)
			if err != nil {
				return usage(err)
			}
			if err := checkReplaceable(target, from); err != nil {
				return usage(err)
			}
			stderr := cmd.ErrOrStderr()
			fmt.Fprintf(stderr, "downloading %s\n  into %s (%s)\n", url, target, from)
			var progress io.Writer
			var bar *progressbar.ProgressBar
			if trainers.IsTerminal(stderr) {
				// progressbar.DefaultBytes, writing to the command's stderr.
				bar = progressbar.NewOptions64(-1,
					progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription("downloading"),
					progressbar.OptionShowBytes(true),
					progressbar.OptionShowTotalBytes(true),
					progressbar.OptionSetWidth(10),
					progressbar.OptionThrottle(65*time.Millisecond),
					progressbar.OptionShowCount(),
					progressbar.OptionSpinnerType(14),
					progressbar.OptionFullWidth(),
					progressbar.OptionSetRenderBlankState(true),
					progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }),
				)
				progress = bar
			}
			start := time.Now()
			err = sst.Download(cmd.Context(), url, target, sum, progress)
			if bar != nil {
				if err == nil {
					bar.Finish()
				} else {
					bar.Exit()
					fmt.Fprintln(stderr)
				}
			}
			if err != nil {
				return err
			}
			if sum == sst.ArchiveSHA256 {
				fmt.Fprintf(stderr, "verified: the archive and the three split files match the official release's SHA-256\n")
			} else {
				fmt.Fprintf(stderr, "verified: the archive's SHA-256 is %s (not the official release's)\n", sum)
			}
			fmt.Fprintf(stderr, "SST data in %s (train.txt, dev.txt, test.txt) after %.1fs\n", target, time.Since(start).Seconds())
			if from != "--data" && from != sst.EnvData {
				fmt.Fprintf(stderr, "rnnlab finds it there by default; elsewhere pass --data %s or set %s\n", target, sst.EnvData)
			} else {
				fmt.Fprintf(stderr, "pass --data %s (or set %s=%s) to use it\n", target, sst.EnvData, target)
			}
			fmt.Fprintln(cmd.OutOrStdout(), target)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dir, "data", "", "target directory (default $"+sst.EnvData+", else the cache directory)")
	fs.StringVar(&url, "url", sst.URL, "archive URL (a mirror of trainDevTestTrees_PTB.zip)")
	fs.StringVar(&sum, "sha256", sst.ArchiveSHA256, "expected SHA-256 of the archive (hex; the default is the official release's)")
	return cmd
}

// downloadTarget returns the directory to download into and what chose it.
func downloadTarget(flag string) (dir, from string, err error) {
	switch {
	case flag != "":
		dir, from = flag, "--data"
	case os.Getenv(sst.EnvData) != "":
		dir, from = os.Getenv(sst.EnvData), sst.EnvData
	default:
		if dir, err = sst.DefaultDir(); err != nil {
			return "", "", err
		}
		from = "the cache directory"
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return dir, from, nil
}

// releaseNames are the files an earlier download leaves in its directory.
var releaseNames = map[string]bool{"train.txt": true, "dev.txt": true, "test.txt": true, "SOURCE.txt": true}

// checkReplaceable refuses a target directory that holds anything but an
// earlier download, since sst.Download replaces the directory as a whole.
func checkReplaceable(dir, from string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s (given by %s) is not a directory", dir, from)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !releaseNames[e.Name()] {
			return fmt.Errorf("%s (given by %s) holds %s, which is not SST data: the download replaces the whole directory, so give a new or empty directory (e.g. %s)",
				dir, from, e.Name(), filepath.Join(dir, "sst"))
		}
	}
	return nil
}
