package signin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
)

// GoogleRevokeURL is Google's token revocation endpoint. Microsoft has
// none for refresh tokens (a user revokes them in the account's settings).
const GoogleRevokeURL = "https://oauth2.googleapis.com/revoke"

// RevokeURL is the account's token revocation endpoint (RFC 7009):
// oauth2_revoke_url, else Google's for Google; "" when none is known.
func RevokeURL(o config.OAuth2Settings) string {
	switch {
	case o.RevokeURL != "":
		return o.RevokeURL
	case o.Provider == config.OAuth2Google:
		return GoogleRevokeURL
	}
	return ""
}

// Revoke asks the provider to revoke a refresh token and with it the grant
// (RFC 7009), so that a copy of it stops working too. It does nothing when
// no revocation endpoint is known (see RevokeURL); client nil means a
// client with a 30 s timeout. Its errors never contain the token.
func Revoke(ctx context.Context, acct *config.Account, refreshToken string, client *http.Client) error {
	endpoint := RevokeURL(acct.OAuth2)
	if endpoint == "" {
		return nil
	}
	secret, err := config.ClientSecret(ctx, acct)
	if err != nil {
		return err
	}
	form := url.Values{"token": {refreshToken}, "token_type_hint": {"refresh_token"}, "client_id": {acct.OAuth2.ClientID}}
	if secret != "" {
		form.Set("client_secret", secret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("revoking the sign-in at %s: %w", message.SanitizeLine(endpoint), err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if client == nil {
		client = &http.Client{Timeout: httpTimeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		// A *url.Error names the URL, never the form body.
		return fmt.Errorf("revoking the sign-in: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	why := resp.Status
	var e struct {
		Error string `json:"error"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e) == nil && e.Error != "" {
		why += ", " + e.Error
	}
	return fmt.Errorf("revoking the sign-in at %s: the provider answered %s", message.SanitizeLine(endpoint), message.SanitizeLine(firstSentence(why)))
}
