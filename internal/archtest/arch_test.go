// Package archtest keeps the import rules of docs/ARCHITECTURE.md true: the
// protocol, renderer and config packages are leaves, the store sees only the
// renderer, the UI never reaches the protocol or the store, and nothing
// imports the UI or the command.
package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/popterm/popterm"

// allowed lists, for each package prefix (longest match wins), the project
// packages its non-test code may import. A nil list means a leaf.
var allowed = map[string][]string{
	"pop3":          nil,
	"pop3/pop3test": nil,
	"message":       nil,
	"config":        nil,
	"cache":         {"message"},
	"signin":        {"config", "message"},
	"mailbox":       {"pop3", "cache", "message", "config"},
	"ui":            {"ui", "mailbox", "message", "config"},
	"cmd":           {"*"},
	"internal":      {"*"},
}

func rule(pkg string) (prefix string, deps []string) {
	for p, d := range allowed {
		if (pkg == p || strings.HasPrefix(pkg, p+"/")) && len(p) > len(prefix) {
			prefix, deps = p, d
		}
	}
	return prefix, deps
}

func permitted(deps []string, imp string) bool {
	for _, d := range deps {
		if d == "*" || imp == d || strings.HasPrefix(imp, d+"/") {
			return true
		}
	}
	return false
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		prefix, deps := rule(pkg)
		if prefix == "" {
			t.Errorf("package %q has no import rule: add it to archtest and docs/ARCHITECTURE.md", pkg)
			continue
		}
		checked++
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			rel := strings.TrimPrefix(imp, module+"/")
			if strings.HasPrefix(rel, "ui") && !strings.HasPrefix(pkg, "ui") && !strings.HasPrefix(pkg, "cmd") {
				t.Errorf("%s imports %s: nothing but cmd may import the UI", pkg, rel)
			}
			if strings.HasPrefix(rel, "cmd") {
				t.Errorf("%s imports %s: nothing may import a command", pkg, rel)
			}
			if !permitted(deps, rel) {
				t.Errorf("%s imports %s: not allowed by the architecture (allowed: %v)", pkg, rel, deps)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d packages: go list output looks wrong:\n%s", checked, out)
	}
}

func TestRuleLookup(t *testing.T) {
	for pkg, want := range map[string]string{
		"pop3": "pop3", "pop3/pop3test": "pop3/pop3test", "ui/setup": "ui", "cmd/popterm": "cmd", "internal/testenv": "internal",
	} {
		if got, _ := rule(pkg); got != want {
			t.Errorf("rule(%q) = %q, want %q", pkg, got, want)
		}
	}
	if permitted(nil, "message") {
		t.Error("a leaf must not be permitted any import")
	}
}
