package sst

import "strings"

// Normalization says how tokens are rewritten before they are looked up in
// a vocabulary. The zero value keeps tokens as written in the files. A
// Vocab stores the Normalization it was built with and applies it in
// Encode, so training and evaluation map tokens identically.
type Normalization struct {
	// Lowercase folds tokens to lower case (GloVe's vocabulary is
	// lower-case).
	Lowercase bool `json:"lowercase"`
	// UnescapePTB replaces the Penn Treebank escapes with the characters
	// they stand for: -LRB- (, -RRB- ), -LSB- [, -RSB- ], -LCB- {, -RCB- },
	// and the backslash escapes \/ and \* inside tokens (1\/2 -> 1/2).
	UnescapePTB bool `json:"unescape_ptb"`
}

// ptbBrackets maps the bracket escapes of the Penn Treebank.
var ptbBrackets = map[string]string{
	"-LRB-": "(", "-RRB-": ")",
	"-LSB-": "[", "-RSB-": "]",
	"-LCB-": "{", "-RCB-": "}",
}

// ptbSlashes undoes the backslash escapes.
var ptbSlashes = strings.NewReplacer(`\/`, "/", `\*`, "*")

// Token returns tok normalised. Unescaping happens before lower-casing, so
// -LRB- is recognised whatever Lowercase says.
func (n Normalization) Token(tok string) string {
	if n.UnescapePTB {
		if r, ok := ptbBrackets[tok]; ok {
			tok = r
		} else if strings.IndexByte(tok, '\\') >= 0 {
			tok = ptbSlashes.Replace(tok)
		}
	}
	if n.Lowercase {
		tok = strings.ToLower(tok)
	}
	return tok
}

// Tokens returns a new slice of the normalised tokens.
func (n Normalization) Tokens(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = n.Token(t)
	}
	return out
}
