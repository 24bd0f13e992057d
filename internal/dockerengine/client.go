package dockerengine

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// API versions this client speaks: from Docker 1.12 (API 1.24) to the newest
// it knows. The engine's version is used when it is in between.
const (
	MinAPIVersion = "1.24"
	MaxAPIVersion = "1.47"
)

// maxBody bounds what one answer may weigh, so a wrong endpoint that streams
// forever cannot exhaust memory.
const maxBody = 32 << 20

// DialFunc opens a connection to an engine address (network "unix", "tcp" or
// "npipe"). It must honour the context's deadline.
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Kind classifies why the engine could not be used.
type Kind int

// The kinds of engine errors, each with its own advice.
const (
	KindOther       Kind = iota
	KindNoSocket         // nothing at that path: the engine is not running there
	KindRefused          // the socket or port exists but nobody accepts
	KindPermission       // the socket exists but this user may not open it
	KindTimeout          // accepted (or not) but no answer before the deadline
	KindNotDocker        // something answered, but not the Docker API
	KindUnsupported      // an address scheme envdoctor cannot dial (ssh://)
	KindHTTP             // the engine answered with an error status
)

func (k Kind) String() string {
	switch k {
	case KindNoSocket:
		return "no socket"
	case KindRefused:
		return "connection refused"
	case KindPermission:
		return "permission denied"
	case KindTimeout:
		return "timeout"
	case KindNotDocker:
		return "not a Docker engine"
	case KindUnsupported:
		return "unsupported address"
	case KindHTTP:
		return "engine error"
	}
	return "error"
}

