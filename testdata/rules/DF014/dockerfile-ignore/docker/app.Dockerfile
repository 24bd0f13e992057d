FROM alpine:3.20
COPY config.yaml /etc/app/
