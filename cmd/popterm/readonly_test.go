package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/internal/testenv"
)

// TestBesideTheReader holds the store as the reader does: commands that
// only read work beside it, and writes say the reader holds the store.
func TestBesideTheReader(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"), testMail("b", "second"))
	c.must("sync")
	id := fmt.Sprint(c.list()[0].ID)
	st, err := cache.Open(c.store, cache.Options{Holder: "the reader"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := c.list(); len(got) != 2 {
		t.Errorf("list beside the reader: %d messages", len(got))
	}
	if out := c.must("show", id); !strings.Contains(out, "Subject:") && !strings.Contains(out, "first") && !strings.Contains(out, "second") {
		t.Errorf("show beside the reader:\n%s", out)
	}
	if out := c.must("check"); !strings.Contains(out, "consistent") {
		t.Errorf("check beside the reader:\n%s", out)
	}
	for _, args := range [][]string{{"sync"}, {"delete", id}} {
		code, _, errs := c.run(args...)
		if code != exitTryLater || !strings.Contains(errs, "the reader holds the store") {
			t.Errorf("popterm %v beside the reader: exit %d, %q; want exit %d saying the reader holds the store", args, code, errs, exitTryLater)
		}
	}
}

// TestReadOnlyStore runs popterm on a store mounted read-only (a bind mount
// in a user namespace, so no root is needed): the commands that read work,
// with a note, and nothing is changed.
func TestReadOnlyStore(t *testing.T) {
	unshare := testenv.LookPath(t, "unshare")
	if out, err := exec.Command(unshare, "-r", "-m", "true").CombinedOutput(); err != nil {
		testenv.Missing(t, fmt.Sprintf("user namespaces (unshare -r -m: %v: %s)", err, out))
	}
	c := newCLI(t, "", testMail("a", "first"), testMail("b", "second"))
	c.must("sync")
	id := fmt.Sprint(c.list()[0].ID)
	bin := popBinary(t)
	before := treeOf(t, c.store)
	run := func(args ...string) (int, string, string) {
		script := `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"`
		all := append([]string{"-r", "-m", "sh", "-c", script, "sh", c.store, bin, "--config", c.config}, args...)
		return runBinary(t, unshare, all...)
	}
	if code, out, errs := run("list"); code != exitOK || !strings.Contains(out, "second") {
		t.Errorf("list on a read-only store: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	for _, args := range [][]string{{"show", id}, {"check"}} {
		code, out, errs := run(args...)
		if code != exitOK || !strings.Contains(errs, "read-only for browsing") {
			t.Errorf("popterm %v on a read-only store: exit %d\nstdout %s\nstderr %s", args, code, out, errs)
		}
	}
	if code, _, errs := run("sync"); code == exitOK || !strings.Contains(errs, "nothing can be synced") || strings.Count(strings.TrimSpace(errs), "\n") != 0 || strings.Contains(errs, "index") {
		t.Errorf("sync on a read-only store: exit %d, %q", code, errs)
	} else {
		t.Logf("sync on a read-only store: %s", errs)
	}
	if after := treeOf(t, c.store); after != before {
		t.Errorf("the read-only store changed:\n%s\n---\n%s", before, after)
	}
}

// treeOf lists the files under dir with their sizes.
func treeOf(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.HasSuffix(p, "-shm") {
			fmt.Fprintf(&b, "%s %d\n", strings.TrimPrefix(p, dir), info.Size())
		}
		return nil
	})
	return b.String()
}
