package secrets

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchCorpus is about 4 MiB of mixed text: the repository's own sources,
// docs and test data (Go, Markdown, YAML, Dockerfiles, env files), random
// base64 blobs, and a few fake secrets.
func benchCorpus(tb testing.TB) []byte {
	var buf bytes.Buffer
	root := filepath.Join("..", "..")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			if b, err := os.ReadFile(path); err == nil && len(b) < 1<<20 {
				buf.Write(b)
			}
		}
		return nil
	})
	if buf.Len() == 0 {
		tb.Skip("no source files to read")
	}
	src := buf.Bytes()
	rng := rand.New(rand.NewSource(7))
	var out bytes.Buffer
	for out.Len() < 4<<20 {
		out.Write(src)
		blob := make([]byte, 48<<10)
		rng.Read(blob)
		out.WriteString(base64.StdEncoding.EncodeToString(blob))
		out.WriteString("\nGITHUB_TOKEN=" + cat("gh", "p_", seq(alnum, 36)) + "\nDATABASE_URL=postgres://app:Pw0rd9x@db/app\n")
	}
	return out.Bytes()
}

func BenchmarkScan(b *testing.B) {
	data := benchCorpus(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Scan(data)
	}
}

// BenchmarkPrefilter compares the Aho-Corasick automaton with the simpler
// multi-substring prefilter (lower-case copy, one bytes.Index loop per
// keyword) over the same keywords and text.
func BenchmarkPrefilter(b *testing.B) {
	data := benchCorpus(b)
	e := theEngine()
	var keywords [][]byte
	for _, ref := range e.kwDetector {
		keywords = append(keywords, bytes.ToLower([]byte(ref.keyword)))
	}
	b.Run("aho-corasick", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			n := 0
			e.ac.scan(data, func(int, int) { n++ })
		}
	})
	b.Run("index-per-keyword", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		lower := make([]byte, len(data))
		for i := 0; i < b.N; i++ {
			for j, c := range data {
				lower[j] = lowerASCII(c)
			}
			n := 0
			for _, kw := range keywords {
				for off := 0; ; {
					k := bytes.Index(lower[off:], kw)
					if k < 0 {
						break
					}
					n++
					off += k + 1
				}
			}
		}
	})
}
