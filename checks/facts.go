package checks

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// EngineTimeout bounds the first contact with the engine (ping, version,
// info together). A hung engine costs at most this.
const EngineTimeout = 2 * time.Second

// Facts are computed once per run and shared by the probes that need them:
// several probes read the engine, one connection attempt serves them all.
type Facts struct {
	env *Env

	engineOnce sync.Once
	engine     *Engine

	composeOnce sync.Once
	compose     *ComposeCLI
}

// NewFacts returns empty facts over env.
func NewFacts(env *Env) *Facts { return &Facts{env: env} }

// Engine is what the first contact with the Docker engine learned.
type Engine struct {
	Endpoint dockerengine.Endpoint
	// EndpointErr is set when no endpoint could be chosen (a context
	// without metadata, --host with --context).
	EndpointErr error
	// Client is nil when no endpoint was chosen or it cannot be dialled.
	Client *dockerengine.Client
	// Err is the classified failure of the first contact (see
	// dockerengine.KindOf); nil when the engine answered.
	Err     error
	Ping    dockerengine.Ping
	Version dockerengine.Version
	Info    dockerengine.Info
}

// Up is true when the engine answered the ping and its version.
func (e *Engine) Up() bool { return e.Client != nil && e.Err == nil }

// Engine resolves the endpoint and contacts the engine, once per run. The
// first caller's context bounds the attempt (at most EngineTimeout).
func (f *Facts) Engine(ctx context.Context) *Engine {
	f.engineOnce.Do(func() {
		ctx, cancel := context.WithTimeout(ctx, EngineTimeout)
		defer cancel()
		f.engine = contactEngine(ctx, f.env)
	})
	return f.engine
}

func contactEngine(ctx context.Context, env *Env) *Engine {
	e := &Engine{}
	e.Endpoint, e.EndpointErr = dockerengine.Resolve(env.engineLookup())
	if e.EndpointErr != nil {
		return e
	}
	if env.Dial == nil {
		e.Err = &dockerengine.Error{Kind: dockerengine.KindOther, Host: e.Endpoint.Host, Op: "dial", Err: errNoDialer}
		return e
	}
	client, err := dockerengine.New(e.Endpoint.Host, env.Dial)
	if err != nil {
		e.Err = err
		return e
	}
	e.Client = client
	if e.Ping, e.Err = client.Ping(ctx); e.Err != nil {
		return e
	}
	if e.Err = client.Get(ctx, "/version", nil, &e.Version); e.Err != nil {
		return e
	}
	e.Err = client.Get(ctx, "/info", nil, &e.Info)
	return e
}

var errNoDialer = errors.New("no dialer configured")
