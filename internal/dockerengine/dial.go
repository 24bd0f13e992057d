package dockerengine

import (
	"context"
	"net"
)

// Dial is the real dialer: unix sockets and TCP through net.Dialer, named
// pipes through go-winio on Windows (see dial_windows.go). The context's
// deadline bounds the dial.
func Dial(ctx context.Context, network, address string) (net.Conn, error) {
	if network == "npipe" {
		return dialPipe(ctx, address)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}
