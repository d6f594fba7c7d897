package signin

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// browserCommand returns the program and arguments that open url: $BROWSER
// (the first entry of a colon-separated list; "%s" in it is replaced by the
// URL, else the URL is the last argument), else the desktop's opener. The
// URL is always one argument of its own: no shell sees it.
func browserCommand(url, goos, browserEnv string) (string, []string) {
	for _, entry := range strings.Split(browserEnv, ":") {
		fields := strings.Fields(entry)
		if len(fields) == 0 {
			continue
		}
		args, placed := fields[1:], false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i], placed = strings.ReplaceAll(a, "%s", url), true
			}
		}
		if !placed {
			args = append(args, url)
		}
		return fields[0], args
	}
	switch goos {
	case "darwin":
		return "open", []string{url}
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler", url}
	}
	return "xdg-open", []string{url}
}

// OpenBrowser starts the user's browser on url and does not wait for it.
func OpenBrowser(url string) error {
	if strings.ContainsAny(url, "\x00\r\n") {
		return errors.New("refusing a URL with control characters")
	}
	name, args := browserCommand(url, runtime.GOOS, os.Getenv("BROWSER"))
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil // a browser's chatter must not mix with popterm's output
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it whenever it ends
	return nil
}
