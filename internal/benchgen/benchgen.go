// Package benchgen writes large generated compose projects for benchmarks:
// the Go benchmarks (internal/cli) and bench/compare.sh (through
// bench/gen) time envdoctor on the very same files.
package benchgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Write creates, in dir, a compose project with n services: a compose.yaml
// (every tenth service a postgres database, the others built from their own
// Dockerfile; ports, environment with ${} interpolation, depends_on,
// volumes, a healthcheck on the databases), a .env giving most of the
// interpolated variables, and one build context per built service.
func Write(dir string, n int) error {
	var c strings.Builder
	var env strings.Builder
	c.WriteString("name: bench\n\nservices:\n")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("svc%04d", i)
		db := fmt.Sprintf("db%04d", i-i%10)
		if i%10 == 0 {
			fmt.Fprintf(&c, `  %s:
    image: postgres:16.4
    environment:
      POSTGRES_USER: ${DB_USER}
      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
      POSTGRES_DB: app%d
    ports:
      - "127.0.0.1:${DB_PORT_%d:-%d}:5432"
    volumes:
      - %s-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"]
      interval: 5s
`, db, i, i, 20000+i, db)
			fmt.Fprintf(&env, "DB_PORT_%d=%d\n", i, 20000+i)
		}
		fmt.Fprintf(&c, `  %s:
    build:
      context: ./services/%s
      args:
        APP_VERSION: ${APP_VERSION:-1.0.0}
    image: bench/%s:${TAG:-dev}
    environment:
      - DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@%s:5432/app%d
      - LOG_LEVEL=${LOG_LEVEL:-info}
      - SERVICE_NAME=%s
    ports:
      - "${PORT_%d:-%d}:8000"
    depends_on:
      %s:
        condition: service_healthy
    volumes:
      - ./services/%s/src:/app/src:ro
      - cache-%d:/cache
`, name, name, name, db, i-i%10, name, i, 30000+i, db, name, i)
		if i%3 == 0 {
			fmt.Fprintf(&env, "PORT_%d=%d\n", i, 30000+i)
		}
		ctx := filepath.Join(dir, "services", name)
		if err := os.MkdirAll(filepath.Join(ctx, "src"), 0o755); err != nil {
			return err
		}
		files := map[string]string{
			"Dockerfile": `# syntax=docker/dockerfile:1
FROM python:3.12-slim AS base
ARG APP_VERSION
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY src/ ./src/
ENV APP_VERSION=${APP_VERSION}
USER 1000
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "src.app:app"]
`,
			".dockerignore":    ".git\n__pycache__\n*.pyc\n",
			"requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n",
			"src/app.py":       "from flask import Flask\napp = Flask(__name__)\n",
		}
		for f, text := range files {
			if err := os.WriteFile(filepath.Join(ctx, f), []byte(text), 0o644); err != nil {
				return err
			}
		}
	}
	c.WriteString("\nvolumes:\n")
	for i := 0; i < n; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&c, "  db%04d-data:\n", i)
		}
		fmt.Fprintf(&c, "  cache-%d:\n", i)
	}
	env.WriteString("DB_USER=app\nDB_PASSWORD=change-me\nTAG=dev\n")
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(c.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ".env"), []byte(env.String()), 0o644)
}
