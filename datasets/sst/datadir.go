package sst

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// EnvData is the environment variable that names a data directory when no
// flag does.
const EnvData = "RNNLAB_DATA"

// DownloadCommand is the command that fetches the data into the default
// directory; errors about missing data name it.
const DownloadCommand = "rnnlab data download sst"

// ErrNoData is wrapped by the errors of DataDir when no directory holding
// the split files is found.
var ErrNoData = errors.New("SST data not found")

// DefaultDir returns the default data directory, os.UserCacheDir()/rnnlab/sst
// (e.g. ~/.cache/rnnlab/sst on Linux).
func DefaultDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the SST data (%w): pass --data DIR or set %s", err, EnvData)
	}
	return filepath.Join(c, "rnnlab", "sst"), nil
}

// DataDir returns the directory holding train.txt, dev.txt and test.txt:
// flag if it is not empty, else the RNNLAB_DATA variable if set, else
// DefaultDir. A directory given by the flag or the variable may hold the
// files itself or in a sub-directory sst/ (so RNNLAB_DATA may name a root
// of several data sets). If the chosen directory lacks a file, the error
// wraps ErrNoData, says which source chose it, and names the download
// command.
func DataDir(flag string) (string, error) {
	var dir, from string
	switch {
	case flag != "":
		dir, from = flag, "--data"
	case os.Getenv(EnvData) != "":
		dir, from = os.Getenv(EnvData), EnvData
	default:
		d, err := DefaultDir()
		if err != nil {
			return "", err
		}
		if err := hasSplits(d); err != nil {
			return "", fmt.Errorf("%w in the default directory %s (%v): run `%s` to fetch it, or pass --data DIR or set %s",
				ErrNoData, d, err, DownloadCommand, EnvData)
		}
		return d, nil
	}
	if hasSplits(dir) == nil {
		return dir, nil
	}
	if sub := filepath.Join(dir, "sst"); hasSplits(sub) == nil {
		return sub, nil
	}
	return "", fmt.Errorf("%w in %s (given by %s: %v): point %s at a directory holding train.txt, dev.txt and test.txt, or run `%s` to fetch the data into the default directory",
		ErrNoData, dir, from, hasSplits(dir), from, DownloadCommand)
}

// hasSplits reports the first split file missing from dir.
func hasSplits(dir string) error {
	for _, s := range Splits {
		p := filepath.Join(dir, s.File())
		fi, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("no %s", s.File())
			}
			return err
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
	}
	return nil
}

// Verify checks that dir holds the three split files of the official
// release, byte for byte (their SHA-256 against Files).
func Verify(dir string) error {
	for _, f := range Files {
		p := filepath.Join(dir, f.Split.File())
		got, err := fileSHA256(p)
		if err != nil {
			return err
		}
		if got != f.SHA256 {
			return fmt.Errorf("%s: SHA-256 %s, want %s of the official release", p, got, f.SHA256)
		}
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
