package benchgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Dockerfile returns a Dockerfile of about n instructions (never fewer),
// the mix of a real multi-stage file: global ARGs, then stages of about 60
// instructions, each with a FROM (some building on the previous stage),
// LABEL, ENV and ARG lines, WORKDIR, and groups of apt-get chains with
// continuations, COPY of manifests, pip and npm installs, heredoc RUNs,
// COPY of sources; the last stage ends with EXPOSE, USER and CMD. Some
// instructions have problems the DF rules report (a lone apt-get update, a
// whole COPY before an install, curl piped into sh, cd in RUN, ADD of a
// local file), so the rules' reporting paths are timed too.
func Dockerfile(n int) string {
	var b strings.Builder
	count := 0
	emit := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		count++
	}
	b.WriteString("# syntax=docker/dockerfile:1\n")
	emit("ARG PYTHON_VERSION=3.12\n")
	emit("ARG NODE_MAJOR=22\n")
	for stage := 0; count < n; stage++ {
		if stage%3 == 1 {
			emit("\nFROM stage%d AS stage%d\n", stage-1, stage)
		} else {
			emit("\nFROM python:${PYTHON_VERSION}-slim AS stage%d\n", stage)
		}
		emit("LABEL org.opencontainers.image.title=\"service %d\" \\\n      org.opencontainers.image.vendor=\"Example\" \\\n      org.opencontainers.image.version=\"1.%d.0\"\n", stage, stage)
		emit("ENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1 \\\n    APP_HOME=/srv/app%d\n", stage)
		emit("ARG BUILD_REF=main\n")
		emit("WORKDIR /srv/app%d\n", stage)
		for g := 0; g < 5 && count < n; g++ {
			k := stage*10 + g
			emit("RUN apt-get update \\\n && apt-get install -y --no-install-recommends \\\n      build-essential \\\n      libpq-dev \\\n      curl=7.88.* \\\n && rm -rf /var/lib/apt/lists/*\n")
			emit("COPY requirements%d.txt ./requirements.txt\n", g)
			emit("RUN --mount=type=cache,target=/root/.cache/pip \\\n    pip install -r requirements.txt \\\n && python -m compileall -q /srv/app%d\n", stage)
			emit("COPY package.json package-lock.json ./\n")
			emit("RUN npm ci --omit=dev && npm cache clean --force\n")
			emit("ENV FEATURE_%d=on STAGE_%d=\"stage %d\"\n", k, k, stage)
			emit("RUN <<EOF\nset -eu\nmkdir -p /srv/data%d\necho \"built %d from ${BUILD_REF}\" > /srv/data%d/BUILD\nEOF\n", k, k, k)
			emit("COPY src/ ./src/\n")
			switch g {
			case 1:
				emit("RUN apt-get update\n")
				emit("RUN curl -fsSL https://example.com/install-%d.sh | sh\n", k)
			case 2:
				emit("RUN cd /srv/app%d && python -m pip list > packages.txt\n", stage)
				emit("ADD config/settings.toml /etc/app%d/\n", k)
			case 3:
				emit("COPY . .\n")
				emit("RUN pip install --no-cache-dir -r requirements.txt\n")
			}
		}
	}
	emit("\nEXPOSE 8000\n")
	emit("USER 10001:10001\n")
	emit("CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n")
	return b.String()
}

// WriteDockerfile writes, in dir, a build context for Dockerfile(n): the
// Dockerfile, the files it copies, and a .dockerignore.
func WriteDockerfile(dir string, n int) error {
	files := map[string]string{
		"Dockerfile":           Dockerfile(n),
		".dockerignore":        ".git\n**/__pycache__\n*.pyc\n",
		"package.json":         `{"name": "bench", "version": "1.0.0", "dependencies": {"express": "^4.19.2"}}` + "\n",
		"package-lock.json":    `{"name": "bench", "lockfileVersion": 3, "packages": {}}` + "\n",
		"src/app.py":           "from flask import Flask\napp = Flask(__name__)\n",
		"config/settings.toml": "debug = false\n",
	}
	for g := 0; g < 5; g++ {
		files[fmt.Sprintf("requirements%d.txt", g)] = "flask==3.0.3\ngunicorn==22.0.0\n"
	}
	files["requirements.txt"] = "flask==3.0.3\ngunicorn==22.0.0\n"
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
