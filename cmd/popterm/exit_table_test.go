package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/popterm/popterm/mailapi"
)

// kindNames names every error kind as the README does.
var kindNames = map[string]mailapi.Kind{
	"KindOther": mailapi.KindOther, "KindCredentials": mailapi.KindCredentials, "KindTryLater": mailapi.KindTryLater,
	"KindConfig": mailapi.KindConfig, "KindNotFound": mailapi.KindNotFound,
}

// TestExitStatusTable walks every error kind: each has its exit status in
// exitKinds, exitFor gives it for an engine error of that kind however it
// is wrapped, and the README's "Exit status" table says the same.
func TestExitStatusTable(t *testing.T) {
	table := exitKinds()
	for k := mailapi.KindOther; k <= mailapi.KindNotFound; k++ {
		code, ok := table[k]
		if !ok {
			t.Errorf("kind %d has no exit status", k)
			continue
		}
		err := &mailapi.Error{Kind: k, Msg: "x"}
		if got := exitFor(err); got != code {
			t.Errorf("kind %d: exitFor = %d, table says %d", k, got, code)
		}
		if got := exitFor(&mailapi.Error{Kind: mailapi.KindOther, Msg: "outer", Err: err}); got != exitFailure {
			t.Errorf("the outer kind decides: got %d", got)
		}
	}
	if len(kindNames) != int(mailapi.KindNotFound)+1 {
		t.Fatalf("kindNames lists %d kinds", len(kindNames))
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Exit status\n")
	if !ok {
		t.Fatal("the README has no Exit status section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| ([0-9]) \\|.*\\| (.*) \\|$")
	kindRef := regexp.MustCompile("`(Kind[A-Za-z]+)`")
	seen := map[mailapi.Kind]bool{}
	codes := map[int]bool{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		code, _ := strconv.Atoi(m[1])
		codes[code] = true
		for _, ref := range kindRef.FindAllStringSubmatch(m[2], -1) {
			k, ok := kindNames[ref[1]]
			if !ok {
				t.Errorf("README names an unknown kind %s", ref[1])
				continue
			}
			seen[k] = true
			if table[k] != code {
				t.Errorf("README: %s exits %d, the code says %d", ref[1], code, table[k])
			}
		}
	}
	for name, k := range kindNames {
		if !seen[k] {
			t.Errorf("README's Exit status table does not place %s", name)
		}
	}
	for _, c := range []int{exitOK, exitFailure, exitUsage, exitCredentials, exitTryLater, exitPending} {
		if !codes[c] {
			t.Errorf("README's Exit status table lacks status %d", c)
		}
	}
}
