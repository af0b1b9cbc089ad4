package sst

// The official release of the treebank's sentence-level splits.
const (
	// URL is the official archive, trainDevTestTrees_PTB.zip, on the
	// Stanford NLP site.
	URL = "https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip"
	// ArchiveSHA256 is the SHA-256 of that archive (789,539 bytes), as
	// pinned independently by FluxML/Flux.jl (src/data/sentiment.jl) and
	// other projects that download it.
	ArchiveSHA256 = "5c613a4f673fc74097d523a2c83f38e0cc462984d847b82c7aaf36b01cbbbfcc"
	// ArchiveDir is the directory of the split files inside the archive.
	ArchiveDir = "trees"
)

// FileInfo describes one split file of the release.
type FileInfo struct {
	// Split is the split the file holds.
	Split Split
	// Trees is the number of sentences (lines), Binary the number left in
	// the SST-2 view (neutral dropped).
	Trees, Binary int
	// SHA256 is the file's SHA-256, hex.
	SHA256 string
}

// Files lists the three split files of the release with their counts and
// checksums (the checksums of the copy the project's tests read; see
// Verify).
var Files = []FileInfo{
	{Split: Train, Trees: 8544, Binary: 6920, SHA256: "e2f3f41b0b1e6d4dddc0effe3bfc2d27ed8928079aa9a03d652311614fc5feb7"},
	{Split: Dev, Trees: 1101, Binary: 872, SHA256: "0e9336aed6e4730e19f58d00a77b3f0297efdb755f7b5e598c98a05e3f97ea40"},
	{Split: Test, Trees: 2210, Binary: 1821, SHA256: "6e54806dee95cf80cd918e7dfb3f6770f6df24bf826f289a4d1f709e1c8f6761"},
}
