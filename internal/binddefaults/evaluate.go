package binddefaults

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// option is one address option found on a command line.
type option struct {
	words   []Word // the option, and its value when it is a separate word
	idx     []int  // the indexes of words in the arguments
	value   string
	unknown bool // the value depends on a variable
	joined  bool // --host=x: option and value in one word
}

type parsedArgs struct {
	args       []Word
	host, port *option
	binds      []option
	config     *option
	positional []Word
	posIdx     []int
	ipv6       bool
	// values are the other options' values, by option name.
	values map[string]string
}

// parseArgs reads a server's arguments the way click, argparse and cobra
// do: --opt value, --opt=value, -o value, -ovalue.
func parseArgs(s *Server, args []Word) parsedArgs {
	p := parsedArgs{args: args, values: map[string]string{}}
	for i := 0; i < len(args); i++ {
		w := args[i]
		v := w.Value
		if v == "--" {
			for j := i + 1; j < len(args); j++ {
				p.positional = append(p.positional, args[j])
				p.posIdx = append(p.posIdx, j)
			}
			break
		}
		if !strings.HasPrefix(v, "-") || len(v) < 2 {
			p.positional = append(p.positional, w)
			p.posIdx = append(p.posIdx, i)
			continue
		}
		name, value, joined := strings.Cut(v, "=")
		if !joined && !strings.HasPrefix(v, "--") && len(v) > 2 {
			// -p5000: a short option with its value attached.
			if short := v[:2]; contains(s.HostOptions, short) || contains(s.PortOptions, short) || contains(s.BindOptions, short) {
				name, value, joined = short, v[2:], true
			}
		}
		take := func(optional bool) *option {
			o := &option{words: []Word{w}, idx: []int{i}}
			switch {
			case joined:
				o.value, o.joined, o.unknown = value, true, w.Unknown
			case i+1 < len(args) && (!optional || !strings.HasPrefix(args[i+1].Value, "-")):
				i++
				o.words = append(o.words, args[i])
				o.idx = append(o.idx, i)
				o.value, o.unknown = args[i].Value, args[i].Unknown
			case optional:
				o.value = "0.0.0.0" // vite --host alone: all interfaces
			default:
				return nil
			}
			return o
		}
		switch {
		case contains(s.HostOptions, name):
			if o := take(s.HostOptionalValue); o != nil {
				p.host = o
			}
		case contains(s.PortOptions, name):
			if o := take(false); o != nil {
				p.port = o
			}
		case contains(s.BindOptions, name):
			if o := take(false); o != nil {
				p.binds = append(p.binds, *o)
			}
		case contains(s.ConfigOptions, name):
			if o := take(false); o != nil {
				p.config = o
			}
		case name == "-6" || name == "--ipv6":
			p.ipv6 = true
		case contains(s.ValueOptions, name):
			if joined {
				p.values[name] = value
			} else if i+1 < len(args) {
				i++
				p.values[name] = args[i].Value
			}
		}
	}
	return p
}

// evaluate works out where server s listens, given the words that start it
// (cmd) and its arguments after the subcommand (args).
func (a *analyzer) evaluate(s *Server, cmd, args []Word, env map[string]string) Result {
	r := Result{Server: s, Command: cmd, Port: s.DefaultPort}
	if s.ID == "gunicorn" {
		args = gunicornEnvArgs(args, env)
	}
	p := parseArgs(s, args)

	if p.config != nil {
		r.Unknown = "its address may be set in the config file given with " + p.config.words[0].Value
		r.Port = a.port(s, p, env)
		return r
	}
	for _, prefix := range s.ConfiguredImages {
		if a.in.Image != "" && strings.HasPrefix(strings.TrimPrefix(a.in.Image, "docker.io/"), prefix) {
			r.Unknown = "the image " + a.in.Image + " configures its address"
			return r
		}
	}

	switch s.Addressing {
	case AddrPortArg:
		a.addrPort(&r, p)
	case BindOption:
		a.bindOption(&r, p, env)
	default:
		a.hostAndPort(&r, p, env)
	}
	if r.Host == "" {
		return r
	}
	r.Loopback = IsLoopback(r.Host)
	if r.Loopback {
		r.Fix = a.fix(&r, p)
	}
	return r
}

// port is where a HostAndPort server listens: the option, the variable, or
// the default.
func (a *analyzer) port(s *Server, p parsedArgs, env map[string]string) int {
	if p.port != nil {
		if p.port.unknown {
			return 0
		}
		return parsePort(p.port.value)
	}
	if s.PortArg && len(p.positional) > 0 {
		if p.positional[0].Unknown {
			return 0
		}
		return parsePort(p.positional[0].Value)
	}
	if s.PortEnv != "" {
		if v, set, unknown := lookupEnv(env, s.PortEnv); set {
			if unknown {
				return 0
			}
			return parsePort(v)
		}
	}
	return s.DefaultPort
}

