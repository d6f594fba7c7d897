package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/pelletier/go-toml/v2"
)

// fileHeader starts every file Save writes.
const fileHeader = `# popterm configuration (TOML). Every option is described in
# docs/config.sample.toml. popterm rewrites this file when accounts are added
# or removed (comments are not kept). Passwords are never stored here: they
# live in the OS keyring, or come from password_cmd.

`

// Save writes the file atomically with mode 0600 (its folder 0700): a
// temporary file in the same folder is written, synced and renamed over the
// old one, so a crash leaves either the old or the new file. A symbolic link
// at Path is followed, so the link stays in place. Defaults are left out.
// Comments are not kept: when the old file has comments of its own, it is
// first copied to Path + ".bak" (0600) and Backup says so.
func (c *Config) Save() error {
	if c.Path == "" {
		return errors.New("config: save: no path")
	}
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	path := c.Path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: save: %w", err)
	}
	if old, _, err := readRegular(path, maxFileSize); err == nil && hasOwnComments(old) {
		if err := writeAtomic(path+".bak", old); err != nil {
			return fmt.Errorf("config: save: keeping the commented file as %s.bak: %w", path, err)
		}
		c.Backup = path + ".bak"
	}
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("config: save %s: %w", c.Path, err)
	}
	return nil
}

// hasOwnComments reports whether a config file may hold comments besides
// the header Save writes. A "#" inside a string counts too: at worst that
// keeps a backup that was not needed.
func hasOwnComments(old []byte) bool {
	return bytes.IndexByte(bytes.TrimPrefix(old, []byte(fileHeader)), '#') >= 0
}

// writeAtomic writes data to path through a synced temporary file.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".config-*.toml.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the platform allows it.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Marshal returns the file Save would write.
func (c *Config) Marshal() ([]byte, error) {
	fd := fileDoc{DefaultAccount: c.DefaultAccount, UI: fileUIOf(c.UI)}
	if len(c.Keys) > 0 {
		fd.Keys = c.Keys
	}
	for i := range c.Accounts {
		fd.Account = append(fd.Account, fileAccountOf(&c.Accounts[i]))
	}
	var buf bytes.Buffer
	buf.WriteString(fileHeader)
	enc := toml.NewEncoder(&buf)
	enc.SetIndentTables(false)
	if err := enc.Encode(fd); err != nil {
		return nil, fmt.Errorf("config: encoding: %w", err)
	}
	return buf.Bytes(), nil
}

// fileUIOf keeps the settings that differ from DefaultUI (nil if none).
func fileUIOf(ui UI) *fileUI {
	def := DefaultUI()
	fu := fileUI{Theme: ui.Theme, DateFormat: ui.DateFormat}
	if ui.PreferHTML {
		fu.PreferHTML = ptr(true)
	}
	if ui.OpenCmd != def.OpenCmd {
		fu.OpenCmd = ui.OpenCmd
	}
	if ui.DownloadDir != def.DownloadDir {
		fu.DownloadDir = ui.DownloadDir
	}
	if !ui.ConfirmCommit {
		fu.ConfirmCommit = ptr(false)
	}
	if ui.SessionIdle != def.SessionIdle && ui.SessionIdle > 0 {
		fu.SessionIdle = FormatDuration(ui.SessionIdle)
	}
	if !ui.Bell {
		fu.Bell = ptr(false)
	}
	fu.NotifyCmd = ui.NotifyCmd
	if fu == (fileUI{}) {
		return nil
	}
	return &fu
}

// fileAccountOf writes the account's non-default settings; name, host, tls
// and username are always written.
func fileAccountOf(a *Account) fileAccount {
	fa := fileAccount{
		Name: a.Name, Host: a.Host, TLS: a.TLS, Username: a.Username,
		PasswordCmd: a.PasswordCmd, OAuth2TokenCmd: a.OAuth2TokenCmd,
		CAFile: a.CAFile, TLSCertSHA256: a.TLSCertSHA256,
		OAuth2: a.OAuth2.Provider, OAuth2ClientID: a.OAuth2.ClientID,
		OAuth2ClientSecret: a.OAuth2.ClientSecret, OAuth2ClientSecretCmd: a.OAuth2.ClientSecretCmd,
		OAuth2AuthURL: a.OAuth2.AuthURL, OAuth2TokenURL: a.OAuth2.TokenURL, OAuth2DeviceURL: a.OAuth2.DeviceURL,
		OAuth2RevokeURL: a.OAuth2.RevokeURL, OAuth2Scopes: a.OAuth2.Scopes, OAuth2Tenant: a.OAuth2.Tenant,
	}
	if fa.TLS == "" {
		fa.TLS = TLSImplicit
	}
	if a.Port != DefaultPort(fa.TLS) {
		fa.Port = ptr(a.Port)
	}
	if a.Auth != AuthAuto && a.Auth != "" {
		fa.Auth = a.Auth
	}
	if a.TLSInsecureSkipVerify {
		fa.TLSInsecureSkipVerify = ptr(true)
	}
	if a.AllowCleartextAuth {
		fa.AllowCleartextAuth = ptr(true)
	}
	if !a.LeaveOnServer {
		fa.LeaveOnServer = ptr(false)
	}
	if a.DeleteAfterDays != 0 {
		fa.DeleteAfterDays = ptr(a.DeleteAfterDays)
	}
	if !a.DeleteOnServer {
		fa.DeleteOnServer = ptr(false)
	}
	if a.Prefetch.Mode != "" && a.Prefetch.Mode != PrefetchAll {
		fa.Prefetch = a.Prefetch.String()
	}
	if a.Timeout != DefaultTimeout && a.Timeout > 0 {
		fa.Timeout = FormatDuration(a.Timeout)
	}
	if a.MinRate != DefaultMinRate && a.MinRate > 0 {
		fa.MinRate = FormatSize(a.MinRate)
	}
	if a.CheckInterval != DefaultCheckInterval {
		fa.CheckInterval = "0"
		if a.CheckInterval > 0 {
			fa.CheckInterval = FormatDuration(a.CheckInterval)
		}
	}
	if def, err := DefaultStoreDir(a.Name); a.StoreDir != "" && (err != nil || a.StoreDir != def) {
		fa.StoreDir = a.StoreDir
	}
	fa.From, fa.SignatureFile, fa.SMTP = a.From, a.SignatureFile, fileSMTPOf(a)
	return fa
}

func ptr[T any](v T) *T { return &v }

// IsNotExist reports whether err says the config file does not exist (the
// first-run case).
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
