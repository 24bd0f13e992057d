// Command gencontext writes a realistic build context for the context and
// secret-scanning benchmarks (bench/context.sh): application sources, a
// node_modules tree, lock files, images, minified bundles, large data
// files (sparse: their size is set, never written) and a few planted
// secrets, listed in DIR/../planted.txt as path:line:kind.
//
// Usage: go run ./bench/gencontext [-files 100000] [-sparse BYTES] DIR
package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	files := flag.Int("files", 100_000, "number of files")
	sparse := flag.Int64("sparse", 900<<20, "bytes of sparse data files (never written)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gencontext [-files N] [-sparse BYTES] DIR")
		os.Exit(2)
	}
	g := &gen{root: flag.Arg(0), rng: rand.New(rand.NewSource(1))}
	if err := g.run(*files, *sparse); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d files, %d bytes written, %d bytes sparse, %d planted secrets\n", g.count, g.written, *sparse, len(g.planted))
}

type gen struct {
	root    string
	rng     *rand.Rand
	count   int
	written int64
	planted []string
}

func (g *gen) write(rel string, data []byte) error {
	abs := filepath.Join(g.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return err
	}
	g.count++
	g.written += int64(len(data))
	return os.WriteFile(abs, data, 0o644)
}

const words = "const let var function return if else for while import export default from require module exports async await new this class extends super try catch throw typeof instanceof null undefined true false"

// code is n bytes of JavaScript- or Python-looking text.
func (g *gen) code(n int) []byte {
	ws := strings.Fields(words)
	var b strings.Builder
	for b.Len() < n {
		indent := strings.Repeat("  ", g.rng.Intn(4))
		b.WriteString(indent)
		for i := 0; i < 4+g.rng.Intn(8); i++ {
			b.WriteString(ws[g.rng.Intn(len(ws))])
			if g.rng.Intn(3) == 0 {
				fmt.Fprintf(&b, "_%s%d", ws[g.rng.Intn(len(ws))], g.rng.Intn(100))
			}
			b.WriteByte(' ')
		}
		b.WriteString(";\n")
	}
	return []byte(b.String()[:n])
}

func (g *gen) random(n int) []byte {
	b := make([]byte, n)
	g.rng.Read(b)
	return b
}

func (g *gen) token(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.rng.Intn(len(set))]
	}
	return string(b)
}

const (
	alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	hex   = "0123456789abcdef"
)