func (a *analyzer) hostAndPort(r *Result, p parsedArgs, env map[string]string) {
	s := r.Server
	r.Port = a.port(s, p, env)
	if p.host != nil {
		r.From, r.HostWords = FromOption, p.host.words
		if p.host.unknown {
			r.Unknown = "its address comes from a variable"
			return
		}
		r.Host = p.host.value
		return
	}
	for _, name := range hostEnvNames(s) {
		if v, set, unknown := lookupEnv(env, name); set {
			r.From, r.Origin = FromEnv, name
			if unknown {
				r.Unknown = "its address comes from " + name
				return
			}
			r.Host = v
			return
		}
	}
	if a.fromConfig(r) {
		return
	}
	r.Host = s.DefaultHost
	if s.ID == "rails" {
		if r.Host = railsDefaultHost(p, env); r.Host == "" {
			r.Unknown = "its environment (RAILS_ENV) comes from a variable"
		}
	}
}

func hostEnvNames(s *Server) []string {
	switch {
	case s.ID == "rails":
		// HOST since Rails 6.1; BINDING in 6.0.
		return []string{"HOST", "BINDING"}
	case s.HostEnv != "":
		return []string{s.HostEnv}
	}
	return nil
}

// railsDefaultHost is Rails' default: localhost in the development
// environment, 0.0.0.0 in the others (railties server_command.rb). The
// environment is -e, else RAILS_ENV, else RACK_ENV, else development.
func railsDefaultHost(p parsedArgs, env map[string]string) string {
	envName, ok := p.values["--environment"]
	if !ok {
		envName, ok = p.values["-e"]
	}
	if !ok {
		envName = "development"
		for _, k := range []string{"RAILS_ENV", "RACK_ENV"} {
			if v, set, unknown := lookupEnv(env, k); set {
				if unknown {
					return ""
				}
				envName = v
				break
			}
		}
	}
	if envName != "development" {
		return "0.0.0.0"
	}
	return "localhost"
}

// fromConfig applies what the application's config files say about the
// address; true when they decide it (or make it unknowable).
func (a *analyzer) fromConfig(r *Result) bool {
	s := r.Server
	for _, name := range s.ConfigFiles {
		src, ok := a.file(name)
		if !ok {
			continue
		}
		switch s.ID {
		case "flask":
			if v, found := dotenvValue(src, "FLASK_RUN_HOST"); found {
				r.From, r.Origin, r.Host = FromConfig, name, v
				return true
			}
		case "rails":
			if pumaBind().MatchString(src) {
				r.From, r.Origin, r.Unknown = FromConfig, name, name+" binds its own address"
				return true
			}
		default:
			if mentionsHost().MatchString(src) {
				r.From, r.Origin, r.Unknown = FromConfig, name, name+" may set the address"
				return true
			}
		}
	}
	return false
}

var (
	pumaBind     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*(bind|ssl_bind)\b`) })
	mentionsHost = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bhost\b|"host"|'host'`) })
	gunicornBind = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*bind\s*=`) })
	mkdocsAddr   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^dev_addr\s*:\s*['"]?([^'"\s#]+)`) })
)

// dotenvValue reads KEY from a .env-style file.
func dotenvValue(src, key string) (string, bool) {
	sc := bufio.NewScanner(strings.NewReader(src))
	value, found := "", false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) != key {
			continue
		}
		v = strings.TrimSpace(v)
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else {
			v = strings.Trim(v, `'`)
		}
		value, found = v, true
	}
	return value, found
}

// addrPort reads Django's runserver [addr:]port argument.
func (a *analyzer) addrPort(r *Result, p parsedArgs) {
	s := r.Server
	r.Host = s.DefaultHost
	if p.ipv6 {
		r.Host = "::1"
	}
	if len(p.positional) == 0 {
		return
	}
	w := p.positional[0]
	r.From, r.HostWords = FromOption, []Word{w}
	if w.Unknown {
		r.Host, r.Port, r.Unknown = "", 0, "its address comes from a variable"
		return
	}
	host, port := splitHostPort(w.Value)
	if port != "" {
		r.Port = parsePort(port)
	}
	if host == "" {
		r.From = FromDefault // only the port is given
		return
	}
	if host == "0" {
		host = "0.0.0.0" // Django's shortcut
	}
	r.Host = host
}

// gunicornEnvArgs puts GUNICORN_CMD_ARGS before the command line's own
// arguments (the command line wins).
func gunicornEnvArgs(args []Word, env map[string]string) []Word {
	v, set, unknown := lookupEnv(env, "GUNICORN_CMD_ARGS")
	if !set || unknown {
		return args
	}
	var extra []Word
	for _, f := range strings.Fields(v) {
		extra = append(extra, Word{Value: strings.Trim(f, `"'`)})
	}
	return append(extra, args...)
}

