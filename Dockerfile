# syntax=docker/dockerfile:1
# check=error=true

# envdoctor in a container: a static binary on an empty image, run as an
# unprivileged user. Build and use (docs/integrations.md):
#
#   docker build -t envdoctor --build-arg VERSION=$(git describe --tags --always) --build-arg COMMIT=$(git rev-parse HEAD) .
#   docker run --rm -v "$PWD:/src" envdoctor lint
#
# The image has no shell, no git and no Docker CLI: it lints (envdoctor
# lint, graph, explain); the doctor's machine checks need envdoctor on the
# machine itself.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
# go.mod replaces one dependency with the patched copy in third_party/.
COPY third_party/ third_party/
RUN --mount=type=cache,target=/go/pkg/mod go mod download
# .dockerignore keeps the context to the Go sources.
COPY . .
ARG VERSION=dev
ARG COMMIT=""
# CGO_ENABLED=0: a static binary that runs on an empty image.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags="-s -w -X github.com/envdoctor/envdoctor/internal/cli.linkVersion=${VERSION} -X github.com/envdoctor/envdoctor/internal/cli.linkCommit=${COMMIT}" \
      -o /out/envdoctor ./cmd/envdoctor

FROM scratch
LABEL org.opencontainers.image.title="envdoctor" \
      org.opencontainers.image.description="Lints Docker Compose projects: compose files, Dockerfiles, .dockerignore and .env files" \
      org.opencontainers.image.source="https://github.com/envdoctor/envdoctor"
COPY --from=build /out/envdoctor /usr/local/bin/envdoctor
# 65532 is the "nonroot" user of distroless images: no /etc/passwd needed.
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/envdoctor"]
CMD ["lint"]
