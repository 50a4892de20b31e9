# Build a static binary (modernc SQLite is pure Go, so no cgo is needed).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/bansou ./cmd/bansou \
 && mkdir -p /out/data

# Run as a non-root user; tzdata is embedded (timetzdata) and also present in
# the base image, so Asia/Tokyo resolves.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bansou /usr/local/bin/bansou
# The embedded SQLite file lives in /data, writable by the nonroot user (65532).
COPY --from=build --chown=65532:65532 /out/data /data
USER nonroot:nonroot
EXPOSE 8080
WORKDIR /data
ENV BANSOU_DATABASE_URL=/data/bansou.db \
    BANSOU_HTTP_ADDR=:8080 \
    BANSOU_TZ=Asia/Tokyo
ENTRYPOINT ["/usr/local/bin/bansou"]
CMD ["serve"]