// bindOption reads gunicorn -b / mkdocs -a HOST[:PORT] options.
func (a *analyzer) bindOption(r *Result, p parsedArgs, env map[string]string) {
	s := r.Server
	if len(p.binds) > 0 {
		r.From = FromOption
		var tcp []option
		for _, b := range p.binds {
			if b.unknown {
				r.HostWords, r.Unknown, r.Port = b.words, "its address comes from a variable", 0
				return
			}
			if strings.HasPrefix(b.value, "unix:") || strings.HasPrefix(b.value, "fd://") {
				continue
			}
			tcp = append(tcp, b)
		}
		if len(tcp) == 0 {
			r.Unknown, r.Port = "it listens on a unix socket", 0
			return
		}
		// Listening on several addresses: reachable if any is not loopback.
		chosen := tcp[0]
		for _, b := range tcp {
			if h, _ := splitHostPort(b.value); !IsLoopback(h) {
				chosen = b
				break
			}
		}
		host, port := splitHostPort(chosen.value)
		if host == "" {
			host = "0.0.0.0" // gunicorn -b :8000
		}
		r.Host, r.HostWords = host, chosen.words
		if port != "" {
			r.Port = parsePort(port)
		}
		return
	}
	if s.ID == "gunicorn" {
		for _, name := range s.ConfigFiles {
			if src, ok := a.file(name); ok && gunicornBind().MatchString(src) {
				r.From, r.Origin, r.Unknown, r.Port = FromConfig, name, name+" sets bind", 0
				return
			}
		}
		// gunicorn's default becomes 0.0.0.0:$PORT when PORT is set.
		if v, set, unknown := lookupEnv(env, "PORT"); set {
			r.From, r.Origin = FromEnv, "PORT"
			if unknown {
				r.Host, r.Port = "0.0.0.0", 0
				return
			}
			r.Host, r.Port = "0.0.0.0", parsePort(v)
			return
		}
	}
	if s.ID == "mkdocs" {
		for _, name := range s.ConfigFiles {
			src, ok := a.file(name)
			if !ok {
				continue
			}
			if m := mkdocsAddr().FindStringSubmatch(src); m != nil {
				host, port := splitHostPort(m[1])
				r.From, r.Origin, r.Host, r.Port = FromConfig, name, host, parsePort(port)
				return
			}
		}
	}
	r.Host = s.DefaultHost
}

// fix builds the change that makes the server listen on all interfaces.
func (a *analyzer) fix(r *Result, p parsedArgs) Fix {
	s := r.Server
	all := s.AllInterfacesHost
	port := r.Port
	if port == 0 {
		port = s.DefaultPort
	}
	addrValue := all
	if s.Addressing != HostAndPort {
		addrValue = all + ":" + strconv.Itoa(port)
	}
	var add []string
	switch {
	case s.Addressing == AddrPortArg:
		add = []string{addrValue}
	case s.FixJoined:
		add = []string{s.FixOption + "=" + addrValue}
	default:
		add = []string{s.FixOption, addrValue}
	}
	f := Fix{Text: strings.Join(add, " ")}
	cmd := Values(r.Command)
	rest := Values(p.args)

	var o *option
	switch {
	case s.Addressing == AddrPortArg && len(p.posIdx) > 0:
		// runserver 8000: the address goes into the same argument.
		o = &option{words: p.positional[:1], idx: p.posIdx[:1], joined: true}
	case r.From != FromOption:
	case s.Addressing == BindOption && len(p.binds) == 1:
		o = &p.binds[0]
	case s.Addressing == HostAndPort && p.host != nil:
		o = p.host
	}
	if o == nil || len(o.idx) != len(o.words) {
		// Add the option after the command's name.
		if e, ok := insertAfter(r.Command[len(r.Command)-1], add); ok && !a.noInsert {
			f.Edits = []finding.Edit{e}
		}
		f.Command = append(append(cmd, add...), rest...)
		return f
	}

	// Replace the value that binds loopback.
	f.Replace = true
	target, newText := len(o.words)-1, addrValue
	if o.joined && s.Addressing != AddrPortArg {
		v := o.words[0].Value
		name, _, eq := strings.Cut(v, "=")
		if eq {
			newText = name + "=" + addrValue
		} else {
			newText = v[:2] + addrValue // -b127.0.0.1
		}
	}
	if o.idx[target] < len(rest) {
		rest[o.idx[target]] = newText
	}
	f.Text = newText
	if len(o.words) == 2 {
		f.Text = o.words[0].Value + " " + newText
	}
	if e, ok := replaceWord(o.words[target], newText); ok {
		f.Edits = []finding.Edit{e}
	}
	cmd = append(cmd, rest...)
	f.Command = cmd
	return f
}
