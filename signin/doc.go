// Package signin is popterm's built-in OAuth 2.0 sign-in (RFC 6749) for
// mail providers that refuse passwords, such as Outlook.com, Microsoft 365
// and Gmail. It holds the provider defaults (Google, Microsoft, or custom
// endpoints from the config), the two sign-in flows of `popterm account
// login`: the authorization-code flow with PKCE (RFC 7636, S256) and a
// loopback redirect on 127.0.0.1 (RFC 8252), and the device grant
// (RFC 8628) for terminals without a browser, and Source, the token source
// that any protocol (POP3 today, SMTP submission too) uses for XOAUTH2 or
// OAUTHBEARER.
//
// The refresh token lives in the OS keyring only (service "popterm", key
// "oauth2:NAME", see config.Account.OAuth2Key); access tokens live in
// memory and are refreshed shortly before they expire. A refresh the
// provider refuses (invalid_grant) is an error wrapping
// config.ErrSignInAgain whose text ends with "sign in again: popterm
// account login NAME".
package signin
