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
		Seconds: r.Seconds,
		Machine: fmt.Sprintf("%s/%s, %d cores, %s BLAS (%d threads), %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), fblas.Backend(), fblas.Threads(), runtime.Version()),
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
	fmt.Fprintf(&b, "# rnnlab reproduce: preset %s\n\n", rep.Preset)
	fmt.Fprintf(&b, "Claims of Schuessler et al. (NeurIPS 2020) as stated in SPEC.md, each with the evidence measured in this run next to the authors' numbers and a verdict computed from the data by package reproduce (criteria stated with each claim).\n\n")
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
		if c.Summary != "" {
			fmt.Fprintf(&b, "**Measured.** %s\n\n", c.Summary)
		}
		if len(c.Reasons) > 0 {
			b.WriteString("**Checks that failed, or notes:**\n\n")
			for _, r := range c.Reasons {
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
		Figs  []fig
		Class string
	}
	data := struct {
		*Report
		Holds, Fails, NotRun int
		Time                 string
		Claims               []claim
	}{Report: rep, Time: duration(rep.Seconds)}
	data.Holds, data.Fails, data.NotRun = rep.Counts()
	for _, c := range rep.Claims {
		cl := claim{Claim: c, Class: strings.ReplaceAll(string(c.Verdict), " ", "-")}
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
<title>rnnlab reproduce: preset {{.Preset}}</title>
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
<h1>rnnlab reproduce: preset {{.Preset}}</h1>
<p>Claims of Schuessler et al. (NeurIPS 2020) as stated in SPEC.md, each with the evidence measured in this run next to the authors' numbers and a verdict computed from the data (criteria stated with each claim).</p>
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
{{if .Summary}}<p><strong>Measured.</strong> {{.Summary}}</p>{{end}}
{{if .Reasons}}<p><strong>Checks that failed, or notes:</strong></p><ul>{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>{{end}}
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
