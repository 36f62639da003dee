import Foundation

/// One plain-text mail to one person, and its bytes as RFC 5322 and MIME want them: CRLF line
/// ends, 7-bit headers (RFC 2047 words for anything else), a UTF-8 body in quoted-printable.
/// Every mail carries `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058: mail programs
/// show an unsubscribe button that POSTs to the link) and `Auto-Submitted` (RFC 3834: no
/// vacation replies back to the forum).
public struct MailMessage: Sendable {
    public var from: MailSender
    public var to: MailAddress
    public var subject: String
    /// The body, in any line-break convention.
    public var text: String
    public var date: Date
    /// The one-click unsubscribe link: an absolute `https://` (or `http://`) URL.
    public var unsubscribeURL: String
    /// `<random@sender's domain>`, unique per mail.
    public var messageID: String

    public init(from: MailSender, to: MailAddress, subject: String, text: String, date: Date, unsubscribeURL: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.date = date
        self.unsubscribeURL = unsubscribeURL
        let random = (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined(separator: ".")
        messageID = "<\(random)@\(from.address.domain)>"
    }

    /// The message as sent after DATA (before SMTP's dot-stuffing), ending with CRLF.
    public func encoded() -> String {
        let sender = from.name.map { HeaderText.phrase($0) + " <\(from.address)>" } ?? from.address.value
        // Only characters a URL may hold: a bad base URL cannot open a new header from here either.
        let link = String(unsubscribeURL.unicodeScalars.filter { (0x21...0x7E).contains($0.value) && $0 != "<" && $0 != ">" })
        let headers = [
            "From: " + sender,
            "To: " + to.value,
            "Subject: " + HeaderText.unstructured(subject, nameLength: "Subject".count),
            "Date: " + Self.rfc5322(date),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "List-Unsubscribe: <\(link)>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Auto-Submitted: auto-generated",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + QuotedPrintable.encode(text) + "\r\n"
    }

    /// `Tue, 03 Jun 2025 14:05:09 +0000`, in English whatever the locale.
    static func rfc5322(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let n = n ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}