// Error is a failed engine call, classified.
type Error struct {
	Kind   Kind
	Host   string
	Op     string // "GET /_ping"
	Status int    // for KindHTTP
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: %s: %v", e.Op, e.Host, e.Kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of an engine error, KindOther for anything else.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// Client is a minimal Docker Engine API client over one endpoint.
type Client struct {
	host    string
	network string
	address string
	http    *http.Client
	version string // negotiated API version, "" before Negotiate
}

// ParseHost splits an engine address into the network and address a dialer
// takes.
func ParseHost(host string) (network, address string, err error) {
	scheme, rest, ok := strings.Cut(host, "://")
	if !ok {
		return "", "", fmt.Errorf("engine address %q has no scheme (unix://, npipe://, tcp://)", host)
	}
	switch scheme {
	case "unix":
		if rest == "" {
			return "", "", fmt.Errorf("engine address %q has no socket path", host)
		}
		return "unix", rest, nil
	case "npipe":
		return "npipe", strings.ReplaceAll(rest, "/", `\`), nil
	case "tcp", "http", "https":
		u, perr := url.Parse("tcp://" + rest)
		if perr != nil || u.Host == "" {
			return "", "", fmt.Errorf("engine address %q is not host:port", host)
		}
		address = u.Host
		if u.Port() == "" {
			address = net.JoinHostPort(u.Hostname(), "2375")
		}
		return "tcp", address, nil
	case "ssh":
		return "", "", &Error{Kind: KindUnsupported, Host: host, Op: "dial", Err: errors.New("ssh engines are reached through the docker CLI's ssh helper; envdoctor does not open ssh connections")}
	}
	return "", "", fmt.Errorf("engine address %q: unknown scheme %q", host, scheme)
}

// New returns a client for host that dials with dial. Nothing is dialled
// until the first call.
func New(host string, dial DialFunc) (*Client, error) {
	network, address, err := ParseHost(host)
	if err != nil {
		return nil, err
	}
	transport := &http.Transport{
		Proxy: nil, // the engine is local: never through a proxy
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dial(ctx, network, address)
		},
		DisableCompression: true,
		MaxIdleConns:       4,
	}
	return &Client{host: host, network: network, address: address, http: &http.Client{Transport: transport}}, nil
}

// Host is the endpoint address.
func (c *Client) Host() string { return c.host }

// Network is "unix", "npipe" or "tcp".
func (c *Client) Network() string { return c.network }

// Address is the socket path, pipe name or host:port.
func (c *Client) Address() string { return c.address }

// APIVersion is the negotiated API version ("" before Ping).
func (c *Client) APIVersion() string { return c.version }

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Ping is the answer of GET /_ping.
type Ping struct {
	APIVersion string // the engine's newest API version
	OSType     string // "linux" or "windows"
}

// Ping checks that a Docker engine answers and negotiates the API version
// used by the other calls.
func (c *Client) Ping(ctx context.Context) (Ping, error) {
	resp, err := c.do(ctx, http.MethodGet, "/_ping", nil)
	if err != nil {
		return Ping{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	p := Ping{APIVersion: resp.Header.Get("Api-Version"), OSType: resp.Header.Get("Ostype")}
	if p.APIVersion == "" && strings.TrimSpace(string(body)) != "OK" {
		return p, &Error{Kind: KindNotDocker, Host: c.host, Op: "GET /_ping", Err: fmt.Errorf("answered HTTP %d without the Docker API headers", resp.StatusCode)}
	}
	if resp.StatusCode != http.StatusOK {
		return p, &Error{Kind: KindHTTP, Host: c.host, Op: "GET /_ping", Status: resp.StatusCode, Err: fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))}
	}
	c.version = negotiate(p.APIVersion)
	return p, nil
}

// negotiate returns the API version to use with an engine whose newest
// version is engine: the lower of it and MaxAPIVersion, never below
// MinAPIVersion.
func negotiate(engine string) string {
	if engine == "" {
		return MinAPIVersion
	}
	if CompareVersions(engine, MaxAPIVersion) > 0 {
		return MaxAPIVersion
	}
	if CompareVersions(engine, MinAPIVersion) < 0 {
		return MinAPIVersion
	}
	return engine
}

// CompareVersions compares dotted API versions numerically ("1.9" < "1.41").
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Get calls GET /v<version><path> and decodes the JSON answer into out.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	if c.version == "" {
		if _, err := c.Ping(ctx); err != nil {
			return err
		}
	}
	target := "/v" + c.version + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	resp, err := c.do(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	op := "GET " + path
	body := io.LimitReader(resp.Body, maxBody)
	if resp.StatusCode/100 != 2 {
		var msg struct {
			Message string `json:"message"`
		}
		data, _ := io.ReadAll(io.LimitReader(body, 4096))
		if json.Unmarshal(data, &msg) != nil || msg.Message == "" {
			msg.Message = strings.TrimSpace(string(data))
		}
		return &Error{Kind: KindHTTP, Host: c.host, Op: op, Status: resp.StatusCode, Err: errors.New(msg.Message)}
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, body)
		return nil
	}
	if err := json.NewDecoder(body).Decode(out); err != nil {
		if ctx.Err() != nil {
			return &Error{Kind: KindTimeout, Host: c.host, Op: op, Err: ctx.Err()}
		}
		return &Error{Kind: KindNotDocker, Host: c.host, Op: op, Err: fmt.Errorf("answer is not the JSON the Docker API sends: %w", err)}
	}
	return nil
}

// GetRaw calls GET and returns at most limit bytes of the body (for logs).
func (c *Client) GetRaw(ctx context.Context, path string, query url.Values, limit int64) ([]byte, error) {
	if c.version == "" {
		if _, err := c.Ping(ctx); err != nil {
			return nil, err
		}
	}
	target := "/v" + c.version + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	resp, err := c.do(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return data, c.classify("GET "+path, ctx, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &Error{Kind: KindHTTP, Host: c.host, Op: "GET " + path, Status: resp.StatusCode, Err: errors.New(strings.TrimSpace(string(data)))}
	}
	return data, nil
}

func (c *Client) do(ctx context.Context, method, target string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://docker"+target, body)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", method, target, err)
	}
	req.Header.Set("User-Agent", "envdoctor")
	resp, err := c.http.Do(req)
	if err != nil {
		path, _, _ := strings.Cut(target, "?")
		return nil, c.classify(method+" "+path, ctx, err)
	}
	return resp, nil
}

// classify turns a transport error into an *Error with its kind.
func (c *Client) classify(op string, ctx context.Context, err error) error {
	var already *Error
	if errors.As(err, &already) {
		return already
	}
	kind := KindOther
	var netErr net.Error
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOENT):
		kind = KindNoSocket
	case errors.Is(err, syscall.ECONNREFUSED):
		kind = KindRefused
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		kind = KindPermission
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil, errors.As(err, &netErr) && netErr.Timeout():
		kind = KindTimeout
	case isMalformed(err):
		kind = KindNotDocker
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		// It accepted the connection, then closed it: before the request
		// was written (EPIPE), or without an answer.
		kind = KindNotDocker
	}
	return &Error{Kind: kind, Host: c.host, Op: op, Err: unwrapURL(err)}
}

// isMalformed reports the errors net/http returns on an answer that is not
// HTTP; they are matched by message (net/http exports no type for them).
func isMalformed(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "malformed HTTP") || strings.Contains(msg, "server gave HTTP response") ||
		errors.Is(err, bufio.ErrBufferFull)
}

func unwrapURL(err error) error {
	var u *url.Error
	if errors.As(err, &u) {
		return u.Err
	}
	return err
}
