import Foundation

/// A problem with what a user typed, named by a message-catalog key so the
/// web layer can show it in the reader's language.
public struct ValidationError: Error, Sendable, Equatable {
    public let field: String
    public let messageKey: String
    /// Fills `{name}` placeholders of the message.
    public let values: [String: String]
    public init(field: String, messageKey: String, values: [String: String] = [:]) {
        self.field = field
        self.messageKey = messageKey
        self.values = values
    }
}

public enum Rules {
    public static let usernameLength = 3...30
    public static let passwordLength = 10...128
    public static let titleLength = 5...150
    public static let bodyLength = 1...20_000

    /// NFKC-normalizes a username as typed; the display form keeps its case.
    public static func normalizeUsername(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCompatibilityMapping
    }

    /// The case-insensitive key that makes usernames unique.
    public static func usernameKey(_ raw: String) -> String {
        normalizeUsername(raw).lowercased().precomposedStringWithCompatibilityMapping
    }

    public static func validateUsername(_ username: String) -> ValidationError? {
        let name = normalizeUsername(username)
        // Lengths count Unicode scalars, as SQLite's length() does in the schema's CHECKs.
        guard usernameLength.contains(name.unicodeScalars.count) else {
            return ValidationError(field: "username", messageKey: "error_username_length")
        }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || scalar == "-" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
        }
        guard allowed else { return ValidationError(field: "username", messageKey: "error_username_chars") }
        // A combining mark left after NFKC composes with nothing (`adminx` + U+0345 looks like
        // `adminx`); the accented letters of Spanish and Mayan names are precomposed by then.
        guard !name.unicodeScalars.contains(where: isCombiningMark) else {
            return ValidationError(field: "username", messageKey: "error_username_marks")
        }
        // `аdmin` with a Cyrillic `а`: a reader cannot see which letters are which.
        guard !UsernameScript.mixesScripts(name) else {
            return ValidationError(field: "username", messageKey: "error_username_scripts")
        }
        return nil
    }

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    public static func validatePassword(_ password: String, confirmation: String?) -> ValidationError? {
        guard passwordLength.contains(password.count) else {
            return ValidationError(field: "password", messageKey: "error_password_length")
        }
        if let confirmation, confirmation != password {
            return ValidationError(field: "password_confirmation", messageKey: "error_password_mismatch")
        }
        return nil
    }

    public static func validateTitle(_ title: String) -> ValidationError? {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard titleLength.contains(trimmed.unicodeScalars.count) else { return ValidationError(field: "title", messageKey: "error_title_length") }
        return breaksLines(trimmed) ? ValidationError(field: "title", messageKey: "error_title_chars") : nil
    }

    /// A title is one line everywhere it goes: a line break inside one (LF, a lone CR, U+2028…)
    /// starts a new line in the committee's Markdown report, where `# …` or `===` under it
    /// becomes a heading. Control characters (Cc, tab included) and the line and paragraph
    /// separators (Zl, Zp) have no place in a one-line title.
    public static func breaksLines(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
    }

    public static let reasonLength = 1...500

    /// Board slugs appear in URLs: lowercase letters, digits and dashes, as the schema checks.
    public static func validateSlug(_ slug: String) -> ValidationError? {
        let valid = (2...40).contains(slug.count) && slug.first != "-"
            && slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return valid ? nil : ValidationError(field: "slug", messageKey: "error_slug")
    }

    public static func validateBoardTitle(_ title: String, field: String) -> ValidationError? {
        guard (1...80).contains(title.unicodeScalars.count) else { return ValidationError(field: field, messageKey: "error_board_title") }
        return breaksLines(title) ? ValidationError(field: field, messageKey: "error_title_chars") : nil
    }

    /// Every moderation action states why: it is published in the log.
    public static func validateReason(_ reason: String) -> ValidationError? {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        return reasonLength.contains(trimmed.unicodeScalars.count) ? nil : ValidationError(field: "reason", messageKey: "error_reason_length")
    }

    public static func validateBody(_ body: String) -> ValidationError? {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return bodyLength.contains(trimmed.count) ? nil : ValidationError(field: "body", messageKey: "error_body_length")
    }
}
