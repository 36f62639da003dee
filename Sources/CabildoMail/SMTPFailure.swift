/// Why a mail did not go. `transient` is worth trying again later (the server said 4xx, or could
/// not be reached, or the connection broke); `permanent` is not (5xx: no such mailbox, refused
/// sender). The summary names the step and the codes, never the server's own words, which often
/// quote the recipient's address: it goes into logs and the outbox.
public struct SMTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case transient, permanent }

    public let kind: Kind
    public let summary: String

    public init(_ kind: Kind, _ summary: String) {
        self.kind = kind
        self.summary = summary
    }

    /// A refusal of `step` (`RCPT`, `DATA`…), with the reply's code and its enhanced status
    /// code (RFC 3463, `5.1.1`) when the server gave one.
    init(step: String, reply: SMTPReply) {
        let words = reply.lines.last?.split(separator: " ", maxSplits: 1) ?? []
        let enhanced = words.first.map(String.init).flatMap { word in
            word.split(separator: ".").count == 3 && word.allSatisfy { $0.isNumber || $0 == "." } ? " " + word : nil
        } ?? ""
        self.init(reply.isTransient ? .transient : .permanent, "\(step) refused: \(reply.code)\(enhanced)")
    }

    public var description: String { summary }
}
