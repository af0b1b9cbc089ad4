package sst

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func exs(lines ...string) []Example {
	var out []Example
	for i, l := range lines {
		out = append(out, Example{Tokens: strings.Fields(l), Label: i % 2})
	}
	return out
}

func TestBuildVocab(t *testing.T) {
	data := exs("b a c a", "a b d -LRB- x", "The the <pad> e")
	v, err := BuildVocab(data, VocabOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// a 3, b 2, then frequency 1 alphabetically; <pad> in the text is not
	// counted.
	want := []string{PadToken, UnkToken, "a", "b", "-LRB-", "The", "c", "d", "e", "the", "x"}
	if got := v.Words(); !reflect.DeepEqual(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
	if v.ID("a") != 2 || v.ID("zzz") != UnkID || v.ID(PadToken) != PadID || v.Word(99) != "" || v.Word(-1) != "" {
		t.Error("lookups")
	}
	if got := v.Encode([]string{"a", "zzz", "x"}); !reflect.DeepEqual(got, []int{2, 1, 10}) {
		t.Errorf("encode %v", got)
	}

	v, _ = BuildVocab(data, VocabOptions{MaxSize: 2})
	if got := v.Words(); !reflect.DeepEqual(got, []string{PadToken, UnkToken, "a", "b"}) {
		t.Errorf("max size 2: %q", got)
	}
	v, _ = BuildVocab(data, VocabOptions{MinFreq: 2})
	if v.Len() != 4 {
		t.Errorf("min freq 2: %q", v.Words())
	}
	norm := Normalization{Lowercase: true, UnescapePTB: true}
	v, _ = BuildVocab(data, VocabOptions{MinFreq: 2, Norm: norm})
	if got := v.Words(); !reflect.DeepEqual(got, []string{PadToken, UnkToken, "a", "b", "the"}) {
		t.Errorf("normalised: %q", got)
	}
	if v.ID("THE") != 4 || v.Norm() != norm {
		t.Error("normalised lookup")
	}
	if _, err := BuildVocab(data, VocabOptions{MaxSize: -1}); err == nil {
		t.Error("negative max size accepted")
	}
}

func TestNormalization(t *testing.T) {
	n := Normalization{UnescapePTB: true}
	for in, want := range map[string]string{
		"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
		`1\/2`: "1/2", `\*`: "*", `a\*b\/c`: "a*b/c", "Rock": "Rock", "-lrb-": "-lrb-",
	} {
		if got := n.Token(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
	n.Lowercase = true
	if got := n.Tokens([]string{"-LRB-", "Rock", `A\/B`}); !reflect.DeepEqual(got, []string{"(", "rock", "a/b"}) {
		t.Errorf("%q", got)
	}
	if (Normalization{}).Token("-LRB-") != "-LRB-" {
		t.Error("the zero Normalization changed a token")
	}
}

func TestVocabSaveLoad(t *testing.T) {
	v, err := BuildVocab(exs("b a c a \u00e9t\u00e9 <b>&"), VocabOptions{Norm: Normalization{Lowercase: true}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vocab.json")
	if err := v.Save(path); err != nil {
		t.Fatal(err)
	}
	w, err := LoadVocab(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.Words(), w.Words()) || v.Norm() != w.Norm() || w.ID("A") != v.ID("a") {
		t.Errorf("round trip: %q %+v -> %q %+v", v.Words(), v.Norm(), w.Words(), w.Norm())
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"format":"rnnlab-vocab/1"`) || !strings.Contains(string(data), "<b>&") {
		t.Errorf("file %s", data)
	}
	bad := map[string]string{
		"missing": "",
		"json":    "{",
		"format":  `{"format":"other","words":["<pad>","<unk>"]}`,
		"unknown": `{"format":"rnnlab-vocab/1","words":["<pad>","<unk>"],"extra":1}`,
		"special": `{"format":"rnnlab-vocab/1","words":["<unk>","<pad>","a"]}`,
		"dup":     `{"format":"rnnlab-vocab/1","words":["<pad>","<unk>","a","a"]}`,
		"space":   `{"format":"rnnlab-vocab/1","words":["<pad>","<unk>","a b"]}`,
		"empty":   `{"format":"rnnlab-vocab/1","words":["<pad>","<unk>",""]}`,
	}
	for name, content := range bad {
		p := filepath.Join(t.TempDir(), name+".json")
		if name != "missing" {
			os.WriteFile(p, []byte(content), 0o644)
		}
		if _, err := LoadVocab(p); err == nil {
			t.Errorf("%s: loaded", name)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v does not name the file", name, err)
		}
	}
}
