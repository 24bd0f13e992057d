package lineend

import (
	"reflect"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func TestFindAndToLF(t *testing.T) {
	data := []byte("#!/bin/sh\r\necho a\nb\rc\r\n\r")
	crs := Find(data)
	want := []CR{
		{Offset: 9, Pos: finding.Pos{Line: 1, Col: 10}},
		{Offset: 19, Pos: finding.Pos{Line: 3, Col: 2}, Lone: true},
		{Offset: 21, Pos: finding.Pos{Line: 3, Col: 4}},
		{Offset: 23, Pos: finding.Pos{Line: 4, Col: 1}, Lone: true},
	}
	if !reflect.DeepEqual(crs, want) {
		t.Fatalf("Find = %+v, want %+v", crs, want)
	}
	if crlf, lone := Count(crs); crlf != 2 || lone != 2 {
		t.Errorf("Count = %d, %d", crlf, lone)
	}
	edits := ToLF("x.sh", crs)
	// Applied from the end, the edits give the LF file.
	out := string(data)
	for i := len(crs) - 1; i >= 0; i-- {
		out = out[:crs[i].Offset] + edits[i].NewText + out[crs[i].Offset+1:]
		if e := edits[i].Range; e.File != "x.sh" || e.Start != crs[i].Pos || e.End.Col != crs[i].Pos.Col+1 {
			t.Errorf("edit %d: %+v", i, e)
		}
	}
	if out != "#!/bin/sh\necho a\nb\nc\n\n" {
		t.Errorf("converted: %q", out)
	}
	if Find([]byte("a\nb\n")) != nil {
		t.Error("an LF file has CRs")
	}
}

func TestGitattributesPattern(t *testing.T) {
	for file, want := range map[string]string{
		".env":               ".env*",
		"config/.env.local":  ".env*",
		"app.env":            "*.env",
		"entrypoint.sh":      "*.sh",
		"docker/run.BASH":    "*.BASH",
		"docker/entrypoint":  "/docker/entrypoint",
		"manage.py":          "/manage.py",
		"../shared/start":    "start",
		"../shared/setup.sh": "*.sh",
	} {
		if got := GitattributesPattern(file); got != want {
			t.Errorf("GitattributesPattern(%q) = %q, want %q", file, got, want)
		}
	}
}