func (g *gen) run(total int, sparse int64) error {
	if err := os.MkdirAll(g.root, 0o755); err != nil {
		return err
	}
	// The Dockerfile copies the whole context into the image.
	if err := g.write("Dockerfile", []byte("FROM node:22-alpine\nWORKDIR /app\nCOPY . /app\nRUN npm ci\nCMD [\"node\", \"src/server.js\"]\n")); err != nil {
		return err
	}
	if err := g.write("package.json", []byte(`{"name":"bench-app","version":"1.0.0","dependencies":{"express":"^4.19.2"}}`+"\n")); err != nil {
		return err
	}
	// A 2 MB lock file full of integrity hashes.
	var lock strings.Builder
	lock.WriteString("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n")
	for i := 0; lock.Len() < 2<<20; i++ {
		fmt.Fprintf(&lock, "    \"node_modules/pkg-%d\": {\"version\": \"1.%d.0\", \"resolved\": \"https://registry.npmjs.org/pkg-%d/-/pkg-%d-1.%d.0.tgz\", \"integrity\": \"sha512-%s\"},\n",
			i, i%50, i, i, i%50, base64.StdEncoding.EncodeToString(g.random(64)))
	}
	lock.WriteString("    \"\": {}\n  }\n}\n")
	if err := g.write("package-lock.json", []byte(lock.String())); err != nil {
		return err
	}
	// Large data files: sparse, size only.
	for i, share := range []int64{6, 3, 1} {
		abs := filepath.Join(g.root, "data", fmt.Sprintf("dump-%d.bin", i))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return err
		}
		f, err := os.Create(abs)
		if err != nil {
			return err
		}
		if err := f.Truncate(sparse * share / 10); err != nil {
			return err
		}
		f.Close()
		g.count++
	}
	if err := g.plant(); err != nil {
		return err
	}
	// The rest: 3% application sources, 2% images, 1% minified bundles,
	// the remainder a node_modules tree.
	left := total - g.count
	for i := 0; i < left; i++ {
		var rel string
		var data []byte
		switch r := i % 100; {
		case r < 3:
			rel = fmt.Sprintf("src/mod%03d/file%05d.js", i%200, i)
			data = g.code(1000 + g.rng.Intn(7000))
		case r < 5:
			rel = fmt.Sprintf("public/img/%03d/img%05d.png", i%100, i)
			data = append([]byte("\x89PNG\r\n\x1a\n"), g.random(2000+g.rng.Intn(20000))...)
		case r < 6:
			rel = fmt.Sprintf("public/js/chunk%05d.min.js", i)
			data = []byte(strings.ReplaceAll(string(g.code(20000)), "\n", ""))
		default:
			pkg := i / 40
			switch i % 40 {
			case 0:
				rel = fmt.Sprintf("node_modules/pkg-%d/package.json", pkg)
				data = []byte(fmt.Sprintf(`{"name":"pkg-%d","version":"1.0.0","main":"index.js"}`+"\n", pkg))
			case 1:
				rel = fmt.Sprintf("node_modules/pkg-%d/README.md", pkg)
				data = g.code(2000)
			default:
				rel = fmt.Sprintf("node_modules/pkg-%d/lib/f%02d.js", pkg, i%40)
				data = g.code(300 + g.rng.Intn(4000))
			}
		}
		if err := g.write(rel, data); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(filepath.Dir(filepath.Clean(g.root)), "planted.txt"), []byte(strings.Join(g.planted, "\n")+"\n"), 0o644)
}

// plant writes files with secrets of formats both envdoctor and gitleaks
// know, one per line, and records where.
func (g *gen) plant() error {
	secrets := []struct{ kind, line string }{
		{"aws-access-key-id", "AWS_ACCESS_KEY_ID=AKIA" + g.token(upper, 16)},
		{"github-token", "GITHUB_TOKEN=ghp_" + g.token(alnum, 36)},
		{"gitlab-token", "GITLAB_TOKEN=glpat-" + g.token(alnum, 20)},
		{"slack-token", "SLACK_BOT_TOKEN=xoxb-" + g.token("0123456789", 12) + "-" + g.token("0123456789", 12) + "-" + g.token(alnum, 24)},
		{"stripe-key", "STRIPE_KEY=sk_live_" + g.token(alnum, 24)},
		{"sendgrid-key", "SENDGRID_API_KEY=SG." + g.token(alnum, 22) + "." + g.token(alnum, 43)},
		{"npm-token", "//registry.npmjs.org/:_authToken=npm_" + g.token(alnum, 36)},
		{"twilio-sid", "TWILIO_API_KEY=SK" + g.token(hex, 32)},
	}
	files := []string{".env", "src/config/settings.js", "deploy/prod.env", "node_modules/pkg-leaky/test/fixtures.js"}
	for fi, f := range files {
		var b strings.Builder
		for i, s := range secrets {
			if i%len(files) != fi && fi != 0 {
				continue
			}
			b.WriteString(string(g.code(200)))
			b.WriteByte('\n')
			line := strings.Count(b.String(), "\n") + 1
			b.WriteString(s.line + "\n")
			g.planted = append(g.planted, fmt.Sprintf("%s:%d:%s", f, line, s.kind))
		}
		if err := g.write(f, []byte(b.String())); err != nil {
			return err
		}
	}
	// A private key.
	key := "-----BEGIN RSA PRIVATE KEY-----\n"
	for i := 0; i < 12; i++ {
		key += base64.StdEncoding.EncodeToString(g.random(48)) + "\n"
	}
	key += "-----END RSA PRIVATE KEY-----\n"
	g.planted = append(g.planted, "deploy/id_rsa:1:private-key")
	return g.write("deploy/id_rsa", []byte(key))
}
