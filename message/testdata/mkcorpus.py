#!/usr/bin/env python3
"""Builds message/testdata/corpus/*.eml: real-world-shaped messages in many
charsets, broken MIME and hostile content. The .eml files are committed;
this script records how they were made. Run from message/testdata."""

import base64
import os
import quopri

OUT = "corpus"


def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + width] for i in range(0, len(s), width)).encode()


def qp(data):
    return quopri.encodestring(data)


def ew(text, charset, enc="B", codec=None):
    raw = text.encode(codec or charset)
    if enc == "B":
        return ("=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())).encode()
    out = ""
    for c in raw:
        if 33 <= c < 127 and chr(c) not in "=?_ ":
            out += chr(c)
        elif c == 32:
            out += "_"
        else:
            out += "=%02X" % c
    return ("=?%s?Q?%s?=" % (charset, out)).encode()


def write(name, *chunks, crlf=False):
    data = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def hdr(frm, to, subject, date="Tue, 03 Mar 2026 09:15:00 +0900", mid=None, extra=b""):
    h = b"From: " + frm + b"\nTo: " + to + b"\nSubject: " + subject + b"\nDate: " + date.encode() + b"\n"
    h += b"Message-ID: <" + (mid or b"x@example.com") + b">\n" + extra
    return h


os.makedirs(OUT, exist_ok=True)

# 01 plain ASCII reply: quotes, signature, URLs.
write("01-plain-reply.eml",
      hdr(b'"Doe, John" <john@example.com>', b"alice@example.org, Bob <bob@example.net>",
          b"Re: lunch on Friday?", "Fri, 6 Mar 2026 12:01:02 -0500", b"reply-1@example.com",
          b"Cc: team@example.org\nIn-Reply-To: <orig-1@example.org>\nReferences: <root@example.org>\n <orig-1@example.org>\n"),
      b"\nSounds good, see https://example.com/menu?day=fri&x=(1).\n\n"
      b"On Thu, Alice wrote:\n> Shall we meet at noon?\n> > Earlier: what about Friday?\n>> And www.example.org/page, ok?\n\n"
      b"-- \nJohn Doe\nmailto:john@example.com\n", crlf=True)

# 02 Korean EUC-KR, base64 words and body.
ko = "안녕하세요. 이번 주 회의는 목요일 오후 세 시에 합니다.\n자료는 첨부 파일을 확인해 주세요.\n감사합니다.\n"
write("02-korean-euckr-base64.eml",
      hdr(b'"' + ew("김철수", "EUC-KR") + b'" <cs.kim@example.co.kr>', b"team@example.co.kr",
          ew("주간 회의 안내", "EUC-KR")),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=EUC-KR\nContent-Transfer-Encoding: base64\n\n",
      b64(ko.encode("euc-kr")), b"\n")

# 03 Korean Outlook ks_c_5601-1987, Q words, alternative with HTML.
ko3 = "다음 주 출장 일정을 공유드립니다. “서울 → 부산”\n"
write("03-korean-ks_c_5601-q.eml",
      hdr(ew("이영희", "ks_c_5601-1987", "Q", "cp949") + b" <yh.lee@example.co.kr>", b"<boss@example.co.kr>",
          ew("출장 일정 공유", "ks_c_5601-1987", "Q", "cp949")),
      b'MIME-Version: 1.0\nContent-Type: multipart/alternative;\n\tboundary="----=_NextPart_000_0001_01D0"\n\n'
      b"This is a multi-part message in MIME format.\n\n------=_NextPart_000_0001_01D0\n"
      b'Content-Type: text/plain;\n\tcharset="ks_c_5601-1987"\nContent-Transfer-Encoding: base64\n\n',
      b64(ko3.encode("cp949")),
      b"\n\n------=_NextPart_000_0001_01D0\n"
      b'Content-Type: text/html;\n\tcharset="ks_c_5601-1987"\nContent-Transfer-Encoding: quoted-printable\n\n',
      qp(("<html><body><p>" + ko3 + "</p></body></html>").encode("cp949")),
      b"\n------=_NextPart_000_0001_01D0--\n", crlf=True)

# 04 Korean cp949 label, syllables outside EUC-KR's 2,350 (똠, 햏), a subject
# split across two encoded words in the middle of a character.
subj = "똠방각하 햏자 회신".encode("cp949")
w1 = base64.b64encode(subj[:5]).decode()
w2 = base64.b64encode(subj[5:]).decode()
write("04-korean-cp949-split-word.eml",
      hdr(b"=?cp949?B?" + base64.b64encode("박민수".encode("cp949")) + b"?= <ms@example.kr>", b"you@example.kr",
          ("=?cp949?B?%s?=\n =?cp949?B?%s?=" % (w1, w2)).encode()),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=cp949\nContent-Transfer-Encoding: 8bit\n\n",
      "똠방각하께서 햏자를 찾으십니다.\n".encode("cp949"))

# 05 Japanese ISO-2022-JP, the classic.
ja = "お世話になっております。\n来週の打ち合わせの件、よろしくお願いいたします。\n"
write("05-japanese-iso2022jp.eml",
      hdr(ew("山田太郎", "ISO-2022-JP", "B", "iso2022_jp") + b" <yamada@example.jp>", b"suzuki@example.jp",
          ew("打ち合わせの件", "ISO-2022-JP", "B", "iso2022_jp")),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n",
      ja.encode("iso2022_jp"))

# 06 Japanese Shift_JIS body, x-sjis subject.
write("06-japanese-sjis.eml",
      hdr(b"=?x-sjis?B?" + base64.b64encode("佐藤花子".encode("shift_jis")) + b"?= <hanako@example.jp>",
          b"info@example.jp", b"=?x-sjis?B?" + base64.b64encode("ご注文ありがとうございます".encode("shift_jis")) + b"?="),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n",
      "ご注文の商品「ソフトウェア表示テスト」を発送しました。\n半角ｶﾀｶﾅもあります。\n".encode("shift_jis"))

# 07 Chinese gb2312 label with a GBK-only character (镕).
write("07-chinese-gb2312.eml",
      hdr(ew("王小明", "gb2312", "B", "gbk") + b" <wang@example.cn>", b"li@example.cn",
          ew("会议通知：请查收", "gb2312", "B", "gbk")),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=gb2312\nContent-Transfer-Encoding: base64\n\n",
      b64("各位同事：\n明天上午十点在三楼会议室开会，朱镕基同志的讲话请提前阅读。\n谢谢！\n".encode("gbk")), b"\n")

# 08 Chinese GBK HTML only.
write("08-chinese-gbk-html.eml",
      hdr(b"shop@example.cn", b"buyer@example.cn", ew("您的订单已发货", "GBK", "Q", "gbk")),
      b"MIME-Version: 1.0\nContent-Type: text/html; charset=GBK\nContent-Transfer-Encoding: quoted-printable\n\n",
      qp("<html><head><title>订单</title></head><body><h1>订单已发货</h1><ul><li>商品：笔记本</li><li>数量：2</li></ul>"
         "<p>查看物流：<a href=\"https://example.cn/track?id=42\">点击这里</a></p></body></html>".encode("gbk")))

# 09 Outlook windows-1252 QP with curly quotes, alternative.
plain9 = "Hi all,\r\n\r\nHere’s the “final” draft – please review by Friday. Cost: €1,200…\r\n\r\nThanks,\r\nMike\r\n"
write("09-outlook-cp1252-qp.eml",
      hdr(b"Mike O'Brien <mike@example.com>", b"staff@example.com", b"Draft \x96 please review",
          "Mon, 2 Mar 2026 08:00:00 +0000", b"outlook-9@example.com", b"X-Mailer: Microsoft Outlook 16.0\n"),
      b'MIME-Version: 1.0\nContent-Type: multipart/alternative;\n\tboundary="----=_NextPart_000_0009"\n\n'
      b'------=_NextPart_000_0009\nContent-Type: text/plain;\n\tcharset="windows-1252"\nContent-Transfer-Encoding: quoted-printable\n\n',
      qp(plain9.encode("cp1252")),
      b'\n------=_NextPart_000_0009\nContent-Type: text/html;\n\tcharset="windows-1252"\nContent-Transfer-Encoding: quoted-printable\n\n',
      qp(("<html><body><p class=MsoNormal>" + plain9.replace("\r\n", "<br>") + "</p></body></html>").encode("cp1252")),
      b"\n------=_NextPart_000_0009--\n", crlf=True)

# 10 Mislabelled: iso-8859-1 declared, windows-1252 quotes used.
write("10-mislabelled-latin1.eml",
      hdr(b"=?iso-8859-1?Q?Ren=E9e_M=FCller?= <renee@example.de>", b"you@example.com",
          b"=?iso-8859-1?Q?=93Quoted=94_subject?=", "Wed, 4 Mar 2026 10:00:00 +0100"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n",
      qp("Grüße! He said “don’t” – fine.\n".encode("cp1252")))

# 11 Mislabelled: iso-8859-1 declared, UTF-8 bytes.
write("11-mislabelled-latin1-is-utf8.eml",
      hdr(b"news@example.fr", b"you@example.com", b"Caf\xc3\xa9 cr\xc3\xa8me", "Wed, 4 Mar 2026 10:00:00 +0100"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: 8bit\n\n",
      "Café crème à volonté — 10 €.\n".encode("utf-8"))

# 12 UTF-8 emoji, wide characters, a long line to wrap.
long_cjk = "これは折り返しのテストです。" * 8
write("12-utf8-emoji-wide.eml",
      hdr(ew("Zoë 🎉", "UTF-8"), b"friends@example.com", ew("Party time 🎉🥳 family: 👨‍👩‍👧", "UTF-8")),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n",
      ("Hello 👋 everyone!\n" + long_cjk + "\n" + "A very long English sentence that goes on and on " * 4 + "\n"
       + "https://example.com/" + "x" * 120 + "\n").encode())

# 13 HTML-only newsletter.
news = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Weekly</title>
<style>p { color: red; } .x { display:none }</style><script>alert("x")</script></head>
<body><div style="display:none;max-height:0">Preview text &zwnj;&nbsp;&zwnj;&nbsp;</div>
<!--[if mso]><table><tr><td>MSO only</td></tr></table><![endif]-->
<table width="100%"><tr><td><img src="https://track.example.com/open.gif" width="1" height="1">
<img src="https://cdn.example.com/logo.png" alt="Example Weekly"></td></tr>
<tr><td><h1>This   week&rsquo;s&nbsp;news</h1>
<p>Read <a href="https://example.com/a?utm=1">the first story</a> and
<a href="https://example.com/b">the second</a>.<br>New line &amp; more &lt;tags&gt;.</p>
<ol><li>One</li><li>Two<ul><li>Two-a</li></ul></li></ol>
<table><tr><th>Item</th><th>Price</th></tr><tr><td>Tea</td><td>&euro;3</td></tr></table>
<blockquote>A quoted paragraph.</blockquote>
<p><a href="javascript:alert(1)">bad link</a> <a href="mailto:help@example.com">Contact</a></p>
<pre>  code   block
    indented</pre>
<p><a href="https://example.com/unsub"><img src="x.png" alt="Unsubscribe"></a></p>
</td></tr></table></body></html>
"""
write("13-html-newsletter.eml",
      hdr(b"Example Weekly <news@example.com>", b"you@example.com", b"This week's news",
          "Sat, 7 Mar 2026 06:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n",
      qp(news.encode()))

# 14 alternative, plain first (plain chosen).
write("14-alternative-plain.eml",
      hdr(b"a@example.com", b"b@example.com", b"Alternative: plain", "Sun, 1 Mar 2026 00:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="alt"\n\n--alt\n'
      b"Content-Type: text/plain; charset=us-ascii\n\nPlain version.\n--alt\n"
      b"Content-Type: text/html; charset=us-ascii\n\n<p>HTML <b>version</b>.</p>\n--alt--\n")

# 15 alternative, empty plain (HTML chosen).
write("15-alternative-empty-plain.eml",
      hdr(b"a@example.com", b"b@example.com", b"Alternative: empty plain", "Sun, 1 Mar 2026 00:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="alt"\n\n--alt\n'
      b"Content-Type: text/plain; charset=utf-8\n\n \n\n--alt\n"
      b"Content-Type: multipart/related; boundary=rel\n\n--rel\nContent-Type: text/html; charset=utf-8\n\n"
      b'<p>Only the HTML has <a href="https://example.com/">text</a>.<img src="cid:logo" alt="logo"></p>\n'
      b"--rel\nContent-Type: image/png\nContent-ID: <logo>\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\n"
      b"iVBORw0KGgo=\n--rel--\n--alt--\n")

# 16 forward as message/rfc822, with its own alternative and attachment.
inner = (hdr(b"Original Sender <orig@example.org>", b"john@example.com", ew("Ünïcödé inner subject", "UTF-8"),
             "Thu, 5 Mar 2026 17:30:00 +0000", b"inner@example.org")
         + b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="in1"\n\n--in1\n'
           b'Content-Type: multipart/alternative; boundary="in2"\n\n--in2\nContent-Type: text/plain\n\n'
           b"Inner text.\n> inner quote\n--in2\nContent-Type: text/html\n\n<p>Inner HTML</p>\n--in2--\n"
           b"--in1\nContent-Type: application/pdf; name=report.pdf\nContent-Disposition: attachment; filename=report.pdf\n"
           b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcOkw7zDtsOfCg==\n--in1--\n")
write("16-forward-rfc822.eml",
      hdr(b"john@example.com", b"alice@example.org", b"Fwd: inner subject", "Fri, 6 Mar 2026 08:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="outer"\n\n--outer\n'
      b"Content-Type: text/plain\n\nSee the forwarded message below.\n--outer\n"
      b"Content-Type: message/rfc822\nContent-Disposition: inline\n\n", inner, b"\n--outer--\n")

# 17 RFC 2231 file names.
write("17-attachments-rfc2231.eml",
      hdr(b"hr@example.kr", b"you@example.kr", b"Documents", "Mon, 9 Mar 2026 09:00:00 +0900"),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b17"\n\n--b17\nContent-Type: text/plain\n\nFiles attached.\n'
      b"--b17\nContent-Type: application/pdf\nContent-Disposition: attachment;\n filename*=UTF-8''%ED%95%9C%EA%B8%80%20%EB%AC%B8%EC%84%9C.pdf\n"
      b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
      b"--b17\nContent-Type: application/vnd.ms-excel\nContent-Disposition: attachment;\n"
      b" filename*0*=iso-8859-1''Gr%FC%DFe%20und%20;\n filename*1*=%DCbersicht;\n filename*2=\".xls\"\n\nabc\n"
      b"--b17\nContent-Type: text/plain; name*=euc-kr''%C7%D1%B1%DB.txt\nContent-Disposition: attachment\n\n"
      b"text attachment, not shown inline\n--b17--\n")

# 18 RFC 2047 file names and hostile ones.
write("18-attachments-rfc2047-names.eml",
      hdr(b"sender@example.jp", b"you@example.jp", b"Names", "Mon, 9 Mar 2026 09:00:00 +0900"),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b18"\n\n--b18\nContent-Type: text/plain\n\nSee files.\n'
      b'--b18\nContent-Type: image/jpeg; name="' + ew("写真 2026.jpg", "UTF-8") + b'"\nContent-Transfer-Encoding: base64\n\n/9j/4AAQ\n'
      b'--b18\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="'
      + ew("보고서.hwp", "ks_c_5601-1987", "B", "cp949") + b'"\n\nHWP\n'
      b'--b18\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="../../etc/passwd"\n\nroot\n'
      b'--b18\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=".bashrc"\n\nrm -rf\n'
      b"--b18\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=C:\\Users\\x\\evil.exe\n\nMZ\n"
      b"--b18\nContent-Type: application/zip\n\nPK\n--b18--\n")

# 19 format=flowed, DelSp=yes, quoted flowed, signature.
write("19-flowed-delsp.eml",
      hdr(b"ja@example.jp", b"you@example.com", b"Flowed DelSp", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\nContent-Transfer-Encoding: 8bit\n\n",
      "これは長い段落で \n途中で折り返されて \nいます。\n\n> 引用された \n> 段落です。\n>> 二重の \n>> 引用。\n -- not a sig, stuffed\n-- \n署名\n".encode(),
      crlf=True)

# 20 format=flowed without DelSp, space-stuffed lines.
write("20-flowed.eml",
      hdr(b"tb@example.org", b"you@example.com", b"Flowed", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n",
      b"This paragraph was written as one long line and the sender's client \nwrapped it at seventy-two columns with trailing spaces so \nthat readers can reflow it.\n\n"
      b" >From the stuffed line.\nA fixed line.\n> Quoted flowed \n> text.\n")

# 21 broken: multipart without boundary parameter.
write("21-broken-no-boundary.eml",
      hdr(b"x@example.com", b"y@example.com", b"No boundary", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: multipart/mixed\n\n--zzz\nContent-Type: text/plain\n\nBody of a broken message.\n--zzz--\n")

# 22 broken: boundary declared but never used.
write("22-broken-wrong-boundary.eml",
      hdr(b"x@example.com", b"y@example.com", b"Wrong boundary", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="declared"\n\n--other\nContent-Type: text/plain\n\nThe text is still readable.\n--other--\n')

# 23 broken: bad base64 in the middle.
good = base64.b64encode(b"First part decodes fine.\n").decode()
write("23-broken-bad-base64.eml",
      hdr(b"x@example.com", b"y@example.com", b"Bad base64", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
      good.encode() + b"\n!!!@@@###\nSGVsbG8=QUJD\n====\nTm90IHNob3du\n")

# 24 broken: unknown charset, 8-bit bytes.
write("24-broken-unknown-charset.eml",
      hdr(b"x@example.com", b"y@example.com", b"=?x-unknown-cs?Q?caf=E9?= unknown", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=x-foo-bar\nContent-Transfer-Encoding: 8bit\n\n",
      "Caf\u00e9 na\u00efve \u2013 latin-1 bytes.\n".encode("cp1252"))

# 25 broken: unknown transfer encoding.
write("25-broken-unknown-cte.eml",
      hdr(b"x@example.com", b"y@example.com", b"Unknown CTE", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a.txt\n#86)C\n`\nend\n")

# 26 nesting bomb: 40 levels.
depth = 40
parts = b"".join(b'--n%d\nContent-Type: multipart/mixed; boundary="n%d"\n\n' % (i, i + 1) for i in range(depth))
parts += b"--n%d\nContent-Type: text/plain\n\ndeep text\n" % depth
parts += b"".join(b"--n%d--\n" % i for i in range(depth, -1, -1))
write("26-nesting-bomb.eml",
      hdr(b"x@example.com", b"y@example.com", b"Nesting bomb", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="n0"\n\n', parts)

# 27 many parts: 600 tiny attachments.
many = b"".join(b"--m\nContent-Type: application/octet-stream; name=f%03d.bin\n\n%03d\n" % (i, i) for i in range(600))
write("27-many-parts.eml",
      hdr(b"x@example.com", b"y@example.com", b"Many parts", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nfirst\n', many, b"--m--\n")

# 28 undeclared 8-bit headers: raw EUC-KR subject, raw Shift_JIS name, raw latin-1.
write("28-undeclared-8bit-header.eml",
      b"From: " + "홍길동".encode("euc-kr") + b" <hong@example.kr>\nTo: " + "田中".encode("shift_jis") + b" <tanaka@example.jp>\n"
      b"Cc: " + "José".encode("latin-1") + b" <jose@example.es>\nSubject: " + "회의 자료 송부 드립니다".encode("euc-kr") + b"\n"
      b"Date: Tue, 10 Mar 2026 11:00:00 +0900\nMessage-ID: <raw8@example.kr>\n\n",
      "본문은 UTF-8 입니다.\n".encode())

# 29 hostile: escape sequences everywhere.
E = b"\x1b"
write("29-hostile-escapes.eml",
      b"From: \"Evil" + E + b"]8;;https://evil.example/\x07Bank" + E + b"]8;;\x07\" <evil@example.com>\n"
      b"To: victim@example.com\nSubject: Hi" + E + b"[2J" + E + b"]52;c;cm0gLXJmIH4=\x07 there " + ew("\x1b[31mred\x1b[0m\u202eevil", "UTF-8") + b"\n"
      b"Date: Tue, 10 Mar 2026 11:00:00 +0000\nMessage-ID: <evil" + E + b"[1m@example.com>\n"
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="h"\n\n--h\nContent-Type: text/plain; charset=utf-8\n\n'
      b"CSI: " + E + b"[31mred" + E + b"[0m\nOSC 52: " + E + b"]52;c;ZWNobyBoaQ==" + E + b"\\done\n"
      b"DCS: " + E + b"P1$r0m" + E + b"\\ end\nC1 CSI: \xc2\x9b31m 8-bit\nBEL\x07 BS\x08 CR\roverwrite DEL\x7f\n"
      b"SOS/PM/APC: " + E + b"X sos " + E + b"\\ " + E + b"^ pm " + E + b"\\ " + E + b"_ apc " + E + b"\\.\n"
      b"Unterminated OSC: " + E + b"]0;title\nnext line survives\n"
      b"Bidi: abc\xe2\x80\xaetxt.exe\xe2\x80\xac \xe2\x81\xa6iso\xe2\x81\xa9 marks\xe2\x80\x8f kept\n"
      b"Raw C1 byte: \x9b and invalid \xff\xfe\n"
      b"--h\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"invoice\xe2\x80\xaefdp.exe\"\n\nMZ\n"
      b"--h\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"" + ew("a\x1b]52;c;eA==\x07b\x9b.txt", "UTF-8") + b"\"\n\nx\n"
      b"--h--\n")

# 30 hostile HTML.
write("30-hostile-html.eml",
      hdr(b"x@example.com", b"y@example.com", b"Hostile HTML", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
      b"<p>Entity ESC: &#27;[2J and &#x1b;]52;c;eA==&#7; and C1 &#x9b;31m and &#155;</p>"
      b"<p>Raw: \x1b[5m blink \x1b]8;;http://evil/\x07link\x1b]8;;\x07</p>"
      b"<a href=\"https://ok.example/\x1b[2J\">link \x1b[31m text</a> <a href=\"data:text/html,x\">data</a>"
      b"<a href=\"file:///etc/passwd\">file</a><img alt=\"\x1b]52;c;eA==\x07alt\">"
      b"<script>\x1b[2J document.write('x')</script><style>\x1b[2J</style>"
      b"<p>bidi &#x202E;gnp.exe &#x2066;x&#x2069;</p>\n")

# 31 ISO-2022-KR.
def iso2022kr(s):
    out = b"\x1b$)C"
    for line in s.split("\n"):
        shifted = False
        for ch in line:
            if ord(ch) < 128:
                if shifted:
                    out += b"\x0f"
                    shifted = False
                out += ch.encode()
            else:
                if not shifted:
                    out += b"\x0e"
                    shifted = True
                out += bytes(c & 0x7f for c in ch.encode("euc-kr"))
        if shifted:
            out += b"\x0f"
        out += b"\n"
    return out


write("31-korean-iso2022kr.eml",
      hdr(b"old@example.kr", b"you@example.kr", b"ISO-2022-KR", "Tue, 10 Mar 2026 11:00:00 +0900"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-2022-KR\nContent-Transfer-Encoding: 7bit\n\n",
      iso2022kr("옛날 메일 형식입니다 (RFC 1557).\n두 번째 줄."))

# 32 Big5 and EUC-JP parts in one message.
write("32-big5-eucjp.eml",
      hdr(ew("陳大文", "big5", "B", "big5") + b" <chan@example.hk>", b"you@example.hk", ew("繁體中文測試", "big5", "B", "big5")),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b32"\n\n--b32\nContent-Type: text/plain; charset=big5\n\n',
      "這是繁體中文的郵件。\n".encode("big5"),
      b"--b32\nContent-Type: text/plain; charset=euc-jp\n\n", "こちらはEUC-JPの部分です。\n".encode("euc-jp"),
      b"--b32--\n")

# 33 related HTML with an inline image, plus a PDF: Apple Mail style.
write("33-related-inline-image.eml",
      hdr(b"Kim <kim@example.com>", b"you@example.com", b"Photo", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="mix"\n\n--mix\n'
      b'Content-Type: multipart/alternative; boundary="alt"\n\n--alt\nContent-Type: text/plain; charset=us-ascii\n\nSee the photo.\n\n[image: photo.jpg]\n'
      b'--alt\nContent-Type: multipart/related; boundary="rel"; type="text/html"\n\n--rel\nContent-Type: text/html; charset=us-ascii\n\n'
      b'<html><body>See the photo.<br><img src="cid:p1" alt="photo.jpg"></body></html>\n'
      b"--rel\nContent-Type: image/jpeg; name=photo.jpg\nContent-Disposition: inline; filename=photo.jpg\nContent-ID: <p1>\nContent-Transfer-Encoding: base64\n\n/9j/4AAQSkZJRg==\n"
      b"--rel--\n--alt--\n--mix\nContent-Type: application/pdf; name=\"plan.pdf\"\nContent-Disposition: attachment; filename=\"plan.pdf\"\n"
      b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJeLjz9MK\n--mix--\n")

# 34 multipart/digest (parts default to message/rfc822).
write("34-digest.eml",
      hdr(b"list@example.org", b"you@example.com", b"Digest, Vol 1", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/digest; boundary="d"\n\n--d\n\n'
      b"From: a@example.org\nSubject: first post\n\nHello list.\n--d\n\nFrom: b@example.org\nSubject: second post\n\nHi!\n--d--\n")

# 35 multipart/signed with a PGP signature.
write("35-signed.eml",
      hdr(b"pgp@example.org", b"you@example.com", b"Signed", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="s"\n\n'
      b"--s\nContent-Type: text/plain; charset=utf-8\n\nSigned text.\n--s\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n\n"
      b"-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n--s--\n")

# 36 broken header: a bad key, then a line without a colon ends the header.
write("36-broken-header.eml",
      b"From: x@example.com\nBad Key: skipped\nSubject: Broken header\nDate: 10 Mar 26 11:00 GMT\n"
      b"this line has no colon and starts the body\nsecond body line\n")

# 37 broken dates and odd addresses.
write("37-odd-addresses-dates.eml",
      b"From: John Q. Public <john.q@example.com>\nTo: undisclosed-recipients:;\n"
      b"Cc: \"=?utf-8?q?M=C3=BCller=2C_Hans?=\" <hans@example.de>, plain@example.com (Plain Person), <bare@example.com>, Team: one@example.com, two@example.com;\n"
      b"Subject: Dates\nDate: Tuesday, 10-Mar-2026 11:00:00 PST\n\nBody.\n")

# 38 UTF-7.
write("38-utf7.eml",
      hdr(b"x@example.com", b"y@example.com", b"UTF-7", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-7\n\nHi Mom -+Jjo--! A+ImIDkQ. 1 +- 1 = 2\n")

# 39 no MIME at all, 8-bit latin-1 body, LF only.
write("39-no-mime-8bit.eml",
      b"From: old@example.de\nSubject: Alte Mail\nDate: Mon, 01 Jan 2001 00:00:00 +0100\n\n",
      "Schöne Grüße aus Köln.\n".encode("latin-1"))

# 40 HTML with meta charset and no MIME charset (windows-1251).
write("40-html-meta-charset.eml",
      hdr(b"ru@example.ru", b"you@example.com", ew("Привет", "koi8-r", "B", "koi8_r"), "Tue, 10 Mar 2026 11:00:00 +0300"),
      b"MIME-Version: 1.0\nContent-Type: text/html\n\n",
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body><p>Привет, мир!</p></body></html>\n'.encode("cp1251"))

# 41 Korean webmail: UTF-8 text labelled ks_c_5601-1987.
write("41-korean-utf8-labelled-ksc.eml",
      hdr(b"=?ks_c_5601-1987?B?" + base64.b64encode("최지우".encode()) + b"?= <jw@example.kr>", b"you@example.kr",
          b"=?ks_c_5601-1987?B?" + base64.b64encode("잘못 표시된 UTF-8".encode()) + b"?="),
      b"MIME-Version: 1.0\nContent-Type: text/plain; charset=ks_c_5601-1987\nContent-Transfer-Encoding: base64\n\n",
      b64("본문은 사실 UTF-8 입니다.\n".encode()), b"\n")

# 42 a bounce: multipart/report with delivery-status and the returned headers.
write("42-bounce-report.eml",
      hdr(b"Mail Delivery System <MAILER-DAEMON@mx.example.com>", b"you@example.com",
          b"Undelivered Mail Returned to Sender", "Tue, 10 Mar 2026 11:00:00 +0000"),
      b'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
      b"--r\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.com.\n\n<nobody@example.org>: host said: 550 no such user\n"
      b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\n"
      b"--r\nContent-Type: text/rfc822-headers\n\nFrom: you@example.com\nTo: nobody@example.org\nSubject: hello\n--r--\n")
