package dockerengine

import (
	"context"
	"encoding/binary"
	"net/url"
	"strconv"
	"strings"
)

// maxLogBytes bounds the log tail read for one container.
const maxLogBytes = 64 << 10

// Logs returns the last lines of a container's output (stdout and stderr
// interleaved as the engine stored them). tty says whether the container has
// a TTY: without one the engine multiplexes the streams in frames.
func (c *Client) Logs(ctx context.Context, id string, tail int, tty bool) ([]string, error) {
	q := url.Values{"stdout": {"1"}, "stderr": {"1"}, "tail": {strconv.Itoa(tail)}}
	data, err := c.GetRaw(ctx, "/containers/"+url.PathEscape(id)+"/logs", q, maxLogBytes)
	if err != nil {
		return nil, err
	}
	if !tty {
		data = Demultiplex(data)
	}
	text := strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if text == "" {
		return nil, nil
	}
	lines := strings.Split(text, "\n")
	if len(lines) > tail {
		lines = lines[len(lines)-tail:]
	}
	return lines, nil
}

// Demultiplex joins the payloads of the engine's multiplexed stream: each
// frame is an 8-byte header (stream, 0, 0, 0, big-endian uint32 size) then
// the payload. A truncated last frame keeps what arrived.
func Demultiplex(data []byte) []byte {
	var out []byte
	for len(data) >= 8 {
		size := int(binary.BigEndian.Uint32(data[4:8]))
		data = data[8:]
		if size > len(data) {
			size = len(data)
		}
		out = append(out, data[:size]...)
		data = data[size:]
	}
	return out
}
