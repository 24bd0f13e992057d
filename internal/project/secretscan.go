package project

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// MaxScanSize bounds the files scanned for secrets: a larger file is
// skipped (counted, not read). Lock files and configs are well under it.
const MaxScanSize = 4 << 20

// scanParallelism is how many files are read and scanned at once.
const scanParallelism = 8

// SkipReason says why a file was not scanned for secrets.
type SkipReason string

// The reasons a file is not scanned.
const (
	SkipBinary     SkipReason = "binary"
	SkipTooLarge   SkipReason = "too large"
	SkipMinified   SkipReason = "minified"
	SkipNotRegular SkipReason = "not a regular file"
	SkipUnreadable SkipReason = "unreadable"
)

// ScannedFile is what the secret scan found in one file. It never holds
// the file's content, nor a secret's value.
type ScannedFile struct {
	Path string // root-relative, slash-separated
	Size int64
	// Skipped is set when the file was not scanned; Err says why it could
	// not be read.
	Skipped SkipReason
	Err     string
	Secrets []FoundSecret
}

// FoundSecret is one secret in a scanned file.
type FoundSecret struct {
	secrets.Match
	// Range is the secret's exact span in the file.
	Range finding.Range
}

// ScanStats sums up the secret scans of a run.
type ScanStats struct {
	Files   int   // files scanned
	Bytes   int64 // bytes scanned
	Secrets int
	Skipped map[SkipReason]int
}

// secretScans caches the scan of each path: rules share the work.
type secretScans struct {
	mu    sync.Mutex
	files map[string]*scanEntry
}

// scanEntry is one file's scan; done is closed once file is complete.
// Rules run in parallel: a rule asking for a file another rule is
// scanning waits for that scan instead of reading a half-filled result.
type scanEntry struct {
	file *ScannedFile
	done chan struct{}
}

// ScanSecrets reads the root-relative files (once each per project; a
// file already loaded is scanned from memory) and returns what the secret
// detectors find in them, in the order of paths. Files are read in
// parallel; binary files (by name or a NUL byte), files over MaxScanSize,
// minified bundles and anything but regular files (symlinks are not
// followed) are skipped and counted. Nothing read is kept.
func (p *Project) ScanSecrets(paths []string) []*ScannedFile {
	s := &p.scans
	s.mu.Lock()
	if s.files == nil {
		s.files = map[string]*scanEntry{}
	}
	var todo, others []*scanEntry
	out := make([]*ScannedFile, len(paths))
	for i, rel := range paths {
		e, ok := s.files[rel]
		if !ok {
			e = &scanEntry{file: &ScannedFile{Path: rel}, done: make(chan struct{})}
			s.files[rel] = e
			todo = append(todo, e)
		} else {
			others = append(others, e)
		}
		out[i] = e.file
	}
	s.mu.Unlock()

	jobs := make(chan *scanEntry)
	var wg sync.WaitGroup
	for w := 0; w < min(scanParallelism, len(todo)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte // grown to the largest file read
			for e := range jobs {
				func() {
					defer close(e.done)
					buf = p.scanOne(e.file, buf)
				}()
			}
		}()
	}
	for _, f := range todo {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	for _, e := range others {
		<-e.done
	}
	return out
}

// ScanStats sums up every file scanned so far.
func (p *Project) ScanStats() ScanStats {
	s := &p.scans
	s.mu.Lock()
	defer s.mu.Unlock()
	st := ScanStats{Skipped: map[SkipReason]int{}}
	for _, e := range s.files {
		select {
		case <-e.done:
		default:
			continue // still being scanned
		}
		f := e.file
		if f.Skipped != "" {
			st.Skipped[f.Skipped]++
			continue
		}
		st.Files++
		st.Bytes += f.Size
		st.Secrets += len(f.Secrets)
	}
	return st
}

// String is the -v line of the scan: how much was scanned and skipped.
func (st ScanStats) String() string {
	if st.Files == 0 && len(st.Skipped) == 0 {
		return ""
	}
	s := fmt.Sprintf("secret scan: %d files (%s) scanned", st.Files, HumanBytes(st.Bytes))
	var reasons []string
	for r := range st.Skipped {
		reasons = append(reasons, string(r))
	}
	sort.Strings(reasons)
	var parts []string
	for _, r := range reasons {
		parts = append(parts, fmt.Sprintf("%d %s", st.Skipped[SkipReason(r)], r))
	}
	if len(parts) > 0 {
		s += "; skipped " + strings.Join(parts, ", ")
		if st.Skipped[SkipTooLarge] > 0 {
			s += fmt.Sprintf(" (the size bound is %s)", HumanBytes(MaxScanSize))
		}
	}
	return s
}

