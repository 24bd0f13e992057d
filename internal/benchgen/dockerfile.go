package benchgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Dockerfile is a generated Dockerfile of n instructions (issue 4's
// benchmark: 2,000): stages of a hundred instructions each, mixing what real
// Dockerfiles hold (FROM with a stage name, ARG and ENV with interpolation,
// RUN with apt-get, pip and shell pipes across continuation lines, COPY and
// COPY --from, WORKDIR, LABEL, EXPOSE, USER, HEALTHCHECK, CMD in exec form).
func Dockerfile(n int) string {
	var b strings.Builder
	count := 0
	emit := func(format string, args ...any) {
		if count < n {
			fmt.Fprintf(&b, format, args...)
			count++
		}
	}
	for stage := 0; count < n; stage++ {
		emit("FROM python:3.12-slim AS stage%d\n", stage)
		emit("ARG VERSION_%d=1.%d.0\n", stage, stage)
		emit("ENV APP_HOME=/srv/app%d PATH=/srv/app%d/bin:$PATH\n", stage, stage)
		emit("WORKDIR $APP_HOME\n")
		for i := 0; i < 90 && count < n; i += 9 {
			emit("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl=7.88.1-10 ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n")
			emit("COPY requirements%d.txt ./\n", i)
			emit("RUN pip install --no-cache-dir -r requirements%d.txt && echo \"step %d of ${VERSION_%d}\" | tee /tmp/log%d\n", i, i, stage, i)
			emit("LABEL org.opencontainers.image.version=\"${VERSION_%d}\" step=\"%d\"\n", stage, i)
			emit("ENV STEP_%d=%d\n", i, i)
			emit("COPY src/module%d/ ./module%d/\n", i, i)
			if stage > 0 {
				emit("COPY --from=stage%d /srv/app%d/module%d/ ./shared%d/\n", stage-1, stage-1, i, i)
			} else {
				emit("RUN set -eux; for f in module%d/*.py; do python -m py_compile \"$f\"; done\n", i)
			}
			emit("EXPOSE %d\n", 8000+i)
			emit("RUN if [ -f module%d/setup.sh ]; then sh module%d/setup.sh; fi\n", i, i)
		}
		emit("USER 10001\n")
		emit("HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:8000/health || exit 1\n")
		emit("CMD [\"python\", \"-m\", \"module0\"]\n")
	}
	return b.String()
}

// WriteDockerfile writes Dockerfile(n) into dir, with a compose.yaml that
// builds it and the files its COPY instructions name (as in a real
// project), so `envdoctor lint dir` lints that Dockerfile.
func WriteDockerfile(dir string, n int) error {
	files := map[string]string{
		"Dockerfile":   Dockerfile(n),
		"compose.yaml": "services:\n  app:\n    build: .\n",
	}
	for i := 0; i < 90; i += 9 {
		files[fmt.Sprintf("requirements%d.txt", i)] = "flask==3.0.3\n"
		files[fmt.Sprintf("src/module%d/__init__.py", i)] = ""
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
