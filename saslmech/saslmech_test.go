package saslmech

import "testing"

func TestCRAMMD5(t *testing.T) {
	// The example of RFC 2195 section 2.
	c := NewCRAMMD5Client("tim", "tanstaaftanstaaf")
	name, ir, err := c.Start()
	if err != nil || name != CRAMMD5 || ir != nil {
		t.Fatalf("Start = %q, %q, %v", name, ir, err)
	}
	resp, err := c.Next([]byte("<1896.697170952@postoffice.reston.mci.net>"))
	if err != nil || string(resp) != "tim b913a602c7eda7a495b4e6e7334d3890" {
		t.Fatalf("Next = %q, %v", resp, err)
	}
	if _, err := c.Next([]byte("again")); err == nil {
		t.Error("a second challenge was answered")
	}
}

func TestXOAUTH2(t *testing.T) {
	c := NewXOAUTH2Client("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
	name, ir, err := c.Start()
	want := "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
	if err != nil || name != XOAUTH2 || string(ir) != want {
		t.Fatalf("Start = %q, %q, %v", name, ir, err)
	}
	// The server's JSON error is acknowledged once with an empty response.
	if resp, err := c.Next([]byte(`{"status":"401"}`)); err != nil || len(resp) != 0 || resp == nil {
		t.Fatalf("Next = %q, %v", resp, err)
	}
	if _, err := c.Next(nil); err == nil {
		t.Error("a second challenge was answered")
	}
}
