package project

import (
	"go.yaml.in/yaml/v4"
)

// decodeDocument is doc.Decode into an any, the services of a large plain
// document decoded in chunks on every core. plain says the document has no
// alias, no merge key and no !reset or !override tag (resetPaths.resolve):
// then what the decoder makes of a service's node depends on that node
// alone, and each service decoded by itself is the value the whole decode
// gives it. Anything else (a services key that is not a plain string key of
// a mapping of string keys, a duplicate, an error) takes the whole decode,
// which gives the error or the odd shape as compose-go sees it.
func (l *loader) decodeDocument(doc *yaml.Node, plain bool) (any, error) {
	if plain {
		if raw, ok := decodeServicesApart(doc, l.serviceSplit()); ok {
			return raw, nil
		}
	}
	var raw any
	err := doc.Decode(&raw)
	return raw, err
}

// decodeServicesApart decodes doc with its services apart; ok is false when
// it does not apply.
func decodeServicesApart(doc *yaml.Node, s serviceSplit) (any, bool) {
	if doc.Kind != yaml.MappingNode || doc.ShortTag() != "!!map" {
		return nil, false
	}
	at := -1
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := doc.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == "services" {
			if at >= 0 || k.ShortTag() != "!!str" {
				return nil, false
			}
			at = i + 1
		}
	}
	if at < 0 {
		return nil, false
	}
	services := doc.Content[at]
	n := len(services.Content) / 2
	if services.Kind != yaml.MappingNode || services.ShortTag() != "!!map" || len(services.Content)%2 != 0 {
		return nil, false
	}
	size, ok := s.chunkSize(n)
	if !ok {
		return nil, false
	}
	seen := make(map[string]bool, n)
	for i := 0; i < len(services.Content); i += 2 {
		k := services.Content[i]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || seen[k.Value] {
			return nil, false
		}
		seen[k.Value] = true
	}
	// The document without its services' entries.
	rest := *doc
	rest.Content = make([]*yaml.Node, len(doc.Content))
	copy(rest.Content, doc.Content)
	empty := *services
	empty.Content = nil
	rest.Content[at] = &empty

	// Each chunk is a mapping of some of the services' entries.
	var chunks []*yaml.Node
	for lo := 0; lo < n; lo += size {
		c := *services
		c.Content = services.Content[2*lo : 2*min(lo+size, n)]
		chunks = append(chunks, &c)
	}
	values := make([]any, len(chunks))
	errs := make([]error, len(chunks)+1)
	var raw any
	forEachBig(len(chunks)+1, func(i int) {
		if i == len(chunks) {
			errs[i] = rest.Decode(&raw)
			return
		}
		errs[i] = chunks[i].Decode(&values[i])
	})
	for _, err := range errs {
		if err != nil {
			return nil, false
		}
	}
	top, isMap := raw.(map[string]any)
	if !isMap {
		return nil, false
	}
	out, isMap := top["services"].(map[string]any)
	if !isMap || len(out) != 0 {
		return nil, false
	}
	for _, v := range values {
		part, isMap := v.(map[string]any)
		if !isMap {
			return nil, false
		}
		for name, svc := range part {
			out[name] = svc
		}
	}
	return raw, true
}