// scanOne fills f, reading with buf (returned, maybe grown, for reuse).
func (p *Project) scanOne(f *ScannedFile, buf []byte) []byte {
	if src, ok := p.Sources[f.Path]; ok {
		f.Size = int64(len(src.Data))
		scanData(f, src.Data)
		return buf
	}
	if binaryName(f.Path) {
		f.Skipped = SkipBinary
		return buf
	}
	if minifiedName(f.Path) {
		f.Skipped = SkipMinified
		return buf
	}
	abs := filepath.Join(p.Root, filepath.FromSlash(f.Path))
	r, buf := readForScan(abs, buf)
	if r.skipped != "" {
		f.Size, f.Skipped, f.Err = r.size, r.skipped, r.err
		return buf
	}
	data := r.data
	n := len(data)
	f.Size = int64(n)
	if bytes.IndexByte(data[:min(n, 8000)], 0) >= 0 {
		f.Skipped = SkipBinary
		return buf
	}
	if minified(f.Path, data) {
		f.Skipped = SkipMinified
		return buf
	}
	scanData(f, data)
	return buf
}

// scanData runs the detectors over data and locates the matches.
func scanData(f *ScannedFile, data []byte) {
	ms := secrets.Scan(data)
	if len(ms) == 0 {
		return
	}
	// Matches are sorted by start: one pass counts the lines.
	line, lineStart, off := 1, 0, 0
	pos := func(o int) finding.Pos {
		for off < o {
			i := bytes.IndexByte(data[off:o], '\n')
			if i < 0 {
				off = o
				break
			}
			off += i + 1
			line++
			lineStart = off
		}
		return finding.Pos{Line: line, Col: o - lineStart + 1}
	}
	for _, m := range ms {
		start := pos(m.Start)
		// The end may lie lines further (a private key); compute it
		// without moving the shared cursor past later starts.
		endLine, endStart := line, lineStart
		for i := m.Start; i < m.End; i++ {
			if data[i] == '\n' {
				endLine++
				endStart = i + 1
			}
		}
		end := finding.Pos{Line: endLine, Col: m.End - endStart + 1}
		f.Secrets = append(f.Secrets, FoundSecret{Match: m, Range: finding.Range{File: f.Path, Start: start, End: end}})
	}
}

// binaryExts are file extensions of formats that hold no text worth
// scanning (images, fonts, archives, compiled code, media, databases);
// they are skipped without being opened.
var binaryExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".ico": true, ".bmp": true, ".tif": true, ".tiff": true, ".avif": true, ".heic": true, ".psd": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".eot": true,
	".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true, ".rar": true, ".tar": true, ".jar": true, ".war": true, ".whl": true, ".egg": true,
	".class": true, ".pyc": true, ".pyo": true, ".so": true, ".dylib": true, ".dll": true, ".exe": true, ".o": true, ".a": true, ".wasm": true, ".node": true,
	".mp3": true, ".mp4": true, ".mov": true, ".avi": true, ".wav": true, ".ogg": true, ".flac": true, ".webm": true, ".mkv": true,
	".pdf": true, ".sqlite": true, ".sqlite3": true, ".db": true, ".parquet": true, ".pkl": true, ".npy": true, ".pt": true, ".onnx": true, ".bin": true, ".iso": true, ".img": true, ".dmg": true,
}

func binaryName(p string) bool {
	return binaryExts[strings.ToLower(path.Ext(p))]
}

// minifiedName reports a minified bundle or a source map by its name
// (.min.js, .min.css, .js.map, .css.map): like binary formats, such files
// are skipped without being opened (a web app's public directory may hold
// thousands of them).
func minifiedName(p string) bool {
	lower := strings.ToLower(path.Base(p))
	return strings.HasSuffix(lower, ".min.js") || strings.HasSuffix(lower, ".min.css") || strings.HasSuffix(lower, ".js.map") || strings.HasSuffix(lower, ".css.map")
}

// minified reports a minified bundle or a source map: a minifiedName, or a
// JavaScript or CSS file whose lines average over 1,000 bytes. Minified
// code is generated, and its long random-looking identifiers are noise to
// the secret detectors.
func minified(p string, data []byte) bool {
	if minifiedName(p) {
		return true
	}
	lower := strings.ToLower(path.Base(p))
	switch path.Ext(lower) {
	case ".js", ".mjs", ".cjs", ".css":
	default:
		return false
	}
	if len(data) < 4096 {
		return false
	}
	lines := bytes.Count(data, []byte{'\n'}) + 1
	return len(data)/lines > 1000
}

// HumanBytes writes a byte count for people: "512 B", "3.4 KB", "120 MB"
// (powers of 1024, one decimal under 10).
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KB", "MB", "GB", "TB", "PB"}
	v := float64(n) / unit
	i := 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, units[i])
	}
	return fmt.Sprintf("%.0f %s", v, units[i])
}

// scanRead is what readForScan read of one file: its data (a view of the
// worker's buffer), or why it was skipped.
type scanRead struct {
	data    []byte
	size    int64
	skipped SkipReason
	err     string
}

// growScanBuffer returns buf with room for size bytes (grown to the largest
// file a worker reads, doubling).
func growScanBuffer(buf []byte, size int64) []byte {
	if int64(cap(buf)) < size {
		buf = make([]byte, 0, max(size, 2*int64(cap(buf)), 4<<10))
	}
	return buf
}
