package reproduce

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// browser returns a headless Chromium, or skips the test saying how to get
// one; with RNNLAB_REQUIRE_BROWSER set (CI installs Debian's chromium) a
// missing browser fails the test instead.
func browser(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("RNNLAB_CHROMIUM"); b != "" {
		return b
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("RNNLAB_REQUIRE_BROWSER") != "" {
		t.Fatal("no chromium found and RNNLAB_REQUIRE_BROWSER is set (apt-get install -y chromium)")
	}
	t.Skip("no headless browser (chromium) found: apt-get install -y chromium, or set RNNLAB_CHROMIUM; skipping")
	return ""
}

// headless runs the browser on a page with extra flags and returns its
// standard output.
func headless(t *testing.T, bin, page string, flags ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=10000"}, flags...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, errb.String())
	}
	return out.Bytes()
}

// writePNG writes a w x h PNG with a diagonal line.
func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range min(w, h) {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// testReport is a report with a figure for every claim and every verdict.
func testReport(t *testing.T, dir string) *Report {
	rep := &Report{Preset: "test", Seconds: 12, Machine: "test machine",
		Stages: []Stage{{Name: "sweep flipflop", Dir: "sweep_flipflop", Status: StageDone, Trained: 3, Seconds: 10}}}
	for n := 1; n <= 6; n++ {
		c := newClaim(n, "criterion")
		c.Summary = "numbers"
		switch n {
		case 5:
			c.fail("a failed check")
		case 6:
			c.notRun("no data")
		}
		c.Tables = []Table{{Caption: "table", Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}}}}
		path := filepath.Join("figs", "claim"+string(rune('0'+n))+".png")
		writePNG(t, filepath.Join(dir, path), 320, 200)
		c.Figures = []Figure{{Path: filepath.ToSlash(path), Caption: "figure"}}
		rep.Claims = append(rep.Claims, c)
	}
	return rep
}

var imagesAttr = regexp.MustCompile(`data-images="([^"]*)"`)

// TestReportInBrowser renders report.html in headless Chromium: the
// page's own script finds every embedded figure loaded, the claims table
// is in the DOM, and a screenshot is a real image. A page with a corrupt
// figure is reported broken, which shows the check can fail.
func TestReportInBrowser(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	rep := testReport(t, dir)
	if err := rep.Write(dir); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, ReportHTML)
	dom := headless(t, bin, page, "--dump-dom")
	m := imagesAttr.FindSubmatch(dom)
	if m == nil || string(m[1]) != "ok 6" {
		t.Errorf("images in the browser: %q, want \"ok 6\"", m)
	}
	for _, want := range []string{`<table id="claims">`, "does not hold", "not run", "holds"} {
		if !bytes.Contains(dom, []byte(want)) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "report.png")
	headless(t, bin, page, "--screenshot="+shot, "--window-size=1200,2400", "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 1000 {
		t.Errorf("screenshot is %v", b)
	}
	// The screenshot is not blank: the red lines of the figures and the
	// text are there.
	colours := map[color.RGBA]bool{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 3 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}] = true
		}
	}
	if len(colours) < 10 {
		t.Errorf("the screenshot has %d colours: blank page?", len(colours))
	}

	// A corrupt figure is caught.
	html, _ := os.ReadFile(page)
	broken := bytes.Replace(html, []byte("data:image/png;base64,iVBOR"), []byte("data:image/png;base64,AAAAA"), 1)
	bad := filepath.Join(dir, "broken.html")
	if err := os.WriteFile(bad, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	m = imagesAttr.FindSubmatch(headless(t, bin, bad, "--dump-dom"))
	if m == nil || string(m[1]) != "broken 1 of 6" {
		t.Errorf("a corrupt figure: %q, want \"broken 1 of 6\"", m)
	}
}
