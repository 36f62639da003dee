/// An e-mail address this client will put in an envelope and a header: ASCII only (no SMTPUTF8),
/// a dot-atom local part and a domain of letters, digits and hyphens, within RFC 5321's lengths.
/// Anything else is refused, so no address can carry a CR, an LF, a space, a comma, `<` or `>`
/// into a header or an SMTP command; quoted local parts and address literals, which real
/// members do not use, are refused too.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// nil for anything that is not such an address. Surrounding spaces are not trimmed here:
    /// the form trims what a person typed, and a setting must be exact.
    public init?(_ text: String) {
        guard text.utf8.count <= 254, let at = text.lastIndex(of: "@") else { return nil }
        let local = text[..<at], domain = text[text.index(after: at)...]
        guard Self.isDotAtom(local), local.utf8.count <= 64, Self.isDomain(domain) else { return nil }
        value = text
    }

    /// Lower-cased: two spellings of one mailbox are one key (`/password/forgot` looks addresses up by it).
    public var key: String { value.lowercased() }
    public var domain: Substring { value[value.index(after: value.lastIndex(of: "@")!)...] }
    public var description: String { value }

    private static let atomCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-".utf8)

    private static let labelCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)

    private static func isDotAtom(_ text: Substring) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.utf8.allSatisfy(atomCharacters.contains)
        }
    }

    /// At least two labels (no bare host names), each 1–63 letters, digits or inner hyphens.
    private static func isDomain(_ text: Substring) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy(labelCharacters.contains)
        }
    }
}

/// The `From` of every mail: an address and, optionally, the name mail programs show for it
/// (`Foro Cabildo <foro@example.gt>`). The name may be any text but a line break.
public struct MailSender: Sendable, Equatable {
    public let address: MailAddress
    public let name: String?

    public init(address: MailAddress, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// `foro@example.gt` or `Name <foro@example.gt>`; nil for anything else.
    public init?(parsing text: String) {
        if text.hasSuffix(">"), let open = text.lastIndex(of: "<") {
            let name = text[..<open].trimmingCharacters(in: " \t\"")
            guard let address = MailAddress(String(text[text.index(after: open)..<text.index(before: text.endIndex)])),
                  !name.contains(where: \.isNewline) else { return nil }
            self.init(address: address, name: name.isEmpty ? nil : name)
        } else {
            guard let address = MailAddress(text) else { return nil }
            self.init(address: address)
        }
    }
}

private extension Substring {
    func trimmingCharacters(in characters: String) -> String {
        String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
