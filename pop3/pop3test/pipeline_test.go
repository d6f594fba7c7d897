package pop3test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
)

// A client that writes 100,000 commands before reading any reply must not
// deadlock the server, and the replies come in order.
func TestPipelining100k(t *testing.T) {
	const n = 100000
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...)})
	conn, r := rawDial(t, srv)
	var cmds bytes.Buffer
	cmds.WriteString("USER user\r\nPASS pass\r\n")
	for i := range n {
		fmt.Fprintf(&cmds, "UIDL %d\r\n", i%3+1)
	}
	cmds.WriteString("QUIT\r\n")
	if _, err := conn.Write(cmds.Bytes()); err != nil { // no reads until every command is sent
		t.Fatal(err)
	}
	sc := bufio.NewScanner(r)
	want := []string{"+OK pop3test ready.", "+OK send PASS", "+OK logged in, 3 messages"}
	for i := range want {
		if !sc.Scan() || sc.Text() != want[i] {
			t.Fatalf("line %d = %q, want %q", i, sc.Text(), want[i])
		}
	}
	for i := range n {
		if !sc.Scan() {
			t.Fatalf("reply %d missing: %v", i, sc.Err())
		}
		if want := fmt.Sprintf("+OK %d uid-%d", i%3+1, i%3+1); sc.Text() != want {
			t.Fatalf("reply %d = %q, want %q", i, sc.Text(), want)
		}
	}
	if !sc.Scan() || !bytes.HasPrefix(sc.Bytes(), []byte("+OK pop3test signing off")) {
		t.Fatalf("QUIT reply %q", sc.Text())
	}
}

// Multi-line replies interleave correctly with single-line ones when
// pipelined, and RETR of every message streams in order.
func TestPipelinedMultiLine(t *testing.T) {
	md := NewMaildrop(sample...)
	srv := NewTest(t, Config{Maildrop: md})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	fmt.Fprintf(c.conn, "TOP 1 0\r\nRETR 2\r\nDELE 1\r\nLIST\r\nRETR 3\r\nQUIT\r\n")
	c.readLine()
	if lines, _ := c.tp.ReadDotLines(); len(lines) != 3 {
		t.Errorf("TOP 1 0 = %q", lines)
	}
	c.readLine()
	if lines, _ := c.tp.ReadDotLines(); len(lines) != 4 {
		t.Errorf("RETR 2 = %q", lines)
	}
	if got := c.readLine(); got != "+OK message 1 deleted" {
		t.Errorf("DELE = %q", got)
	}
	c.readLine()
	if lines, _ := c.tp.ReadDotLines(); len(lines) != 2 {
		t.Errorf("LIST after DELE = %q", lines)
	}
	c.readLine()
	if lines, _ := c.tp.ReadDotLines(); len(lines) != 3 || lines[2] != "no final newline" {
		t.Errorf("RETR 3 = %q", lines)
	}
	if got := c.readLine(); got != "+OK pop3test signing off (2 messages left)" {
		t.Errorf("QUIT = %q", got)
	}
	if md.Len() != 2 {
		t.Errorf("maildrop has %d messages, want 2", md.Len())
	}
}

func TestLineTooLong(t *testing.T) {
	srv := NewTest(t, Config{})
	conn, r := rawDial(t, srv)
	r.ReadString('\n')
	go func() {
		conn.Write(bytes.Repeat([]byte("A"), maxLine+100))
		conn.Write([]byte("\r\n"))
	}()
	line, _ := r.ReadString('\n')
	if line != "-ERR Line too long\r\n" {
		t.Errorf("over-long line answered %q", line)
	}
	if rest, _ := io.ReadAll(r); len(rest) != 0 {
		t.Errorf("server went on after an over-long line: %q", rest)
	}
}

func BenchmarkPipelinedTop(b *testing.B) {
	msgs := make([]Message, 1000)
	for i := range msgs {
		msgs[i] = Message{UID: fmt.Sprint(i), Data: []byte("Subject: hello\nFrom: a@example.org\n\nbody\n")}
	}
	srv, err := Start(Config{Maildrop: NewMaildrop(msgs...), NoLock: true})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var cmds bytes.Buffer
	cmds.WriteString("USER user\r\nPASS pass\r\n")
	for i := range msgs {
		fmt.Fprintf(&cmds, "TOP %d 0\r\n", i+1)
	}
	cmds.WriteString("QUIT\r\n")
	b.ResetTimer()
	for range b.N {
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			b.Fatal(err)
		}
		go conn.Write(cmds.Bytes())
		io.Copy(io.Discard, conn)
		conn.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(msgs)), "µs/TOP")
}
