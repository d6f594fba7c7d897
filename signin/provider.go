package signin

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/endpoints"

	"github.com/popterm/popterm/config"
)

// Default scopes: POP3 and SMTP submission, and a refresh token.
var (
	// GoogleScopes is Gmail's scope for IMAP, POP3 and SMTP.
	GoogleScopes = []string{"https://mail.google.com/"}
	// MicrosoftScopes are Outlook's POP3 and SMTP scopes; offline_access
	// asks for a refresh token.
	MicrosoftScopes = []string{
		"https://outlook.office.com/POP.AccessAsUser.All",
		"https://outlook.office.com/SMTP.Send",
		"offline_access",
	}
)

// DefaultTenant is the Microsoft tenant used when oauth2_tenant is not set:
// any work, school or personal account.
const DefaultTenant = "common"

// Endpoint returns the provider's endpoints and scopes for the account:
// the built-in defaults of Google and Microsoft, overridden by the
// oauth2_*_url and oauth2_scopes keys (the only source for custom).
func Endpoint(o config.OAuth2Settings) (oauth2.Endpoint, []string) {
	var ep oauth2.Endpoint
	var scopes []string
	switch o.Provider {
	case config.OAuth2Google:
		ep, scopes = endpoints.Google, GoogleScopes
	case config.OAuth2Microsoft:
		tenant := o.Tenant
		if tenant == "" {
			tenant = DefaultTenant
		}
		ep, scopes = endpoints.AzureAD(tenant), MicrosoftScopes
	}
	if o.AuthURL != "" {
		ep.AuthURL = o.AuthURL
	}
	if o.TokenURL != "" {
		ep.TokenURL = o.TokenURL
	}
	if o.DeviceURL != "" {
		ep.DeviceAuthURL = o.DeviceURL
	}
	if len(o.Scopes) > 0 {
		scopes = o.Scopes
	}
	// The client ID and secret go in the form body: public clients have no
	// secret to put in an Authorization header.
	ep.AuthStyle = oauth2.AuthStyleInParams
	return ep, append([]string(nil), scopes...)
}

// OAuthConfig returns the oauth2.Config of the account's sign-in, running
// oauth2_client_secret_cmd if it has one. The redirect URL is left empty
// (the code flow sets its own loopback address).
func OAuthConfig(ctx context.Context, a *config.Account) (*oauth2.Config, error) {
	if a.OAuth2.Provider == "" {
		return nil, fmt.Errorf("account %s has no oauth2 sign-in: set oauth2 = \"google\", \"microsoft\" or \"custom\" and oauth2_client_id (see docs/config.md)", a.Name)
	}
	secret, err := config.ClientSecret(ctx, a)
	if err != nil {
		return nil, err
	}
	ep, scopes := Endpoint(a.OAuth2)
	return &oauth2.Config{ClientID: a.OAuth2.ClientID, ClientSecret: secret, Endpoint: ep, Scopes: scopes}, nil
}
