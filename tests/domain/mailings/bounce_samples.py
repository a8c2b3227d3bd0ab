"""Returned messages as mail servers send them (RFC 3464 DSN, RFC 5965 ARF)."""

DSN_HARD = b"""From: MAILER-DAEMON@mx.example.ru
To: okno@ulgov.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

The mail could not be delivered to <gone@example.ru>: user unknown.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.ru
Arrival-Date: Fri, 4 Dec 2026 10:00:00 +0000

Final-Recipient: rfc822; gone@example.ru
Original-Recipient: rfc822;gone@example.ru
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.ru>: Recipient address rejected

--B1
Content-Type: text/rfc822-headers

From: okno@ulgov.example
To: gone@example.ru
Subject: News

--B1--
"""

DSN_DELAYED = DSN_HARD.replace(b"Action: failed", b"Action: delayed").replace(
    b"Status: 5.1.1", b"Status: 4.4.7").replace(b"gone@", b"slow@")

ARF_COMPLAINT = b"""From: fbl@mail.example.ru
To: okno@ulgov.example
Subject: FW: News
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="B2"

--B2
Content-Type: text/plain

This is an abuse report.

--B2
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeFBL/1.0
Version: 1
Original-Mail-From: <okno@ulgov.example>
Original-Rcpt-To: <angry@example.ru>

--B2
Content-Type: message/rfc822

From: okno@ulgov.example
To: angry@example.ru
Subject: News

Text.
--B2--
"""
