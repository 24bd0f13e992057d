package checks

import (
	"context"
	"errors"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// upEngine returns the engine when it answered. Otherwise it skips the
// probe, naming the probe that reports why (DK001, DK002 or DK003), so a
// dead engine is said once and not by every probe that needs it.
func upEngine(ctx context.Context, p *Probe) (*Engine, bool) {
	e := p.Facts.Engine(ctx)
	switch {
	case e.Up():
		return e, true
	case isContextError(e.EndpointErr):
		p.Skip("the selected docker context cannot be used (DK003)")
	case e.EndpointErr != nil:
		p.Skip("no Docker engine can be chosen (DK001)")
	case dockerengine.KindOf(e.Err) == dockerengine.KindPermission:
		p.Skip("the engine refuses this user (DK002)")
	default:
		p.Skip("the engine does not answer (DK001)")
	}
	return nil, false
}

// isContextError is true for a selected context the docker CLI cannot use
// (DK003's to report).
func isContextError(err error) bool {
	var ce *dockerengine.ContextError
	return errors.As(err, &ce)
}

// kindOf is dockerengine.KindOf, for messages.
func kindOf(err error) dockerengine.Kind { return dockerengine.KindOf(err) }
