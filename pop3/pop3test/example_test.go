package pop3test_test

import (
	"fmt"
	"log"
	"net/textproto"

	"github.com/popterm/popterm/pop3/pop3test"
)

// A test starts a server with a maildrop, talks to it over TCP, and then
// checks what the server received and what remains in the maildrop.
func Example() {
	md := pop3test.NewMaildrop(
		pop3test.Message{UID: "a1", Data: []byte("Subject: hello\n\n.signature starts with a dot\n")},
		pop3test.Message{UID: "b2", Data: []byte("Subject: bye\n\nbye\n")},
	)
	srv, err := pop3test.Start(pop3test.Config{Maildrop: md})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c, err := textproto.Dial("tcp", srv.Addr())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	c.ReadLine() // greeting
	for _, cmd := range []string{"USER " + pop3test.DefaultUser, "PASS " + pop3test.DefaultPassword, "DELE 2"} {
		c.PrintfLine("%s", cmd)
		c.ReadLine()
	}
	c.PrintfLine("RETR 1")
	c.ReadLine()
	body, _ := c.ReadDotLines() // undoes the dot-stuffing
	fmt.Printf("%q\n", body)
	c.PrintfLine("QUIT")
	c.ReadLine() // deletions are committed before the reply

	fmt.Println(srv.Commands())
	fmt.Println(md.UIDs())
	// Output:
	// ["Subject: hello" "" ".signature starts with a dot"]
	// [USER PASS DELE RETR QUIT]
	// [a1]
}
