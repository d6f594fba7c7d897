package pop3test

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
)

func TestSelfSignedCert(t *testing.T) {
	cert, fp, err := SelfSignedCert()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.Certificate[0])
	if fp != hex.EncodeToString(sum[:]) {
		t.Errorf("fingerprint %s is not the SHA-256 of the DER", fp)
	}
	if err := cert.Leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	if err := cert.Leaf.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	other, _, err := SelfSignedCert("mail.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(other.Leaf.DNSNames, []string{"mail.example.org"}) || len(other.Leaf.IPAddresses) != 0 {
		t.Errorf("SANs %q %v", other.Leaf.DNSNames, other.Leaf.IPAddresses)
	}
}
