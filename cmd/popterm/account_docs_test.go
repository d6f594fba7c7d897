package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/ui"
)

// TestConfigDocsNameEveryAction keeps docs/config.md and the sample config
// in step with the reader: every [keys] action name and every theme is
// documented.
func TestConfigDocsNameEveryAction(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "config.md"))
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile(filepath.Join("..", "..", "docs", "config.sample.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ui.Actions() {
		if !strings.Contains(string(doc), "`"+a+"`") {
			t.Errorf("docs/config.md does not document the [keys] action %q", a)
		}
		if !strings.Contains(string(sample), " "+a+",") && !strings.Contains(string(sample), " "+a+" (") {
			t.Errorf("docs/config.sample.toml does not list the [keys] action %q", a)
		}
	}
	for _, theme := range []string{"auto", "dark", "light", "mono"} {
		if !strings.Contains(string(doc), "| `"+theme+"`") {
			t.Errorf("docs/config.md does not document the theme %q", theme)
		}
	}
}
