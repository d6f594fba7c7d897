// Package archtest keeps the import rules of docs/ARCHITECTURE.md true: the
// protocol, renderer, config and engine-API packages are leaves, the store
// sees only the renderer, the UI never reaches the engine, the protocol, the
// store or SQLite (not even through another package), and nothing imports
// the UI or the command.
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
	"pop3":            {"saslmech"},
	"pop3/pop3test":   nil,
	"saslmech":        nil,
	"submit":          {"saslmech", "message"},
	"message":         nil,
	"message/compose": {"message"},
	"config":          nil,
	"mailapi":         nil,
	"pattern":         {"mailapi"},
	"mailfile":        nil,
	"cache":           {"message", "mailapi"},
	"signin":          {"config", "message"},
	"mailbox":         {"mailapi", "pop3", "cache", "message", "config", "pattern", "mailfile", "submit"},
	"ui":              {"ui", "mailapi", "message", "config", "pattern"},
	"cmd":             {"*"},
	"internal":        {"*"},
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

// forbidden lists, for each package prefix, packages that must not be in
// its transitive dependencies (prefix match on the import path). The direct
// rules above cannot see a store type reaching the UI through an alias in a
// package the UI may import; this can.
var forbidden = map[string][]string{
	"ui": {
		module + "/mailbox", module + "/cache", module + "/pop3",
		"modernc.org/sqlite", "modernc.org/libc",
	},
	"mailapi": {module + "/", "modernc.org/", "github.com/", "golang.org/x/"},
	"message": {module + "/cache", module + "/pop3", module + "/mailbox", "modernc.org/sqlite"},
	"config":  {module + "/cache", module + "/pop3", module + "/mailbox", "modernc.org/sqlite"},
	"pop3":    {module + "/cache", module + "/mailbox", "modernc.org/sqlite"},
}

// violations returns the dependencies of pkg (module-relative) that its
// forbidden rule excludes.
func violations(pkg string, deps []string) []string {
	var bad []string
	for p, banned := range forbidden {
		if pkg != p && !strings.HasPrefix(pkg, p+"/") {
			continue
		}
		for _, d := range deps {
			for _, b := range banned {
				if d == strings.TrimSuffix(b, "/") || strings.HasPrefix(d, strings.TrimSuffix(b, "/")+"/") {
					bad = append(bad, d)
					break
				}
			}
		}
	}
	return bad
}

func TestTransitiveDeps(t *testing.T) {
	// .Deps is every package the non-test code needs, directly or not
	// (what `go list -deps` prints).
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		if strings.HasPrefix(pkg, "ui") {
			checked++
		}
		for _, d := range violations(pkg, fields[1:]) {
			t.Errorf("%s depends on %s (through its imports): not allowed by the architecture", pkg, d)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < 2 {
		t.Fatalf("checked only %d UI packages: go list output looks wrong:\n%s", checked, out)
	}
}

func TestViolationsCatchesAStoreBehindAnAlias(t *testing.T) {
	deps := []string{"context", module + "/mailapi", module + "/mailbox", module + "/cache", "modernc.org/sqlite", "modernc.org/sqlite/lib"}
	got := violations("ui/setup", deps)
	want := []string{module + "/mailbox", module + "/cache", "modernc.org/sqlite", "modernc.org/sqlite/lib"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("violations = %v, want %v", got, want)
	}
	if got := violations("mailapi", []string{"errors", "time"}); len(got) != 0 {
		t.Errorf("mailapi with the standard library only: %v", got)
	}
	if got := violations("mailapi", []string{"errors", module + "/message"}); len(got) != 1 {
		t.Errorf("mailapi importing a project package: %v", got)
	}
	if got := violations("uifoo", []string{module + "/cache"}); len(got) != 0 {
		t.Errorf("a package that only shares a prefix: %v", got)
	}
}
