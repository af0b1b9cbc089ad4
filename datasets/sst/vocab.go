package sst

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/internal/fileio"
)

// The special tokens and their ids.
const (
	// PadID is the id of PadToken, which fills batches past a sentence's
	// end.
	PadID = 0
	// UnkID is the id of UnkToken, which stands for every token that is
	// not in the vocabulary.
	UnkID = 1
	// PadToken is the padding token.
	PadToken = "<pad>"
	// UnkToken is the unknown-word token.
	UnkToken = "<unk>"
)

// VocabFormat is the value of the "format" field of a saved vocabulary.
const VocabFormat = "rnnlab-vocab/1"

// Vocab maps tokens to integer ids 0..Len()-1 and back: id 0 is <pad>,
// id 1 is <unk>, then the words. It remembers the Normalization it was
// built with and applies it to every token it looks up. A Vocab must not
// be modified after creation.
type Vocab struct {
	words []string
	index map[string]int
	norm  Normalization
}

// VocabOptions sets how BuildVocab selects words.
type VocabOptions struct {
	// MaxSize is the largest number of words kept besides <pad> and <unk>,
	// the most frequent first; 0 means no limit.
	MaxSize int
	// MinFreq is the smallest number of occurrences for a word to be kept;
	// values below 1 mean 1.
	MinFreq int
	// Norm is applied to every token before counting, and later by Encode.
	Norm Normalization
}

// BuildVocab returns the vocabulary of the examples' tokens (normally the
// training split's sentences): tokens normalised by opt.Norm, those
// occurring at least MinFreq times, the MaxSize most frequent, ordered by
// decreasing frequency and then alphabetically (as torchtext), after <pad>
// and <unk>. Tokens equal to <pad> or <unk> are not counted.
func BuildVocab(exs []Example, opt VocabOptions) (*Vocab, error) {
	if opt.MaxSize < 0 {
		return nil, fmt.Errorf("vocabulary: max size %d: must be >= 0 (0: no limit)", opt.MaxSize)
	}
	minFreq := max(opt.MinFreq, 1)
	counts := make(map[string]int)
	for _, ex := range exs {
		for _, tok := range ex.Tokens {
			counts[opt.Norm.Token(tok)]++
		}
	}
	delete(counts, PadToken)
	delete(counts, UnkToken)
	var words []string
	for w, c := range counts {
		if c >= minFreq {
			words = append(words, w)
		}
	}
	slices.SortFunc(words, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	if opt.MaxSize > 0 && len(words) > opt.MaxSize {
		words = words[:opt.MaxSize]
	}
	return NewVocab(append([]string{PadToken, UnkToken}, words...), opt.Norm)
}

// NewVocab returns the vocabulary whose id i is words[i]. words[0] must be
// <pad>, words[1] <unk>, and no word may repeat or be empty or hold
// white space.
func NewVocab(words []string, norm Normalization) (*Vocab, error) {
	if len(words) < 2 || words[PadID] != PadToken || words[UnkID] != UnkToken {
		return nil, fmt.Errorf("vocabulary: ids 0 and 1 must be %s and %s", PadToken, UnkToken)
	}
	v := &Vocab{words: slices.Clone(words), index: make(map[string]int, len(words)), norm: norm}
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\r\n") {
			return nil, fmt.Errorf("vocabulary: word %d (%q) is empty or holds white space", i, w)
		}
		if j, dup := v.index[w]; dup {
			return nil, fmt.Errorf("vocabulary: word %q has ids %d and %d", w, j, i)
		}
		v.index[w] = i
	}
	return v, nil
}

// Len returns the number of ids, <pad> and <unk> included.
func (v *Vocab) Len() int { return len(v.words) }

// Norm returns the normalisation applied to tokens before lookup.
func (v *Vocab) Norm() Normalization { return v.norm }

// Words returns a copy of the words in id order.
func (v *Vocab) Words() []string { return slices.Clone(v.words) }

// Word returns the word of id, or "" if id is out of range.
func (v *Vocab) Word(id int) string {
	if id < 0 || id >= len(v.words) {
		return ""
	}
	return v.words[id]
}

// ID returns the id of the token after normalisation, UnkID if it is not
// in the vocabulary.
func (v *Vocab) ID(tok string) int {
	if id, ok := v.index[v.norm.Token(tok)]; ok {
		return id
	}
	return UnkID
}

// Encode returns the ids of the tokens (see ID).
func (v *Vocab) Encode(toks []string) []int {
	ids := make([]int, len(toks))
	for i, t := range toks {
		ids[i] = v.ID(t)
	}
	return ids
}

// vocabFile is the JSON form of a Vocab.
type vocabFile struct {
	Format string        `json:"format"`
	Norm   Normalization `json:"normalization"`
	Words  []string      `json:"words"`
}

// Save writes the vocabulary to path as JSON, atomically:
// {"format": "rnnlab-vocab/1", "normalization": {...}, "words": [...]},
// where words[i] is the word of id i (json.load in Python reads it).
func (v *Vocab) Save(path string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(vocabFile{Format: VocabFormat, Norm: v.norm, Words: v.words}); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return fileio.WriteFile(path, buf.Bytes())
}

// LoadVocab reads a vocabulary written by Save.
func LoadVocab(path string) (*Vocab, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f vocabFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("read vocabulary %s: %w", path, err)
	}
	if f.Format != VocabFormat {
		return nil, fmt.Errorf("read vocabulary %s: format %q, want %q", path, f.Format, VocabFormat)
	}
	v, err := NewVocab(f.Words, f.Norm)
	if err != nil {
		return nil, fmt.Errorf("read vocabulary %s: %w", path, err)
	}
	return v, nil
}
