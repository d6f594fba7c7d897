package pop3_test

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/popterm/popterm/pop3"
	"github.com/popterm/popterm/pop3/pop3test"
)

// Example fetches every header block with pipelined TOP, marks a message
// deleted, and commits with QUIT.
func Example() {
	srv, err := pop3test.Start(pop3test.Config{Maildrop: pop3test.NewMaildrop(
		pop3test.Message{UID: "a", Data: []byte("Subject: first\r\n\r\nhello\r\n")},
		pop3test.Message{UID: "b", Data: []byte("Subject: second\r\n\r\n.dot\r\n")},
	)})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	c, err := pop3.Dial(ctx, srv.Addr(), nil) // use DialTLS or DialStartTLS for real servers
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	mech, err := c.Login(ctx, pop3.Credentials{Username: "user", Password: "pass", AllowCleartext: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("logged in with", mech)

	uids, err := c.UIDL(ctx)
	if err != nil {
		log.Fatal(err)
	}
	nums := make([]int, len(uids))
	for i, u := range uids {
		nums[i] = u.Number
	}
	err = c.TopMany(ctx, nums, 0, func(n int, body io.Reader, err error) error {
		if err != nil {
			return err
		}
		header, _ := io.ReadAll(body)
		fmt.Printf("%d %s: %q\n", n, uids[n-1].UID, header)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	body, err := c.Retr(ctx, 2)
	if err != nil {
		log.Fatal(err)
	}
	msg, _ := io.ReadAll(body)
	fmt.Printf("message 2: %q\n", msg)

	if err := c.Dele(ctx, 1); err != nil {
		log.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		log.Fatal("not committed: ", err)
	}
	fmt.Println("committed; messages left:", srv.Maildrop().Len())
	// Output:
	// logged in with plain
	// 1 a: "Subject: first\n\n"
	// 2 b: "Subject: second\n\n"
	// message 2: "Subject: second\n\n.dot\n"
	// committed; messages left: 1
}
