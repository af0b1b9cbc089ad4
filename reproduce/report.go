package reproduce

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
)

// Report is what a reproduction found: the stages run and the six claims.
type Report struct {
	Preset string `json:"preset"`
	// Seed is the base seed of every experiment (--seed).
	Seed uint64 `json:"seed"`
	// Paper is the citation of the claims.
	Paper string `json:"paper"`
	// Seconds is the wall time of the invocations that built the results.
	Seconds float64 `json:"seconds"`
	// Machine describes where the report was computed: OS/arch, cores,
	// BLAS and its threads.
	Machine string  `json:"machine"`
	Stages  []Stage `json:"stages"`
	Claims  []Claim `json:"claims"`
	// Missing lists experiments without results and why.
	Missing map[string]string `json:"missing,omitempty"`
}

func newReport(r *Results) *Report {
	return &Report{
		Preset:  r.Preset,
		Seed:    r.Seed,
		Paper:   Paper,
		Seconds: r.Seconds,
		Machine: fmt.Sprintf("%s/%s, %d cores, BLAS: %s (%d threads), %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), fblas.Backend(), fblas.Threads(), runtime.Version()),
		Stages:  r.Stages,
		Missing: r.Missing,
	}
}

// Counts returns how many claims hold, do not hold and were not run.
func (rep *Report) Counts() (holds, fails, notRun int) {
	for _, c := range rep.Claims {
		switch c.Verdict {
		case Holds:
			holds++
		case DoesNotHold:
			fails++
		default:
			notRun++
		}
	}
	return
}

// Write writes report.md, report.html (figures embedded) and report.json
// into dir, each atomically.
func (rep *Report) Write(dir string) error {
	html, err := rep.HTML(dir)
	if err != nil {
		return err
	}
	if err := fileio.WriteFile(filepath.Join(dir, ReportMD), rep.Markdown()); err != nil {
		return err
	}
	if err := fileio.WriteFile(filepath.Join(dir, ReportHTML), html); err != nil {
		return err
	}
	return fileio.WriteJSON(filepath.Join(dir, ReportJSON), rep)
}

func duration(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

// Markdown returns report.md: figures are linked by their paths relative
// to the reproduction directory.
func (rep *Report) Markdown() []byte {
	var b bytes.Buffer
	h, f, n := rep.Counts()
	fmt.Fprintf(&b, "# rnnlab reproduce: preset %s, seed %d\n\n", rep.Preset, rep.Seed)
	fmt.Fprintf(&b, "%s\n\n", intro(rep))
	fmt.Fprintf(&b, "Run time: %s on %s.\n\n", duration(rep.Seconds), rep.Machine)
	fmt.Fprintf(&b, "**%d of 6 claims hold, %d do not hold, %d not run.**\n\n", h, f, n)
	b.WriteString("| claim | verdict | key numbers |\n|---|---|---|\n")
	for _, c := range rep.Claims {
		fmt.Fprintf(&b, "| %d. %s | **%s** | %s |\n", c.Number, mdCell(firstSentence(c.Statement)), c.Verdict, mdCell(c.Summary))
	}
	b.WriteString("\n## Stages\n\n| stage | directory | status | trained now | seconds | note |\n|---|---|---|---|---|---|\n")
	for _, s := range rep.Stages {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %d | %.0f | %s |\n", s.Name, s.Dir, s.Status, s.Trained, s.Seconds, mdCell(s.Note))
	}
	for _, c := range rep.Claims {
		fmt.Fprintf(&b, "\n## Claim %d: %s\n\n", c.Number, c.Verdict)
		fmt.Fprintf(&b, "> %s\n\n", c.Statement)
		fmt.Fprintf(&b, "**Criterion.** %s\n\n", c.Criterion)
		if c.Scope != "" {
			fmt.Fprintf(&b, "**Evidence.** %s\n\n", c.Scope)
		}
		if c.Summary != "" {
			fmt.Fprintf(&b, "**Measured.** %s\n\n", c.Summary)
		}
		for _, l := range []struct {
			title string
			items []string
		}{{reasonsTitle(c), c.Reasons}, {"Notes", c.Notes}} {
			if len(l.items) == 0 {
				continue
			}
			fmt.Fprintf(&b, "**%s:**\n\n", l.title)
			for _, r := range l.items {
				fmt.Fprintf(&b, "- %s\n", r)
			}
			b.WriteString("\n")
		}
		for _, t := range c.Tables {
			fmt.Fprintf(&b, "%s:\n\n| %s |\n|%s\n", t.Caption, strings.Join(t.Header, " | "), strings.Repeat("---|", len(t.Header)))
			for _, row := range t.Rows {
				cells := make([]string, len(row))
				for i, x := range row {
					cells[i] = mdCell(x)
				}
				fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
			}
			b.WriteString("\n")
		}
		for _, fig := range c.Figures {
			fmt.Fprintf(&b, "![%s](%s)\n\n", fig.Caption, fig.Path)
		}
	}
	if len(rep.Missing) > 0 {
		b.WriteString("## Experiments without results\n\n")
		keys := make([]string, 0, len(rep.Missing))
		for k := range rep.Missing {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "- %s: %s\n", k, rep.Missing[k])
		}
	}
	return b.Bytes()
}

// intro is the report's opening paragraph.
func intro(rep *Report) string {
	return "The claims of " + rep.Paper + ", each with the evidence measured in this run, the numbers measured with the authors' published code (PyTorch, float32) where there are some, and a verdict computed from the data by the criterion printed with it. " +
		"Each criterion was fixed from the paper's statement and from how much its measure varies between networks with the authors' code, not from the verdicts it gives. " +
		"\"Holds\" means every check of the criterion passed; \"does not hold\" lists each failed check with its numbers and what would have passed; \"not run\" says which experiment is missing."
}

// reasonsTitle heads a claim's list of reasons.
func reasonsTitle(c Claim) string {
	if c.Verdict == NotRun {
		return "Why not run"
	}
	return "Checks that failed"
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

func firstSentence(s string) string {
	if i := strings.Index(s, ": "); i > 0 && i < 80 {
		return s[:i]
	}
	if i := strings.Index(s, "; "); i > 0 {
		return s[:i]
	}
	return s
}

// HTML returns report.html, one self-contained page with the figures of
// dir embedded as data URIs. A script marks the body with
// data-images="ok" once every image has loaded (or "broken: N") so that a
// headless browser can check the page.
func (rep *Report) HTML(dir string) ([]byte, error) {
	type fig struct {
		Src     template.URL
		Caption string
	}
	type claim struct {
		Claim
		Figs         []fig
		Class        string
		ReasonsTitle string
	}
	data := struct {
		*Report
		Holds, Fails, NotRun int
		Time, Intro          string
		Claims               []claim
	}{Report: rep, Time: duration(rep.Seconds), Intro: intro(rep)}
	data.Holds, data.Fails, data.NotRun = rep.Counts()
	for _, c := range rep.Claims {
		cl := claim{Claim: c, ReasonsTitle: reasonsTitle(c), Class: strings.ReplaceAll(string(c.Verdict), " ", "-")}
		for _, f := range c.Figures {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
			if err != nil {
				return nil, fmt.Errorf("report: figure %s: %w", f.Path, err)
			}
			cl.Figs = append(cl.Figs, fig{Src: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b)), Caption: f.Caption})
		}
		data.Claims = append(data.Claims, cl)
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"first": firstSentence}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rnnlab reproduce: preset {{.Preset}}, seed {{.Seed}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.holds { color: #176b1f; font-weight: bold; }
.does-not-hold { color: #a4161a; font-weight: bold; }
.not-run { color: #777; font-weight: bold; }
figure { display: inline-block; margin: 0.5em; max-width: 520px; vertical-align: top; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.85em; color: #444; }
blockquote { border-left: 4px solid #ccc; margin: 0.5em 0; padding-left: 1em; color: #333; }
</style>
</head>
<body data-images="pending">
<h1>rnnlab reproduce: preset {{.Preset}}, seed {{.Seed}}</h1>
<p>{{.Intro}}</p>
<p>Run time: {{.Time}} on {{.Machine}}.</p>
<p><strong>{{.Holds}} of 6 claims hold, {{.Fails}} do not hold, {{.NotRun}} not run.</strong></p>
<table id="claims">
<tr><th>claim</th><th>verdict</th><th>key numbers</th></tr>
{{range .Claims}}<tr><td><a href="#claim{{.Number}}">{{.Number}}. {{first .Statement}}</a></td><td class="{{.Class}}">{{.Verdict}}</td><td>{{.Summary}}</td></tr>
{{end}}</table>
<h2>Stages</h2>
<table id="stages">
<tr><th>stage</th><th>directory</th><th>status</th><th>trained now</th><th>seconds</th><th>note</th></tr>
{{range .Stages}}<tr><td>{{.Name}}</td><td><code>{{.Dir}}</code></td><td>{{.Status}}</td><td>{{.Trained}}</td><td>{{printf "%.0f" .Seconds}}</td><td>{{.Note}}</td></tr>
{{end}}</table>
{{range .Claims}}
<h2 id="claim{{.Number}}">Claim {{.Number}}: <span class="{{.Class}}">{{.Verdict}}</span></h2>
<blockquote>{{.Statement}}</blockquote>
<p><strong>Criterion.</strong> {{.Criterion}}</p>
{{if .Scope}}<p><strong>Evidence.</strong> {{.Scope}}</p>{{end}}
{{if .Summary}}<p><strong>Measured.</strong> {{.Summary}}</p>{{end}}
{{if .Reasons}}<p><strong>{{.ReasonsTitle}}:</strong></p><ul>{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Notes}}<p><strong>Notes:</strong></p><ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{range .Tables}}<p>{{.Caption}}:</p>
<table>
<tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{end}}
{{range .Figs}}<figure><img src="{{.Src}}" alt="{{.Caption}}"><figcaption>{{.Caption}}</figcaption></figure>
{{end}}
{{end}}
<script>
window.addEventListener("load", function () {
  var imgs = document.images, broken = 0;
  for (var i = 0; i < imgs.length; i++) {
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) { broken++; }
  }
  document.body.setAttribute("data-images", broken === 0 ? "ok " + imgs.length : "broken " + broken + " of " + imgs.length);
});
</script>
</body>
</html>
`))
